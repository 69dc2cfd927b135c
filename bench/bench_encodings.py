"""How well legacy Vietnamese encodings are told and converted, on the shared corpora's real texts.

Run: ``DULUAN_DATA_DIR=../shared/data .venv/bin/python bench/bench_encodings.py [--every 3]``

Offices still hold text typed before Unicode: files saved in Windows-1258, TCVN3 (the ".VnTime"
fonts) or VNI, and Unicode text typed in those fonts and pasted as it showed ("Uû ban nh©n d©n",
"Uûy ban nhaân daân"). :mod:`duluan.analysis.legacy_encodings` tells them apart by whether the
words come out as Vietnamese syllables. This prints, for every ``--every``-th text of each shared
corpus (title and text; of a typed one, its words in the first 600 characters):

- **files**: heads of 4 KB of a CSV of consecutive texts written in each encoding, and the
  encoding :func:`~duluan.analysis.legacy_encodings.legacy_encoding` chose for them;
- **typed**: the share of texts typed in TCVN3 or VNI fonts that
  :func:`~duluan.analysis.legacy_encodings.typed_parts` tells as those fonts (recall), as the
  other fonts (a wrong conversion), and the share converted back to exactly the text (where every
  character of it exists in the fonts) by :func:`~duluan.analysis.legacy_encodings.mend_typed_fonts`
  (texts with no letter beyond ASCII, which typing leaves as they are, are left out);
- **typed in part**: texts of two sentences or more (cut at a sentence's end before 800
  characters) whose second half is typed in either fonts, as a message typed in Unicode round a
  paste from an old document is: the share told, and converted back to exactly the text
  (:func:`~duluan.analysis.legacy_encodings.mend_typed_fonts`), with the halves parted at a
  sentence's end, and at a word in the middle of the text (where the words next to the paste
  that read as syllables both ways cannot be told apart);
- **Unicode**: how many texts as they are it takes for typed ones, whole or in part (false
  alarms), over all texts;
- the row checks' CPU per row (:class:`~duluan.analysis.tabular.RowValidator`) for 10,000 texts
  as they are and typed, best of three.

The texts are typed in VNI by the keyboard's own rules, written apart from the module's table
(``to_vni`` of the module's tests), so the two are checked against each other. Nothing here
asserts; it prints figures.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from duluan.analysis.legacy_encodings import legacy_encoding, mend_typed_fonts, typed_parts
from duluan.analysis.tabular import LEGACY_VIETNAMESE, RowValidator, encoding_guess
from duluan.analysis.tests.test_legacy_encodings import to_vni
from duluan.shared_data import require_shared_data

CORPORA = {
    "vntc": "vntc/train.jsonl.gz",
    "tc201805": "tc201805/train.jsonl.gz",
    "uit_vsfc": "uit_vsfc/train.jsonl",
    "aivivn2019": "aivivn2019/train.jsonl",
    "news_2026": "news_2026/articles.jsonl",
}


def texts(path: Path) -> list[str]:
    """The corpus's texts (title, a newline, then the text), NFC."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle]
    return [
        unicodedata.normalize("NFC", f"{r['title']}\n{r['text']}" if r.get("title") else r["text"])
        for r in rows
    ]


def typed_tcvn3(text: str) -> str | None:
    """``text`` typed in the ".VnTime" fonts and pasted as it showed, or ``None`` where a character
    of it is not in the fonts."""
    try:
        return text.encode("tcvn3").decode("latin-1")
    except UnicodeEncodeError:
        return None


def typed_vni(text: str) -> str | None:
    """``text`` typed in the VNI fonts and pasted as it showed, or ``None`` where a character of it
    is not in them (a file in VNI would not hold it either)."""
    typed = to_vni(text)
    try:
        typed.encode("cp1252")
    except UnicodeEncodeError:
        return None
    return typed


def head(text: str, size: int = 600) -> str:
    """The words of ``text`` in its first ``size`` characters (a word cut there would read as
    another: "cũn" of "cũng" typed in TCVN3 is "còn")."""
    return text if len(text) <= size else text[: size + 1].rsplit(None, 1)[0]


def mended_text(text: str) -> tuple[str | None, str]:
    """The fonts ``text`` was told typed in (whole or in part) and the text converted, as the row
    checks and the platform convert it."""
    row = {"text": text}
    fonts, _ = mend_typed_fonts(row, ["text"])
    return fonts, row["text"]


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def typed_in_part(sample: list[str], typer, parted: str) -> tuple[int, Counter, int]:
    """For the texts of ``sample`` of two sentences or more (cut at a sentence's end before 800
    characters): their second half typed (``typer``), parted from the first at a sentence's end
    or at the middle word; return how many, the fonts each was told typed in, and how many were
    converted back exactly."""
    n = exact = 0
    found_as: Counter = Counter()
    for text in sample:
        ends = [m.end() for m in _SENTENCE_END.finditer(text[:800])]
        if len(ends) < 2:
            continue
        text = text[: ends[-1]].rstrip()
        if parted == "sentence":
            sentences = _SENTENCE_END.split(text)
            half = len(sentences) // 2
            first, second = " ".join(sentences[:half]), " ".join(sentences[half:])
        else:
            words = text.split(" ")
            first, second = " ".join(words[: len(words) // 2]), " ".join(words[len(words) // 2 :])
        typed = typer(second)
        if typed is None or typed == second:
            continue
        n += 1
        found, mended = mended_text(f"{first} {typed}")
        found_as[found] += 1
        exact += found is not None and mended == f"{first} {second}"
    return n, found_as, exact


def cp1258(text: str) -> bytes:
    """``text`` as Excel on a Vietnamese Windows saves it: Windows-1258, its tone marks combining
    (as ``cp1258_bytes`` of the tests), "?" for a character the code page has not."""
    parts = (unicodedata.normalize("NFD", c) for c in unicodedata.normalize("NFC", text))
    split = "".join(
        unicodedata.normalize("NFC", "".join(c for c in p if c not in _TONES))
        + "".join(c for c in p if c in _TONES)
        for p in parts
    )
    return split.encode("cp1258", "replace")


_TONES = "\u0300\u0301\u0303\u0309\u0323"


def file_heads(sample: list[str]) -> Counter:
    """(written in, chosen) for 4 KB heads of a CSV of twelve consecutive texts each."""
    writers = {
        "cp1258": cp1258,
        "tcvn3": lambda body: body.encode("tcvn3", "replace"),
        "vni": lambda body: to_vni(body).encode("cp1252", "replace"),
    }
    chosen: Counter = Counter()
    for i in range(len(sample)):
        rows = (sample[(i + k) % len(sample)].replace('"', "") for k in range(12))
        body = "id,text\n" + "".join(f'{i + k},"{row}"\n' for k, row in enumerate(rows))
        for name, write in writers.items():
            head = write(body)[:4096]
            legacy = encoding_guess(head) == LEGACY_VIETNAMESE
            chosen[(name, legacy_encoding(head) if legacy else "UTF-8?")] += 1
    return chosen


def row_check_cpu(sample: list[str]) -> float:
    """The row checks' CPU per row, in µs, best of three."""
    best = float("inf")
    for _ in range(3):
        validator = RowValidator(whole_file=False)
        began = time.process_time()
        for i, text in enumerate(sample):
            validator.validate({"id": str(i), "text": text}, i + 1, i + 1)
        best = min(best, time.process_time() - began)
    return best / max(len(sample), 1) * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=3, help="take every N-th text of each corpus")
    args = parser.parse_args(argv)
    data = require_shared_data()
    for corpus, name in CORPORA.items():
        path = data / name
        if not path.exists():
            print(f"{corpus}: not found ({path})")
            continue
        every = texts(path)
        sample = every[:: args.every]
        false_alarms = sum(typed_parts(t) is not None for t in every)
        line = [f"{corpus}: {len(every):,} texts; as they are, taken for typed ones: {false_alarms}"]
        for fonts, typer in (("tcvn3", typed_tcvn3), ("vni", typed_vni)):
            told: Counter = Counter()
            exact = n = 0
            for text in sample:
                typed = typer(head(text))
                if typed is None or typed == head(text):  # (nothing beyond ASCII: nothing to tell)
                    continue
                n += 1
                found, mended = mended_text(typed)
                told[found] += 1
                exact += found == fonts and mended == head(text)
            other = sum(v for k, v in told.items() if k not in (fonts, None))
            line.append(
                f"  typed in {fonts} ({n:,}): told {told[fonts] / n:.2%}, as other fonts {other},"
                f" converted exactly {exact / max(told[fonts], 1):.2%} of those told"
            )
            for parted in ("sentence", "word"):
                n, found_as, exact = typed_in_part(sample, typer, parted)
                if n == 0:  # (short comments of one sentence)
                    continue
                told_part = found_as[fonts]
                line.append(
                    f"    half typed, parted at a {parted} ({n:,}): told {told_part / max(n, 1):.2%},"
                    f" converted exactly {exact / max(told_part, 1):.2%} of those told"
                )
        print("\n".join(line))
    sample = texts(data / CORPORA["tc201805"])[::50]
    print(f"\nfile heads (4 KB CSV, twelve of every 50th TC201805 text each, {len(sample):,} per encoding):")
    for (written, chosen), count in sorted(file_heads(sample).items(), key=str):
        print(f"  written in {written:6s} chosen {chosen}: {count:,}")
    leads = [t[:300] for t in texts(data / CORPORA["tc201805"])[:10000]]
    print("\nrow checks, CPU per row (best of 3, 10,000 TC201805 leads):")
    for label, typer in (
        ("as they are", lambda t: t),
        ("typed in TCVN3", typed_tcvn3),
        ("typed in VNI", typed_vni),
    ):
        rows = [t for t in map(typer, leads) if t is not None]
        print(f"  {label:15s} {row_check_cpu(rows):7.1f} µs ({len(rows):,} rows)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
