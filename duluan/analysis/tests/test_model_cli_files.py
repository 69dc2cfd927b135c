"""What ``duluan train``, ``classify`` and ``evaluate`` read and write: paths, damaged inputs,
outputs whole or not at all, the rows' checks, and the texts the model is given."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.cli import main
from duluan.shared_data import shared_data_dir

FLOOD = ["Nước ngập tới đầu gối", "Ngập úng kéo dài sau mưa"]
HEALTH = ["Bệnh nhân chờ bác sĩ cả buổi", "Thiếu thuốc ở trạm y tế"]
# Two topics, twelve rows each, one after the other.
ROWS = [
    row
    for i in range(12)
    for row in ((f"{FLOOD[i % 2]}, khu phố số {i}", "flood"), (f"{HEALTH[i % 2]}, phòng khám {i}", "health"))
]
PERSONAL = [
    "Gọi 0912.345.678 hoặc 0912345678 báo đường ngập, ko ai xử lý",
    "Email nguyen.van.a@gmail.com: bệnh viện quá tải, xem https://vd.vn/bv",
    "sdt 091 234 5678, zalo 0912-345-678, phố ngập hoà vào nước thải",
]


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def model(tmp_path_factory) -> Path:
    from duluan.analysis.topic import TopicClassifier

    folder = tmp_path_factory.mktemp("model")
    texts = [t for t, _ in ROWS] + PERSONAL
    labels = [lab for _, lab in ROWS] + ["flood", "health", "flood"]
    return TopicClassifier().fit(texts, labels).save(folder / "topic.model")


def classify(model: Path, source: Path, output: Path, *options: str) -> int:
    return main(
        ["classify", "--model", str(model), str(source), "-o", str(output), "--no-progress", *options]
    )


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- paths and damaged inputs -------------------------------------------------------------------


def test_no_command_writes_over_its_input_or_into_no_folder(model, tmp_path, capsys):
    # given a labelled input and a folder that does not exist
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i}", "text": t} for i, (t, _) in enumerate(ROWS)])
    before = source.read_bytes()
    out = str(tmp_path / "out.jsonl")
    nowhere = str(tmp_path / "nowhere" / "x.jsonl")
    named_as_table = model.parent / "model.jsonl"
    named_as_table.write_bytes(model.read_bytes())
    train = ["train", "--task", "topic", "--data", str(source), "--no-progress"]
    evaluate = ["evaluate", "--model", str(model), "--data", str(source), "--no-progress"]
    cases = [
        ["classify", "--model", str(model), str(source), "-o", str(source)],
        ["classify", "--model", str(model), str(source), "-o", out, "--rejects", str(source)],
        ["classify", "--model", str(model), str(source), "-o", out, "--rejects", out],
        ["classify", "--model", str(model), str(source), "-o", nowhere],
        ["classify", "--model", str(model), str(source), "-o", out, "--rejects", nowhere],
        [*train, "-o", str(source)],
        [*train, "-o", str(tmp_path / "m.model"), "--rejects", str(source)],
        [*train, "-o", str(tmp_path / "nowhere" / "m.model")],
        [*evaluate, "--rejects", str(source)],
        [*evaluate, "--rejects", nowhere],
        # nor over the model it reads (here a model named as a table: its extension says nothing)
        ["classify", "--model", str(named_as_table), str(source), "-o", str(named_as_table)],
        ["classify", "--model", str(model), str(source), "-o", out, "--rejects", str(model)],
        [*evaluate, "--rejects", str(model)],
    ]
    model_before = model.read_bytes()
    for args in cases:
        # when a command is asked to write over its input, over its other output, or into no folder
        code = main(args)
        # then it refuses with a usage error, and the input is untouched
        assert code == 2, args
        assert source.read_bytes() == before
        assert model.read_bytes() == named_as_table.read_bytes() == model_before
    # (with analyze's messages, and nothing written)
    err = capsys.readouterr().err
    assert err.count("trùng với") == 9 and err.count("không tồn tại") == 4
    assert err.count("trùng với tệp mô hình") == 3
    assert "Lỗi đường dẫn: tệp ra" in err and "tệp mô hình" in err and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_building_a_default_model_into_a_folder_s_place_is_refused_before_training(
    tmp_path, capsys, monkeypatch
):
    from duluan.analysis import topic

    # given a folder where the model file should go, and training that must not start
    monkeypatch.setattr(topic, "build_government_topic_model", lambda **_: pytest.fail("trained"))
    for output in (tmp_path, tmp_path / "nowhere" / "topic.model"):
        # when the default model is asked for there
        code = main(["train", "--task", "topic", "--default", "-o", str(output), "--no-progress"])
        # then it is refused at once, saying why, and nothing is written
        assert code == 2
    err = capsys.readouterr().err
    assert "đó là một thư mục" in err and "không tồn tại" in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_no_command_reads_what_it_may_not_nor_writes_into_a_folder_s_place(
    model, tmp_path, capsys, monkeypatch
):
    import os

    # given an input, an output path that is a folder, and a folder this user may not write into
    # (nor read the input: as the tests may run as root, os.access says so for them)
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i}", "text": t} for i, (t, _) in enumerate(ROWS)])
    (tmp_path / "out.jsonl").mkdir()
    locked = tmp_path / "locked"
    locked.mkdir()
    unreadable = write_jsonl(tmp_path / "secret.jsonl", [{"id": "1", "text": "Phố ngập", "label": "flood"}])
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: Path(p) not in (locked, unreadable) and real_access(p, mode)
    )
    train = ["train", "--task", "topic", "--no-progress"]
    cases = {
        "a folder": [
            ["classify", "--model", str(model), str(source), "-o", str(tmp_path / "out.jsonl")],
            [*train, "--data", str(source), "-o", str(tmp_path / "out.jsonl")],
            [
                "evaluate",
                "--model",
                str(model),
                "--data",
                str(source),
                "--rejects",
                str(tmp_path / "out.jsonl"),
            ],
        ],
        "không có quyền ghi vào thư mục": [
            ["classify", "--model", str(model), str(source), "-o", str(locked / "o.jsonl")],
            [*train, "--data", str(source), "-o", str(locked / "m.model")],
        ],
        "không có quyền đọc tệp": [
            ["classify", "--model", str(model), str(unreadable), "-o", str(tmp_path / "o.jsonl")],
            [*train, "--data", str(unreadable), "-o", str(tmp_path / "m.model")],
            ["evaluate", "--model", str(model), "--data", str(unreadable)],
        ],
    }
    for why, runs in cases.items():
        for args in runs:
            # when a command is run so, then it refuses at once with a usage error saying why
            assert main(args) == 2, args
            err = capsys.readouterr().err
            said = "đó là một thư mục" if why == "a folder" else why
            assert said in err and "Lỗi đường dẫn" in err and "Traceback" not in err, (args, err)
    # nor does one read a folder, or a pipe (it would wait on it), as its input
    pipe = tmp_path / "pipe.jsonl"
    os.mkfifo(pipe)
    for odd, said in ((locked, "là một thư mục"), (pipe, "không phải tệp thường")):
        for args in (
            ["classify", "--model", str(model), str(odd), "-o", str(tmp_path / "o.jsonl")],
            [*train, "--data", str(odd), "-o", str(tmp_path / "m.model")],
            ["evaluate", "--model", str(model), "--data", str(odd)],
            ["analyze", str(odd), "-o", str(tmp_path / "o.jsonl"), "--no-progress"],
        ):
            assert main(args) == 2, args
            err = capsys.readouterr().err
            assert said in err and "Lỗi tệp vào" in err and "Traceback" not in err, (args, err)
    pipe.unlink()
    # and analyze does too (before it loads a model)
    for data, output in (
        (source, tmp_path / "out.jsonl"),
        (source, locked / "o.jsonl"),
        (unreadable, tmp_path / "o.jsonl"),
    ):
        assert main(["analyze", str(data), "-o", str(output), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.count("Lỗi đường dẫn") == 3 and "Traceback" not in err
    # and nothing was written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "locked", "out.jsonl", "secret.jsonl"]
    assert not any((tmp_path / "out.jsonl").iterdir()) and not any(locked.iterdir())


def test_a_damaged_input_is_an_input_error_and_leaves_earlier_outputs(model, tmp_path, capsys):
    # given a gzip input cut off half way, a "Parquet" file that is not one, and outputs of an
    # earlier run
    rows = [{"id": f"r{i}", "text": t, "label": lab} for i, (t, lab) in enumerate(ROWS * 20)]
    whole = gzip.compress(b"".join(json.dumps(r, ensure_ascii=False).encode() + b"\n" for r in rows))
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    fake = tmp_path / "fake.parquet"
    fake.write_bytes(b"id,text\n1,abc\n")
    out, rejects = tmp_path / "out.jsonl", tmp_path / "out.jsonl.rejects.jsonl"
    out.write_text("earlier\n")
    rejects.write_text("earlier rejects\n")
    runs = [
        ["classify", "--model", str(model), str(cut), "-o", str(out), "--workers", "1", "--batch-size", "16"],
        ["classify", "--model", str(model), str(cut), "-o", str(out), "--workers", "2", "--batch-size", "16"],
        ["classify", "--model", str(model), str(fake), "-o", str(out)],
        ["train", "--task", "topic", "--data", str(cut), "-o", str(out), "--rejects", str(rejects)],
        ["evaluate", "--model", str(model), "--data", str(cut), "--rejects", str(rejects)],
        ["evaluate", "--model", str(model), "--data", str(fake)],
    ]
    for args in runs:
        # when each command reads one of them
        code = main([*args, "--no-progress"])
        # then it fails with the input exit code and a clear message, and the earlier outputs
        # keep what they had, with nothing left beside them
        err = capsys.readouterr().err
        assert code == 2, args
        assert "Lỗi tệp vào" in err and "tệp hỏng hoặc bị cắt cụt" in err and "Traceback" not in err
        assert out.read_text() == "earlier\n" and rejects.read_text() == "earlier rejects\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "cut.jsonl.gz",
            "fake.parquet",
            "out.jsonl",
            "out.jsonl.rejects.jsonl",
        ]


def test_a_classify_run_that_fails_half_way_leaves_the_earlier_output(model, tmp_path, monkeypatch):
    from duluan.commands import classify as command

    # given an output of an earlier run, and a model that fails on the third batch
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": f"r{i}", "text": t} for i, (t, _) in enumerate(ROWS)])
    out = tmp_path / "out.csv"
    out.write_text("earlier\n")
    calls = []
    real = command.classify_texts

    def failing(texts, model_path, explain):
        calls.append(len(texts))
        if len(calls) == 3:
            raise RuntimeError("model broke")
        return real(texts, model_path, explain)

    monkeypatch.setattr(command, "classify_texts", failing)
    # when the file is classified in batches of 4 in this process
    with pytest.raises(RuntimeError, match="model broke"):
        classify(model, source, out, "--workers", "1", "--batch-size", "4")
    # then the output keeps what it had, and neither a rejects file nor a temporary file is left
    assert out.read_text() == "earlier\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.csv"]


# -- the rows' checks ---------------------------------------------------------------------------


def test_classify_checks_rows_as_analyze_does(model, tmp_path):
    # given rows with an id twice, an empty id, no id, a text over 1 MB, an empty text, a text
    # that is a list, and a column classify does not read; and a text typed in the ".VnTime"
    # fonts, with its own id and again with the first row's
    typed = "Phè l¹i ngËp s©u sau m­a, d©n ®Ò nghÞ n¹o vÐt cèng"
    rows = [
        {"id": "a", "text": "Phố lại ngập sau mưa"},
        {"id": "b", "text": "Bệnh viện đông bệnh nhân", "nguon": "zalo"},
        {"id": "a", "text": "Mã trùng với dòng đầu"},
        {"id": "", "text": "Không có mã"},
        {"text": "Thiếu hẳn cột mã"},
        {"id": "big", "text": "ngập " * 250_000},
        {"id": "empty", "text": "   "},
        {"id": "list", "text": ["ngập", "phố"]},
        {"id": 7.0, "text": "Mã là số"},
        {"id": "vn3", "text": typed},
        {"id": "a", "text": typed},
    ]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    for workers in ("1", "2"):
        out = tmp_path / f"out{workers}.jsonl"
        # when it is classified, in one process and by workers reading the lines
        assert classify(model, source, out, "--workers", workers, "--batch-size", "2") == 0
        # then the good rows are written once each, and the others rejected with analyze's reasons
        assert [r["id"] for r in read_jsonl(out)] == ["a", "b", "7", "vn3"]
        rejects = read_jsonl(Path(f"{out}.rejects.jsonl"))
        assert [(r["row"], r["id"], r["reason"], r["severity"]) for r in rejects] == [
            (2, "b", "unknown_columns", "warning"),
            (3, "a", "duplicate_id", "error"),
            (4, None, "missing_id", "error"),
            (5, None, "missing_id", "error"),
            (6, "big", "too_large", "error"),
            (7, "empty", "empty_text", "error"),
            (8, "list", "bad_value", "error"),
            (10, "vn3", "legacy_fonts", "warning"),  # converted, and labelled
            (11, "a", "duplicate_id", "error"),  # a row left out is not converted
        ]
        assert "nguon" in rejects[0]["message"]
    assert (tmp_path / "out1.jsonl").read_bytes() == (tmp_path / "out2.jsonl").read_bytes()


def test_classify_names_rows_by_number_only_in_a_file_without_ids(model, tmp_path, capsys):
    # given a CSV and a JSONL file of texts alone, and a file whose id column is named otherwise
    texts = [t for t, _ in ROWS[:5]]
    pd.DataFrame({"text": texts}).to_csv(tmp_path / "texts.csv", index=False)
    write_jsonl(tmp_path / "texts.jsonl", [{"text": t} for t in texts])
    write_jsonl(tmp_path / "ma.jsonl", [{"ma": f"m{i}", "text": t} for i, t in enumerate(texts)])
    # when they are classified without --id-field, and the last also with --id-field id and ma
    for name in ("texts.csv", "texts.jsonl"):
        assert classify(model, tmp_path / name, tmp_path / f"{name}.out.jsonl") == 0
    assert classify(model, tmp_path / "ma.jsonl", tmp_path / "ma.out.jsonl") == 0
    assert classify(model, tmp_path / "ma.jsonl", tmp_path / "ma-id.out.jsonl", "--id-field", "id") == 0
    assert classify(model, tmp_path / "ma.jsonl", tmp_path / "ma-ma.out.jsonl", "--id-field", "ma") == 0
    # then a file without ids has its rows named by their number, a file with them their ids,
    # and a named id column that the rows lack rejects them all
    assert [r["id"] for r in read_jsonl(tmp_path / "texts.csv.out.jsonl")] == ["1", "2", "3", "4", "5"]
    assert [r["id"] for r in read_jsonl(tmp_path / "texts.jsonl.out.jsonl")] == ["1", "2", "3", "4", "5"]
    assert [r["id"] for r in read_jsonl(tmp_path / "ma.out.jsonl")] == ["1", "2", "3", "4", "5"]
    warned = read_jsonl(tmp_path / "ma.out.jsonl.rejects.jsonl")
    assert [(w["reason"], w["severity"]) for w in warned] == [("unknown_columns", "warning")]
    assert read_jsonl(tmp_path / "ma-id.out.jsonl") == []
    missing = read_jsonl(tmp_path / "ma-id.out.jsonl.rejects.jsonl")
    assert [r["reason"] for r in missing if r["severity"] == "error"] == ["missing_id"] * 5
    assert [r["id"] for r in read_jsonl(tmp_path / "ma-ma.out.jsonl")] == [f"m{i}" for i in range(5)]
    assert "5 dòng bị loại (missing_id: 5), 1 cảnh báo (unknown_columns: 1)" in capsys.readouterr().out


def test_classify_rejects_a_json_line_without_its_id_where_the_others_have_theirs(model, tmp_path):
    # given JSON lines with ids but the first, and the same rows as CSV with its id left empty
    texts = [t for t, _ in ROWS[:4]]
    rows = [{"text": texts[0]}, *({"id": f"x{i}", "text": t} for i, t in enumerate(texts) if i)]
    write_jsonl(tmp_path / "first.jsonl", rows)
    pd.DataFrame({"id": ["", "x1", "x2", "x3"], "text": texts}).to_csv(tmp_path / "first.csv", index=False)
    # when they are classified without --id-field
    for name in ("first.jsonl", "first.csv"):
        assert classify(model, tmp_path / name, tmp_path / f"{name}.out.jsonl") == 0
        # then the other rows keep their ids, and the first is rejected for its missing id
        assert [r["id"] for r in read_jsonl(tmp_path / f"{name}.out.jsonl")] == ["x1", "x2", "x3"]
        rejects = read_jsonl(tmp_path / f"{name}.out.jsonl.rejects.jsonl")
        assert [(r["row"], r["reason"]) for r in rejects] == [(1, "missing_id")]


def test_train_and_evaluate_reject_texts_over_a_megabyte(model, tmp_path, capsys):
    # given labelled rows, one of them with a text over 1 MB
    rows = [{"text": t, "label": lab} for t, lab in ROWS]
    rows.insert(3, {"text": "ngập " * 250_000, "label": "flood"})
    data = write_jsonl(tmp_path / "data.jsonl", rows)
    # when a model is trained and evaluated on them, writing the rejects
    rejects = tmp_path / "rejects.jsonl"
    train = ["train", "--task", "topic", "--data", str(data), "-o", str(tmp_path / "m.model")]
    assert main([*train, "--rejects", str(rejects), "--no-progress"]) == 0
    trained = read_jsonl(rejects)
    args = ["evaluate", "--model", str(tmp_path / "m.model"), "--data", str(data)]
    assert main([*args, "--rejects", str(rejects), "--no-progress"]) == 0
    # then both leave that row out as analyze does, named by its row number
    assert [(r["row"], r["reason"]) for r in trained] == [(4, "too_large")]
    assert read_jsonl(rejects) == trained
    assert "Số dòng: 24" in capsys.readouterr().out


# -- evaluate's rejects and labels --------------------------------------------------------------


def test_evaluate_writes_no_rejects_file_unless_asked(model, tmp_path, capsys):
    # given a labelled file with a row without text and one without label, in a read-only folder
    folder = tmp_path / "shared"
    folder.mkdir()
    rows = [{"text": t, "label": lab} for t, lab in ROWS[:8]] + [{"label": "flood"}, {"text": "Phố ngập"}]
    data = write_jsonl(folder / "eval.jsonl", rows)
    folder.chmod(0o555)
    try:
        # when the model is evaluated on it
        code = main(["evaluate", "--model", str(model), "--data", str(data), "--no-progress"])
    finally:
        folder.chmod(0o755)
    captured = capsys.readouterr()
    # then it is scored, nothing is written beside the data, and the rejected rows are counted
    # by reason on stderr
    assert code == 0 and "Số dòng: 8" in captured.out
    assert sorted(p.name for p in folder.iterdir()) == ["eval.jsonl"]
    assert "2 dòng bị loại (missing_text: 1, missing_label: 1)" in captured.err
    assert " — xem " not in captured.err


def test_evaluate_without_any_label_is_an_input_error(model, tmp_path, capsys):
    # given labelled data, evaluated with the wrong label column
    data = write_jsonl(tmp_path / "eval.jsonl", [{"text": t, "label": lab} for t, lab in ROWS[:8]])
    # when the model is evaluated on it
    code = main(["evaluate", "--model", str(model), "--data", str(data), "--label-field", "topic"])
    captured = capsys.readouterr()
    # then the command fails with the input exit code and says which column had no label,
    # instead of printing figures of nothing
    assert code == 2
    assert (
        "Không dòng nào" in captured.err and "(cột topic)" in captured.err and "--label-field" in captured.err
    )
    assert "accuracy" not in captured.out


def test_a_text_column_named_otherwise_gets_a_hint_to_name_it(model, tmp_path, capsys):
    # given labelled rows whose text is in a column "noi_dung", and rows with a "text" column
    # whose every third text is null
    data = write_jsonl(tmp_path / "d.jsonl", [{"noi_dung": t, "label": lab} for t, lab in ROWS[:8]])
    some = write_jsonl(
        tmp_path / "s.jsonl",
        [{"text": t if i % 3 else None, "label": lab} for i, (t, lab) in enumerate(ROWS)],
    )
    hint = "Cột có tên khác? Hãy chỉ tên cột bằng --text-field."
    # when each command reads the first without --text-field
    runs = {
        "train": main(["train", "--task", "topic", "--data", str(data), "-o", str(tmp_path / "m.model")]),
        "evaluate": main(["evaluate", "--model", str(model), "--data", str(data)]),
        "classify": classify(model, data, tmp_path / "out.jsonl"),
    }
    captured = capsys.readouterr()
    # then each names the option that would read it (train and evaluate fail, as no row is left)
    assert runs == {"train": 2, "evaluate": 2, "classify": 0}
    assert (captured.out + captured.err).count(hint) == 3
    # and where rows were read, a few missing texts get no such hint
    assert main(["train", "--task", "topic", "--data", str(some), "-o", str(tmp_path / "n.model")]) == 0
    captured = capsys.readouterr()
    assert "missing_text" in captured.out and hint not in captured.out + captured.err


def test_train_prints_the_labels_it_found_with_their_counts(tmp_path, capsys):
    # given training rows with a stray label "5"
    rows = [{"text": t, "label": lab} for t, lab in ROWS] + [{"text": "Phố ngập nặng", "label": 5}]
    data = write_jsonl(tmp_path / "train.jsonl", rows)
    # when a model is trained on them
    code = main(
        ["train", "--task", "topic", "--data", str(data), "-o", str(tmp_path / "m.model"), "--no-progress"]
    )
    # then every label is shown with its count, most frequent first, on stderr
    assert code == 0
    assert "Nhãn (3): flood 12, health 12, 5 1" in capsys.readouterr().err


def test_train_and_evaluate_reject_labels_no_class_is_named_by(model, tmp_path, capsys):
    # given training rows, and rows whose label is true, a list, an object, a fraction or NaN,
    # and one whose label 2.0 is a whole number from a column of numbers
    odd = [True, ["flood"], {"x": "flood"}, 1.5, float("nan")]
    rows = [{"text": t, "label": lab} for t, lab in ROWS]
    rows += [{"text": "Phố ngập nặng", "label": lab} for lab in odd] + [{"text": "Phố ngập", "label": 2.0}]
    data = write_jsonl(tmp_path / "train.jsonl", rows)
    rejects = tmp_path / "rejects.jsonl"
    # when a model is trained on them, and evaluated on them
    train = ["train", "--task", "topic", "--data", str(data), "-o", str(tmp_path / "m.model")]
    assert main([*train, "--rejects", str(rejects), "--no-progress"]) == 0
    trained = read_jsonl(rejects)
    assert main(["evaluate", "--model", str(model), "--data", str(data), "--rejects", str(rejects)]) == 0
    evaluated = read_jsonl(rejects)
    # then each odd label is rejected with its reason (NaN: a missing one), and none is a class
    expected = [(len(ROWS) + 1 + k, r) for k, r in enumerate(["bad_label"] * 4 + ["missing_label"])]
    assert [(r["row"], r["reason"]) for r in trained] == expected
    assert [(r["row"], r["reason"]) for r in evaluated] == expected
    assert "cột label" in trained[0]["message"]
    assert "Nhãn (3): flood 12, health 12, 2 1" in capsys.readouterr().err


def test_a_label_spelt_in_several_ways_is_one_class_and_one_that_is_no_name_is_refused(
    model, tmp_path, capsys
):
    import unicodedata

    # given training rows whose label "flood" comes decomposed, with a no-break or a double space
    # or a zero-width character, one broken over two lines, and labels that hold a NUL or are too
    # long to be a name
    spellings = ["Lũ lụt", unicodedata.normalize("NFD", "Lũ lụt"), "Lũ\u00a0lụt", "Lũ  lụt", "\u200bLũ lụt "]
    rows = [
        {"text": t, "label": spellings[i % 5] if lab == "flood" else lab} for i, (t, lab) in enumerate(ROWS)
    ]
    rows += [{"text": "Phố ngập", "label": "Lũ\nlụt"}, {"text": "Phố ngập", "label": "Lũ\x00lụt"}]
    rows += [{"text": "Phố ngập", "label": "x" * 201}]
    data = write_jsonl(tmp_path / "train.jsonl", rows)
    rejects = tmp_path / "rejects.jsonl"
    # when a model is trained on them
    assert main(["train", "--task", "topic", "--data", str(data), "-o", str(tmp_path / "m.model"),
                 "--rejects", str(rejects), "--no-progress"]) == 0  # fmt: skip
    # then the spellings are one class, and the two others are refused as no label
    assert "Nhãn (2): Lũ lụt 13, health 12" in capsys.readouterr().err
    assert [r["reason"] for r in read_jsonl(rejects)] == ["bad_label", "bad_label"]


def test_train_shows_the_stages_of_learning_on_stderr(tmp_path, capsys):
    import threading

    # given training rows
    data = write_jsonl(
        tmp_path / "train.jsonl", [{"id": str(i), "text": t, "label": lab} for i, (t, lab) in enumerate(ROWS)]
    )
    # when a model is trained with the progress shown, and another without
    shown = main(["train", "--task", "topic", "--data", str(data), "-o", str(tmp_path / "a.model")])
    err = capsys.readouterr().err
    quiet = main(
        ["train", "--task", "topic", "--data", str(data), "-o", str(tmp_path / "b.model"), "--no-progress"]
    )
    # then the first names each stage as it starts, counted, and ends with all counted; the
    # second shows none; and no thread of the bar is left running
    assert shown == quiet == 0
    assert "Huấn luyện: đếm n-gram  0/2 [" in err and "Huấn luyện: học trọng số  1/2 [" in err
    assert "Huấn luyện  2/2 [" in err
    assert "Huấn luyện:" not in capsys.readouterr().err
    assert not [t for t in threading.enumerate() if t.name == "fit-progress"]


# -- what the model reads -----------------------------------------------------------------------


def test_classify_labels_a_text_as_analyze_does_and_explains_without_personal_data(model, tmp_path):
    from duluan.analysis.pipeline import Document, NormaliseStep, TopicStep
    from duluan.analysis.topic import TopicClassifier

    # given texts with phone numbers, e-mail addresses, a URL, chat spellings and old tones
    texts = PERSONAL + [t for t, _ in ROWS[:4]]
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": str(i), "text": t} for i, t in enumerate(texts)])
    out = tmp_path / "out.jsonl"
    # when they are classified with terms, and go through analyze's normalise and topic steps
    assert classify(model, source, out, "--explain") == 0
    docs = [Document(id=str(i), text=t) for i, t in enumerate(texts)]
    TopicStep(TopicClassifier.load(model))(NormaliseStep()(docs))
    # then both give each text the same label and score, and the same terms, none of them a
    # piece of a phone number or an address
    written = read_jsonl(out)
    assert [(w["label"], w["score"]) for w in written] == [
        (d.topic["label"], round(d.topic["score"], 4)) for d in docs
    ]
    assert [w["terms"] for w in written] == [d.topic["terms"] for d in docs]
    terms = " ".join(t for w in written for t in w["terms"])
    for piece in ("0912", "345", "678", "nguyen", "gmail", "vd.vn", "https"):
        assert piece not in terms


def test_train_and_evaluate_give_the_model_the_normalised_texts(tmp_path, monkeypatch):
    from duluan.analysis.linear_text import LinearTextClassifier
    from duluan.analysis.normalise import normalise

    # given labelled rows with personal data, and a model that notes the texts it is given
    rows = [{"text": t, "label": lab} for t, lab in ROWS] + [{"text": t, "label": "flood"} for t in PERSONAL]
    data = write_jsonl(tmp_path / "data.jsonl", rows)
    fitted, predicted = [], []
    fit, predict_labels = LinearTextClassifier.fit, LinearTextClassifier.predict_labels
    monkeypatch.setattr(
        LinearTextClassifier,
        "fit",
        lambda self, texts, *a, **k: fitted.extend(texts) or fit(self, texts, *a, **k),
    )

    def noting(self, batch):
        predicted.extend(batch.texts)
        return predict_labels(self, batch)

    monkeypatch.setattr(LinearTextClassifier, "predict_labels", noting)
    # when a model is trained and evaluated on them
    model = tmp_path / "m.model"
    assert main(["train", "--task", "topic", "--data", str(data), "-o", str(model), "--no-progress"]) == 0
    assert main(["evaluate", "--model", str(model), "--data", str(data), "--no-progress"]) == 0
    # then both gave the model the texts as analyze normalises them: no phone number nor address
    expected = [normalise(r["text"]).text for r in rows]
    assert fitted == expected and predicted == expected
    assert all("0912" not in t and "@" not in t for t in fitted)
    assert "<phone>" in fitted[-3] and "<email>" in fitted[-2] and "<url>" in fitted[-2]


# -- chat forms found by the scoring loops --------------------------------------------------------

# Chat forms ("ko", "k", "đc"), both tone placements in both cases, a phone number, a long number
# that is none, an e-mail address, a URL, "_", "İ", "Σ", a zero-width space, a decomposed tone
# mark, a letter beyond the Basic Multilingual Plane, an emoji and the batch separator.
_AWKWARD = [
    "ko", "k", "đc", "Ko", "hoà", "hòa", "HOÀ", "thuý", "khoẻ", "hòang", "quý", "0912345678",
    "1.500.000", "a@b.vn", "https://vd.vn/x", "www.vd.vn", "a_b", "İ", "Σας", "\u200b", "o\u0300a",
    "𝐀", "😀", "\x00", "ngập", "dân", " ", ",", "\n",
]  # fmt: skip


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    # A model of four topics (those of three or fewer keep their weights packed for numpy), saved
    # and loaded mapped, as classify loads it.
    from duluan.analysis.topic import TopicClassifier

    texts = [t for t, _ in ROWS] + PERSONAL + _AWKWARD
    labels = [str(i % 4) for i in range(len(texts))]
    path = TopicClassifier(min_count=1).fit(texts, labels).save(tmp_path_factory.mktemp("m") / "t.model")
    clf = TopicClassifier.load(path, mapped=True)
    assert clf.load_compiled()
    return clf


def _same_labels(clf, texts: list[str]) -> None:
    from duluan.commands._labelled_rows import model_labels, model_texts

    expected = clf.predict_labels(model_texts(texts), compiled=True)
    got = model_labels(clf, texts)
    assert got[0].tolist() == expected[0].tolist()
    assert got[1].tolist() == expected[1].tolist()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_AWKWARD), max_size=12).map(" ".join), min_size=1, max_size=8))
def test_chat_forms_expanded_after_the_rest_of_normalising_give_the_normalised_texts(texts):
    # given texts normalised all but their chat forms
    from duluan.analysis.normalise import chat_form_table, expand_chat_forms, normalise_texts

    unexpanded = normalise_texts(texts, expand_chat=False)
    # then expanding them gives the normalised texts, and the loops have a table to mark forms by
    assert expand_chat_forms(unexpanded) == normalise_texts(texts)
    assert chat_form_table() is not None


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_AWKWARD), max_size=12).map(" ".join), min_size=1, max_size=8))
def test_labels_of_texts_whose_chat_forms_the_loops_find_are_those_of_the_normalised_texts(loaded, texts):
    # given texts of chat forms, tones placed either way, personal data and odd characters
    # when they are labelled with their chat forms found by the scoring loops
    # then labels and scores are those of the texts all normalised
    _same_labels(loaded, texts)


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_real_articles_and_news_leads_get_the_same_labels_with_chat_forms_found_by_the_loops(loaded):
    # given 1,500 VNTC articles and 3,000 TC201805 news leads as they are in the corpora
    texts = []
    for corpus, rows in (("vntc", 1500), ("tc201805", 3000)):
        with gzip.open(shared_data_dir() / corpus / "train.jsonl.gz", "rt", encoding="utf-8") as fh:
            texts += [json.loads(line)["text"] for line in itertools.islice(fh, rows)]
    # then every one gets the labels and scores of the texts all normalised
    for start in range(0, len(texts), 2048):
        _same_labels(loaded, texts[start : start + 2048])


def test_evaluate_s_macro_f1_is_the_mean_of_its_table_s_f1_column():
    from sklearn.metrics import f1_score

    from duluan.commands.evaluate import evaluation_report

    # given a file of two labels and a model that also gives a third
    truth = ["flood"] * 6 + ["health"] * 4
    predicted = ["flood"] * 4 + ["roads"] * 2 + ["health"] * 3 + ["flood"]
    # when scored
    report = evaluation_report(truth, predicted)
    # then macro-F1 is the mean of the per-class F1 it prints, as scikit-learn's default averages
    column = [c["f1"] for c in report["classes"].values()]
    assert sorted(report["classes"]) == ["flood", "health", "roads"]
    assert (
        report["macro_f1"]
        == pytest.approx(sum(column) / 3)
        == pytest.approx(f1_score(truth, predicted, average="macro"))
    )
    assert report["macro_f1"] < report["accuracy"]


def test_training_on_a_column_that_is_no_label_is_refused_before_learning(tmp_path, capsys):
    # given rows whose chosen "labels" are their ids, and rows of 101 labels of three rows each
    by_id = write_jsonl(
        tmp_path / "ids.jsonl", [{"id": f"r{i}", "text": t, "label": lab} for i, (t, lab) in enumerate(ROWS)]
    )
    many = write_jsonl(
        tmp_path / "many.jsonl", [{"text": f"văn bản {i}", "label": f"L{i % 101}"} for i in range(303)]
    )
    # when a model is trained on each
    train = ["train", "--task", "topic", "--no-progress", "--data"]
    codes = [
        main([*train, str(by_id), "--label-field", "id", "-o", str(tmp_path / "a.model")]),
        main([*train, str(many), "-o", str(tmp_path / "b.model")]),
    ]
    # then both are refused as usage errors naming the count, and no model is written
    err = capsys.readouterr().err
    assert codes == [2, 2] and "24 nhãn cho 24 dòng" in err and "101 nhãn cho 303 dòng" in err
    assert "--label-field id" in err and not list(tmp_path.glob("*.model"))


def test_terms_written_to_parquet_keep_their_type_when_the_first_batch_has_none(model, tmp_path):
    import pyarrow.parquet as pq

    # given a text without words first, then one with, in batches of one
    source = write_jsonl(
        tmp_path / "in.jsonl", [{"id": "1", "text": "👍👍"}, {"id": "2", "text": ROWS[0][0]}]
    )
    out = tmp_path / "out.parquet"
    # when classified with the terms into Parquet
    assert classify(model, source, out, "--explain", "--batch-size", "1") == 0
    # then the terms are a list of texts, empty for the first and not for the second
    table = pq.read_table(out)
    assert str(table.schema.field("terms").type) == "list<element: string>"
    assert [len(t) > 0 for t in table.column("terms").to_pylist()] == [False, True]


def test_evaluate_labels_a_batch_at_a_time_and_reports_as_if_all_at_once(
    model, tmp_path, capsys, monkeypatch
):
    from duluan.commands import evaluate

    # given labelled rows, some of them bad
    rows = [{"id": f"r{i}", "text": t, "label": lab} for i, (t, lab) in enumerate(ROWS)] + [
        {"id": "x", "text": ""}
    ]
    data = write_jsonl(tmp_path / "data.jsonl", rows)
    # when evaluated in batches of five rows, and in one batch
    seen, read = [], []
    original, reader = evaluate.model_input, evaluate.read_labelled_rows

    def counted(*args, **kwargs):
        for item in reader(*args, **kwargs):
            read.append(item)
            yield item

    def labelled(texts, m):
        seen.append((len(texts), len(read)))
        return original(texts, m)

    monkeypatch.setattr(evaluate, "read_labelled_rows", counted)
    monkeypatch.setattr(evaluate, "model_input", labelled)
    monkeypatch.setattr(evaluate, "_BATCH", 5)
    assert main(["evaluate", "--model", str(model), "--data", str(data), "--json", "--no-progress"]) == 0
    batched = capsys.readouterr().out
    monkeypatch.setattr(evaluate, "_BATCH", 10_000)
    assert main(["evaluate", "--model", str(model), "--data", str(data), "--json", "--no-progress"]) == 0
    # then each batch was labelled as soon as it was read (not once every row was held), and the
    # report is the same
    assert seen[:2] == [(5, 5), (5, 10)] and sum(n for n, _ in seen[:5]) == len(ROWS)
    assert batched == capsys.readouterr().out and json.loads(batched)["rows"] == len(ROWS)
