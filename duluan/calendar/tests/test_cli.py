"""``duluan deadline`` through the real entry point."""

import json

import pytest

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
