"""The server evaluates the XLSForm expression subset the way ODK Collect does."""

from __future__ import annotations

from datetime import date

import pytest

from duluan.apps.surveys.expressions import ExpressionError, UnsupportedExpression, compile_expression


@pytest.mark.parametrize(
    ("text", "answers", "current", "expected"),
    [
        ("${a} = 'co'", {"a": "co"}, "", True),
        ("${a} = 'co'", {"a": ""}, "", False),
        ("${a} != 'co'", {"a": ""}, "", True),
        ("${n} >= 18", {"n": "20"}, "", True),
        ("${n} >= 18", {"n": ""}, "", False),  # unanswered is NaN: comparisons are false
        ("${n} = 5", {"n": "5.0"}, "", True),
        (". >= 1 and . <= 5", {}, 3.0, True),
        (". >= 1 and . <= 5", {}, 7.0, False),
        ("not(${a} = 'x') or ${b} = 'y'", {"a": "x", "b": "y"}, "", True),
        ("selected(${m}, 'b')", {"m": "a b c"}, "", True),
        ("selected(${m}, 'd')", {"m": "a b c"}, "", False),
        ("count-selected(.) <= 2", {}, "a b c", False),
        ("string-length(.) <= 3", {}, "abcd", False),
        ("string-length(${t}) > 0", {"t": "x"}, "", True),
        ("regex(., '^[A-Z]{3}$')", {}, "ABC", True),
        ("regex(., '^[A-Z]{3}$')", {}, "AB1", False),
        ("if(${a} = 'co', 1, 2) = 1", {"a": "co"}, "", True),
        ("${x} + ${y} * 2 = 7", {"x": "1", "y": "3"}, "", True),
        ("${x} div 2 = 2 and ${x} mod 3 = 1", {"x": "4"}, "", True),
        ("-${x} < 0", {"x": "4"}, "", True),
        (". <= today()", {}, "2026-01-01", True),
        (". <= today()", {}, "2027-01-01", False),
    ],
)
def test_expressions_evaluate_like_xpath(text, answers, current, expected):
    expr = compile_expression(text)
    assert expr.test(answers, current, today=date(2026, 11, 29)) is expected


def test_references_are_collected():
    assert compile_expression("${a} = 1 and selected(${b}, 'x')").refs == {"a", "b"}


@pytest.mark.parametrize("text", ["pulldata('x', 'y')", "jr:choice-name(${a}, '${a}')", "/data/a = 1"])
def test_unsupported_expressions_are_refused_with_a_clear_message(text):
    with pytest.raises(UnsupportedExpression) as err:
        compile_expression(text)
    assert "không được hỗ trợ" in str(err.value) or "chưa được hỗ trợ" in str(err.value)


@pytest.mark.parametrize("text", ["${a} = ", "(${a} = 1", "${a} = 1)", "${a} ?? 1", ""])
def test_syntax_errors_say_what_is_wrong(text):
    with pytest.raises(ExpressionError) as err:
        compile_expression(text)
    assert "sai cú pháp" in str(err.value)
