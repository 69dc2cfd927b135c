"""Where the shared Vietnamese corpora live (``../shared/data`` beside the checkout).

The corpora are never copied into the repository: training, evaluation, tests and benchmarks
read them from here. ``DULUAN_DATA_DIR`` overrides the location.
"""

from __future__ import annotations

import os
from pathlib import Path

MISSING_DATA = (
    "Không tìm thấy thư mục dữ liệu dùng chung (../shared/data). "
    "Đặt biến môi trường DULUAN_DATA_DIR trỏ tới thư mục đó."
)


class SharedDataMissing(FileNotFoundError):
    """Raised when a corpus is needed but the shared data folder is absent."""


def shared_data_dir() -> Path | None:
    """Return the shared data folder, or ``None`` when it is absent."""
    env = os.environ.get("DULUAN_DATA_DIR")
    if env:
        path = Path(env)
        return path if path.is_dir() else None
    here = Path(__file__).resolve()
    for parent in here.parents:
        candidate = parent.parent / "shared" / "data"
        if candidate.is_dir():
            return candidate
    return None


def require_shared_data(*parts: str) -> Path:
    """Return a path inside the shared data folder or raise :class:`SharedDataMissing`."""
    base = shared_data_dir()
    if base is None:
        raise SharedDataMissing(MISSING_DATA)
    path = base.joinpath(*parts)
    if not path.exists():
        raise SharedDataMissing(f"{MISSING_DATA} (thiếu {'/'.join(parts)})")
    return path
