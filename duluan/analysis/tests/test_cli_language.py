"""The ``duluan`` command line speaks Vietnamese: argparse's headings, help line and usage errors."""

from __future__ import annotations

import argparse
import gettext
import re

import pytest

from duluan.cli import build_parser, main
from duluan.commands._args import LANG_ENV, VI, VI_PLURAL

ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "error:", "required", "invalid")


@pytest.fixture(autouse=True)
def _vietnamese(monkeypatch):
    monkeypatch.delenv(LANG_ENV, raising=False)


def usage_error(capsys, *argv: str) -> str:
    """What ``duluan *argv`` prints on standard error, after checking it stops with code 2."""
    with pytest.raises(SystemExit) as exited:
        main(list(argv))
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    return err


def assert_no_english(text: str) -> None:
    assert not [word for word in ENGLISH if word in text], text


def test_a_command_without_its_arguments_names_them_in_vietnamese(capsys):
    # when analyze is run without its input and output
    err = usage_error(capsys, "analyze")
    # then its usage comes first, then a Vietnamese message naming both missing arguments
    assert err.startswith("cách dùng: duluan analyze ")
    assert err.endswith("duluan analyze: lỗi: thiếu đối số bắt buộc: input, -o/--output\n")
    assert_no_english(err)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nope"], "duluan: lỗi: đối số LỆNH: lựa chọn không hợp lệ: 'nope' (chọn một trong 'analyze', "),
        (["analyze", "in.jsonl", "-o", "o.jsonl", "--engine", "spark"], "lựa chọn không hợp lệ: 'spark'"),
        (["analyze", "in.jsonl", "-o"], "duluan analyze: lỗi: đối số -o/--output: cần một giá trị\n"),
        (["analyze", "in.jsonl", "-o", "o.jsonl", "--bogus"], "duluan: lỗi: không hiểu đối số: --bogus\n"),
        (["analyze", "in.jsonl", "-o", "o.jsonl", "--batch-size", "0"], "đối số --batch-size: phải là số"),
        (["models"], "duluan models: lỗi: thiếu đối số bắt buộc: LỆNH\n"),
        (["train", "--task", "topic", "--data", "x", "--default"], "không dùng cùng được với đối số --data"),
        (["survey", "sample-size", "--moe", "abc"], "đối số --moe: giá trị float không hợp lệ: 'abc'"),
        (["import", "x.csv", "--channel", "news", "--workers", "0"], "đối số --workers: phải là số"),
        (["import", "x.csv", "--channel", "news", "--batch-size", "-1"], "đối số --batch-size: phải là số"),
    ],
)
def test_usage_errors_are_vietnamese_at_every_level(capsys, argv, message):
    # when a command, option value or argument count is wrong, at any depth of sub-command
    err = usage_error(capsys, *argv)
    # then the message says what is wrong in Vietnamese, under a Vietnamese usage line
    assert message in err
    assert err.startswith("cách dùng: duluan")
    assert_no_english(err)


@pytest.mark.parametrize(
    "argv", [["--help"], ["analyze", "--help"], ["survey", "estimate", "-h"], ["import", "--help"]]
)
def test_help_has_vietnamese_headings_and_help_line(capsys, argv):
    # when help is asked for, of the root, a command or a sub-command's action
    with pytest.raises(SystemExit) as exited:
        main(argv)
    # then it is printed on standard output with Vietnamese section titles and -h line
    assert exited.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("cách dùng: duluan")
    assert "\ntuỳ chọn:\n" in out and "-h, --help" in out and "in hướng dẫn này rồi thoát" in out
    assert_no_english(out)
    assert "Django settings" not in out


def test_the_root_help_names_its_positional_and_version_lines_in_vietnamese():
    help_text = build_parser().format_help()
    assert "\nđối số vị trí:\n  LỆNH\n" in help_text
    assert "--version   in số phiên bản rồi thoát" in help_text


@pytest.mark.parametrize("argv", [[], ["survey"]])
def test_a_bare_command_is_a_usage_error_with_its_help_on_standard_error(capsys, argv):
    # when duluan, or a command that needs an action, is run with nothing more
    code = main(argv)
    # then its help goes to standard error and it exits with the usage code
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert err.startswith("cách dùng: duluan") and "\ntuỳ chọn:\n" in err


def test_duluan_lang_en_keeps_argparse_english(capsys, monkeypatch):
    # given DULUAN_LANG=en
    monkeypatch.setenv(LANG_ENV, "en")
    # when analyze is run without arguments
    with pytest.raises(SystemExit):
        main(["analyze"])
    # then argparse's own words are its English ones
    err = capsys.readouterr().err
    assert err.startswith("usage: duluan analyze ")
    assert "duluan analyze: error: the following arguments are required: input, -o/--output" in err


def test_argparse_is_left_as_found_for_other_parsers(capsys):
    # given argparse's gettext before duluan runs
    before = (argparse._, argparse.ngettext)
    # when duluan fails, prints help and parses
    usage_error(capsys, "analyze")
    build_parser().format_help()
    build_parser("deadline").parse_args(["deadline", "--kind", "complaint1", "--from", "2026-06-01"])
    # then argparse has its own gettext back, and another parser (Django's) still speaks English
    assert (argparse._, argparse.ngettext) == before
    assert argparse._ is gettext.gettext
    assert argparse.ArgumentParser(prog="other").format_help().startswith("usage: other")


def test_every_translation_keeps_its_placeholders():
    # a placeholder lost or misspelt would break the very message that explains a usage error
    def placeholders(text):
        return sorted(re.findall(r"%(?:\(\w+\))?[sr]", text))

    for english, vietnamese in {**VI, **VI_PLURAL}.items():
        assert placeholders(english) == placeholders(vietnamese), english


@pytest.mark.parametrize("command", ["train", "classify", "evaluate"])
def test_model_commands_describe_themselves_in_vietnamese(capsys, command):
    # when a model command's help is asked for
    with pytest.raises(SystemExit) as stop:
        main([command, "--help"])
    out = capsys.readouterr().out
    # then its description is a Vietnamese sentence, not the module docstring's English line
    assert stop.value.code == 0
    description = out.split("\n\n")[1]
    assert re.search("[àáảãạăâđèéêìíòóôơùúưỳý]", description)
    assert "``" not in description and "duluan" not in description
