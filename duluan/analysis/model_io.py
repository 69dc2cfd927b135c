"""Versioned model files: one envelope around any fitted estimator of this package.

A model file is a pickle of a plain dict (the *envelope*; zlib-compressed in files written before
2026-11-30, which still read): a magic string, the file ``format_version``, the model ``kind``
(``topic``, ``sentiment``), the engine version that wrote it, its label set, free metadata, and
the pickled estimator with its SHA-256. Loading checks every one of these, so a truncated, edited
or foreign file, or one written by an incompatible format, fails with :class:`ModelFileError` and
a Vietnamese message instead of a traceback deep inside unpickling.

Pickle runs code when it loads: model files are artefacts this project builds itself (``duluan
models build``, ``duluan train``); never load one from an untrusted source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duluan import __version__

MAGIC = "duluan-model"
# 2: topic models may count a text's lead n-grams in buckets of their own (``lead_tokens``); an
# engine that reads only version 1 would featurise them wrongly, so it must refuse such files.
# Version 1 files carry no lead features and read unchanged.
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
CORRUPT = "Tệp mô hình hỏng hoặc không tương thích: {path} ({reason})"


class ModelFileError(ValueError):
    """A model file is missing, corrupt, or incompatible with this version."""


@dataclass(frozen=True)
class ModelInfo:
    """What a model file says about itself (no estimator loaded twice)."""

    kind: str
    format_version: int
    engine_version: str
    labels: tuple[str, ...]
    created_at: str
    sha256: str
    metadata: dict[str, Any] = field(default_factory=dict)


def save_model(estimator: Any, path: str | Path, *, kind: str, metadata: dict | None = None) -> Path:
    """Write ``estimator`` to ``path`` inside a versioned, checksummed envelope.

    Args:
        estimator: A fitted estimator with a ``classes_`` attribute.
        path: Destination file; parent folders are created.
        kind: What the model does (``topic``, ``sentiment``); checked again on load.
        metadata: Free, picklable facts to keep with the model (training data, figures).

    Returns:
        The path written.
    """
    payload = pickle.dumps(estimator, protocol=pickle.HIGHEST_PROTOCOL)
    envelope = {
        "magic": MAGIC,
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "engine_version": __version__,
        "labels": tuple(str(c) for c in getattr(estimator, "classes_", ())),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "sha256": hashlib.sha256(payload).hexdigest(),
        "metadata": dict(metadata or {}),
        "payload": payload,
    }
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    # Not compressed. zlib (level 1) halved the topic model's file (75.7 → 33.8 MB), but inflating
    # it again took 0.32 s of every command's start-up, 0.40 s with the sentiment model (analyze,
    # import, classify: `duluan analyze` of 100 rows took 1.72 s instead of 2.07, 2026-11-30).
    # Files compressed by earlier versions still read (see _read_envelope).
    tmp.write_bytes(pickle.dumps(envelope, protocol=pickle.HIGHEST_PROTOCOL))
    tmp.replace(path)  # atomic: a crash never leaves a half-written model in place
    return path


def _read_envelope(path: Path) -> dict:
    def fail(reason: str) -> ModelFileError:
        return ModelFileError(CORRUPT.format(path=path, reason=reason))

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise fail(f"không đọc được tệp: {exc.strerror or exc}") from None
    try:
        # A pickle (protocol 2 and up) starts with PROTO (0x80), a zlib stream never does.
        data = raw if raw[:1] == pickle.PROTO else zlib.decompress(raw)
        envelope = pickle.loads(data)  # noqa: S301 - our own artefact, see module doc
    except Exception:
        raise fail("không phải tệp mô hình Dư Luận hoặc tệp bị cắt cụt") from None
    if not isinstance(envelope, dict) or envelope.get("magic") != MAGIC:
        raise fail("không phải tệp mô hình Dư Luận")
    if envelope.get("format_version") not in READABLE_VERSIONS:
        raise fail(
            f"định dạng phiên bản {envelope.get('format_version')}, phần mềm này đọc phiên bản "
            f"{FORMAT_VERSION}; hãy huấn luyện lại mô hình"
        )
    payload = envelope.get("payload")
    if not isinstance(payload, bytes) or hashlib.sha256(payload).hexdigest() != envelope.get("sha256"):
        raise fail("sai mã kiểm tra (checksum)")
    return envelope


def read_model_info(path: str | Path) -> ModelInfo:
    """Return what a model file says about itself, after checking it.

    Args:
        path: A model file.

    Returns:
        Its :class:`ModelInfo`.

    Raises:
        ModelFileError: The file is missing, corrupt or incompatible.
    """
    env = _read_envelope(Path(path))
    return ModelInfo(
        kind=env["kind"],
        format_version=env["format_version"],
        engine_version=env["engine_version"],
        labels=tuple(env["labels"]),
        created_at=env["created_at"],
        sha256=env["sha256"],
        metadata=dict(env.get("metadata") or {}),
    )


def load_model(path: str | Path, *, kind: str | None = None) -> Any:
    """Load an estimator written by :func:`save_model`.

    Args:
        path: A model file.
        kind: When given, the file must hold a model of this kind.

    Returns:
        The estimator.

    Raises:
        ModelFileError: The file is missing, corrupt, incompatible, or of another kind.
    """
    return load_model_and_kind(path, kind=kind)[1]


def load_model_and_kind(path: str | Path, *, kind: str | None = None) -> tuple[str, Any]:
    """Like :func:`load_model`, and also return the kind the file declares.

    For a caller that accepts several kinds: the file is read, decompressed and checked once
    (:func:`read_model_info` then :func:`load_model` would do it twice, half a second for the
    shipped topic model).

    Args:
        path: A model file.
        kind: When given, the file must hold a model of this kind.

    Returns:
        ``(kind, estimator)``.

    Raises:
        ModelFileError: The file is missing, corrupt, incompatible, or of another kind.
    """
    path = Path(path)
    env = _read_envelope(path)
    if kind is not None and env["kind"] != kind:
        raise ModelFileError(
            CORRUPT.format(path=path, reason=f"mô hình loại '{env['kind']}', cần loại '{kind}'")
        )
    try:
        return env["kind"], pickle.loads(env["payload"])  # noqa: S301 - checksummed artefact of this project
    except Exception as exc:
        # A class renamed or removed since the file was written.
        raise ModelFileError(
            CORRUPT.format(path=path, reason=f"không nạp được ({type(exc).__name__})")
        ) from None
