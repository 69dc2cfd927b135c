"""``duluan train``, ``classify``, ``evaluate`` and ``models`` from the command line."""

from __future__ import annotations

import gzip
import itertools
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from duluan.analysis.model_io import FORMAT_VERSION
from duluan.cli import main
from duluan.shared_data import shared_data_dir

ROWS = [
    ("Đường ngập sâu sau mưa lớn, cống thoát nước bị tắc", "flood"),
    ("Mưa lớn làm ngập nhiều tuyến phố, nước tràn vào nhà", "flood"),
    ("Cống thoát nước tắc khiến khu dân cư ngập úng", "flood"),
    ("Phố ngập nửa mét sau trận mưa chiều qua", "flood"),
    ("Bệnh viện huyện quá tải, bệnh nhân nằm ghép", "health"),
    ("Trạm y tế xã thiếu thuốc điều trị cho người bệnh", "health"),
    ("Bác sĩ bệnh viện tỉnh tận tình cứu bệnh nhân", "health"),
    ("Người bệnh chờ khám cả buổi ở bệnh viện", "health"),
] * 3


def write_training_file(path):
    with open(path, "w", encoding="utf-8") as fh:
        for i, (text, label) in enumerate(ROWS):
            fh.write(json.dumps({"id": f"r{i}", "noi_dung": text, "nhan": label}, ensure_ascii=False) + "\n")
        fh.write("{not json\n")
        fh.write(json.dumps({"id": "no-label", "noi_dung": "Ngập phố"}, ensure_ascii=False) + "\n")
        fh.write('{"id": "deep", "noi_dung": ' + "[" * 5000 + "]" * 5000 + "}\n")
        fh.write(json.dumps({"id": "empty", "noi_dung": "  ", "nhan": "flood"}) + "\n")


@pytest.fixture
def model(tmp_path):
    data = tmp_path / "train.jsonl"
    write_training_file(data)
    path = tmp_path / "models" / "topic.model"
    path.parent.mkdir()
    code = main(
        ["train", "--task", "topic", "--data", str(data), "--text-field", "noi_dung", "--label-field", "nhan",
         "-o", str(path), "--no-progress"]
    )  # fmt: skip
    assert code == 0
    return path


def test_train_skips_bad_rows_and_says_why(model, capsys):
    # given a training file with a broken line, a row without label and an empty text (fixture)
    rejects = [json.loads(line) for line in open(f"{model}.rejects.jsonl", encoding="utf-8")]
    # then the model was written and each bad row is in the rejects file with its reason
    assert model.exists()
    assert [r["reason"] for r in rejects] == ["bad_json", "missing_label", "bad_json", "empty_text"]
    assert rejects[1]["id"] == "no-label" and "nhan" in rejects[1]["message"]
    assert "lồng nhau quá sâu" in rejects[2]["message"]
    assert (rejects[3]["id"], rejects[3]["message"]) == ("empty", "Nội dung (noi_dung) trống.")


def test_train_learns_accent_free_copies_when_asked(tmp_path):
    from duluan.analysis.model_io import load_model

    # given the training file
    data = tmp_path / "train.jsonl"
    write_training_file(data)
    paths = {flag: tmp_path / f"{flag or 'plain'}.model" for flag in ("--accent-free-copies", None)}
    # when a model is trained with the flag and one without
    for flag, path in paths.items():
        args = ["train", "--task", "topic", "--data", str(data), "--text-field", "noi_dung", "--label-field",
                "nhan", "-o", str(path), "--no-progress", *([flag] if flag else [])]  # fmt: skip
        assert main(args) == 0
    copies, plain = (load_model(p) for p in paths.values())
    # then only the first learnt them, and it reads a complaint typed without diacritics
    assert copies.accent_free_copies and not plain.accent_free_copies
    assert copies.predict(["Pho ngap sau mua, cong tac"])[0].label == "flood"


def test_train_reads_the_layout_of_topic_texts_unless_told_not_to(tmp_path):
    from duluan.analysis.model_io import load_model

    data = tmp_path / "train.jsonl"
    write_training_file(data)
    paths = {flag: tmp_path / f"{flag or 'plain'}.model" for flag in ("--no-layout", "--layout", None)}
    for flag, path in paths.items():
        args = ["train", "--task", "topic", "--data", str(data), "--text-field", "noi_dung", "--label-field",
                "nhan", "-o", str(path), "--no-progress", *([flag] if flag else [])]  # fmt: skip
        assert main(args) == 0
    without, with_flag, default = (load_model(p) for p in paths.values())
    assert without.layout_coef_ is None and without.layout_weight == 0.0
    assert with_flag.layout_coef_ is not None and default.layout_weight == with_flag.layout_weight == 0.05
    from duluan.analysis.model_io import read_model_info

    assert [read_model_info(p).metadata["layout_weight"] for p in paths.values()] == [0.0, 0.05, 0.05]
    assert {read_model_info(p).metadata["nb_svm_C"] for p in paths.values()} == {0.0}


def test_train_fits_an_nb_svm_part_when_told_and_refuses_a_negative_C(tmp_path, capsys):
    from duluan.analysis.model_io import load_model, read_model_info

    data = tmp_path / "train.jsonl"
    write_training_file(data)
    paths = {value: tmp_path / f"nb-{value}.model" for value in ("0.5", None)}
    for value, path in paths.items():
        told = ["--nb-svm-C", value] if value else []
        args = ["train", "--task", "topic", "--data", str(data), "--text-field", "noi_dung", "--label-field",
                "nhan", "-o", str(path), "--no-progress", *told]  # fmt: skip
        assert main(args) == 0
    told, default = (load_model(p) for p in paths.values())
    assert (told.nb_svm_C, default.nb_svm_C) == (0.5, 0.0)
    assert read_model_info(paths["0.5"]).metadata["nb_svm_C"] == 0.5
    assert not np.allclose(told.coef_, default.coef_)
    with pytest.raises(SystemExit) as refused:
        main(
            [
                "train",
                "--task",
                "topic",
                "--data",
                str(data),
                "-o",
                str(tmp_path / "x.model"),
                "--nb-svm-C",
                "-1",
            ]
        )
    assert refused.value.code == 2 and "không âm" in capsys.readouterr().err
    assert not (tmp_path / "x.model").exists()


def test_a_trained_sentiment_model_records_its_nb_svm_part(tmp_path):
    from duluan.analysis.model_io import read_model_info

    data = tmp_path / "train.jsonl"
    rows = [("rất hài lòng, cán bộ nhiệt tình", "positive"), ("chờ mãi không ai giải quyết", "negative")] * 6
    data.write_text(
        "".join(json.dumps({"text": t, "label": lab}, ensure_ascii=False) + "\n" for t, lab in rows)
    )
    path = tmp_path / "sentiment.model"
    assert main(["train", "--task", "sentiment", "--data", str(data), "-o", str(path), "--no-progress"]) == 0
    assert read_model_info(path).metadata["nb_svm_C"] == 0.3


def test_a_sentiment_model_learns_only_moods_with_negative_among_them(tmp_path, capsys):
    # given feedback labelled 0/1/2, and labelled positive/neutral only
    rows = [
        ("rất hài lòng, cán bộ nhiệt tình", "2"),
        ("chờ mãi không ai giải quyết", "0"),
        ("bình thường", "1"),
    ]
    numbered = tmp_path / "numbered.jsonl"
    numbered.write_text("".join(json.dumps({"text": t, "label": lab}) + "\n" for t, lab in rows * 4))
    calm = tmp_path / "calm.jsonl"
    calm.write_text("".join(json.dumps({"text": t, "label": lab}) + "\n" for t, lab in
                            [("rất hài lòng", "positive"), ("bình thường", "neutral")] * 4))  # fmt: skip
    # when a sentiment model is trained on each
    for data, said in ((numbered, "nhãn khác: 0, 1, 2"), (calm, "không nhãn negative")):
        path = tmp_path / f"{data.stem}.model"
        code = main(["train", "--task", "sentiment", "--data", str(data), "-o", str(path), "--no-progress"])
        # then it is refused, saying what the file has and which labels it needs, and no model is written
        err = capsys.readouterr().err
        assert code == 2 and said in err and "negative, neutral, positive" in err
        assert not path.exists()
    # while a topic model learns any labels
    path = tmp_path / "numbered-topic.model"
    assert main(["train", "--task", "topic", "--data", str(numbered), "-o", str(path), "--no-progress"]) == 0


def test_a_sentiment_model_reads_negated_words_apart_unless_told_not_to(tmp_path, capsys):
    from duluan.analysis.model_io import load_model, read_model_info

    # given labelled feedback where praise is negated
    data = tmp_path / "train.jsonl"
    rows = [("cán bộ nhiệt tình", "positive"), ("cán bộ không nhiệt tình", "negative")] * 6
    data.write_text(
        "".join(json.dumps({"text": t, "label": lab}, ensure_ascii=False) + "\n" for t, lab in rows)
    )
    # when a sentiment model is trained by default, and with --negation-scope 0
    paths = {told: tmp_path / f"negation-{told}.model" for told in (None, "0")}
    for told, path in paths.items():
        extra = ["--negation-scope", told] if told else []
        args = ["train", "--task", "sentiment", "--data", str(data), "-o", str(path), "--no-progress"]
        assert main([*args, *extra]) == 0
    # then the first reads the three syllables after a negator apart, the second does not, and
    # each file says so
    assert [load_model(p).negation_scope for p in paths.values()] == [3, 0]
    assert [read_model_info(p).metadata["negation_scope"] for p in paths.values()] == [3, 0]
    # and a negative scope is a usage error that writes no model
    with pytest.raises(SystemExit) as refused:
        main(["train", "--task", "sentiment", "--data", str(data), "-o", str(tmp_path / "x.model"),
              "--negation-scope", "-1"])  # fmt: skip
    assert refused.value.code == 2 and "không âm" in capsys.readouterr().err
    assert not (tmp_path / "x.model").exists()


def test_classify_writes_id_label_score_in_every_format(model, tmp_path):
    # given inputs as gzipped JSONL, CSV and Parquet, one row with no text
    rows = [{"id": "a", "text": "Phố lại ngập sau mưa"}, {"id": "b", "text": "Bệnh viện đông bệnh nhân"}]
    with gzip.open(tmp_path / "in.jsonl.gz", "wt", encoding="utf-8") as fh:
        for r in [*rows, {"id": "c"}]:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    pd.DataFrame(rows).to_csv(tmp_path / "in.csv", index=False)
    pd.DataFrame(rows).to_parquet(tmp_path / "in.parquet")
    # when each is classified into another format
    for source, target, extra in (
        ("in.jsonl.gz", "o.csv", []),
        ("in.csv", "o.parquet", ["--explain"]),
        ("in.parquet", "o.jsonl", []),
    ):
        args = ["classify", "--model", str(model), str(tmp_path / source), "-o", str(tmp_path / target)]
        assert main([*args, "--no-progress", *extra]) == 0
    # then every output has id, label and score per row, and the row without text is rejected
    out_csv = pd.read_csv(tmp_path / "o.csv")
    out_pq = pd.read_parquet(tmp_path / "o.parquet")
    out_jsonl = [json.loads(line) for line in open(tmp_path / "o.jsonl", encoding="utf-8")]
    assert list(out_csv["label"]) == ["flood", "health"]
    assert list(out_pq["label"]) == ["flood", "health"] and "terms" in out_pq.columns
    assert "ngập" in list(out_pq["terms"][0])
    assert [r["id"] for r in out_jsonl] == ["a", "b"] and all(0 < r["score"] <= 1 for r in out_jsonl)
    rejects = [json.loads(line) for line in open(tmp_path / "o.csv.rejects.jsonl", encoding="utf-8")]
    assert [(r["id"], r["reason"]) for r in rejects] == [("c", "missing_text")]


def test_a_tab_separated_text_file_in_utf16_is_classified_into_a_tab_separated_one(model, tmp_path):
    # given what Excel saves as "Unicode Text": tab-separated UTF-16 with its byte-order mark, a
    # comma inside a text
    rows = [("a", "Phố lại ngập, sau mưa"), ("b", "Bệnh viện đông bệnh nhân")]
    (tmp_path / "in.txt").write_bytes(
        ("id\ttext\n" + "".join(f"{i}\t{t}\n" for i, t in rows)).encode("utf-16")
    )
    # when it is classified into a .tsv file
    args = ["classify", "--model", str(model), str(tmp_path / "in.txt"), "-o", str(tmp_path / "o.tsv")]
    assert main([*args, "--no-progress"]) == 0
    # then both rows are labelled, and the output is tab-separated too
    out = pd.read_csv(tmp_path / "o.tsv", sep="\t")
    assert list(out["id"]) == ["a", "b"] and list(out["label"]) == ["flood", "health"]
    assert (tmp_path / "o.tsv").read_text(encoding="utf-8").startswith("id\tlabel\tscore")


def test_workers_that_decode_the_lines_write_what_one_process_writes(model, tmp_path, monkeypatch):
    # given JSONL (plain and gzipped) in other fields, with blank lines, rows without an id,
    # bad JSON, bad UTF-8, a JSON list, a row without text, one with empty text, one with an
    # id an earlier row has, and a column that is not read
    lines = []
    for i, (text, _) in enumerate(ROWS):
        row = {"noi_dung": text} if i % 4 == 0 else {"ma": f"m{i}", "noi_dung": text}
        lines.append(json.dumps(row, ensure_ascii=False).encode("utf-8"))
        if i % 5 == 1:
            lines.append(b"")
        if i % 7 == 2:
            lines.append(b"   ")
    lines[5:5] = [
        b'{"ma": "broken", ',
        b'{"ma": "bad-utf8", "noi_dung": "ng\xe1\xba\xadp \xff"}'.decode("unicode_escape").encode("latin-1"),
        b"[1, 2]",
        b'{"ma": "no-text"}',
        b'{"ma": "blank-text", "noi_dung": "  "}',
        b'{"ma": "m1", "noi_dung": "Ph\xe1\xbb\x91 ng\xe1\xba\xadp", "nguon": "zalo"}',
    ]
    raw = b"\n".join(lines) + b"\n"
    (tmp_path / "in.jsonl").write_bytes(raw)
    with gzip.open(tmp_path / "in.jsonl.gz", "wb") as fh:
        fh.write(raw)
    # when it is classified in batches of 3 lines, in this process (by rows, and by lines as the
    # workers read them) and by two workers, with and without terms
    from duluan.commands import classify as classify_command

    by_lines = classify_command._by_lines
    outputs = {}
    for source, workers, explain in itertools.product(
        ("in.jsonl", "in.jsonl.gz"), (0, 1, 2), ([], ["--explain"])
    ):
        monkeypatch.setattr(classify_command, "_by_lines", by_lines if workers else lambda *a: False)
        out = tmp_path / f"o-{source}-{workers}-{len(explain)}.jsonl"
        args = [
            "classify",
            "--model",
            str(model),
            str(tmp_path / source),
            "-o",
            str(out),
            "--batch-size",
            "3",
        ]
        fields = [
            "--text-field",
            "noi_dung",
            "--id-field",
            "ma",
            "--workers",
            str(max(workers, 1)),
            "--no-progress",
        ]
        assert main([*args, *fields, *explain]) == 0
        outputs[source, workers, bool(explain)] = (
            out.read_bytes(),
            Path(f"{out}.rejects.jsonl").read_bytes(),
        )
    # then every run wrote the same bytes and the same rejects as the one process by rows
    for (source, workers, explain), written in outputs.items():
        assert written == outputs["in.jsonl", 0, explain], (source, workers, explain)
    rows = [json.loads(line) for line in outputs["in.jsonl", 2, False][0].splitlines()]
    assert all(set(r) == {"id", "label", "score"} for r in rows)
    # (every row with an id once, in order: the rows without one are rejected, as is the later m1)
    assert [r["id"] for r in rows] == [f"m{i}" for i in range(len(ROWS)) if i % 4]
    rejects = [json.loads(line) for line in outputs["in.jsonl", 2, False][1].splitlines()]
    assert sum(r["reason"] == "missing_id" for r in rejects) == len(ROWS) // 4
    assert all("(ma)" in r["message"] for r in rejects if r["reason"] == "missing_id")
    of_bad_lines = [r for r in rejects if r["reason"] != "missing_id"]
    assert [r["reason"] for r in of_bad_lines] == [
        "bad_json",
        "bad_encoding",
        "bad_row",
        "missing_text",
        "empty_text",
        "unknown_columns",
        "duplicate_id",
    ]
    assert of_bad_lines[5]["severity"] == "warning" and "nguon" in of_bad_lines[5]["message"]
    assert of_bad_lines[5]["id"] == "m1"
    assert of_bad_lines[6]["id"] == "m1" and "(ma)" in of_bad_lines[6]["message"]
    # (the messages name the command's columns, not analyze's)
    assert all("noi_dung" in r["message"] for r in of_bad_lines[3:5])
    assert not any("text" in r["message"] for r in rejects)
    # (with the lines they stand on in the file)
    assert [lines[r["line"] - 1][:12] for r in of_bad_lines] == [
        line[:12] for line in [*lines[5:11], lines[10]]
    ]
    explained = [json.loads(line) for line in outputs["in.jsonl", 2, True][0].splitlines()]
    assert [e["label"] for e in explained] == [r["label"] for r in rows] and all(
        e["terms"] for e in explained
    )


def test_evaluate_prints_accuracy_f1_and_per_class_table(model, tmp_path, capsys):
    # given a labelled file
    data = tmp_path / "eval.csv"
    pd.DataFrame([{"text": t, "label": lab} for t, lab in ROWS[:8]]).to_csv(data, index=False)
    # when the model is evaluated on it
    code = main(["evaluate", "--model", str(model), "--data", str(data), "--no-progress"])
    out = capsys.readouterr().out
    # then the figures and the per-class table are printed
    assert code == 0
    assert "accuracy     100.00" in out and "macro-F1" in out and "weighted-F1" in out
    assert "flood" in out and "health" in out and "support" in out


def test_evaluate_names_the_labels_the_model_does_not_know_in_text_and_in_json(model, tmp_path, capsys):
    # given a labelled file with a label the model never learnt
    data = tmp_path / "eval.jsonl"
    rows = [{"text": t, "label": lab} for t, lab in ROWS[:4]] + [{"text": "Cháy chợ", "label": "fire"}]
    data.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    # when the model is evaluated on it, as text and as JSON
    assert main(["evaluate", "--model", str(model), "--data", str(data), "--no-progress"]) == 0
    text = capsys.readouterr().out
    assert main(["evaluate", "--model", str(model), "--data", str(data), "--no-progress", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    # then both say which (its rows always count as wrong)
    assert "Nhãn mô hình không biết (luôn tính là sai): fire" in text
    assert report["unknown_labels"] == ["fire"] and "accuracy" in report


def test_corrupt_model_gives_a_clear_error_not_a_traceback(tmp_path, capsys):
    # given a model file that is not one
    bad = tmp_path / "topic.model"
    bad.write_bytes(b"\x00garbage")
    data = tmp_path / "x.csv"
    data.write_text("text,label\nabc,x\n", encoding="utf-8")
    # when it is used to classify or evaluate
    code_classify = main(["classify", "--model", str(bad), str(data), "-o", str(tmp_path / "o.jsonl")])
    code_evaluate = main(["evaluate", "--model", str(bad), "--data", str(data)])
    err = capsys.readouterr().err
    # then both stop with the model exit code and the Vietnamese message
    assert code_classify == 3 and code_evaluate == 3
    assert "Tệp mô hình hỏng hoặc không tương thích" in err and "Traceback" not in err


def test_a_model_file_is_read_once_and_its_kind_must_match_its_contents(model, tmp_path, monkeypatch):
    from duluan.analysis import model_io
    from duluan.analysis.topic import TopicClassifier
    from duluan.commands._labelled_rows import load_classifier

    # given a topic model, and a file that says "sentiment" but holds the same topic model
    reads = []
    read_envelope = model_io._read_envelope
    monkeypatch.setattr(
        model_io, "_read_envelope", lambda path, **kw: reads.append(path) or read_envelope(path, **kw)
    )
    mislabelled = model_io.save_model(TopicClassifier.load(model), tmp_path / "s.model", kind="sentiment")
    reads.clear()
    # when each is loaded for classifying
    kind, classifier = load_classifier(model)
    # then the topic model is read once, and the mislabelled one is refused with the usual message
    assert kind == "topic" and isinstance(classifier, TopicClassifier) and reads == [model]
    with pytest.raises(model_io.ModelFileError, match="không tương thích"):
        load_classifier(mislabelled)


def test_models_build_says_when_the_shared_data_is_absent(tmp_path, monkeypatch, capsys):
    # given no shared data
    monkeypatch.setenv("DULUAN_DATA_DIR", str(tmp_path / "nowhere"))
    # when the default models are built
    code = main(["models", "build", "--dir", str(tmp_path / "m"), "--no-progress"])
    # then the command fails cleanly with the missing-data message and writes nothing
    assert code == 4
    assert "Không tìm thấy thư mục dữ liệu dùng chung" in capsys.readouterr().err
    assert not (tmp_path / "m" / "topic.model").exists()


def test_models_build_records_whether_the_model_learnt_accent_free_copies(tmp_path, monkeypatch, capsys):
    import duluan.analysis.topic as topic
    from duluan.analysis.topic import TopicClassifier

    # given a government-model builder that fits a toy model with accent-free copies
    texts, labels = zip(*ROWS, strict=True)

    def build(**params):
        return TopicClassifier(min_count=1, calibration_fraction=0, accent_free_copies=True).fit(
            texts, labels
        )

    monkeypatch.setattr(topic, "build_government_topic_model", build)
    # when the default topic model is built and described
    assert main(["models", "build", "--task", "topic", "--dir", str(tmp_path), "--no-progress"]) == 0
    assert main(["models", "info", str(tmp_path / "topic.model")]) == 0
    # then its description says it learnt them
    assert "accent_free_copies: True" in capsys.readouterr().out


def test_models_info_describes_a_model(model, capsys):
    # given a trained model
    # when its file is described
    assert main(["models", "info", str(model)]) == 0
    out = capsys.readouterr().out
    # then kind, format and labels are shown
    assert "Loại: topic" in out and f"định dạng: {FORMAT_VERSION}" in out and "flood, health" in out


needs_data = pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    """A topic model fitted on 2,000 TC201805 leads and 1,000 other leads to classify."""
    from duluan.analysis.topic import TopicClassifier

    with gzip.open(shared_data_dir() / "tc201805" / "train.jsonl.gz", "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in itertools.islice(handle, 0, 30000, 10)]
    train, test = rows[:2000], rows[2000:3000]
    folder = tmp_path_factory.mktemp("news")
    model = TopicClassifier().fit([r["text"] for r in train], [r["label"] for r in train])
    path = model.save(folder / "topic.model")
    return path, model, test


@needs_data
def test_classify_writes_the_same_bytes_with_one_or_two_workers(news, tmp_path):
    # given 1,000 real news leads with bad rows among them, cut into batches of 64 (more than
    # the batches two workers keep in flight)
    path, _, rows = news
    data = tmp_path / "leads.jsonl"
    with open(data, "w", encoding="utf-8") as fh:
        for i, r in enumerate(rows):
            fh.write(json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False) + "\n")
            if i % 300 == 7:
                fh.write('{"id": "broken", "text": \n')
                fh.write(json.dumps({"id": f"empty{i}", "text": "  "}) + "\n")
    outputs = {}
    # when it is classified with one worker (in this process) and with two, with and without terms
    for workers in (1, 2):
        for explain in ([], ["--explain"]):
            out = tmp_path / f"out-{workers}{''.join(explain)}.jsonl"
            args = ["classify", "--model", str(path), str(data), "-o", str(out), "--batch-size", "64"]
            assert main([*args, "--workers", str(workers), "--no-progress", *explain]) == 0
            outputs[workers, bool(explain)] = (
                out.read_bytes(),
                (tmp_path / f"{out.name}.rejects.jsonl").read_bytes(),
            )
    # then both runs wrote the same bytes, every good row once in input order, and the same rejects
    assert outputs[1, False] == outputs[2, False]
    assert outputs[1, True] == outputs[2, True]
    written = [json.loads(line) for line in outputs[2, False][0].decode("utf-8").splitlines()]
    assert [w["id"] for w in written] == [r["id"] for r in rows]
    rejects = [json.loads(line) for line in outputs[2, False][1].decode("utf-8").splitlines()]
    assert [r["reason"] for r in rejects] == ["bad_json", "empty_text"] * 4
    explained = [json.loads(line) for line in outputs[2, True][0].decode("utf-8").splitlines()]
    assert [e["label"] for e in explained] == [w["label"] for w in written]
    assert all(e["terms"] for e in explained)


@needs_data
def test_topic_predictions_do_not_depend_on_how_the_texts_are_batched(news, monkeypatch):
    # given the news model and 1,000 leads, and the same model with budgets of 99 texts and
    # 20,000 characters a batch
    import duluan.analysis.linear_text as linear_text

    _, model, rows = news
    texts = [r["text"] for r in rows]
    labels, scores = model.predict_labels(texts)
    monkeypatch.setattr(linear_text, "_KEY_LIMIT", 100 * model.featurizer_.n_features_)
    monkeypatch.setattr(linear_text, "_CHARS", 20_000)
    # when they are classified in those batches, and one call per 7 texts
    small_labels, small_scores = model.predict_labels(texts)
    calls = [model.predict_labels(texts[s : s + 7]) for s in range(0, len(texts), 7)]
    # then the batches cover the texts in order within both budgets, and labels and scores are
    # the same to the last bit
    bounds = model.batch_bounds(texts)
    assert [s for s, _ in bounds] == [0] + [e for _, e in bounds[:-1]] and bounds[-1][1] == len(texts)
    assert len(bounds) > 10 and all(e - s <= 99 for s, e in bounds)
    assert all(sum(map(len, texts[s:e])) <= 20_000 for s, e in bounds)
    assert small_labels.tolist() == labels.tolist() and small_scores.tolist() == scores.tolist()
    assert np.concatenate([c[0] for c in calls]).tolist() == labels.tolist()
    assert np.concatenate([c[1] for c in calls]).tolist() == scores.tolist()


def test_classify_starts_its_workers_without_the_analysis_pipeline(model, tmp_path):
    # given a topic model and rows to classify with two workers, in a fresh interpreter
    import subprocess
    import sys

    data = tmp_path / "rows.jsonl"
    data.write_text("".join(json.dumps({"id": str(i), "text": t}) + "\n" for i, (t, _) in enumerate(ROWS)))
    args = ["classify", "--model", str(model), str(data), "-o", str(tmp_path / "o.jsonl"), "--workers", "2"]
    probe = (
        "import sys\n"
        "from duluan.cli import main\n"
        f"code = main({[*args, '--no-progress']!r})\n"
        "wanted = ('duluan.analysis.', 'duluan.commands.', 'scipy.special', 'tqdm')\n"
        "print(code, sorted(m for m in sys.modules if m.startswith(wanted)))\n"
    )
    # when it is classified
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    # then every row is labelled, and the modules of analyze's pipeline (dedupe, clustering, the
    # pool of analyze) were never imported: only what the model and its pool need, for a quick start
    # (not the sentiment engine, scipy.special, the progress bar with --no-progress, nor the other
    # commands either)
    code, modules = out.strip().splitlines()[-1].split(" ", 1)
    assert code == "0" and len((tmp_path / "o.jsonl").read_text().splitlines()) == len(ROWS)
    for heavy in ("dask_engine", "pipeline", "cluster", "dedupe"):
        assert f"'duluan.analysis.{heavy}'" not in modules
    assert "'duluan.analysis.runtime'" in modules and "'duluan.analysis.topic'" in modules
    for unused in ("duluan.analysis.sentiment", "scipy.special", "tqdm", "duluan.commands.analyze"):
        assert f"'{unused}'" not in modules
    assert "'duluan.commands.classify'" in modules


def test_the_parser_imports_the_named_command_alone_and_every_one_otherwise():
    from duluan.cli import build_parser

    def commands(parser):
        return set(next(a for a in parser._actions if a.dest == "command").choices)

    # given the parser built for a command, for one whose module is named otherwise, and for none
    everything = commands(build_parser())
    # then a command's parser has that command alone, and the others have them all
    assert {"classify", "analyze", "import", "models", "survey"} <= everything
    assert commands(build_parser("classify")) == {"classify"}
    assert commands(build_parser("import")) == everything
    assert commands(build_parser("no_such_command")) == everything
    assert commands(build_parser("--version")) == everything


def classify_small_and_large(model, data, tmp_path, monkeypatch, batch_size, after=None, extra=()) -> dict:
    """The bytes ``duluan classify`` writes for ``data`` (with the options ``extra``) as a small
    input and as a large one (``COMPILED_MIN_BYTES``), by one worker and by two, by ``(large,
    workers)``; ``after`` is called with both after each run."""
    from duluan.commands import classify as classify_command

    outputs = {}
    for large in (False, True):
        monkeypatch.setattr(classify_command, "COMPILED_MIN_BYTES", 0 if large else 1 << 62)
        for workers in (1, 2):
            out = tmp_path / f"out-{large}-{workers}.jsonl"
            args = ["classify", "--model", str(model), str(data), "-o", str(out)]
            args += ["--batch-size", str(batch_size), *extra]
            assert main([*args, "--workers", str(workers), "--no-progress"]) == 0
            outputs[large, workers] = out.read_bytes()
            if after is not None:
                after(large, workers)
    return outputs


@needs_data
def test_large_inputs_are_labelled_by_the_compiled_loops_and_write_the_same_bytes(
    news, tmp_path, monkeypatch
):
    # given 1,000 real news leads and rows that normalising changes (chat forms, "_", personal
    # data, a text that normalises to nothing, capitals only str.lower reads)
    path, _, rows = news
    data = tmp_path / "leads.jsonl"
    odd = [
        "ko bít dc ko, vs lại 50 k",
        "hoà_bình ko_ai",
        "gọi 0912 345 678 hoặc a@b.vn",
        "!!!",
        "İSTANBUL ΑΣ",
    ]
    with open(data, "w", encoding="utf-8") as fh:
        for i, text in enumerate([r["text"] for r in rows] + odd):
            fh.write(json.dumps({"id": str(i), "text": text}, ensure_ascii=False) + "\n")
    # when it is classified as a small input and as a large one, by one worker and by two, with
    # and without the terms that explain each label
    for extra in ((), ("--explain",)):
        outputs = classify_small_and_large(path, data, tmp_path, monkeypatch, batch_size=256, extra=extra)
        # then every run wrote the same bytes
        assert len(set(outputs.values())) == 1
        assert len(outputs[True, 1].splitlines()) == len(rows) + len(odd)
    assert "terms" in json.loads(outputs[True, 2].splitlines()[0])


@needs_data
def test_a_large_input_gets_the_same_sentiments_by_the_compiled_loops(tmp_path, monkeypatch):
    # given a sentiment model trained on 1,500 UIT-VSFC sentences, and 600 others to classify
    from duluan.analysis.features import NgramFeaturizer

    with open(shared_data_dir() / "uit_vsfc" / "train.jsonl", encoding="utf-8") as fh:
        rows = [json.loads(line) for line in itertools.islice(fh, 0, 6300, 3)]
    train = tmp_path / "train.jsonl"
    data = tmp_path / "in.jsonl"
    for path, part in ((train, rows[:1500]), (data, rows[1500:])):
        with open(path, "w", encoding="utf-8") as fh:
            for r in part:
                fh.write(json.dumps({"id": r["id"], "text": r["text"], "label": r["sentiment"]}) + "\n")
    model = tmp_path / "sentiment.model"
    assert (
        main(["train", "--task", "sentiment", "--data", str(train), "-o", str(model), "--no-progress"]) == 0
    )
    loaded, scored = [], []
    load, score = NgramFeaturizer.load_typed_scores, NgramFeaturizer.typed_scores
    monkeypatch.setattr(
        NgramFeaturizer,
        "load_typed_scores",
        lambda self, packed: loaded.append(load(self, packed)) or loaded[-1],
    )
    monkeypatch.setattr(
        NgramFeaturizer,
        "typed_scores",
        lambda self, *args: scored.append((got := score(self, *args)) is not None) or got,
    )

    # when it is classified as a small input and as a large one, by one worker and by two
    def check(large: bool, workers: int) -> None:
        if workers == 1:  # (the batches of two workers are scored in their processes)
            assert scored and set(scored) == {large}
        scored.clear()

    outputs = classify_small_and_large(model, data, tmp_path, monkeypatch, batch_size=128, after=check)
    # then the large runs loaded the loops, which scored every batch, and every run wrote the
    # same labels, scores and intensities
    assert loaded == [True, True]
    assert len(set(outputs.values())) == 1
    assert len(outputs[True, 2].splitlines()) == 600


def test_a_large_input_loads_the_loops_that_label_or_those_that_also_explain(model, tmp_path, monkeypatch):
    # given a topic model, an input counted as large, and a record of the loops loaded
    from duluan.analysis.linear_text import LinearTextClassifier
    from duluan.commands import classify as classify_command

    data = tmp_path / "in.jsonl"
    data.write_text('{"id": "1", "text": "ko bít dc đường ngập"}\n', encoding="utf-8")
    monkeypatch.setattr(classify_command, "COMPILED_MIN_BYTES", 0)
    loaded = []
    for name in ("load_compiled", "load_compiled_explain"):
        original = getattr(LinearTextClassifier, name)
        monkeypatch.setattr(
            LinearTextClassifier,
            name,
            lambda self, *a, name=name, original=original, **k: (
                loaded.append(name) or original(self, *a, **k)
            ),
        )
    # when it is classified with and without explanations
    for explain in (["--explain"], []):
        args = [
            "classify",
            "--model",
            str(model),
            str(data),
            "-o",
            str(tmp_path / "o.jsonl"),
            "--workers",
            "1",
        ]
        assert main([*args, "--no-progress", *explain]) == 0
    # then the run with explanations loaded the loops that explain, the other those that label
    assert loaded == ["load_compiled_explain", "load_compiled"]


@needs_data
def test_evaluating_many_texts_through_the_compiled_loops_prints_the_same_figures(
    news, tmp_path, monkeypatch, capsys
):
    # given the news model and 1,000 labelled leads, with rows that normalising changes
    from duluan.commands import evaluate as evaluate_command

    path, _, rows = news
    data = tmp_path / "eval.jsonl"
    odd = [("ko bít dc ko, vs lại 50 k", rows[0]["label"]), ("hoà_bình ko_ai İ", rows[1]["label"])]
    with open(data, "w", encoding="utf-8") as fh:
        for text, label in [(r["text"], r["label"]) for r in rows] + odd:
            fh.write(json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\n")
    from duluan.analysis.linear_text import LinearTextClassifier

    loaded = []
    original = LinearTextClassifier.load_compiled
    monkeypatch.setattr(
        LinearTextClassifier, "load_compiled", lambda self: loaded.append(1) or original(self)
    )
    printed = {}
    # when it is evaluated as a few texts and as many
    for many in (False, True):
        monkeypatch.setattr(evaluate_command, "COMPILED_MIN_SIZE", 0 if many else 1 << 62)
        assert main(["evaluate", "--model", str(path), "--data", str(data), "--no-progress", "--json"]) == 0
        printed[many] = json.loads(capsys.readouterr().out)
    # then only the second went through the compiled loops, and the figures are the same
    assert loaded == [1]
    assert printed[True] == printed[False]
    assert printed[True]["rows"] == len(rows) + len(odd)
