"""Build small XLSForm workbooks in tests, from rows."""

from __future__ import annotations

import io

from openpyxl import Workbook

SURVEY_HEADER = [
    "type",
    "name",
    "label",
    "required",
    "relevant",
    "constraint",
    "constraint_message",
    "calculation",
]


def xlsform(
    survey: list[list[str]],
    choices: list[list[str]] | None = None,
    settings: dict | None = None,
    *,
    survey_header: list[str] = SURVEY_HEADER,
) -> bytes:
    wb = Workbook()
    sheet = wb.active
    sheet.title = "survey"
    sheet.append(survey_header)
    for row in survey:
        sheet.append(row)
    if choices is not None:
        ch = wb.create_sheet("choices")
        ch.append(["list_name", "name", "label"])
        for row in choices:
            ch.append(row)
    st = wb.create_sheet("settings")
    settings = settings or {"form_id": "test_form", "version": "1", "form_title": "Phiếu thử"}
    st.append(list(settings))
    st.append(list(settings.values()))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


LIKERT = [["l5", str(i), f"Mức {i}"] for i in range(1, 6)] + [["l5", "9", "Không biết"]]
YESNO = [["yn", "co", "Có"], ["yn", "khong", "Không"]]
