"""Versioned model files: one envelope around any fitted estimator of this package.

A model file starts with a pickle of a plain dict (the *envelope*; zlib-compressed in files
written before 2026-11-30, which still read): a magic string, the file ``format_version``, the
model ``kind`` (``topic``, ``sentiment``), the engine version that wrote it, its label set, free
metadata, and the pickled estimator. Loading checks every one of these, so a truncated, edited
or foreign file, or one written by an incompatible format, fails with :class:`ModelFileError` and
a Vietnamese message instead of a traceback deep inside unpickling.

Since format 3 the estimator is pickled with protocol 5 and its large arrays (the weights, the
idf) are stored *out of band*: raw, each at an offset aligned to 64 bytes, in a data block that
ends the file, after the envelope. Loading hands the unpickler views of the bytes it read (or
mapped, see :func:`load_model`), so numpy builds the arrays on them without copying 75 MB a
second and a third time. The estimator's pickle and the data block are checked with CRC-32s of
4 MiB chunks, computed on two threads (``zlib.crc32`` releases the GIL); when a model is loaded,
the data block's are computed while the estimator is unpickled, and the estimator is returned
only if they match (the one-row classify, 0.313 -> 0.301 s, 2026-11-30); the envelope also keeps
the SHA-256 of both as the model's fingerprint (``duluan models info``), which loading does not
recompute. Format 1 and 2 files (the estimator pickled whole inside the envelope, checked by
its SHA-256) still read.

Measured with the shipped topic model (75.6 MB, 2026-11-30, best of 5): loading it took 174 ms
as format 2 (read 34 ms, unpickle the envelope, then the estimator, copying the bytes each time:
79 ms, SHA-256: 65 ms); 60 ms as format 3 read into memory and 20 ms mapped. Over 75 MB,
``zlib.crc32`` took 34 ms, ``adler32`` 45, SHA-256 64, SHA-1 67, BLAKE2b 72, MD5 99.

Pickle calls whatever a file names as it loads, so a crafted file could run any code (a file
handed to an official, a model folder others can write to). Loading names nothing in the envelope
and, in the estimator, only the classes registered as model parts (:func:`model_part`) and
numpy's arrays, scalars and dtypes: any other name is refused before anything is called, and the
file with it (``UnpicklingError``, as Python's documentation advises under "Restricting
Globals"). Model files are still artefacts this project builds itself (``duluan models build``,
``duluan train``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import mmap
import os
import pickle
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from duluan import __version__

MAGIC = "duluan-model"
# 2: topic models may count a text's lead n-grams in buckets of their own (``lead_tokens``); an
# engine that reads only version 1 would featurise them wrongly, so it must refuse such files.
# Version 1 files carry no lead features and read unchanged.
# 3: the estimator's large arrays are stored out of band, after the envelope, checked by CRC-32s
# (see the module's doc); an engine that reads only versions 1 and 2 could not unpickle it, and
# says so. Version 1 and 2 files read unchanged.
FORMAT_VERSION = 3
READABLE_VERSIONS = (1, 2, 3)
CORRUPT = "Tệp mô hình hỏng hoặc không tương thích: {path} ({reason})"

# Buffers (numpy arrays' memory) of at least this size are stored out of band; smaller ones (the
# class names, say) stay in the estimator's pickle, so that no small array a loaded model keeps
# holds the whole block of the file in memory.
OUT_OF_BAND_MIN = 1 << 16
# Offsets of the out-of-band buffers, and of the data block in the file, are multiples of this.
ALIGN = 64
# The data block is checked in chunks of this size, so that threads can share the work.
CHECK_CHUNK = 1 << 22
# Threads that check the chunks: 18 ms instead of 32 for the shipped topic model, mapped, on two
# cores (measured 2026-11-30).
CHECK_THREADS = 2


class ModelFileError(ValueError):
    """A model file is missing, corrupt, or incompatible with this version."""


# The classes a model file's estimator may be made of, by module and name (see model_part).
_PARTS: dict[tuple[str, str], type] = {}
# What numpy's arrays, scalars and dtypes pickle as (numpy 2 and numpy 1 spell its core module
# apart): they build arrays from bytes and call nothing else.
_NUMPY_NAMES = frozenset(
    (f"numpy{core}.{module}" if module else "numpy", name)
    for core in ("._core", ".core")
    for module, name in (
        ("multiarray", "_reconstruct"),
        ("multiarray", "scalar"),
        ("numeric", "_frombuffer"),
        ("", "dtype"),
        ("", "ndarray"),
    )
)
# Only modules of this package are imported to find a part that is not registered yet.
_PARTS_PACKAGE = "duluan.analysis."


def model_part(cls: type) -> type:
    """Register ``cls`` as a class that model files may hold (a class decorator; see the
    module's doc): an estimator saved by :func:`save_model` loads only if every object it holds
    is one of these, a builtin container or a numpy array."""
    _PARTS[(cls.__module__, cls.__qualname__)] = cls
    return cls


class _PartsUnpickler(pickle.Unpickler):
    """An unpickler that finds only registered model parts and numpy's names (none at all
    with ``parts=False``: the envelope holds plain values)."""

    def __init__(self, data: Any, *, parts: bool, buffers: Any = None) -> None:
        super().__init__(_Reader(data), buffers=buffers)
        self._parts = parts

    def find_class(self, module: str, name: str) -> Any:
        if self._parts:
            if (module, name) in _NUMPY_NAMES:
                return super().find_class(module, name)
            if (module, name) not in _PARTS and module.startswith(_PARTS_PACKAGE):
                importlib.import_module(module)  # its parts register as it is imported
            part = _PARTS.get((module, name))
            if part is not None:
                return part
        raise pickle.UnpicklingError(f"{module}.{name} không phải thành phần của mô hình")


class _Reader:
    """A file over bytes (or a view of a mapped file) that copies only what is read: an
    unpickler needs a file to find classes its own way, and ``io.BytesIO`` would copy a whole
    mapped model before the envelope at its head is read."""

    def __init__(self, data: Any) -> None:
        self._view = memoryview(data).cast("B")
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        start = self._at
        self._at = len(self._view) if size < 0 else min(start + size, len(self._view))
        return bytes(self._view[start : self._at])

    def readinto(self, buffer: Any) -> int:
        out = memoryview(buffer).cast("B")
        chunk = self._view[self._at : self._at + len(out)]
        out[: len(chunk)] = chunk
        self._at += len(chunk)
        return len(chunk)

    def readline(self) -> bytes:  # the text opcodes of protocols 0 and 1 (names of GLOBAL)
        start = end = self._at
        while end < len(self._view) and self._view[end] != 0x0A:
            end += 1
        self._at = min(end + 1, len(self._view))
        return bytes(self._view[start : self._at])


def _loads(data: Any, *, parts: bool, buffers: Any = None) -> Any:
    """``pickle.loads(data, buffers=buffers)``, finding only what :class:`_PartsUnpickler` finds."""
    return _PartsUnpickler(data, parts=parts, buffers=buffers).load()


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
    """Write ``estimator`` to ``path`` inside a versioned, checksummed envelope (format 3).

    Args:
        estimator: A fitted estimator with a ``classes_`` attribute.
        path: Destination file; parent folders are created.
        kind: What the model does (``topic``, ``sentiment``); checked again on load.
        metadata: Free, picklable facts to keep with the model (training data, figures).

    Returns:
        The path written.
    """
    buffers: list[memoryview] = []

    def out_of_band(buffer: pickle.PickleBuffer) -> bool:
        view = buffer.raw()
        if view.nbytes < OUT_OF_BAND_MIN:
            return True  # in band
        buffers.append(view)
        return False

    payload = pickle.dumps(estimator, protocol=5, buffer_callback=out_of_band)
    spans, offset = [], 0
    for view in buffers:
        offset += -offset % ALIGN
        spans.append((offset, view.nbytes))
        offset += view.nbytes
    data = bytearray(offset + -offset % ALIGN)
    for (start, size), view in zip(spans, buffers, strict=True):
        data[start : start + size] = view
    buffers.clear()  # the views: the data block holds the bytes now
    digest = hashlib.sha256(payload)
    digest.update(data)
    envelope = {
        "magic": MAGIC,
        "format_version": FORMAT_VERSION,
        "kind": kind,
        "engine_version": __version__,
        "labels": tuple(str(c) for c in getattr(estimator, "classes_", ())),
        "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "sha256": digest.hexdigest(),
        "metadata": dict(metadata or {}),
        "payload": payload,
        "buffers": tuple(spans),
        "data_size": len(data),
        "check_chunk": CHECK_CHUNK,
        "crc32": (zlib.crc32(payload), *_crc32s(memoryview(data), CHECK_CHUNK)),
    }
    head = pickle.dumps(envelope, protocol=pickle.HIGHEST_PROTOCOL)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    # Not compressed. zlib (level 1) halved the topic model's file (75.7 → 33.8 MB), but inflating
    # it again took 0.32 s of every command's start-up, 0.40 s with the sentiment model (analyze,
    # import, classify: `duluan analyze` of 100 rows took 1.72 s instead of 2.07, 2026-11-30).
    # Files compressed by earlier versions still read (see _read_envelope).
    with open(tmp, "wb") as fh:
        fh.write(head)
        fh.write(bytes(-len(head) % ALIGN))  # the data block starts aligned in the file
        fh.write(data)
    tmp.replace(path)  # atomic: a crash never leaves a half-written model in place
    return path


def _chunks(data: memoryview, size: int) -> list[memoryview]:
    return [data[i : i + size] for i in range(0, len(data), size)]


def _crc32s(data: memoryview, chunk: int) -> list[int]:
    """CRC-32 of each ``chunk`` bytes of ``data``, on up to :data:`CHECK_THREADS` threads."""
    return _start_crc32s(data, chunk)()


def _start_crc32s(data: memoryview, chunk: int) -> Callable[[], list[int]]:
    """Start :func:`_crc32s` on threads and return the function that waits for its result."""
    parts = _chunks(data, chunk)
    crcs = [0] * len(parts)
    todo = iter(enumerate(parts))  # shared: each thread takes the next chunk left

    def work() -> None:
        for i, part in todo:
            crcs[i] = zlib.crc32(part)

    threads = [threading.Thread(target=work, daemon=True) for _ in range(min(CHECK_THREADS, len(parts)))]
    for thread in threads:
        thread.start()

    def result() -> list[int]:
        for thread in threads:
            thread.join()
        return crcs

    return result


def _read_envelope(path: Path, mapped: bool = False) -> tuple[dict, Callable[[], bool]]:
    """Read and check a model file's envelope; return it and the check of its data block.

    A format 3 envelope comes back with ``"buffers"`` replaced by views of the file's bytes
    (read, or mapped with ``mapped``), which :func:`_unpickle` hands to the unpickler. The
    estimator's pickle is checked here; the CRC-32s of the data block (raw array bytes, which
    unpickling does not interpret) are still being computed on threads when this returns, so
    that a caller can unpickle meanwhile: the returned function waits for them and says whether
    they match (for formats 1 and 2, checked whole here, it says ``True``).
    """

    def fail(reason: str) -> ModelFileError:
        return ModelFileError(CORRUPT.format(path=path, reason=reason))

    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if mapped and size:
                # Private and writable: the arrays built on it are writable as before, and a
                # page is copied only if something writes to it.
                raw: Any = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_COPY)
            else:
                raw = bytearray(size)
                if fh.readinto(raw) != size:
                    raise fail("tệp bị cắt cụt")
    except OSError as exc:
        raise fail(f"không đọc được tệp: {exc.strerror or exc}") from None
    view = memoryview(raw)
    try:
        # A pickle (protocol 2 and up) starts with PROTO (0x80), a zlib stream never does.
        # pickle.loads stops at the envelope's end: a format 3 file's data block follows it.
        data = view if raw[:1] == pickle.PROTO else zlib.decompress(view)
        envelope = _loads(data, parts=False)
    except Exception:
        raise fail("không phải tệp mô hình Dư Luận hoặc tệp bị cắt cụt") from None
    if not isinstance(envelope, dict) or envelope.get("magic") != MAGIC:
        raise fail("không phải tệp mô hình Dư Luận")
    version = envelope.get("format_version")
    if version not in READABLE_VERSIONS:
        # A newer file needs a newer Dư Luận; an older one, unreadable now, a new model.
        advice = (
            "hãy cập nhật phần mềm Dư Luận"
            if isinstance(version, int) and version > FORMAT_VERSION
            else "hãy huấn luyện lại mô hình"
        )
        raise fail(f"định dạng phiên bản {version}, phần mềm này đọc phiên bản {FORMAT_VERSION}; {advice}")
    # What every reader takes from the envelope (a file edited by hand lost its "kind" and gave a
    # KeyError traceback): the data block's checksums cover the estimator, not these.
    fields = (("kind", str), ("engine_version", str), ("created_at", str), ("sha256", str))
    if any(not isinstance(envelope.get(name), kind) for name, kind in fields) or not (
        isinstance(envelope.get("labels"), list | tuple)
        and all(isinstance(x, str) for x in envelope["labels"])
    ):
        raise fail("phần đầu tệp thiếu hoặc sai (loại, nhãn, phiên bản, thời điểm tạo)")
    if not isinstance(envelope.get("metadata") or {}, dict):
        raise fail("phần đầu tệp thiếu hoặc sai (siêu dữ liệu)")
    payload = envelope.get("payload")
    if version < 3:
        # The estimator pickled whole inside the envelope, checked by its SHA-256.
        if not isinstance(payload, bytes) or hashlib.sha256(payload).hexdigest() != envelope.get("sha256"):
            raise fail("sai mã kiểm tra (checksum)")
        return envelope, lambda: True
    try:
        start = len(raw) - envelope["data_size"]
        block = view[start:]
        chunk = envelope["check_chunk"]
        expected = list(envelope["crc32"])
        ok = isinstance(payload, bytes) and start > 0 and start % ALIGN == 0
        spans = envelope["buffers"]
        if ok:
            envelope["buffers"] = [block[offset : offset + length] for offset, length in spans]
            ok = zlib.crc32(payload) == expected[0] and all(
                len(b) == length for b, (_, length) in zip(envelope["buffers"], spans, strict=True)
            )
        if ok:
            crcs = _start_crc32s(block, chunk)
    except Exception:
        ok = False
    if not ok:
        raise fail("sai mã kiểm tra (checksum)")
    return envelope, lambda: crcs() == expected[1:]


def _unpickle(envelope: dict) -> Any:
    """The estimator of a checked envelope (format 3: on the views of its data block)."""
    if envelope["format_version"] < 3:
        return _loads(envelope["payload"], parts=True)
    return _loads(envelope["payload"], parts=True, buffers=envelope["buffers"])


def read_model_info(path: str | Path) -> ModelInfo:
    """Return what a model file says about itself, after checking it.

    Args:
        path: A model file.

    Returns:
        Its :class:`ModelInfo`.

    Raises:
        ModelFileError: The file is missing, corrupt or incompatible.
    """
    env, intact = _read_envelope(Path(path))
    if not intact():
        raise ModelFileError(CORRUPT.format(path=path, reason="sai mã kiểm tra (checksum)"))
    return ModelInfo(
        kind=env["kind"],
        format_version=env["format_version"],
        engine_version=env["engine_version"],
        labels=tuple(env["labels"]),
        created_at=env["created_at"],
        sha256=env["sha256"],
        metadata=dict(env.get("metadata") or {}),
    )


def load_model(path: str | Path, *, kind: str | None = None, mapped: bool = False) -> Any:
    """Load an estimator written by :func:`save_model`.

    Args:
        path: A model file.
        kind: When given, the file must hold a model of this kind.
        mapped: Map the file into memory instead of reading it (format 3: the model's arrays
            then live in the mapping, and the pages of the file's cache are shared rather than
            copied; 20 ms instead of 60 to load the shipped topic model). For commands that run
            a while and end: a process that maps a file must not see it overwritten in place
            (``cp`` onto it), or it dies of SIGBUS at the next page it reads; :func:`save_model`
            replaces files atomically, so models it writes are safe to rebuild.

    Returns:
        The estimator.

    Raises:
        ModelFileError: The file is missing, corrupt, incompatible, or of another kind.
    """
    return load_model_and_kind(path, kind=kind, mapped=mapped)[1]


def in_own_memory(array: Any) -> Any:
    """``array`` copied into memory of its own when it is a view of a model file that
    :func:`load_model` mapped (``mapped=True``), else ``array`` itself.

    For the weight tables that compiled loops read at random rows: numpy asks the kernel for
    huge pages (``madvise``) for arrays of 4 MB or more, where a file's mapping has pages of
    4 KB, and a row read through a page the CPU has no translation cached for waits for the page
    tables too. The topic step's compiled loops took 15.3-16.0 µs of CPU a news lead reading the
    topic model's 71 MB of weights from such a copy, against 25.8-27.4 from the mapping (one
    process, 20,000 leads, three runs each; this machine's kernel gives huge pages on
    ``madvise``, 2026-12-02). The mapping's pages under the copied bytes are then given back
    (``MADV_DONTNEED``): the file stays in the page cache, and the process does not hold the
    table twice. Call it before forking workers, which share the copy.

    Args:
        array: A numpy array.

    Returns:
        The array, or its C-contiguous copy.
    """
    import numpy as np  # this module reads any estimator: numpy only for those that have arrays

    if _mapping_of(array) is None:
        return array
    copy = np.array(array, order="C")
    release_pages(array)
    return copy


def release_pages(array: Any) -> None:
    """Give back the pages of a model file's mapping that hold ``array`` (``MADV_DONTNEED``), when
    it is a view of one (else nothing): for an array whose values were copied elsewhere. The file
    stays in the page cache; a later read of the array maps its pages again.

    Args:
        array: A numpy array.
    """
    import numpy as np

    mapping = _mapping_of(array)
    if mapping is None:
        return
    start = array.__array_interface__["data"][0] - np.frombuffer(mapping, np.uint8).ctypes.data
    page = mmap.PAGESIZE
    first, last = -(-start // page) * page, (start + array.nbytes) // page * page
    # Whole pages of this array only: its neighbours in the file keep theirs. (Python has no
    # madvise where the system has none: the pages then stay until the mapping closes.)
    if last > first and hasattr(mapping, "madvise"):
        mapping.madvise(mmap.MADV_DONTNEED, first, last - first)


def _mapping_of(array: Any) -> mmap.mmap | None:
    """The mapping of a model file that ``array`` is a view of, or ``None``."""
    mapping = array
    while mapping is not None and not isinstance(mapping, mmap.mmap):
        mapping = mapping.obj if isinstance(mapping, memoryview) else getattr(mapping, "base", None)
    return mapping


def load_model_and_kind(
    path: str | Path, *, kind: str | None = None, mapped: bool = False
) -> tuple[str, Any]:
    """Like :func:`load_model`, and also return the kind the file declares.

    For a caller that accepts several kinds: the file is read and checked once
    (:func:`read_model_info` then :func:`load_model` would do it twice).

    Args:
        path: A model file.
        kind: When given, the file must hold a model of this kind.
        mapped: See :func:`load_model`.

    Returns:
        ``(kind, estimator)``.

    Raises:
        ModelFileError: The file is missing, corrupt, incompatible, or of another kind.
    """
    path = Path(path)
    # The data block's CRC-32s are computed on threads while the estimator is unpickled (and its
    # modules imported, 0.2 s for the topic model's): its 20 ms of checking (mapped) hide behind.
    env, intact = _read_envelope(path, mapped=mapped)
    error = None
    try:
        if kind is not None and env["kind"] != kind:
            error = CORRUPT.format(path=path, reason=f"mô hình loại '{env['kind']}', cần loại '{kind}'")
        else:
            try:
                estimator = _unpickle(env)
            except pickle.UnpicklingError as exc:  # a name no model part has (see the module's doc)
                error = CORRUPT.format(path=path, reason=f"không nạp được: {exc}")
            except Exception as exc:
                # A class renamed or removed since the file was written.
                error = CORRUPT.format(path=path, reason=f"không nạp được ({type(exc).__name__})")
    finally:
        checked = intact()  # waited for even when unpickling failed: no thread outlives the call
    if not checked:
        raise ModelFileError(CORRUPT.format(path=path, reason="sai mã kiểm tra (checksum)"))
    if error is not None:
        raise ModelFileError(error)
    return env["kind"], estimator
