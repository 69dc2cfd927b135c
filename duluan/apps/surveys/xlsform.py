"""Read an XLSForm (the ODK/KoboToolbox standard) into a plain :class:`Instrument`.

The workbook is checked twice: by ``pyxform`` (what ODK Collect, ODK Central and KoboToolbox
would say) and by our own reader, which keeps the sheet, row and column of every cell so that an
error can say exactly where it is, and which compiles every expression with the server's
evaluator (:mod:`.expressions`) so that unsupported logic is refused at import, not at answer time.
"""

from __future__ import annotations

import io
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from openpyxl import load_workbook

from .expressions import ExpressionError, compile_expression

__all__ = [
    "Choice",
    "Group",
    "Instrument",
    "InstrumentError",
    "Issue",
    "Question",
    "parse_xlsform",
]

SUPPORTED_TYPES = ("select_one", "select_multiple", "integer", "decimal", "text", "date", "note", "calculate")
# Metadata the collecting device fills; kept out of the questionnaire.
META_TYPES = (
    "start",
    "end",
    "today",
    "deviceid",
    "subscriberid",
    "simserial",
    "phonenumber",
    "username",
    "email",
    "audit",
    "start-geopoint",
    "uri:deviceid",
)

MISSING_SHEET = "Thiếu trang tính “{sheet}”."
MISSING_COLUMN = "Trang tính “{sheet}” thiếu cột “{column}”."
UNKNOWN_TYPE = (
    "Trang tính “survey”, dòng {row}, cột “type”: loại “{value}” chưa được hỗ trợ (hỗ trợ: {supported})."
)
NO_CHOICES = (
    "Trang tính “survey”, dòng {row}, cột “type”: danh sách lựa chọn"
    " “{list_name}” không có trong trang “choices”."
)
DUPLICATE_NAME = "Trang tính “survey”, dòng {row}, cột “name”: tên “{name}” đã dùng ở dòng {first}."
BAD_NAME = (
    "Trang tính “survey”, dòng {row}, cột “name”: tên “{name}” không hợp lệ"
    " (chữ cái, số, _ , -, bắt đầu bằng chữ)."
)
EMPTY_NAME = "Trang tính “survey”, dòng {row}, cột “name”: thiếu tên câu hỏi."
EMPTY_LABEL = "Trang tính “survey”, dòng {row}, cột “label”: câu hỏi “{name}” thiếu nhãn."
BAD_EXPRESSION = "Trang tính “survey”, dòng {row}, cột “{column}”: {detail}"
UNKNOWN_REF = (
    "Trang tính “survey”, dòng {row}, cột “{column}”: biểu thức nhắc tới"
    " ${{{ref}}} nhưng không có câu hỏi tên “{ref}”."
)
UNBALANCED_GROUP = (
    "Trang tính “survey”, dòng {row}, cột “type”: “end group” không có “begin group” tương ứng."
)
UNCLOSED_GROUP = "Trang tính “survey”, dòng {row}, cột “type”: nhóm “{name}” chưa được đóng bằng “end group”."
NO_CALCULATION = (
    "Trang tính “survey”, dòng {row}, cột “calculation”: câu hỏi calculate “{name}” thiếu công thức."
)
CHOICE_DUPLICATE = (
    "Trang tính “choices”, dòng {row}, cột “name”: lựa chọn “{name}” trùng trong danh sách “{list_name}”."
)
CHOICE_EMPTY = "Trang tính “choices”, dòng {row}, cột “{column}”: thiếu giá trị."
SELECT_MULTIPLE_SPACE = (
    "Trang tính “choices”, dòng {row}, cột “name”: lựa chọn “{name}” của câu"
    " nhiều lựa chọn không được chứa dấu cách."
)
UNSUPPORTED_COLUMN = "Trang tính “survey”, dòng {row}, cột “{column}”: cột này chưa được hỗ trợ."
PYXFORM_ERROR = "pyxform: {detail}"
NOT_XLSX = "Tệp không phải XLSForm dạng .xlsx đọc được: {detail}"

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_TRUE = {"yes", "true", "true()", "1", "có"}
_UNSUPPORTED_COLUMNS = ("choice_filter", "repeat_count", "trigger")


@dataclass(frozen=True)
class Issue:
    """One problem found in the workbook, located by sheet, row (1-based, as Excel shows) and column."""

    message: str
    sheet: str = ""
    row: int | None = None
    column: str = ""


class InstrumentError(ValueError):
    """The XLSForm cannot be used; ``issues`` lists every problem found."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(i.message for i in issues))


@dataclass(frozen=True)
class Choice:
    name: str
    label: str


@dataclass(frozen=True)
class Group:
    name: str
    label: str
    relevant: str
    row: int
    path: tuple[str, ...]  # enclosing groups, outermost first, including this one


@dataclass(frozen=True)
class Question:
    name: str
    type: str  # one of SUPPORTED_TYPES
    label: str
    row: int
    list_name: str = ""
    hint: str = ""
    required: str = ""  # "" = not required; "yes" or an expression
    required_message: str = ""
    relevant: str = ""
    constraint: str = ""
    constraint_message: str = ""
    calculation: str = ""
    appearance: str = ""
    default: str = ""
    groups: tuple[str, ...] = ()  # enclosing group names, outermost first

    @property
    def path(self) -> str:
        """The ODK path without the root: ``group/subgroup/name``."""
        return "/".join((*self.groups, self.name))

    @property
    def is_select(self) -> bool:
        return self.type in ("select_one", "select_multiple")

    @property
    def is_input(self) -> bool:
        """Answered by the respondent (not a note, not a calculation)."""
        return self.type not in ("note", "calculate")


@dataclass
class Instrument:
    """A questionnaire as plain data, JSON-serialisable for storage."""

    form_id: str
    version: str
    title: str
    questions: list[Question]
    groups: dict[str, Group]
    choices: dict[str, list[Choice]]
    meta: list[str] = field(default_factory=list)

    def question(self, name: str) -> Question:
        return self._by_name()[name]

    def _by_name(self) -> dict[str, Question]:
        cache = self.__dict__.get("_index")
        if cache is None:
            cache = {q.name: q for q in self.questions}
            self.__dict__["_index"] = cache
        return cache

    def has(self, name: str) -> bool:
        return name in self._by_name()

    def choice_label(self, question: Question, value: str) -> str:
        for c in self.choices.get(question.list_name, []):
            if c.name == value:
                return c.label
        return value

    def to_dict(self) -> dict[str, Any]:
        return {
            "form_id": self.form_id,
            "version": self.version,
            "title": self.title,
            "questions": [asdict(q) for q in self.questions],
            "groups": {k: asdict(g) for k, g in self.groups.items()},
            "choices": {k: [asdict(c) for c in v] for k, v in self.choices.items()},
            "meta": list(self.meta),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Instrument:
        return cls(
            form_id=data["form_id"],
            version=data["version"],
            title=data["title"],
            questions=[Question(**{**q, "groups": tuple(q["groups"])}) for q in data["questions"]],
            groups={k: Group(**{**g, "path": tuple(g["path"])}) for k, g in data["groups"].items()},
            choices={k: [Choice(**c) for c in v] for k, v in data["choices"].items()},
            meta=list(data.get("meta", [])),
        )


# ---------------------------------------------------------------------- reading
def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _sheet_rows(wb, name: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]] | None:
    sheet = next((wb[s] for s in wb.sheetnames if s.strip().lower() == name), None)
    if sheet is None:
        return None
    rows = sheet.iter_rows(values_only=True)
    try:
        header = [_cell_text(h).lower() for h in next(rows)]
    except StopIteration:
        return [], []
    out = []
    for number, values in enumerate(rows, start=2):
        record = {h: _cell_text(v) for h, v in zip(header, values) if h}
        if any(record.values()):
            out.append((number, record))
    return header, out


def _label_column(header: list[str], base: str = "label") -> str | None:
    """The label column to show: ``label``, else the Vietnamese ``label::…`` one, else the first."""
    if base in header:
        return base
    localised = [h for h in header if h.startswith(base + "::")]
    for h in localised:
        if "(vi)" in h or "vi" == h.split("::", 1)[1].strip() or "việt" in h or "vietnam" in h:
            return h
    return localised[0] if localised else None


def _first(record: dict[str, str], *names: str) -> str:
    for n in names:
        if record.get(n):
            return record[n]
    return ""


def parse_xlsform(content: bytes, *, check_with_pyxform: bool = True) -> Instrument:
    """Parse and validate an XLSForm workbook.

    Args:
        content: the .xlsx bytes.
        check_with_pyxform: also convert with pyxform and report its errors.

    Returns:
        The :class:`Instrument`.

    Raises:
        InstrumentError: listing every problem with its sheet, row and column.
    """
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a non-workbook
        raise InstrumentError([Issue(NOT_XLSX.format(detail=exc))]) from None
    issues: list[Issue] = []
    survey = _sheet_rows(wb, "survey")
    choices_sheet = _sheet_rows(wb, "choices")
    settings_sheet = _sheet_rows(wb, "settings")
    if survey is None:
        raise InstrumentError([Issue(MISSING_SHEET.format(sheet="survey"), sheet="survey")])
    header, rows = survey
    for column in ("type", "name"):
        if column not in header:
            issues.append(
                Issue(MISSING_COLUMN.format(sheet="survey", column=column), sheet="survey", column=column)
            )
    label_col = _label_column(header)
    hint_col = _label_column(header, "hint")
    req_msg_col = _label_column(header, "required_message")
    con_msg_col = _label_column(header, "constraint_message")
    if issues:
        raise InstrumentError(issues)

    choices = _read_choices(choices_sheet, issues)
    questions: list[Question] = []
    groups: dict[str, Group] = {}
    meta: list[str] = []
    stack: list[tuple[str, int]] = []
    seen: dict[str, int] = {}
    select_multiple_lists: set[str] = set()
    for row, rec in rows:
        raw_type = re.sub(r"\s+", " ", rec.get("type", "")).strip()
        kind, _, rest = raw_type.partition(" ")
        kind = kind.lower()
        name = rec.get("name", "")
        label = rec.get(label_col, "") if label_col else ""
        for column in _UNSUPPORTED_COLUMNS:
            if rec.get(column):
                issues.append(Issue(UNSUPPORTED_COLUMN.format(row=row, column=column), "survey", row, column))
        if kind in ("begin_group", "begin") and (kind == "begin_group" or rest.lower() == "group"):
            if not name:
                issues.append(Issue(EMPTY_NAME.format(row=row), "survey", row, "name"))
                name = f"group_{row}"
            path = (*[g for g, _ in stack], name)
            groups[name] = Group(name=name, label=label, relevant=rec.get("relevant", ""), row=row, path=path)
            _note_name(name, row, seen, issues)
            stack.append((name, row))
            continue
        if kind in ("end_group", "end") and (kind == "end_group" or rest.lower() == "group"):
            if not stack:
                issues.append(Issue(UNBALANCED_GROUP.format(row=row), "survey", row, "type"))
            else:
                stack.pop()
            continue
        if kind in META_TYPES:
            if name:
                meta.append(name)
            continue
        if kind not in SUPPORTED_TYPES:
            supported = ", ".join((*SUPPORTED_TYPES, "begin group", "end group"))
            issues.append(
                Issue(
                    UNKNOWN_TYPE.format(row=row, value=raw_type, supported=supported), "survey", row, "type"
                )
            )
            continue
        if not name:
            issues.append(Issue(EMPTY_NAME.format(row=row), "survey", row, "name"))
            continue
        if not _NAME.match(name):
            issues.append(Issue(BAD_NAME.format(row=row, name=name), "survey", row, "name"))
        _note_name(name, row, seen, issues)
        list_name = ""
        if kind in ("select_one", "select_multiple"):
            list_name = rest.split(" ")[0] if rest else ""
            if list_name not in choices:
                issues.append(Issue(NO_CHOICES.format(row=row, list_name=list_name), "survey", row, "type"))
            if kind == "select_multiple":
                select_multiple_lists.add(list_name)
        if kind not in ("calculate",) and not label and kind != "note":
            issues.append(Issue(EMPTY_LABEL.format(row=row, name=name), "survey", row, label_col or "label"))
        calculation = rec.get("calculation", "")
        if kind == "calculate" and not calculation:
            issues.append(Issue(NO_CALCULATION.format(row=row, name=name), "survey", row, "calculation"))
        required = rec.get("required", "")
        if required.lower() in _TRUE:
            required = "yes"
        elif required.lower() in ("no", "false", "false()", "0", ""):
            required = ""
        questions.append(
            Question(
                name=name,
                type=kind,
                label=label,
                row=row,
                list_name=list_name,
                hint=rec.get(hint_col, "") if hint_col else "",
                required=required,
                required_message=rec.get(req_msg_col, "") if req_msg_col else "",
                relevant=rec.get("relevant", ""),
                constraint=rec.get("constraint", ""),
                constraint_message=rec.get(con_msg_col, "") if con_msg_col else "",
                calculation=calculation,
                appearance=rec.get("appearance", ""),
                default=rec.get("default", ""),
                groups=tuple(g for g, _ in stack),
            )
        )
    for name, row in stack:
        issues.append(Issue(UNCLOSED_GROUP.format(row=row, name=name), "survey", row, "type"))
    for list_name in select_multiple_lists:
        for choice_row, choice in choices.get(list_name, []):
            if " " in choice.name:
                issues.append(
                    Issue(
                        SELECT_MULTIPLE_SPACE.format(row=choice_row, name=choice.name),
                        "choices",
                        choice_row,
                        "name",
                    )
                )
    _check_expressions(questions, groups, set(seen), issues)

    settings = settings_sheet[1][0][1] if settings_sheet and settings_sheet[1] else {}
    title_col = _label_column(list(settings), "form_title") if settings else None
    form_id = settings.get("form_id", "") or "survey"
    instrument = Instrument(
        form_id=form_id,
        version=settings.get("version", ""),
        title=(settings.get(title_col, "") if title_col else "") or form_id,
        questions=questions,
        groups=groups,
        choices={k: [c for _, c in v] for k, v in choices.items()},
        meta=meta,
    )
    if check_with_pyxform and not issues:
        issues.extend(_pyxform_issues(content))
    if issues:
        raise InstrumentError(issues)
    return instrument


def _note_name(name: str, row: int, seen: dict[str, int], issues: list[Issue]) -> None:
    if name in seen:
        issues.append(
            Issue(DUPLICATE_NAME.format(row=row, name=name, first=seen[name]), "survey", row, "name")
        )
    else:
        seen[name] = row


def _read_choices(sheet, issues: list[Issue]) -> dict[str, list[tuple[int, Choice]]]:
    out: dict[str, list[tuple[int, Choice]]] = {}
    if sheet is None:
        return out
    header, rows = sheet
    list_col = "list_name" if "list_name" in header else "list name"
    label_col = _label_column(header)
    for column in (list_col, "name"):
        if column not in header:
            issues.append(
                Issue(MISSING_COLUMN.format(sheet="choices", column=column), "choices", None, column)
            )
    if issues:
        return out
    for row, rec in rows:
        list_name, name = rec.get(list_col, ""), rec.get("name", "")
        if not list_name:
            issues.append(Issue(CHOICE_EMPTY.format(row=row, column=list_col), "choices", row, list_col))
            continue
        if not name:
            issues.append(Issue(CHOICE_EMPTY.format(row=row, column="name"), "choices", row, "name"))
            continue
        entries = out.setdefault(list_name, [])
        if any(c.name == name for _, c in entries):
            issues.append(
                Issue(
                    CHOICE_DUPLICATE.format(row=row, name=name, list_name=list_name), "choices", row, "name"
                )
            )
            continue
        label = rec.get(label_col, "") if label_col else ""
        entries.append((row, Choice(name=name, label=label or name)))
    return out


def _check_expressions(
    questions: list[Question], groups: dict[str, Group], names: set[str], issues: list[Issue]
) -> None:
    cells: list[tuple[int, str, str]] = []
    for q in questions:
        cells += [
            (q.row, "relevant", q.relevant),
            (q.row, "constraint", q.constraint),
            (q.row, "calculation", q.calculation),
        ]
        if q.required not in ("", "yes"):
            cells.append((q.row, "required", q.required))
    cells += [(g.row, "relevant", g.relevant) for g in groups.values()]
    for row, column, text in cells:
        if not text:
            continue
        try:
            expr = compile_expression(text)
        except ExpressionError as exc:
            issues.append(
                Issue(BAD_EXPRESSION.format(row=row, column=column, detail=exc), "survey", row, column)
            )
            continue
        for ref in sorted(expr.refs - names):
            issues.append(Issue(UNKNOWN_REF.format(row=row, column=column, ref=ref), "survey", row, column))


def _pyxform_issues(content: bytes) -> list[Issue]:
    """What pyxform says about the workbook (its messages carry the row: "[row : 5]")."""
    from pyxform.errors import PyXFormError
    from pyxform.xls2xform import convert

    try:
        convert(xlsform=io.BytesIO(content), validate=False, file_type=".xlsx", warnings=[])
    except PyXFormError as exc:
        text = str(exc)
        match = re.search(r"\[row\s*:\s*(\d+)\]", text)
        sheet = (
            "choices"
            if "choices" in text.lower()
            else ("settings" if "settings" in text.lower() else "survey")
        )
        return [Issue(PYXFORM_ERROR.format(detail=text), sheet, int(match.group(1)) if match else None)]
    except Exception as exc:  # pyxform raises plain exceptions on some malformed sheets
        return [Issue(PYXFORM_ERROR.format(detail=exc))]
    return []
