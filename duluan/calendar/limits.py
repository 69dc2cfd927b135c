"""Legal time limits as data: kinds of matter, their steps, days, unit and legal source.

The shipped rules live in ``data/legal_limits.json``; :func:`load_limits` reads them, and
:func:`parse_limits` / :class:`LegalLimit` take the same shape from anywhere else (the admin edits
them and passes them in). Nothing here computes a date: see :mod:`duluan.calendar.deadlines`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from duluan.calendar.errors import (
    MSG_BAD_RULE,
    MSG_DUPLICATE_RULE,
    RuleError,
    UnknownKindError,
    UnknownStepError,
)


class Unit(StrEnum):
    """How a limit counts: working days (``ngày làm việc``) or calendar days (``ngày``)."""

    WORKING = "working"
    CALENDAR = "calendar"

    @property
    def label_vi(self) -> str:
        return "ngày làm việc" if self is Unit.WORKING else "ngày"

    @property
    def label_en(self) -> str:
        return "working days" if self is Unit.WORKING else "calendar days"


@dataclass(frozen=True, slots=True)
class LegalSource:
    """Where a limit is written: ``Điều 28 Luật Khiếu nại 2011 (số 02/2011/QH13)``.

    Args:
        document_vi: the document's short name with its year ("Luật Khiếu nại 2011").
        document_en: the same in English ("Law on Complaints 2011").
        number: its official number ("02/2011/QH13").
        article_vi: the article (and clause) in Vietnamese ("khoản 1 Điều 30"); empty when unknown.
        article_en: the same in English ("Article 30(1)").
        related: implementing documents worth citing alongside ("Nghị định 124/2020/NĐ-CP").
        url: where the wording was read (``source_url`` in the JSON); empty when nobody has.
        quote: the clause as written there (``quote``), so a reader can check the figure without
            trusting us; empty for a rule whose text was not found (``LegalLimit.verified`` is then
            ``False``).
    """

    document_vi: str
    document_en: str
    number: str
    article_vi: str = ""
    article_en: str = ""
    related: tuple[str, ...] = ()
    url: str = ""
    quote: str = ""

    def cite_vi(self) -> str:
        text = f"{self.article_vi} {self.document_vi}".strip()
        return text if self.number in self.document_vi else f"{text} (số {self.number})"

    def cite_en(self) -> str:
        text = f"{self.article_en}, {self.document_en}" if self.article_en else self.document_en
        return text if self.number in self.document_en else f"{text} (No. {self.number})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "document_vi": self.document_vi,
            "document_en": self.document_en,
            "number": self.number,
            "article_vi": self.article_vi,
            "article_en": self.article_en,
            "source_url": self.url,
            "quote": self.quote,
            "related": list(self.related),
        }


@dataclass(frozen=True, slots=True)
class Extension:
    """Extensions the law allows on top of the limit (Luật Tố cáo 2018 Điều 30).

    Args:
        days: length of one extension, in the limit's unit.
        max_count: how many extensions at most (2 for an especially complex denunciation).
        complex_count: how many a complex case gets when the caller only says ``complex=True``.
    """

    days: int
    max_count: int
    complex_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"days": self.days, "max_count": self.max_count, "complex_count": self.complex_count}


@dataclass(frozen=True, slots=True)
class LegalLimit:
    """One legal time limit: ``kind`` × ``step`` → days, unit, variants and source.

    ``complex_days`` / ``remote_days`` / ``remote_complex_days`` replace ``days`` for complex cases,
    remote areas ("vùng sâu, vùng xa đi lại khó khăn") or both; ``extension`` adds periods on top.
    ``verified`` is ``False`` for a limit whose article or number of days could not be checked
    against the official text; ``note`` says what is uncertain.
    """

    kind: str
    step: str
    days: int
    unit: Unit
    label_vi: str
    label_en: str
    source: LegalSource
    starts_vi: str = "kể từ ngày"
    starts_en: str = "from"
    complex_days: int | None = None
    remote_days: int | None = None
    remote_complex_days: int | None = None
    extension: Extension | None = None
    complex_vi: str = "vụ việc phức tạp"
    complex_en: str = "complex case"
    kind_vi: str = ""
    kind_en: str = ""
    note: str = ""
    verified: bool = True
    id: str = field(default="")

    def __post_init__(self) -> None:
        if not self.id:
            object.__setattr__(self, "id", f"{self.kind}.{self.step}")
        if not isinstance(self.unit, Unit):
            object.__setattr__(self, "unit", _unit(self.id, self.unit))
        if not self.kind or not self.step:
            raise RuleError(MSG_BAD_RULE.format(rule=self.id, why="thiếu loại việc hoặc bước"))
        for name in ("days", "complex_days", "remote_days", "remote_complex_days"):
            value = getattr(self, name)
            if value is None and name != "days":
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise RuleError(MSG_BAD_RULE.format(rule=self.id, why=f"{name} phải là số nguyên dương"))
        for name in ("complex_days", "remote_days", "remote_complex_days"):
            value = getattr(self, name)
            if value is not None and value < self.days:
                raise RuleError(MSG_BAD_RULE.format(rule=self.id, why=f"{name} nhỏ hơn thời hạn chung"))
        if self.extension is not None:
            ext = self.extension
            if ext.days <= 0 or ext.max_count <= 0 or not 0 <= ext.complex_count <= ext.max_count:
                raise RuleError(MSG_BAD_RULE.format(rule=self.id, why="gia hạn không hợp lệ"))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> LegalLimit:
        """Build from the JSON shape of ``data/legal_limits.json`` (one entry of ``limits``)."""
        rule = str(data.get("id") or f"{data.get('kind')}.{data.get('step')}")
        try:
            source_data = data["source"]
            source = LegalSource(
                document_vi=source_data["document_vi"],
                document_en=source_data["document_en"],
                number=source_data["number"],
                article_vi=source_data.get("article_vi", ""),
                article_en=source_data.get("article_en", ""),
                related=tuple(source_data.get("related", ())),
                url=source_data.get("source_url", ""),
                quote=source_data.get("quote", ""),
            )
            ext_data = data.get("extension")
            extension = (
                Extension(
                    days=int(ext_data["days"]),
                    max_count=int(ext_data["max_count"]),
                    complex_count=int(ext_data.get("complex_count", 0)),
                )
                if ext_data
                else None
            )
            return cls(
                id=rule,
                kind=data["kind"],
                step=data["step"],
                days=data["days"],
                unit=_unit(rule, data["unit"]),
                label_vi=data["label_vi"],
                label_en=data["label_en"],
                source=source,
                starts_vi=data.get("starts_vi", "kể từ ngày"),
                starts_en=data.get("starts_en", "from"),
                complex_days=data.get("complex_days"),
                remote_days=data.get("remote_days"),
                remote_complex_days=data.get("remote_complex_days"),
                extension=extension,
                complex_vi=data.get("complex_vi", "vụ việc phức tạp"),
                complex_en=data.get("complex_en", "complex case"),
                kind_vi=data.get("kind_vi", ""),
                kind_en=data.get("kind_en", ""),
                note=data.get("note", ""),
                verified=bool(data.get("verified", True)),
            )
        except (KeyError, TypeError, ValueError) as error:
            if isinstance(error, RuleError):
                raise
            raise RuleError(MSG_BAD_RULE.format(rule=rule, why=f"thiếu hoặc sai trường {error}")) from None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape :meth:`from_dict` reads."""
        return {
            "id": self.id,
            "kind": self.kind,
            "step": self.step,
            "kind_vi": self.kind_vi,
            "kind_en": self.kind_en,
            "label_vi": self.label_vi,
            "label_en": self.label_en,
            "days": self.days,
            "unit": self.unit.value,
            "starts_vi": self.starts_vi,
            "starts_en": self.starts_en,
            "complex_days": self.complex_days,
            "remote_days": self.remote_days,
            "remote_complex_days": self.remote_complex_days,
            "extension": self.extension.to_dict() if self.extension else None,
            "complex_vi": self.complex_vi,
            "complex_en": self.complex_en,
            "source": self.source.to_dict(),
            "note": self.note,
            "verified": self.verified,
        }


def _unit(rule: str, value: object) -> Unit:
    if isinstance(value, str) and value in {unit.value for unit in Unit}:
        return Unit(value)
    raise RuleError(
        MSG_BAD_RULE.format(rule=rule, why=f"đơn vị {value!r} không phải 'working' hay 'calendar'")
    )


class LimitTable:
    """A set of legal limits, one per (kind, step), looked up with clear errors.

    Example:
        >>> table = load_limits()
        >>> table.get("complaint1", "resolve").days
        30
    """

    def __init__(self, limits: Iterable[LegalLimit]) -> None:
        by_key: dict[tuple[str, str], LegalLimit] = {}
        for limit in limits:
            key = (limit.kind, limit.step)
            if key in by_key:
                raise RuleError(MSG_DUPLICATE_RULE.format(kind=limit.kind, step=limit.step))
            by_key[key] = limit
        self._by_key = by_key

    def get(self, kind: str, step: str) -> LegalLimit:
        """The limit for ``kind``/``step``; :class:`UnknownKindError` or :class:`UnknownStepError` if none."""
        limit = self._by_key.get((kind, step))
        if limit is not None:
            return limit
        if kind not in self.kinds():
            raise UnknownKindError(kind, list(self.kinds()))
        raise UnknownStepError(kind, step, list(self.steps(kind)))

    def kinds(self) -> tuple[str, ...]:
        """The kinds of matter, in the order the rules list them."""
        return tuple(dict.fromkeys(kind for kind, _ in self._by_key))

    def steps(self, kind: str) -> tuple[str, ...]:
        """The steps defined for ``kind``."""
        return tuple(step for k, step in self._by_key if k == kind)

    def __iter__(self) -> Iterator[LegalLimit]:
        return iter(self._by_key.values())

    def __len__(self) -> int:
        return len(self._by_key)

    def to_dict(self) -> dict[str, Any]:
        return {"schema": 1, "limits": [limit.to_dict() for limit in self]}


def parse_limits(data: Mapping[str, Any] | Iterable[Mapping[str, Any]]) -> LimitTable:
    """A :class:`LimitTable` from plain data: ``{"limits": [...]}`` or a bare list of rules."""
    items = data.get("limits", ()) if isinstance(data, Mapping) else data
    return LimitTable(LegalLimit.from_dict(item) for item in items)


def load_limits(path: str | Path | None = None) -> LimitTable:
    """Read legal limits from a JSON file; with no path, the rules shipped in this package."""
    if path is None:
        text = resources.files("duluan.calendar").joinpath("data/legal_limits.json").read_text("utf-8")
    else:
        text = Path(path).read_text("utf-8")
    return parse_limits(json.loads(text))
