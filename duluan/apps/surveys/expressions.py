"""The subset of XLSForm (XPath 1.0) expressions the server evaluates: skip logic, constraints, calculations.

Supported: ``${question}``, ``.`` (the current answer), numbers, quoted strings, ``= != < <= > >=``,
``+ - * div mod``, ``and or``, unary minus, parentheses and the functions ``not``, ``selected``,
``count-selected``, ``string-length``, ``regex``, ``if``, ``number``, ``string``, ``int``,
``round``, ``true``, ``false``, ``coalesce``, ``concat``, ``contains``, ``today``. Anything else is
refused with :class:`UnsupportedExpression` when the instrument is imported, so a form never
reaches respondents with logic the server cannot enforce.

Values follow XPath: an unanswered question is the empty string; a select_multiple answer is its
choices separated by spaces; comparing a number with a string converts the string to a number
(empty → NaN, and NaN compares false except with ``!=``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

__all__ = [
    "Expression",
    "ExpressionError",
    "UnsupportedExpression",
    "compile_expression",
    "truthy",
]

UNSUPPORTED_FUNCTION = "Hàm {name}() chưa được hỗ trợ trong biểu thức “{text}”. Hàm hỗ trợ: {supported}."
SYNTAX_ERROR = "Biểu thức “{text}” sai cú pháp: {detail}."


class ExpressionError(ValueError):
    """The expression cannot be parsed."""


class UnsupportedExpression(ExpressionError):
    """The expression uses a construct the server does not evaluate."""


_TOKEN = re.compile(
    r"""\s*(?:
    (?P<ref>\$\{\s*(?P<refname>[A-Za-z_][\w.-]*)\s*\})
  | (?P<number>\d+(?:\.\d*)?|\.\d+)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<op><=|>=|!=|=|<|>|\+|-|\*|\(|\)|,)
  | (?P<name>[A-Za-z_][\w-]*(?::[A-Za-z_][\w-]*)?)
  | (?P<dot>\.)
  )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Tok:
    kind: str
    value: str


def _tokenize(text: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    text = text.strip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m and text[pos:].lstrip().startswith("/"):
            raise UnsupportedExpression(
                SYNTAX_ERROR.format(text=text, detail="đường dẫn XPath không được hỗ trợ, dùng ${tên}")
            )
        if not m or m.end() == pos:
            raise ExpressionError(
                SYNTAX_ERROR.format(text=text, detail=f"ký tự không hợp lệ ở vị trí {pos + 1}")
            )
        pos = m.end()
        if m.group("ref"):
            tokens.append(_Tok("ref", m.group("refname")))
        elif m.group("number"):
            tokens.append(_Tok("number", m.group("number")))
        elif m.group("string"):
            tokens.append(_Tok("string", m.group("string")[1:-1]))
        elif m.group("op"):
            tokens.append(_Tok("op", m.group("op")))
        elif m.group("name"):
            word = m.group("name")
            kind = "op" if word in ("and", "or", "div", "mod") else "name"
            tokens.append(_Tok(kind, word))
        elif m.group("dot"):
            tokens.append(_Tok("dot", "."))
    return tokens


# An AST node is a closure: context -> value. Context gives answers by name and the current value.
Node = Callable[["_Context"], Any]


@dataclass(frozen=True)
class _Context:
    answers: Mapping[str, Any]
    current: Any
    today: date


def _to_number(value: Any) -> float:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value)
    if value is None:
        return math.nan
    text = str(value).strip()
    if not text:
        return math.nan
    try:
        return float(text)
    except ValueError:
        return math.nan


def _to_string(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if math.isnan(value):
            return "NaN"
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value)
    return str(value)


def truthy(value: Any) -> bool:
    """XPath boolean(): non-empty strings, non-zero numbers, True."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return not (value == 0 or (isinstance(value, float) and math.isnan(value)))
    return _to_string(value) != ""


def _compare(op: str, a: Any, b: Any) -> bool:
    if op in ("=", "!=") and (isinstance(a, bool) or isinstance(b, bool)):
        result = truthy(a) == truthy(b)
        return result if op == "=" else not result
    numeric = isinstance(a, int | float) or isinstance(b, int | float) or op in ("<", "<=", ">", ">=")
    if numeric:
        x, y = _to_number(a), _to_number(b)
        if op in ("<", "<=", ">", ">=") and (math.isnan(x) or math.isnan(y)):
            # XPath compares strings such as dates ("2026-01-05") by number → NaN → false; ODK
            # compares ISO dates as strings, which we do too.
            sa, sb = _to_string(a), _to_string(b)
            if _looks_like_date(sa) and _looks_like_date(sb):
                return {"<": sa < sb, "<=": sa <= sb, ">": sa > sb, ">=": sa >= sb}[op]
            return False
        if op in ("=", "!=") and (math.isnan(x) or math.isnan(y)):
            # a number never equals NaN; "" = "" still holds when both sides are strings
            both_numbers = isinstance(a, int | float) and isinstance(b, int | float)
            equal = False if both_numbers else _to_string(a) == _to_string(b)
            return equal if op == "=" else not equal
        return {"=": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y}[op]
    sa, sb = _to_string(a), _to_string(b)
    return sa == sb if op == "=" else sa != sb


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")


def _looks_like_date(text: str) -> bool:
    return bool(_DATE.match(text))


def _arith(op: str, a: Any, b: Any) -> float:
    x, y = _to_number(a), _to_number(b)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op == "div":
        if y == 0:
            return math.nan if x == 0 or math.isnan(x) else math.copysign(math.inf, x)
        return x / y
    if y == 0 or math.isnan(y):
        return math.nan
    return math.fmod(x, y)


def _fn_selected(args: list[Any]) -> bool:
    return _to_string(args[1]).strip() in _to_string(args[0]).split()


def _fn_count_selected(args: list[Any]) -> float:
    return float(len(_to_string(args[0]).split()))


def _fn_regex(args: list[Any]) -> bool:
    try:
        return re.search(_to_string(args[1]), _to_string(args[0])) is not None
    except re.error:
        return False


def _fn_round(args: list[Any]) -> float:
    x = _to_number(args[0])
    digits = int(_to_number(args[1])) if len(args) > 1 else 0
    if math.isnan(x):
        return x
    factor = 10**digits
    return math.floor(x * factor + 0.5) / factor


def _fn_int(args: list[Any]) -> float:
    x = _to_number(args[0])
    return x if math.isnan(x) or math.isinf(x) else float(math.trunc(x))


# name: (min args, max args (None = any), function(args, context))
_FUNCTIONS: dict[str, tuple[int, int | None, Callable[[list[Any], _Context], Any]]] = {
    "not": (1, 1, lambda a, c: not truthy(a[0])),
    "selected": (2, 2, lambda a, c: _fn_selected(a)),
    "count-selected": (1, 1, lambda a, c: _fn_count_selected(a)),
    "string-length": (0, 1, lambda a, c: float(len(_to_string(a[0] if a else c.current)))),
    "regex": (2, 2, lambda a, c: _fn_regex(a)),
    "if": (3, 3, lambda a, c: a[1] if truthy(a[0]) else a[2]),
    "number": (1, 1, lambda a, c: _to_number(a[0])),
    "string": (1, 1, lambda a, c: _to_string(a[0])),
    "int": (1, 1, lambda a, c: _fn_int(a)),
    "round": (1, 2, lambda a, c: _fn_round(a)),
    "true": (0, 0, lambda a, c: True),
    "false": (0, 0, lambda a, c: False),
    "coalesce": (2, 2, lambda a, c: a[0] if _to_string(a[0]) != "" else a[1]),
    "concat": (1, None, lambda a, c: "".join(_to_string(x) for x in a)),
    "contains": (2, 2, lambda a, c: _to_string(a[1]) in _to_string(a[0])),
    "today": (0, 0, lambda a, c: c.today.isoformat()),
}
SUPPORTED_FUNCTIONS = tuple(sorted(_FUNCTIONS))


class _Parser:
    """Recursive descent over the XPath precedence: or < and < equality < relational < additive <
    multiplicative < unary < primary."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokenize(text)
        self.pos = 0
        self.refs: set[str] = set()
        self.uses_current = False

    def error(self, detail: str) -> ExpressionError:
        return ExpressionError(SYNTAX_ERROR.format(text=self.text, detail=detail))

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, kind: str | None = None, value: str | None = None) -> _Tok | None:
        tok = self.peek()
        if tok is None or (kind and tok.kind != kind) or (value and tok.value != value):
            return None
        self.pos += 1
        return tok

    def expect(self, kind: str, value: str) -> None:
        if self.take(kind, value) is None:
            found = self.peek()
            raise self.error(f"cần “{value}”, gặp “{found.value if found else 'hết biểu thức'}”")

    def parse(self) -> Node:
        if not self.tokens:
            raise self.error("biểu thức rỗng")
        node = self.or_expr()
        if self.peek() is not None:
            raise self.error(f"thừa “{self.peek().value}”")
        return node

    def _binary(self, ops: tuple[str, ...], sub: Callable[[], Node], combine) -> Node:
        left = sub()
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.value in ops:
            self.pos += 1
            right = sub()
            left = combine(tok.value, left, right)
        return left

    def or_expr(self) -> Node:
        return self._binary(("or",), self.and_expr, lambda op, a, b: lambda c: truthy(a(c)) or truthy(b(c)))

    def and_expr(self) -> Node:
        return self._binary(("and",), self.eq_expr, lambda op, a, b: lambda c: truthy(a(c)) and truthy(b(c)))

    def eq_expr(self) -> Node:
        return self._binary(("=", "!="), self.rel_expr, lambda op, a, b: lambda c: _compare(op, a(c), b(c)))

    def rel_expr(self) -> Node:
        return self._binary(
            ("<", "<=", ">", ">="), self.add_expr, lambda op, a, b: lambda c: _compare(op, a(c), b(c))
        )

    def add_expr(self) -> Node:
        return self._binary(("+", "-"), self.mul_expr, lambda op, a, b: lambda c: _arith(op, a(c), b(c)))

    def mul_expr(self) -> Node:
        return self._binary(
            ("*", "div", "mod"), self.unary, lambda op, a, b: lambda c: _arith(op, a(c), b(c))
        )

    def unary(self) -> Node:
        if self.take("op", "-"):
            inner = self.unary()
            return lambda c: -_to_number(inner(c))
        return self.primary()

    def primary(self) -> Node:
        tok = self.peek()
        if tok is None:
            raise self.error("thiếu toán hạng ở cuối")
        self.pos += 1
        if tok.kind == "number":
            value = float(tok.value)
            return lambda c: value
        if tok.kind == "string":
            text = tok.value
            return lambda c: text
        if tok.kind == "ref":
            name = tok.value
            self.refs.add(name)
            return lambda c: c.answers.get(name, "")
        if tok.kind == "dot":
            self.uses_current = True
            return lambda c: c.current
        if tok.kind == "op" and tok.value == "(":
            inner = self.or_expr()
            self.expect("op", ")")
            return inner
        if tok.kind == "name":
            if not self.take("op", "("):
                raise UnsupportedExpression(
                    SYNTAX_ERROR.format(
                        text=self.text,
                        detail=f"đường dẫn XPath “{tok.value}” không được hỗ trợ, dùng ${{tên}}",
                    )
                )
            return self.call(tok.value)
        raise self.error(f"không mong đợi “{tok.value}”")

    def call(self, name: str) -> Node:
        args: list[Node] = []
        if not self.take("op", ")"):
            while True:
                args.append(self.or_expr())
                if self.take("op", ")"):
                    break
                self.expect("op", ",")
        if name not in _FUNCTIONS:
            raise UnsupportedExpression(
                UNSUPPORTED_FUNCTION.format(
                    name=name, text=self.text, supported=", ".join(SUPPORTED_FUNCTIONS)
                )
            )
        low, high, fn = _FUNCTIONS[name]
        if len(args) < low or (high is not None and len(args) > high):
            raise self.error(f"hàm {name}() nhận sai số đối số ({len(args)})")
        if name == "string-length" and not args:
            self.uses_current = True
        return lambda c: fn([a(c) for a in args], c)


@dataclass(frozen=True)
class Expression:
    """A compiled expression: evaluate it against answers (and the current value for ``.``)."""

    text: str
    refs: frozenset[str]
    uses_current: bool
    _node: Node

    def evaluate(self, answers: Mapping[str, Any], current: Any = "", *, today: date | None = None) -> Any:
        return self._node(_Context(answers=answers, current=current, today=today or date.today()))

    def test(self, answers: Mapping[str, Any], current: Any = "", *, today: date | None = None) -> bool:
        """The expression's boolean value (for relevant, constraint, required)."""
        return truthy(self.evaluate(answers, current, today=today))


def compile_expression(text: str) -> Expression:
    """Parse an expression once; raises :class:`ExpressionError` / :class:`UnsupportedExpression`."""
    parser = _Parser(text)
    node = parser.parse()
    return Expression(text=text, refs=frozenset(parser.refs), uses_current=parser.uses_current, _node=node)


def value_to_string(value: Any) -> str:
    """How a calculated value is stored (XPath string())."""
    return _to_string(value)
