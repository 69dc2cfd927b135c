"""``duluan deadline`` through the real entry point."""

import json

import pytest

from duluan.calendar.deadlines import NOTE_UNVERIFIED_VI
from duluan.cli import main
from duluan.commands.deadline import EXIT_BAD_INPUT, MSG_MISSING


def test_prints_the_due_date_then_the_explanation(capsys):
    # when
    code = main(["deadline", "--kind", "denunciation", "--step", "accept", "--from", "2026-02-10"])
    # then
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == "2026-02-26"
    assert "không tính 14–22/02/2026 (Tết Nguyên Đán)" in out[1]
    assert "Luật Tố cáo 2018" in out[1]


def test_resolve_is_the_default_step_and_flags_reach_the_engine(capsys):
    code = main(["deadline", "--kind", "complaint1", "--from", "2026-06-01", "--remote", "--complex"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == "2026-07-31"
    assert out[1].startswith(
        "Giải quyết khiếu nại lần đầu (vụ việc phức tạp, vùng sâu, vùng xa đi lại khó khăn): 60 ngày"
    )


def test_english_and_json_output(capsys):
    assert (
        main(["deadline", "--kind", "complaint2", "--from", "2026-08-20", "--step", "accept", "--lang", "en"])
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2
    assert out[0] == "2026-09-03"
    assert out[1].startswith("Accept a second complaint for resolution: 10 calendar days")
    assert (
        main(["deadline", "--kind", "denunciation", "--from", "2026-01-05", "--extensions", "2", "--json"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert (data["due"], data["extensions"], data["days"]) == ("2026-04-06", 2, 90)


def test_feedback_acceptance_counts_working_days_as_the_citizen_reception_law_says(capsys):
    # given feedback received on Tuesday 10/02/2026, before Tết Bính Ngọ
    # when
    code = main(["deadline", "--kind", "feedback", "--step", "accept", "--from", "2026-02-10"])
    # then 10 working days (khoản 1 Điều 28 Luật Tiếp công dân): 11–13/02, 23–27/02, 02–03/03
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == "2026-03-03"
    assert "10 ngày làm việc" in out[1]
    assert "căn cứ khoản 1 Điều 28 Luật Tiếp công dân 2013 (số 42/2013/QH13)" in out[1]


def test_json_carries_the_quoted_clause_and_where_it_was_read(capsys):
    # when
    code = main(["deadline", "--kind", "denunciation", "--step", "accept", "--from", "2026-03-02", "--json"])
    # then
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["verified"] is True
    assert data["source_vi"] == "khoản 1 Điều 24 Luật Tố cáo 2018 (số 25/2018/QH14)"
    assert data["source_quote"].startswith("1. Trong thời hạn 07 ngày làm việc kể từ ngày nhận được tố cáo")
    assert data["source_url"].startswith("https://")


def test_the_unverified_feedback_resolution_warns_in_the_explanation(capsys):
    # when
    code = main(["deadline", "--kind", "feedback", "--from", "2026-03-02"])
    # then the placeholder is computed but flagged, never presented as the law
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[1].endswith(NOTE_UNVERIFIED_VI)


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["--kind", "complaint1", "--from", "2026-02-30"], "'2026-02-30'"),
        (["--kind", "complaint1", "--from", "30/02/2026"], "tháng 02/2026 chỉ có 28 ngày"),
        (["--kind", "complaint", "--from", "2026-02-10"], "Loại việc không hợp lệ: 'complaint'"),
        (["--kind", "complaint1", "--step", "close", "--from", "2026-02-10"], "Bước không hợp lệ"),
        (["--kind", "denunciation", "--from", "2026-02-10", "--extensions", "3"], "tối đa 2 lần"),
        (["--kind", "denunciation", "--from", "2026-02-10", "--extensions", "hai"], "'hai'"),
        (["--from", "2026-02-10"], MSG_MISSING.format(option="--kind")),
        (["--kind", "complaint1"], MSG_MISSING.format(option="--from")),
        (
            ["--kind", "complaint1", "--from", "2026-02-10", "--limits", "/nonexistent/limits.json"],
            "Không đọc được",
        ),
    ],
)
def test_bad_input_exits_2_with_a_vietnamese_message(capsys, argv, needle):
    code = main(["deadline", *argv])
    captured = capsys.readouterr()
    assert code == EXIT_BAD_INPUT
    assert captured.out == ""
    assert needle in captured.err


def test_local_overrides_file(tmp_path, capsys):
    # given the province closes offices on Wednesday 11/03/2026
    path = tmp_path / "local.json"
    path.write_text(
        json.dumps({"overrides": [{"date": "2026-03-11", "working": False, "reason_vi": "Nghỉ bão"}]}),
        encoding="utf-8",
    )
    # when
    code = main(
        [
            "deadline",
            "--kind",
            "denunciation",
            "--step",
            "accept",
            "--from",
            "2026-03-09",
            "--overrides",
            str(path),
        ]
    )
    # then
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == "2026-03-19"
    assert "11/03/2026 (Nghỉ bão)" in out[1]
