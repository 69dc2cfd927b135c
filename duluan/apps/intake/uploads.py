"""Checking and cleaning the files citizens attach: type by content, size, no hidden metadata.

The type is decided by the file's first bytes (its "magic"), never by its name or the type the
browser claims: a script renamed ``anh.jpg`` is refused. Images are decoded and re-encoded with
Pillow, which drops EXIF (GPS position, camera, owner) and anything appended after the image;
the orientation EXIF carried is applied to the pixels first so the photo still stands upright.
PDF files are kept as received (checked for the PDF header and end-of-file marker).
"""

from __future__ import annotations

import hashlib
import io
import uuid
from dataclasses import dataclass

from django.core.files.base import ContentFile

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_FILES = 3
MAX_PIXELS = 40_000_000

FILE_TOO_LARGE = "Tệp “{name}” quá lớn (tối đa 5 MB)."
FILE_TYPE_REFUSED = "Tệp “{name}” không phải ảnh JPEG/PNG/WebP hay tài liệu PDF (kiểm tra theo nội dung tệp)."
FILE_DAMAGED = "Tệp “{name}” bị hỏng hoặc không đọc được."
TOO_MANY_FILES = "Chỉ được gửi tối đa 3 tệp."

_FORMATS = {
    "jpeg": ("image/jpeg", ".jpg", "JPEG"),
    "png": ("image/png", ".png", "PNG"),
    "webp": ("image/webp", ".webp", "WEBP"),
}


class UploadError(ValueError):
    """A refused file; the message names it and says why, in Vietnamese."""


@dataclass(frozen=True)
class CleanFile:
    """A checked file ready to store: cleaned bytes, their type and hash, the name shown."""

    content: bytes
    content_type: str
    extension: str
    original_name: str

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()

    def as_django_file(self) -> ContentFile:
        return ContentFile(self.content, name=f"{uuid.uuid4().hex}{self.extension}")


def sniff(head: bytes) -> str | None:
    """The kind of file these first bytes start (``jpeg``, ``png``, ``webp``, ``pdf``) or ``None``."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


def clean_upload(data: bytes, name: str) -> CleanFile:
    """Check one file and return it cleaned.

    Raises:
        UploadError: Too large, of a refused type, or damaged.
    """
    name = (name or "tep").rsplit("/", 1)[-1][:200]
    if len(data) > MAX_FILE_BYTES:
        raise UploadError(FILE_TOO_LARGE.format(name=name))
    kind = sniff(data[:16])
    if kind is None:
        raise UploadError(FILE_TYPE_REFUSED.format(name=name))
    if kind == "pdf":
        if b"%%EOF" not in data[-2048:]:
            raise UploadError(FILE_DAMAGED.format(name=name))
        return CleanFile(data, "application/pdf", ".pdf", name)
    return _reencode(data, kind, name)


def _reencode(data: bytes, kind: str, name: str) -> CleanFile:
    from PIL import Image, ImageOps

    content_type, extension, fmt = _FORMATS[kind]
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.format != fmt or probe.width * probe.height > MAX_PIXELS:
                raise UploadError(FILE_DAMAGED.format(name=name))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            if fmt == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            out = io.BytesIO()
            # A fresh encode from the pixels: no EXIF, no XMP, no ICC comments, nothing appended.
            params = {"quality": 88} if fmt in ("JPEG", "WEBP") else {"optimize": True}
            image.save(out, format=fmt, **params)
    except UploadError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadError(FILE_DAMAGED.format(name=name)) from None
    return CleanFile(out.getvalue(), content_type, extension, name)
