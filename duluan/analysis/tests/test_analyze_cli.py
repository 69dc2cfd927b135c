"""``duluan analyze``: formats, rejects, engines."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import itertools
import json
import os
import re
import stat
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from duluan.cli import main
from duluan.shared_data import shared_data_dir

BASIC = "duluan.analysis.pipeline:basic_per_row_pipeline"
FLOOD = (
    "Đường Nguyễn Văn Cừ, phường Vũ Ninh ngập sâu sau mưa lớn, xe máy chết máy hàng loạt. Người dân "
    "đề nghị thành phố sớm nạo vét cống thoát nước trước mùa mưa bão năm nay."
)
NEWS = [
    "Giá lúa vụ mùa năm nay tăng mạnh, nông dân Bắc Ninh phấn khởi vì được mùa được giá.",
    "Sở Giáo dục tổ chức kỳ thi tuyển sinh lớp 10 an toàn, nghiêm túc tại 40 điểm thi.",
    "Khánh thành cầu mới bắc qua sông Cầu, rút ngắn thời gian đi lại giữa hai huyện.",
    "Rác thải ùn ứ tại chợ Đồng Xa nhiều ngày không được thu gom, bốc mùi hôi thối.",
]


def good_rows(n: int = 40) -> list[dict]:
    rows = []
    for i in range(n):
        text = NEWS[i % len(NEWS)] if i % 5 else FLOOD
        rows.append(
            {
                "id": f"r{i}",
                "text": f"{text} Tin số {i // 10}.",
                "title": "Phản ánh" if i % 3 == 0 else None,
                "created_at": f"2026-03-{1 + i % 20:02d}T08:00:00+07:00",
                "source": "web",
                "channel": "form",
            }
        )
    return rows


def write_jsonl(path: Path, rows: list[dict], extra_lines: list[bytes] = ()) -> Path:
    with open(path, "wb") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")
        for line in extra_lines:
            handle.write(line + b"\n")
    return path


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines()]


def run(*args: str) -> int:
    return main(["analyze", *args, "--steps", BASIC, "--no-progress"])


def test_bad_rows_are_rejected_with_reasons_and_never_stop_the_run(tmp_path, capsys):
    # given good rows and one of each kind of bad row, in JSONL (and two rows that are only
    # warned about: one with a column analyze does not read, one with a time it cannot)
    bad = [
        json.dumps({"id": "e", "text": "   "}).encode(),
        json.dumps({"id": "big", "text": "a" * 1_000_001}).encode(),
        json.dumps({"id": "bin", "text": "PK\x03\x04\x00\x00binary"}).encode(),
        b'{"id": "latin", "text": "' + "Đường ngập".encode("cp1258", errors="ignore") + b'\xff\xfe"}',
        json.dumps({"id": "moji", "text": "ÄÆ°á»ng ngáº­p sÃ¢u"}, ensure_ascii=False).encode(),
        json.dumps({"text": "không có mã"}).encode(),
        json.dumps({"id": "r1", "text": "trùng mã với dòng trước"}).encode(),
        json.dumps({"id": "x", "text": "cột lạ", "label": "Xã hội"}).encode(),
        b"{not json",
        json.dumps({"id": "when", "text": "ngày sai", "created_at": "hôm qua"}).encode(),
        b'{"id": "deep", "text": "x", "title": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    ]
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(10), bad)
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    # when analysed
    code = run(str(source), "-o", str(out), "--rejects", str(rejects))
    # then every good row is in the output, the rows warned about too, and each bad row has its
    # reason, line and id, each warning the id of its row
    assert code == 0
    output = read_jsonl(out)
    assert [r["id"] for r in output] == [f"r{i}" for i in range(10)] + ["x", "when"]
    reasons = {(r["line"], r["id"], r["reason"], r["severity"]) for r in read_jsonl(rejects)}
    assert reasons == {
        (11, "e", "empty_text", "error"),
        (12, "big", "too_large", "error"),
        (13, "bin", "binary", "error"),
        (14, None, "bad_encoding", "error"),
        (15, "moji", "bad_encoding", "error"),
        (16, None, "missing_id", "error"),
        (17, "r1", "duplicate_id", "error"),
        (18, "x", "unknown_columns", "warning"),
        (19, None, "bad_json", "error"),
        (20, "when", "bad_created_at", "warning"),
        (21, None, "bad_json", "error"),
    }
    messages = {r["reason"]: r for r in read_jsonl(rejects)}
    assert messages["duplicate_id"]["message"].startswith("Mã định danh (id) trùng")
    assert "label" in messages["unknown_columns"]["message"]
    assert messages["bad_created_at"]["message"] == (
        "Không hiểu được thời điểm tạo (created_at), dòng được phân tích không có thời điểm"
        " (giá trị 'hôm qua')."
    )
    # and the summary counts the rows warned about as analysed, their notes as warnings
    assert "Đã phân tích 12 / 21 dòng, loại 9 (2 cảnh báo)" in capsys.readouterr().err


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_row_typed_in_tcvn3_fonts_is_analysed_as_the_text_it_showed(tmp_path, workers):
    # given a report, the same report and title typed in the ".VnTime" fonts and pasted as they
    # showed, and a third typed so whose id an earlier row had
    typed = FLOOD.encode("tcvn3").decode("latin-1")
    rows = [
        {"id": "uni", "text": FLOOD, "title": "Đường ngập"},
        {"id": "typed", "text": typed, "title": "§­êng ngËp"},
        {"id": "uni", "text": typed},
    ]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    # when analysed (by this process, or by workers that read the lines)
    assert run(str(source), "-o", str(out), "--rejects", str(rejects), "--workers", workers) == 0
    # then the typed row is analysed as the Unicode one is: its exact duplicate, in its cluster
    output = {r["id"]: r for r in read_jsonl(out)}
    assert output["typed"]["duplicate_of"] == "uni"
    assert output["typed"]["cluster"] == output["uni"]["cluster"]
    # and a warning names its converted columns; the row left out for its id gets no warning
    notes = [(r["id"], r["reason"], r["severity"], r["message"]) for r in read_jsonl(rejects)]
    assert [n[:3] for n in notes] == [("typed", "legacy_fonts", "warning"), ("uni", "duplicate_id", "error")]
    assert notes[0][3].endswith("(phông TCVN3: cột text, cột title).")


def test_a_row_typed_in_legacy_fonts_in_part_is_analysed_with_that_part_converted(tmp_path):
    # given a report typed in Unicode round a paste typed in the ".VnTime" fonts, and the same
    # report typed in Unicode alone
    opening = "Kính gửi UBND tỉnh. Tôi xin phản ánh:"
    paste = "Đường qua phường Vũ Ninh ngập sâu, dân rất bức xúc."
    rows = [
        {"id": "uni", "text": f"{opening} {paste}"},
        {"id": "mixed", "text": f"{opening} " + paste.encode("tcvn3").decode("latin-1")},
    ]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    # when analysed
    assert run(str(source), "-o", str(out), "--rejects", str(rejects)) == 0
    # then the paste is read as the text it showed and the Unicode part as it was typed ("Kính",
    # not "Kớnh"): the row is the Unicode one's exact duplicate, read as it is
    output = {r["id"]: r for r in read_jsonl(out)}
    assert output["mixed"]["duplicate_of"] == "uni"
    for field in ("topic", "sentiment", "places"):
        assert output["mixed"][field] == output["uni"][field]
    notes = [(r["id"], r["reason"], r["severity"], r["message"]) for r in read_jsonl(rejects)]
    assert [n[:3] for n in notes] == [("mixed", "legacy_fonts", "warning")]
    assert notes[0][3].endswith("(phông TCVN3: cột text (một phần)).")


def test_output_rows_carry_every_result_field(tmp_path):
    # given rows where r0, r5, r10 … repeat the flood report with a different final sentence
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(20))
    out = tmp_path / "out.jsonl"
    # when analysed
    assert run(str(source), "-o", str(out)) == 0
    output = {r["id"]: r for r in read_jsonl(out)}
    # then the fields are present, and the repeated reports form one near-duplicate group
    assert set(output["r0"]) == {
        "id",
        "topic",
        "sentiment",
        "places",
        "duplicate_of",
        "near_duplicate_group",
        "cluster",
    }
    assert output["r5"]["near_duplicate_group"] == "r0"
    assert output["r1"]["duplicate_of"] is None
    assert output["r1"]["cluster"] != output["r0"]["cluster"] == output["r5"]["cluster"]


def test_csv_gzip_and_parquet_in_and_out_give_the_same_results(tmp_path):
    # given the same rows as CSV, gzipped JSONL and Parquet
    rows = good_rows(30)
    with open(tmp_path / "in.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    with gzip.open(tmp_path / "in.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in.parquet")
    # when each is analysed (the Parquet one into Parquet)
    for name, out in (("in.csv", "a.jsonl"), ("in.jsonl.gz", "b.jsonl"), ("in.parquet", "c.parquet")):
        assert run(str(tmp_path / name), "-o", str(tmp_path / out)) == 0
    # then all three outputs are identical
    a, b = read_jsonl(tmp_path / "a.jsonl"), read_jsonl(tmp_path / "b.jsonl")
    c = pq.read_table(tmp_path / "c.parquet").to_pylist()
    assert len(a) == 30
    assert a == b == c


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_text_that_shows_nothing_is_empty(tmp_path, workers):
    # given texts of zero-width spaces, a byte-order mark, a soft hyphen and a word joiner, marks with
    # no letter, and a control character (analysed as texts: each opened a cluster of its own)
    invisible = ["\u200b\u200b\u200b", "\ufeff\u00ad\u2060", "\u0301\u0300", "\x07 \u200d"]
    rows = [{"id": f"n{i}", "text": t} for i, t in enumerate(invisible)] + good_rows(2)
    rows.append({"id": "emoji", "text": "😡"})  # shows something: analysed
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    # when analysed (with two workers a JSONL file's lines are checked by the pool's workers)
    assert run(str(source), "-o", str(out), "--rejects", str(rejects), "--workers", workers) == 0
    # then each is rejected as empty, and the others are analysed
    assert [(r["id"], r["reason"]) for r in read_jsonl(rejects)] == [
        (f"n{i}", "empty_text") for i in range(4)
    ]
    assert [r["id"] for r in read_jsonl(out)] == ["r0", "r1", "emoji"]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_complaint_in_capitals_with_no_break_spaces_is_read_not_refused_as_mojibake(tmp_path, workers):
    # given complaints in capitals pasted with no-break spaces or quotes after "XÃ" ("Ã" and a
    # no-break space is how UTF-8's "à" reads as Latin-1: such complaints were refused), and text
    # that is mojibake
    rows = [
        {"id": "caps", "text": "CÁN\u00a0BỘ\u00a0XÃ\u00a0HÁCH\u00a0DỊCH"},
        {"id": "quoted", "text": "“ĐƯỜNG LÀNG XÃ” BỊ NGẬP SÂU"},
        {"id": "moji", "text": "ÄÆ°á»ng ngáº­p sÃ¢u, cÃ\u00a0ng ngÃ\u00a0y cÃ\u00a0ng tá»‡"},
    ]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out, rejects = tmp_path / "out.jsonl", tmp_path / "rejects.jsonl"
    # when analysed
    assert run(str(source), "-o", str(out), "--rejects", str(rejects), "--workers", workers) == 0
    # then the complaints are analysed and only the mojibake is refused
    assert [r["id"] for r in read_jsonl(out)] == ["caps", "quoted"]
    assert [(r["id"], r["reason"]) for r in read_jsonl(rejects)] == [("moji", "bad_encoding")]


def test_cluster_state_resumes_across_runs(tmp_path):
    # given the rows split into two files
    rows = good_rows(30)
    write_jsonl(tmp_path / "all.jsonl", rows)
    write_jsonl(tmp_path / "one.jsonl", rows[:12])
    write_jsonl(tmp_path / "two.jsonl", rows[12:])
    state = tmp_path / "state.json"
    # when the halves run one after the other with a saved state, and the whole in one run
    assert run(str(tmp_path / "all.jsonl"), "-o", str(tmp_path / "all.out.jsonl")) == 0
    assert (
        run(str(tmp_path / "one.jsonl"), "-o", str(tmp_path / "one.out.jsonl"), "--cluster-state", str(state))
        == 0
    )
    assert (
        run(str(tmp_path / "two.jsonl"), "-o", str(tmp_path / "two.out.jsonl"), "--cluster-state", str(state))
        == 0
    )
    # then the clusters are the same as in one run
    whole = [r["cluster"] for r in read_jsonl(tmp_path / "all.out.jsonl")]
    parts = [
        r["cluster"] for r in read_jsonl(tmp_path / "one.out.jsonl") + read_jsonl(tmp_path / "two.out.jsonl")
    ]
    assert parts == whole


def test_a_second_run_given_a_cluster_state_in_use_is_refused_and_the_first_keeps_its_clusters(
    tmp_path, capsys, monkeypatch
):
    import threading

    from duluan.analysis import pipeline

    # given a run with a saved state that is held inside its first batch
    write_jsonl(tmp_path / "one.jsonl", good_rows(12))
    write_jsonl(tmp_path / "two.jsonl", good_rows(30)[12:])
    state = tmp_path / "state.json"
    inside, go = threading.Event(), threading.Event()
    run_ordered = pipeline.run_ordered

    def held(ordered, docs):
        inside.set()
        go.wait(60)
        return run_ordered(ordered, docs)

    monkeypatch.setattr(pipeline, "run_ordered", held)
    codes = []
    first = threading.Thread(
        target=lambda: codes.append(
            run(
                str(tmp_path / "one.jsonl"),
                "-o",
                str(tmp_path / "one.out.jsonl"),
                "--cluster-state",
                str(state),
            )
        )
    )
    first.start()
    assert inside.wait(60)
    # when a second run is given the same state meanwhile (the last to finish overwrote the
    # other's clusters)
    second = run(
        str(tmp_path / "two.jsonl"), "-o", str(tmp_path / "two.out.jsonl"), "--cluster-state", str(state)
    )
    go.set()
    first.join(60)
    # then the second is refused at once, saying why, and writes nothing; the first ends well
    err = capsys.readouterr().err
    assert second == 2 and codes == [0]
    assert f"Lỗi tệp trạng thái phân cụm: {state} đang được một lượt phân tích khác dùng" in err
    assert not (tmp_path / "two.out.jsonl").exists()
    # and once it has ended, the state is free again and no lock file is left
    saved = json.loads(state.read_text(encoding="utf-8"))
    monkeypatch.setattr(pipeline, "run_ordered", run_ordered)
    assert (
        run(str(tmp_path / "two.jsonl"), "-o", str(tmp_path / "two.out.jsonl"), "--cluster-state", str(state))
        == 0
    )
    assert json.loads(state.read_text(encoding="utf-8"))["next_id"] >= saved["next_id"]
    assert sorted(p.name for p in tmp_path.iterdir() if "lock" in p.name) == []


def test_the_compiled_clusterer_writes_what_the_python_one_writes(tmp_path, monkeypatch):
    # given rows split into two files, each run with a saved state, by the Python clusterer
    rows = good_rows(60)
    write_jsonl(tmp_path / "one.jsonl", rows[:25])
    write_jsonl(tmp_path / "two.jsonl", rows[25:])
    from duluan.analysis.cluster_compiled import CompiledClusterer

    batches = []
    assign_many = CompiledClusterer.assign_many
    monkeypatch.setattr(
        CompiledClusterer, "assign_many", lambda self, docs: batches.append(docs) or assign_many(self, docs)
    )
    written = {}
    for way, threshold in (("python", 1 << 62), ("compiled", 0)):
        # and by the compiled loops (which large inputs get)
        monkeypatch.setattr("duluan.commands.analyze.COMPILED_MIN_BYTES", threshold)
        state = tmp_path / f"{way}.state.json"
        for part in ("one", "two"):
            out = tmp_path / f"{way}.{part}.jsonl"
            assert run(str(tmp_path / f"{part}.jsonl"), "-o", str(out), "--cluster-state", str(state)) == 0
            written[way, part] = out.read_bytes()
        written[way, "state"] = state.read_bytes()
    # then the compiled loops clustered every row of the second way, and the outputs and the
    # saved states are the same, byte for byte
    assert sum(map(len, batches)) == 60
    for part in ("one", "two", "state"):
        assert written["compiled", part] == written["python", part], part
    assert len({r["cluster"] for r in read_jsonl(tmp_path / "compiled.two.jsonl")}) < 35  # some joined


def test_progress_bar_and_summary_go_to_stderr(tmp_path, capsys):
    # given a small input
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(5))
    # when analysed with the progress bar on
    code = main(["analyze", str(source), "-o", str(tmp_path / "o.jsonl"), "--steps", BASIC])
    # then stdout stays clean and stderr shows progress and the summary
    captured = capsys.readouterr()
    assert code == 0 and captured.out == ""
    assert "dòng" in captured.err and "Đã phân tích 5 / 5 dòng" in captured.err


def test_missing_input_and_corrupt_model_give_clear_errors(tmp_path, capsys):
    # given a missing input file, and a model folder with corrupt model files
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(3))
    models = tmp_path / "models"
    models.mkdir()
    for name in ("topic.joblib", "sentiment.joblib", "topic.json", "sentiment.json"):
        (models / name).write_bytes(b"\x00garbage, not a model")
    # when analysed
    missing = main(["analyze", str(tmp_path / "nope.jsonl"), "-o", str(tmp_path / "o.jsonl")])
    corrupt = main(["analyze", str(source), "-o", str(tmp_path / "o.jsonl"), "--model-dir", str(models)])
    # then each fails with its own exit code and a Vietnamese message
    err = capsys.readouterr().err
    assert missing == 2 and "không tìm thấy tệp" in err
    assert corrupt == 3 and "Lỗi mô hình" in err
    # (a model file's own error is said in words, without the name of a Python class)
    assert "Error" not in err


def test_a_scheduler_without_the_dask_engine_is_a_usage_error(tmp_path, capsys):
    # given an input and a scheduler address, but the local engine
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(3))
    # when analysed so
    code = run(str(source), "-o", str(tmp_path / "out.jsonl"), "--scheduler", "tcp://127.0.0.1:8786")
    # then the run is refused rather than the address ignored, and nothing is written
    assert code == 2 and "--engine dask" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_a_title_read_with_its_text_and_every_other_column_hold_to_the_megabyte_too(tmp_path):
    # given rows of a short text with a title, a source or an id of over a megabyte, and one
    # whose text and title are each under it and together over
    half = "ngập " * 120_000  # 600,000 bytes
    bad = [
        json.dumps({"id": "t", "text": "Phố ngập", "title": "ngập " * 250_000}).encode(),
        json.dumps({"id": "s", "text": "Phố ngập", "source": "x" * 1_000_001}).encode(),
        json.dumps({"id": "i" * 1_000_001, "text": "Phố ngập"}).encode(),
        json.dumps({"id": "both", "text": half, "title": half}).encode(),
        json.dumps({"id": "ok", "text": half, "title": "Phố ngập"}).encode(),
    ]
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(2), bad)
    # when analysed
    assert run(str(source), "-o", str(tmp_path / "out.jsonl"), "--rejects", str(tmp_path / "r.jsonl")) == 0
    # then each is rejected as too large, naming its column (and no megabyte of id written out),
    # and a long text with a short title is analysed
    assert [r["id"] for r in read_jsonl(tmp_path / "out.jsonl")] == ["r0", "r1", "ok"]
    rejects = read_jsonl(tmp_path / "r.jsonl")
    assert [(r["id"], r["reason"]) for r in rejects] == [
        ("t", "too_large"), ("s", "too_large"), (None, "too_large"), ("both", "too_large")
    ]  # fmt: skip
    assert [r["message"].split("(")[-1] for r in rejects] == [
        "cột text và cột title).", "cột source).", "cột id).", "cột text và cột title)."
    ]  # fmt: skip


def test_a_time_of_year_1_or_decades_ahead_neither_stops_the_run_nor_closes_the_clusters(tmp_path):
    # given reports of one flood, the first dated year 1 (an export's "no time"), and a row dated
    # 2099 between the others, all of one day
    rows = [
        {"id": "zero", "text": "Phố Nguyễn Trãi ngập sâu sau mưa lớn", "created_at": "0001-01-01T00:00:00Z"},
        {
            "id": "a",
            "text": "Phố Nguyễn Trãi ngập sâu sau mưa lớn tối qua",
            "created_at": "2026-03-01T07:00:00",
        },
        {"id": "ahead", "text": "Thời tiết hôm nay đẹp trời, nắng nhẹ", "created_at": "2099-01-01T00:00:00"},
        {
            "id": "b",
            "text": "Phố Nguyễn Trãi lại ngập sâu sau mưa lớn tối qua",
            "created_at": "2026-03-01T09:00:00",
        },
    ]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    state = tmp_path / "state.json"
    # when analysed, keeping the clusterer's state
    out = tmp_path / "out.jsonl"
    assert (
        run(
            str(source), "-o", str(out), "--cluster-state", str(state), "--rejects", str(tmp_path / "r.jsonl")
        )
        == 0
    )
    # then every row is analysed, the two times warned about, and the later report joins the
    # earlier one's cluster; the saved clock is the reports' own
    got = {r["id"]: r for r in read_jsonl(out)}
    assert sorted(got) == ["a", "ahead", "b", "zero"]
    warned = [(r["id"], r["reason"]) for r in read_jsonl(tmp_path / "r.jsonl")]
    assert warned == [("zero", "bad_created_at"), ("ahead", "bad_created_at")]
    assert got["b"]["cluster"] == got["a"]["cluster"]
    assert json.loads(state.read_text(encoding="utf-8"))["now"].startswith("2026-03-01")


def test_a_damaged_cluster_state_or_a_scheduler_address_dask_cannot_read_is_said_plainly(tmp_path, capsys):
    # given an input, clusterer states that are not one (a JSON list, bytes that are no text, a
    # folder), and an address with no port
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(3))
    (tmp_path / "list.json").write_text("[1, 2]", encoding="utf-8")
    (tmp_path / "bytes.json").write_bytes(b"\xff\xfe{")
    (tmp_path / "folder").mkdir()
    out = str(tmp_path / "out.jsonl")
    # when analysed with each
    codes = [
        run(str(source), "-o", out, "--cluster-state", str(tmp_path / name))
        for name in ("list.json", "bytes.json")
    ]
    folder = run(str(source), "-o", out, "--cluster-state", str(tmp_path / "folder"))
    # (a state in no folder was found only once the output was written: its clusters were lost)
    nowhere = run(str(source), "-o", out, "--cluster-state", str(tmp_path / "nowhere" / "state.json"))
    dask = run(str(source), "-o", out, "--engine", "dask", "--scheduler", "notanaddress")
    # then each is an input error that says what is wrong with what, without a traceback, and
    # nothing is written
    err = capsys.readouterr().err
    assert codes == [2, 2] and err.count("Lỗi tệp trạng thái phân cụm") == 2
    assert folder == 2 and "tệp trạng thái phân cụm" in err and "đó là một thư mục" in err
    assert nowhere == 2 and "thư mục" in err and "nowhere không tồn tại" in err
    assert dask == 2 and "Lỗi Dask: không kết nối được Dask scheduler notanaddress" in err
    assert "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bytes.json", "folder", "in.jsonl", "list.json"]


def test_a_file_system_that_refuses_the_output_is_said_in_one_line(tmp_path, capsys, monkeypatch):
    import errno
    import tempfile

    # given a file system that refuses every new file (a full disk)
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(3))

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / ".out.part"))

    monkeypatch.setattr(tempfile, "mkstemp", full)
    # when a command is to write there, then it fails with a usage error naming the file, and no
    # traceback
    assert run(str(source), "-o", str(tmp_path / "out.jsonl")) == 2
    err = capsys.readouterr().err
    assert "Lỗi hệ thống tệp: No space left on device" in err and ".out.part" in err
    assert "Traceback" not in err


GC_PROBE = """
import gc

from duluan.analysis.pipeline import Pipeline, basic_per_row_pipeline


class Probe:
    name = "gc_probe"
    ordered = False

    def __init__(self, built_with):
        self.built_with = built_with

    def __call__(self, batch):
        for doc in batch:
            label = f"{self.built_with}/{gc.get_threshold()[0]}"
            doc.topic = {"label": label, "score": 1.0, "terms": []}
        return batch


def pipeline(model_dir=None):
    return Pipeline([*basic_per_row_pipeline(model_dir).steps, Probe(gc.get_threshold()[0])])
"""


def test_pool_workers_look_for_garbage_as_rarely_as_the_driver(tmp_path, monkeypatch):
    # given a per-row step that records the garbage collector's threshold where it was built
    # (the models are loaded in the driver) and where it runs
    from duluan.analysis.runtime import BATCH_GC_THRESHOLD

    (tmp_path / "gc_probe.py").write_text(GC_PROBE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(8))
    out = tmp_path / "out.jsonl"
    # when analysed with a pool of two processes
    args = ["analyze", str(source), "-o", str(out), "--steps", "gc_probe:pipeline", "--no-progress"]
    assert main([*args, "--workers", "2", "--batch-size", "2"]) == 0
    # then both used the batch job's threshold (the workers inherit it), not CPython's default
    assert {r["topic"]["label"] for r in read_jsonl(out)} == {f"{BATCH_GC_THRESHOLD}/{BATCH_GC_THRESHOLD}"}


def probe_steps(name: str, label: str, imports: str = "") -> str:
    """A module of per-row steps whose last writes ``label`` (an expression of ``batch`` and
    ``doc``) as each document's topic, for a run of analyze to show what its workers saw."""
    return f"""{imports}
from duluan.analysis.pipeline import Pipeline, basic_per_row_pipeline


class Probe:
    name = "{name}"
    ordered = False

    def __call__(self, batch):
        for doc in batch:
            doc.topic = {{"label": {label}, "score": 1.0, "terms": []}}
        return batch


def pipeline(model_dir=None):
    return Pipeline([*basic_per_row_pipeline(model_dir).steps, Probe()])
"""


PID_PROBE = probe_steps("pid_probe", "str(os.getpid())", "import os")


def test_rows_go_to_worker_processes_unless_told_otherwise(tmp_path, monkeypatch):
    # given a per-row step that records the process it runs in, on a machine of two cores
    import os

    import duluan.commands.analyze as analyze_command

    (tmp_path / "pid_probe.py").write_text(PID_PROBE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(analyze_command, "default_workers", lambda: 2)
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(8))
    args = ["analyze", str(source), "--steps", "pid_probe:pipeline", "--no-progress", "--batch-size", "2"]
    # when analysed without --workers, and with --workers 1
    assert main([*args, "-o", str(tmp_path / "default.jsonl")]) == 0
    assert main([*args, "-o", str(tmp_path / "one.jsonl"), "--workers", "1"]) == 0
    # then by default no row is analysed in the command's own process (as classify and import
    # do), and with one worker every row is
    here = str(os.getpid())
    default_pids = {r["topic"]["label"] for r in read_jsonl(tmp_path / "default.jsonl")}
    assert len(read_jsonl(tmp_path / "default.jsonl")) == 8 and here not in default_pids
    assert {r["topic"]["label"] for r in read_jsonl(tmp_path / "one.jsonl")} == {here}


@pytest.mark.parametrize("option", ["--workers", "--batch-size"])
@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_a_count_that_is_not_a_positive_whole_number_is_a_usage_error(tmp_path, capsys, option, value):
    # given a good input file
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(2))
    # when a worker count or batch size is zero, negative or not a number
    with pytest.raises(SystemExit) as exited:
        run(str(source), "-o", str(tmp_path / "out.jsonl"), option, value)
    # then argparse stops with its usage error, naming the option, and nothing is written
    assert exited.value.code == 2
    assert option in capsys.readouterr().err
    assert not (tmp_path / "out.jsonl").exists()


@pytest.mark.skipif(importlib.util.find_spec("distributed") is None, reason="dask.distributed absent")
def test_dask_engine_and_process_pool_give_the_local_output(tmp_path):
    # given rows with duplicates and repeated reports
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(60))
    # when analysed locally, with a pool of two processes, and on a two-worker Dask LocalCluster
    assert run(str(source), "-o", str(tmp_path / "local.jsonl"), "--workers", "1", "--batch-size", "7") == 0
    assert run(str(source), "-o", str(tmp_path / "pool.jsonl"), "--workers", "2", "--batch-size", "7") == 0
    assert (
        run(
            str(source),
            "-o",
            str(tmp_path / "dask.jsonl"),
            "--engine",
            "dask",
            "--workers",
            "2",
            "--batch-size",
            "7",
        )
        == 0
    )
    # then the three outputs are byte for byte identical
    local = (tmp_path / "local.jsonl").read_bytes()
    assert len(local.splitlines()) == 60
    assert (tmp_path / "pool.jsonl").read_bytes() == local
    assert (tmp_path / "dask.jsonl").read_bytes() == local


@pytest.mark.slow  # loads the real models in three processes: ~20 s idle, more on a busy machine
def test_full_models_give_the_same_output_on_dask(tmp_path):
    # given the real model files (built by the project's model builder) and real rows
    from duluan.analysis.pipeline import resolve_model_dir

    models = resolve_model_dir()
    if not (any(models.glob("topic*")) and any(models.glob("sentiment*"))):
        pytest.skip(f"no model files in {models}")
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(24))
    # when analysed locally and on a two-worker Dask LocalCluster with every step
    base = ["analyze", str(source), "--model-dir", str(models), "--no-progress", "--batch-size", "5"]
    assert main([*base, "-o", str(tmp_path / "local.jsonl"), "--workers", "1"]) == 0
    assert main([*base, "-o", str(tmp_path / "dask.jsonl"), "--engine", "dask", "--workers", "2"]) == 0
    # then topic, sentiment and places are filled and both outputs are identical
    local = read_jsonl(tmp_path / "local.jsonl")
    assert all(r["topic"]["label"] and r["sentiment"]["label"] for r in local)
    assert all(0.0 <= r["sentiment"]["intensity"] <= 1.0 for r in local)
    assert any(r["sentiment"]["intensity"] > 0 for r in local)
    assert any(r["places"] for r in local)
    assert (tmp_path / "dask.jsonl").read_bytes() == (tmp_path / "local.jsonl").read_bytes()


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_a_large_input_loads_the_compiled_scoring_before_the_workers_fork_and_writes_the_same(
    tmp_path, monkeypatch
):
    # given models trained here (topic on the test rows, sentiment on 1,500 UIT-VSFC sentences),
    # and rows to analyse
    from duluan.analysis.pipeline import DedupeFeaturesStep, SentimentStep, TopicStep

    models = tmp_path / "models"
    models.mkdir()
    with open(shared_data_dir() / "uit_vsfc" / "train.jsonl", encoding="utf-8") as fh:
        feedback = [json.loads(line) for line in itertools.islice(fh, 0, 4500, 3)]
    rows = good_rows(60)
    write_jsonl(
        tmp_path / "sentiment.jsonl", [{"text": r["text"], "label": r["sentiment"]} for r in feedback]
    )
    write_jsonl(
        tmp_path / "topic.jsonl", [{"text": r["text"], "label": str(i % 3)} for i, r in enumerate(rows)]
    )
    for task in ("topic", "sentiment"):
        args = ["train", "--task", task, "--data", str(tmp_path / f"{task}.jsonl")]
        assert main([*args, "-o", str(models / f"{task}.model"), "--no-progress"]) == 0
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    loaded = []
    for step in (TopicStep, SentimentStep, DedupeFeaturesStep):
        load = step.load_compiled
        monkeypatch.setattr(
            step,
            "load_compiled",
            lambda self, load=load: loaded.append((self.name, load(self))) or loaded[-1][1],
        )
    written = {}
    # when analysed by two workers as a small input and as a large one
    for large in (False, True):
        monkeypatch.setattr("duluan.commands.analyze.COMPILED_MIN_BYTES", 0 if large else 1 << 62)
        out = tmp_path / f"{large}.jsonl"
        args = ["analyze", str(source), "-o", str(out), "--model-dir", str(models), "--workers", "2"]
        assert main([*args, "--no-progress", "--batch-size", "7"]) == 0
        written[large] = out.read_bytes()
    # then the large one loaded both models' loops and the terms' loop here (the workers
    # inherit them), and both wrote the same bytes
    assert loaded == [("topic", True), ("sentiment", True), ("dedupe_features", True)]
    assert written[True] == written[False]
    assert {r["sentiment"]["label"] for r in read_jsonl(tmp_path / "True.jsonl")} <= {
        "negative",
        "neutral",
        "positive",
    }


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_workers_that_read_the_lines_write_what_reading_here_writes(tmp_path, capsys, suffix):
    # given JSONL with blank lines, bad rows, an id repeated in a later chunk, unknown columns
    # first seen in several chunks (one on a row that is rejected anyway, one on a duplicate),
    # a time that cannot be read on a row, and on a duplicate
    rows = good_rows(20)
    lines = [json.dumps(r, ensure_ascii=False).encode("utf-8") for r in rows]
    lines[2:2] = [b"", b"   "]
    lines[5] = json.dumps({"id": "u1", "text": "cột lạ", "label": "Xã hội", "note": "a"}).encode()
    lines[8] = json.dumps({"id": "u2", "text": "  ", "extra": 1}).encode()
    lines[11] = b"{not json"
    lines[13] = json.dumps({"id": "r0", "text": "trùng mã ở lô sau", "extra": 2, "more": 3}).encode()
    lines[15] = json.dumps({"text": "không có mã", "label": "x"}).encode()
    lines[10] = json.dumps({**rows[8], "created_at": "32/13/2026"}, ensure_ascii=False).encode("utf-8")
    lines[17] = json.dumps({"id": "r4", "text": "trùng lần nữa", "created_at": "hôm qua"}).encode()
    lines[19] = json.dumps({"id": "u1", "text": "lại trùng", "note": "b"}).encode()
    lines.append(b"\xff\xfe")
    data = b"\n".join(lines) + b"\n"
    source = tmp_path / f"in{suffix}"
    source.write_bytes(gzip.compress(data) if suffix.endswith(".gz") else data)
    outputs = {}
    # when analysed in this process, and by two workers that read chunks of 4 lines
    for workers in ("1", "2"):
        out, rejects = tmp_path / f"out{workers}.jsonl", tmp_path / f"rejects{workers}.jsonl"
        args = ["analyze", str(source), "-o", str(out), "--rejects", str(rejects), "--steps", BASIC]
        assert main([*args, "--workers", workers, "--batch-size", "4"]) == 0
        err = capsys.readouterr().err
        # (the progress bar's last count, and the summary up to its times)
        counts = (re.findall(r"(\d+) dòng \[", err)[-1], err[err.index("Đã phân tích") :].split(" trong ")[0])
        outputs[workers] = (out.read_bytes(), rejects.read_bytes(), counts)
    # then the outputs and the rejects files are byte for byte the same, and so are the counts
    assert outputs["2"] == outputs["1"]
    assert outputs["2"][2] == ("21", "Đã phân tích 14 / 21 dòng, loại 7 (4 cảnh báo)")
    assert "r8" in {r["id"] for r in read_jsonl(tmp_path / "out2.jsonl")}
    reasons = [(r["line"], r["id"], r["reason"]) for r in read_jsonl(tmp_path / "rejects2.jsonl")]
    assert reasons == [
        (6, "u1", "unknown_columns"),
        (9, "u2", "unknown_columns"),
        (9, "u2", "empty_text"),
        (11, "r8", "bad_created_at"),
        (12, None, "bad_json"),
        (14, "r0", "unknown_columns"),
        (14, "r0", "duplicate_id"),
        (16, None, "missing_id"),
        (18, "r4", "duplicate_id"),
        (20, "u1", "duplicate_id"),
        (23, None, "bad_encoding"),
    ]


def test_no_path_overwrites_the_input_or_another_output(tmp_path, capsys):
    # given an input file and an output folder that does not exist
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(4))
    before = source.read_bytes()
    cases = [
        ["-o", str(source)],
        ["-o", str(tmp_path / "out.jsonl"), "--rejects", str(source)],
        ["-o", str(tmp_path / "out.jsonl"), "--rejects", str(tmp_path / "out.jsonl")],
        ["-o", str(tmp_path / "out.jsonl"), "--cluster-state", str(source)],
        ["-o", str(tmp_path / "nowhere" / "out.jsonl")],
        ["-o", str(tmp_path / "out.csv")],
    ]
    for options in cases:
        # when analyze is asked to write over the input, over another output, into no folder, or
        # in a format it does not write
        code = run(str(source), *options)
        # then it refuses with a usage error naming the problem, and the input is untouched
        assert code == 2, options
        assert source.read_bytes() == before
    err = capsys.readouterr().err
    assert err.count("trùng với") == 4 and "không tồn tại" in err and ".parquet" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_a_failed_run_leaves_earlier_outputs_as_they_were(tmp_path, capsys):
    # given outputs of an earlier run, and a gzip input cut off half way
    rows = good_rows(200)
    whole = gzip.compress(b"".join(json.dumps(r).encode() + b"\n" for r in rows))
    source = tmp_path / "in.jsonl.gz"
    source.write_bytes(whole[: len(whole) // 2])
    out, rejects = tmp_path / "out.jsonl", tmp_path / "out.jsonl.rejects.jsonl"
    out.write_text("earlier\n")
    rejects.write_text("earlier rejects\n")
    for workers in ("1", "2"):
        # when the file is analysed, in one process or with workers reading the lines
        code = run(str(source), "-o", str(out), "--workers", workers, "--batch-size", "16")
        # then the run fails with a clear message, and both outputs keep what they had, with
        # nothing left beside them
        assert code == 2
        assert "tệp hỏng hoặc bị cắt cụt" in capsys.readouterr().err
        assert out.read_text() == "earlier\n" and rejects.read_text() == "earlier rejects\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "in.jsonl.gz",
            "out.jsonl",
            "out.jsonl.rejects.jsonl",
        ]


def test_outputs_appear_whole_with_the_mode_of_new_files(tmp_path):
    # given an input, and an output path holding an earlier result
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(6))
    out = tmp_path / "out.jsonl"
    out.write_text("earlier\n")
    # when it is analysed
    assert run(str(source), "-o", str(out)) == 0
    # then the output is the new one, readable as any new file is under the umask (mkstemp
    # alone would make it private), and no temporary file is left
    mask = os.umask(0o022)
    os.umask(mask)
    assert [r["id"] for r in read_jsonl(out)] == [f"r{i}" for i in range(6)]
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".part")]


def places_pipeline(model_dir=None, home_province=None):
    """The per-row steps with the real gazetteer and no models (``--steps`` of the test below)."""
    from duluan.analysis.pipeline import DedupeFeaturesStep, NormaliseStep, Pipeline, PlacesStep
    from duluan.analysis.places import Gazetteer

    return Pipeline(
        [NormaliseStep(), PlacesStep(Gazetteer.default(home_province=home_province)), DedupeFeaturesStep()]
    )


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_the_home_province_decides_a_name_two_provinces_share(tmp_path, capsys, monkeypatch, engine):
    # given a report naming "xã Tân Sơn", a commune of Bắc Ninh and one of Phú Thọ since 2025
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [{"id": "1", "text": "Người dân xã Tân Sơn phản ánh đường ngập", "created_at": "2026-01-05"}],
    )
    steps = f"{__name__}:places_pipeline"
    monkeypatch.delenv("DULUAN_HOME_PROVINCE", raising=False)

    def place(*options: str) -> dict:
        out = tmp_path / "out.jsonl"
        args = ["analyze", str(source), "-o", str(out), "--steps", steps, "--engine", engine, "--no-progress"]
        assert main([*args, *options]) == 0
        (found,) = read_jsonl(out)[0]["places"]
        return found

    # when it is analysed as the platform's province (by default), then as Phú Thọ's (by name
    # without accents, and by the environment), then for no province in particular
    home, phu_tho, none = place(), place("--home-province", "phu tho"), place("--home-province", "none")
    monkeypatch.setenv("DULUAN_HOME_PROVINCE", "25")
    by_env = place()
    # then each home province reads it as its own commune (a 2025 one, as the report is of 2026,
    # made of communes of Lục Ngạn before)
    assert (home["scheme"], home["code"], home["candidates"]) == ("2025", "07531", [])
    assert {e["within"] for e in home["equivalents"]} == {"Huyện Lục Ngạn, Tỉnh Bắc Giang"}
    assert (phu_tho["code"], phu_tho["candidates"]) == ("08566", [])
    assert by_env["code"] == "08566"
    # and with none it stays unresolved, both communes listed with their provinces
    assert {(c["code"], c["within"]) for c in none["candidates"]} == {
        ("07531", "Tỉnh Bắc Ninh"), ("08566", "Tỉnh Phú Thọ")
    }  # fmt: skip
    assert none["confidence"] < home["confidence"]
    # and a province that does not exist is a usage error that names some that do
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        main(["analyze", str(source), "-o", str(tmp_path / "x.jsonl"), "--home-province", "99"])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err
    assert "--home-province" in error and "'99'" in error and "01 = Thành phố Hà Nội" in error


def test_the_home_province_is_one_of_the_2025_provinces_the_units_name():
    # given the 2025 provinces among every unit of the package's data
    from duluan.adminunits import PROVINCE, SCHEME_2025, load_admin_data, provinces_2025

    units = load_admin_data().units
    expected = {
        (u.code, u.name, u.short_name) for u in units if u.scheme == SCHEME_2025 and u.level == PROVINCE
    }
    # when --home-province reads the provinces alone
    provinces = provinces_2025()
    # then they are the same 34, by code
    assert len(provinces) == 34 and set(provinces) == expected
    assert [code for code, _, _ in provinces] == sorted(code for code, _, _ in expected)


SLOW_STEPS = """
import os
import pathlib
import time

from duluan.analysis.pipeline import Pipeline, basic_per_row_pipeline


class Slow:
    name = "slow"
    ordered = False

    def __call__(self, batch):
        pathlib.Path(__file__).with_name(f"worker-{os.getpid()}").touch()
        time.sleep(0.5)
        return batch


def pipeline(model_dir=None):
    return Pipeline([*basic_per_row_pipeline(model_dir).steps, Slow()])
"""


@pytest.mark.parametrize("workers", ["1", "2"])
def test_sigterm_stops_a_run_as_ctrl_c_does_leaving_no_worker_and_no_part_file(tmp_path, workers):
    import signal
    import subprocess
    import sys
    import time

    # given a run of the console script whose batches take a while
    (tmp_path / "slow_steps.py").write_text(SLOW_STEPS, encoding="utf-8")
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(400))
    (tmp_path / "out.jsonl").write_text("earlier\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    command = [sys.executable, "-c", "import sys; from duluan.cli import main; sys.exit(main())"]
    args = ["analyze", str(source), "-o", str(tmp_path / "out.jsonl"), "--steps", "slow_steps:pipeline"]
    run = subprocess.Popen(
        [*command, *args, "--workers", workers, "--batch-size", "10", "--no-progress"],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob("worker-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    # when it is sent SIGTERM mid-run (kill, timeout, docker stop)
    run.send_signal(signal.SIGTERM)
    _, err = run.communicate(timeout=60)
    # then it stops saying so, its workers are gone, and its output is what was there before
    assert run.returncode == 143 and "Đã dừng" in err and "Traceback" not in err
    for worker in tmp_path.glob("worker-*"):
        pid = int(worker.name.split("-")[1])
        if pid != run.pid:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
    assert (tmp_path / "out.jsonl").read_text(encoding="utf-8") == "earlier\n"
    assert not list(tmp_path.glob(".*.part"))


@pytest.mark.parametrize(
    "edit",
    [
        lambda s: s.update(df="!!!!"),
        lambda s: s.update(now=s["now"][:19]),  # a time without its zone, beside zoned ones
        lambda s: s["params"].update(similarity_threshold="0.3"),
        lambda s: s["params"].update(window_seconds=1e30),
        lambda s: s["params"].update(max_active=-5),
        lambda s: s.update(next_id=0),  # new clusters would take the ids of kept ones
        lambda s: s.update(n_docs="many"),
        # every time without its zone (a state the Python API wrote): the run failed comparing them
        lambda s: (
            [s.update(now=s["now"][:19])]
            + [
                c.update(first_seen=c["first_seen"][:19], last_seen=c["last_seen"][:19])
                for c in s["clusters"]
            ]
        ),
    ],
)
def test_a_cluster_state_edited_into_values_no_clusterer_has_is_refused_plainly(tmp_path, capsys, edit):
    # given a state saved by a run, then edited by hand
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(6))
    state = tmp_path / "state.json"
    assert run(str(source), "-o", str(tmp_path / "one.jsonl"), "--cluster-state", str(state)) == 0
    saved = json.loads(state.read_text(encoding="utf-8"))
    edit(saved)
    state.write_text(json.dumps(saved), encoding="utf-8")
    capsys.readouterr()
    # when a run resumes from it
    code = run(str(source), "-o", str(tmp_path / "two.jsonl"), "--cluster-state", str(state))
    # then it is refused as a damaged state, before any work, without a traceback
    err = capsys.readouterr().err
    assert code == 2 and "Lỗi tệp trạng thái phân cụm" in err and "Traceback" not in err
    assert not (tmp_path / "two.jsonl").exists()


def test_a_scheduler_address_where_no_dask_answers_or_no_worker_waits_is_said_plainly(
    tmp_path, capsys, monkeypatch
):
    import socket
    import threading

    from distributed import LocalCluster

    from duluan.analysis import dask_engine

    # given an address where a web server answers, and a Dask scheduler without workers
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(5)

    def answer():
        while True:
            conn, _ = server.accept()
            conn.recv(100)
            conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            conn.close()

    threading.Thread(target=answer, daemon=True).start()
    monkeypatch.setattr(dask_engine, "WORKERS_SECONDS", 2)
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(3))
    out = str(tmp_path / "out.jsonl")
    with LocalCluster(n_workers=0, dashboard_address=None, processes=False) as idle:
        # when a run is sent to each
        web = run(
            source.as_posix(),
            "-o",
            out,
            "--engine",
            "dask",
            "--scheduler",
            f"tcp://127.0.0.1:{server.getsockname()[1]}",
        )
        empty = run(source.as_posix(), "-o", out, "--engine", "dask", "--scheduler", idle.scheduler_address)
    server.close()
    # then each is refused with a usage error that says why, at once, and nothing is written
    err = capsys.readouterr().err
    assert web == 2 and "không phải Dask scheduler" in err
    assert empty == 2 and err.count("Lỗi Dask: không kết nối được Dask scheduler") == 2
    assert "Traceback" not in err and not (tmp_path / "out.jsonl").exists()


SLOW_PROBE = probe_steps("slow_probe", "str(time.sleep(0.3))", "import time")


def test_a_dask_run_whose_workers_have_all_gone_ends_with_a_usage_error(tmp_path, capsys, monkeypatch):
    import threading

    from distributed import LocalCluster

    from duluan.analysis import dask_engine

    # given a Dask cluster of one worker, and a run of slow batches sent to it
    (tmp_path / "slow_probe.py").write_text(SLOW_PROBE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(dask_engine, "WORKERS_SECONDS", 2)
    monkeypatch.setattr(dask_engine, "POLL_SECONDS", 0.2)
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(40))
    out = tmp_path / "out.jsonl"
    args = ["analyze", str(source), "-o", str(out), "--steps", "slow_probe:pipeline", "--no-progress"]
    with LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None, processes=False) as cluster:
        # when its worker goes away in the middle of the run (the scheduler kept the batches for
        # a worker that might come, and the run waited for ever)
        threading.Timer(1.0, cluster.scale, (0,)).start()
        code = main(
            [*args, "--engine", "dask", "--scheduler", cluster.scheduler_address, "--batch-size", "1"]
        )
    # then the run ends with a usage error that says why, and writes nothing
    err = capsys.readouterr().err
    assert code == 2 and "Lỗi Dask: Dask scheduler không còn worker nào sau 2 s chờ" in err
    assert "Traceback" not in err and not out.exists()


BATCH_PROBE = probe_steps("batch_probe", "str(len(batch))")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_batch_ends_at_its_number_of_characters_whatever_its_rows(tmp_path, monkeypatch, workers):
    from duluan.analysis import pipeline

    # given long texts, and batches of at most 1,000 characters
    (tmp_path / "batch_probe.py").write_text(BATCH_PROBE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(pipeline, "BATCH_CHARS", 1000)
    rows = [{"id": f"r{i}", "text": f"Bài {i}: " + "đường ngập sâu " * 30} for i in range(20)]
    source = write_jsonl(tmp_path / "in.jsonl", rows)
    out = tmp_path / "out.jsonl"
    # when analysed in batches of up to 100 rows
    args = ["analyze", str(source), "-o", str(out), "--steps", "batch_probe:pipeline", "--no-progress"]
    assert main([*args, "--workers", workers, "--batch-size", "100"]) == 0
    # then each batch held the rows of about 1,000 characters (459 each: three), not a hundred
    assert {r["topic"]["label"] for r in read_jsonl(out)} <= {"3", "2"} and len(read_jsonl(out)) == 20


def test_an_output_that_is_a_pipe_is_refused_before_any_work(tmp_path, capsys):
    # given an output path that is a named pipe (a file written in its place replaced it)
    source = write_jsonl(tmp_path / "in.jsonl", good_rows(3))
    os.mkfifo(tmp_path / "out.jsonl")
    # when analysed into it, then the run is refused, saying why, and the pipe is still there
    assert run(str(source), "-o", str(tmp_path / "out.jsonl")) == 2
    assert "không phải tệp thường" in capsys.readouterr().err
    assert stat.S_ISFIFO(os.stat(tmp_path / "out.jsonl").st_mode)
