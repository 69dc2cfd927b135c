"""Files officials attach to plans and progress reports: what citizens may send, plus Word and Excel.

Citizens send photos and PDFs only (:mod:`duluan.apps.intake.uploads`, unchanged). Officials write
plans and reports as Word (.docx) and Excel (.xlsx) files, so these are accepted here too, and,
as everywhere, decided by content, never by the name: an Office file is a ZIP container whose
``[Content_Types].xml`` declares the main part of a Word document or an Excel workbook, and that
part is in the container. Macro-enabled files (.docm, .xlsm, anything with a VBA project) are
refused: a macro would run on the computer of whoever opens the file. Office files are kept as
received; photos are still re-encoded and PDFs checked by ``clean_upload``.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext_lazy as _

from duluan.apps.intake.uploads import (
    FILE_DAMAGED,
    FILE_TOO_LARGE,
    MAX_FILE_BYTES,
    CleanFile,
    UploadError,
    clean_upload,
    sniff,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# content type of the main part (declared in [Content_Types].xml) → what the file is
OFFICE_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (DOCX, ".docx"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (XLSX, ".xlsx"),
}
ACCEPT = f"image/jpeg,image/png,image/webp,application/pdf,{DOCX},{XLSX},.docx,.xlsx"

FILE_TYPE_REFUSED = _(
    "Tệp “{name}” không phải ảnh JPEG/PNG/WebP hay tài liệu PDF, Word (.docx) hoặc Excel (.xlsx) "
    "(kiểm tra theo nội dung tệp)."
)
NOT_OFFICE = _("Tệp “{name}” là tệp nén ZIP nhưng không phải tài liệu Word (.docx) hay Excel (.xlsx).")
MACROS_REFUSED = _(
    "Tệp “{name}” có chứa macro (VBA) nên không được nhận; hãy lưu lại thành tệp .docx hoặc .xlsx "
    "không có macro."
)
OLD_OFFICE = _(
    "Tệp “{name}” là tài liệu Word/Excel định dạng cũ (.doc, .xls) hoặc có đặt mật khẩu; hãy lưu lại "
    "thành tệp .docx hoặc .xlsx không mật khẩu."
)

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc/.xls, and password-protected .docx/.xlsx
CONTENT_TYPES = "[Content_Types].xml"
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
MAX_ENTRIES = 5000
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what the entries claim, unpacked: refuses ZIP bombs
_MACRO_PARTS = frozenset({"vbaproject.bin", "vbadata.xml", "vbaprojectsignature.bin"})


def clean_plan_file(data: bytes, name: str) -> CleanFile:
    """Check a file attached to a plan or a progress report and return it ready to store.

    Photos and PDFs go through :func:`~duluan.apps.intake.uploads.clean_upload` (same checks as
    citizens' uploads); Word and Excel files through :func:`clean_office_document`.

    Raises:
        UploadError: Too large, of a refused type, macro-enabled, or damaged; the message names the file.
    """
    name = (name or "tep").rsplit("/", 1)[-1][:200]
    if len(data) > MAX_FILE_BYTES:
        raise UploadError(FILE_TOO_LARGE.format(name=name))
    if data.startswith(ZIP_MAGIC):
        return clean_office_document(data, name)
    if data.startswith(OLE_MAGIC):
        raise UploadError(OLD_OFFICE.format(name=name))
    if sniff(data[:16]) is None:
        raise UploadError(FILE_TYPE_REFUSED.format(name=name))
    return clean_upload(data, name)


def clean_office_document(data: bytes, name: str) -> CleanFile:
    """A Word (.docx) or Excel (.xlsx) file without macros, kept as received.

    Raises:
        UploadError: Not a ZIP container of an Office document, macro-enabled, or damaged.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            entries = package.infolist()
            if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
                raise UploadError(FILE_DAMAGED.format(name=name))
            parts = {"/" + e.filename.lstrip("/").lower() for e in entries}
            if any(posixpath.basename(p) in _MACRO_PARTS for p in parts):
                raise UploadError(MACROS_REFUSED.format(name=name))
            try:
                declared = package.getinfo(CONTENT_TYPES)
            except KeyError:
                raise UploadError(NOT_OFFICE.format(name=name)) from None
            if declared.file_size > MAX_CONTENT_TYPES_BYTES:
                raise UploadError(FILE_DAMAGED.format(name=name))
            types = ElementTree.fromstring(package.read(declared))
    except UploadError:  # a ValueError too: let it through as it is
        raise
    except (zipfile.BadZipFile, EOFError, OSError, SyntaxError, ValueError, DefusedXmlException):
        # SyntaxError: bad XML (ParseError); ValueError: entities refused, unknown compression
        raise UploadError(FILE_DAMAGED.format(name=name)) from None
    return _clean_from_content_types(types, parts, data, name)


def _clean_from_content_types(types, parts: set[str], data: bytes, name: str) -> CleanFile:
    declared = [
        (el.get("PartName", "").lower(), el.get("ContentType", ""))
        for el in types.iter()
        if el.tag in (f"{_CT_NS}Override", f"{_CT_NS}Default")
    ]
    if any("macroenabled" in kind.lower() or "vbaproject" in kind.lower() for _part, kind in declared):
        raise UploadError(MACROS_REFUSED.format(name=name))
    for part, kind in declared:
        if kind in OFFICE_MAIN_PARTS and part in parts:
            content_type, extension = OFFICE_MAIN_PARTS[kind]
            return CleanFile(data, content_type, extension, name)
    raise UploadError(NOT_OFFICE.format(name=name))
