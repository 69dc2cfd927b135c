"""Seed the admin-editable legal limits and calendar overrides from the engine's shipped JSON files.

Used by migration 0002 and by the admin action that adds announcements shipped later; never
overwrites a row officials already have (they may have corrected it).
"""

from __future__ import annotations

import json
from importlib import resources


def _shipped(name: str) -> dict:
    return json.loads(resources.files("duluan.calendar").joinpath(f"data/{name}").read_text("utf-8"))


def limit_rows() -> list[dict]:
    """Field values of :class:`~duluan.apps.cases.models.LegalLimit` for each shipped rule."""
    rows = []
    for item in _shipped("legal_limits.json")["limits"]:
        extension = item.get("extension") or {}
        starts = item.get("starts_vi", "kể từ ngày")
        rows.append(
            {
                "rule_id": item.get("id") or f"{item['kind']}.{item['step']}",
                "kind": item["kind"],
                "step": item["step"],
                "days": item["days"],
                "unit": item["unit"],
                # The law says where the period runs from; only "from acceptance" differs from receipt.
                "counts_from": "accepted" if "thụ lý" in starts and item["step"] == "resolve" else "received",
                "complex_days": item.get("complex_days"),
                "remote_days": item.get("remote_days"),
                "remote_complex_days": item.get("remote_complex_days"),
                "extension_days": extension.get("days"),
                "extension_max_count": extension.get("max_count"),
                "extension_complex_count": extension.get("complex_count"),
                "kind_vi": item.get("kind_vi", ""),
                "kind_en": item.get("kind_en", ""),
                "label_vi": item["label_vi"],
                "label_en": item["label_en"],
                "starts_vi": starts,
                "starts_en": item.get("starts_en", "from"),
                "complex_vi": item.get("complex_vi", "vụ việc phức tạp"),
                "complex_en": item.get("complex_en", "complex case"),
                "source": item["source"],
                "note": item.get("note", ""),
                "verified": bool(item.get("verified", True)),
            }
        )
    return rows


def override_rows() -> list[dict]:
    return [
        {
            "date": item["date"],
            "working": item["working"],
            "reason_vi": item["reason_vi"],
            "reason_en": item.get("reason_en", ""),
            "source": item.get("source", ""),
        }
        for item in _shipped("calendar_overrides.json")["overrides"]
    ]


def seed(limit_model, override_model) -> tuple[int, int]:
    """Create the shipped rows that are missing; returns (limits added, overrides added)."""
    limits = overrides = 0
    for row in limit_rows():
        _, created = limit_model.objects.get_or_create(kind=row["kind"], step=row["step"], defaults=row)
        limits += created
    for row in override_rows():
        _, created = override_model.objects.get_or_create(date=row["date"], defaults=row)
        overrides += created
    return limits, overrides
