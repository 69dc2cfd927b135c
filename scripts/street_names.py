"""Write ``duluan/analysis/data/street_names.tsv``: the names of streets the news writes with
capitals, for reading them in texts typed in small letters.

Run: ``DULUAN_DATA_DIR=../shared/data .venv/bin/python scripts/street_names.py [--min-count 3]``

:func:`duluan.analysis.places.masking.street_spans` finds a street's name by its capitals ("đường
Nguyễn Trãi"); in "đường nguyễn trãi bị ngập" it cannot tell where the name ends. This script
runs it, for capitalised names alone (``known_names=False``: never this list's own finds), over
the training files of VNTC and TC201805 and over news_2026, and keeps each name of two to five
syllables (in small letters, NFC, tones placed as the normaliser places them) that it finds at
least ``--min-count`` times and that those texts write in small letters, anywhere, less often
than as a street's name: "Nguyễn Trãi" is a name, while "Mới" in "đường Mới" and "Sắt Việt Nam"
in a sentence that opens "Đường Sắt Việt Nam" are words too. A name of one syllable is never
kept ("phố Huế" may be "phố huế", but "đường Láng" is also "đường láng", smooth).
The table holds names and counts, no text.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import ahocorasick

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from duluan.analysis.corpora import read_corpus
from duluan.analysis.normalise import canonical_tones
from duluan.analysis.places.masking import street_spans
from duluan.shared_data import require_shared_data

OUT = Path(__file__).resolve().parent.parent / "duluan" / "analysis" / "data" / "street_names.tsv"
CORPORA = ("vntc", "tc201805", "news_2026")


def _texts(data: Path):
    for name in CORPORA:
        for row in read_corpus(name, data):
            yield unicodedata.normalize("NFC", row.text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-count", type=int, default=3, help="leave out rarer names")
    args = parser.parse_args()
    data = require_shared_data()
    named: Counter = Counter()
    for text in _texts(data):
        for start, end in street_spans(text, known_names=False):
            name = canonical_tones(text[start:end].lower())
            if " " in name:
                named[name] += 1
    candidates = [name for name, n in named.items() if n >= args.min_count]
    # How often each is written in small letters, as whole words, in the same texts.
    automaton = ahocorasick.Automaton()
    for name in candidates:
        automaton.add_word(name, name)
    automaton.make_automaton()
    small: Counter = Counter()
    for text in _texts(data):
        placed = canonical_tones(text)
        for end, name in automaton.iter(placed):
            start = end - len(name) + 1
            before, after = placed[start - 1 : start], placed[end + 1 : end + 2]
            if not (before.isalnum() or after.isalnum()):
                small[name] += 1
    kept = sorted(
        ((name, named[name]) for name in candidates if small[name] < named[name]), key=lambda p: (-p[1], p[0])
    )
    with open(OUT, "w", encoding="utf-8") as out:
        out.write("# street's name\tcount as one in the shared news corpora (scripts/street_names.py)\n")
        out.writelines(f"{name}\t{n}\n" for name, n in kept)
    left = len(candidates) - len(kept)
    print(f"{OUT}: {len(kept):,} names ({left:,} left out as words written in small letters)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
