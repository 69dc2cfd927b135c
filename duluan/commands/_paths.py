"""The paths a file command reads and writes, checked before it reads a row.

Every command that reads a table and writes files (``analyze``, ``classify``, ``train``,
``evaluate``) refuses, before any work, an output path that is the input's, the model's it reads
or another output's
(writing the output over the input emptied it before a row was read, and the run then reported
0 rows and succeeded), an input it may not read, and an output that is a folder or whose folder
does not exist or may not be written (these failed with a traceback, some after the whole run).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["PathError", "check_paths", "missing_input", "path_problem", "unwritable"]


class PathError(ValueError):
    """A path a command was given cannot be used; the message says why, in Vietnamese."""


def check_paths(
    input_path: Path,
    output: Path | None,
    rejects: Path | None,
    state: Path | None = None,
    *,
    model: Path | None = None,
    output_name: str = "tệp ra",
    error: type[Exception] = PathError,
) -> None:
    """Refuse paths that would overwrite the input or each other, or lie in no folder.

    Args:
        input_path: The file read.
        output: The output file (``None`` when the command writes none).
        rejects: The rejects file (``None`` when none is written).
        state: Another file written, the clusterer's state.
        model: The model file read (``classify``, ``evaluate``): no file may be written over it.
        output_name: What the messages call the output (``"tệp mô hình"`` for a model).
        error: The exception raised (a command's own input error).

    Raises:
        error: Two paths are the same file, the input may not be read, a written path is a
            folder, or the output's or rejects file's folder does not exist or may not be written.
    """
    named = [("tệp vào", input_path)] + ([("tệp mô hình", model)] if model is not None else [])
    written = []
    for what, path in ((output_name, output), ("tệp loại bỏ", rejects)):
        if path is not None:
            named.append((what, path))
            written.append((what, path))
    if state is not None:
        named.append(("tệp trạng thái phân cụm", state))
    seen: dict[Path, str] = {}
    for what, path in named:
        key = path.resolve()
        if key in seen:
            raise error(f"{what} {path} trùng với {seen[key]}: hãy chọn đường dẫn khác")
        seen[key] = what
    if input_path.is_file() and not os.access(input_path, os.R_OK):
        raise error(f"không đọc được tệp vào {input_path}: không có quyền đọc tệp")
    if state is not None:
        written.append(("tệp trạng thái phân cụm", state))
    for what, path in written:
        problem = unwritable(path, what)
        if problem:
            raise error(problem)


def unwritable(path: Path, what: str) -> str | None:
    """Why the file ``path`` cannot be written, in words (``None``: it can): a folder, or in a
    folder that does not exist or may not be written."""
    if path.is_dir():
        return _folder_given(what, path)
    if path.exists() and not path.is_file():  # a pipe or a device: a file would replace it
        return f"không ghi được {what} {path}: đó không phải tệp thường (ống dẫn hay thiết bị)"
    folder = path.resolve().parent
    if not folder.is_dir():
        return f"không ghi được {what} {path}: thư mục {path.parent} không tồn tại"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"không ghi được {what} {path}: không có quyền ghi vào thư mục {path.parent}"
    return None


def _folder_given(what: str, path: Path) -> str:
    return f"không ghi được {what} {path}: đó là một thư mục, hãy chỉ một tệp"


def missing_input(path: Path, what: str = "tệp vào") -> str | None:
    """Why ``path`` is not a file to read, in words (``None``: it is one): a folder, something
    that is no regular file (a pipe, a device), or nothing at all."""
    if path.is_file():
        return None
    if path.is_dir():
        return f"{path} là một thư mục, không phải {what}"
    if path.exists():
        return f"{path} không phải tệp thường (ống dẫn hay thiết bị), không dùng làm {what} được"
    return f"không tìm thấy {what} {path}"


def path_problem(
    input_path: Path,
    output: Path | None = None,
    rejects: Path | None = None,
    *,
    model: Path | None = None,
    output_name: str = "tệp ra",
    table_output: bool = True,
) -> str | None:
    """Why a command cannot read ``input_path`` and write its outputs, for the user, or ``None``.

    The file formats (by extension), then :func:`check_paths`, worded as ``analyze`` words them.

    Args:
        input_path: The table read.
        output: The output file (``None`` when the command writes none).
        rejects: The rejects file (``None`` when none is written).
        model: The model file the command reads.
        output_name: What the messages call the output.
        table_output: Whether the output is a table, whose extension gives its format.

    Returns:
        The message to print (the command then exits 2), or ``None``.
    """
    from duluan.analysis.tabular import input_format

    try:
        input_format(input_path)
        if output is not None and table_output:
            input_format(output)
        check_paths(input_path, output, rejects, model=model, output_name=output_name)
    except PathError as exc:
        return f"Lỗi đường dẫn: {exc}"
    except ValueError as exc:  # an extension that names no format: the message says which
        return str(exc)
    return None
