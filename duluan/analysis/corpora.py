"""Read the shared public corpora (``../shared/data``) as uniform rows.

Each corpus has its own file layout and fields; :func:`read_corpus` yields
:class:`CorpusRow` ``(id, text, label)`` for all of them, so training, bootstrapping, the gold set
and the benchmarks read data one way. The texts are read in place, never copied.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from duluan.shared_data import require_shared_data

__all__ = ["CORPORA", "CorpusRow", "read_corpus"]

# name -> (relative file, label field)
CORPORA: dict[str, tuple[tuple[str, ...], str | None]] = {
    "vntc": (("vntc", "train.jsonl.gz"), "label"),
    "tc201805": (("tc201805", "train.jsonl.gz"), "label"),
    "uit_vsfc": (("uit_vsfc", "train.jsonl"), "sentiment"),
    "uit_vsfc_dev": (("uit_vsfc", "dev.jsonl"), "sentiment"),
    "aivivn2019": (("aivivn2019", "train.jsonl"), "sentiment"),
    "news_2026": (("news_2026", "articles.jsonl"), None),
}


@dataclass(frozen=True, slots=True)
class CorpusRow:
    """One labelled (or unlabelled) text of a shared corpus."""

    id: str
    text: str
    label: str | None


def headline(text: str) -> str:
    """A news text's headline: its first line (the news corpora put the title there). Citizens
    write about as much, so the shipped sentiment model also learns its hand-labelled examples'
    headlines alone."""
    return text.split("\n", 1)[0].strip()


def corpus_path(name: str, data_dir: str | Path | None = None) -> Path:
    """Return the file of a named corpus.

    Args:
        name: One of :data:`CORPORA`.
        data_dir: The shared data folder (default: located automatically).

    Returns:
        The path.

    Raises:
        KeyError: Unknown corpus.
        duluan.shared_data.SharedDataMissing: The data is absent.
    """
    parts, _ = CORPORA[name]
    if data_dir is None:
        return require_shared_data(*parts)
    path = Path(data_dir).joinpath(*parts)
    if not path.exists():
        from duluan.shared_data import MISSING_DATA, SharedDataMissing

        raise SharedDataMissing(f"{MISSING_DATA} (thiếu {'/'.join(parts)})")
    return path


def read_corpus(name: str, data_dir: str | Path | None = None) -> Iterator[CorpusRow]:
    """Yield the rows of a shared corpus.

    ``news_2026`` rows are the title followed by the article text; the others are as stored.

    Args:
        name: One of :data:`CORPORA`.
        data_dir: The shared data folder (default: located automatically).

    Yields:
        :class:`CorpusRow` in file order.
    """
    path = corpus_path(name, data_dir)
    _, label_field = CORPORA[name]
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            item = json.loads(line)
            text = item.get("text") or ""
            if name == "news_2026":
                text = f"{item.get('title') or ''}.\n{text}"
            yield CorpusRow(str(item["id"]), text, None if label_field is None else item.get(label_field))
