"""Write ``duluan/analysis/data/place_folds.tsv``: the names of administrative units whose form
without diacritics is mostly other words ("dien bien": diễn biến, "hai phong": hai phòng, "can
tho": cần thợ, "da nang": đa năng).

Run: ``DULUAN_DATA_DIR=../shared/data .venv/bin/python scripts/place_folds.py [--min-count 20]``

A text typed without diacritics gives no sign of which "dien bien" it means. This script counts,
over the training files of VNTC and TC201805 and over news_2026 (all written with diacritics),
each unit name's folded form (small letters, no diacritics) found as whole words, split into the
times the words carry a unit's own spelling ("điện biên", any unit of that folded name) and the
times they are other words ("diễn biến"). It keeps the folded names found as other words at least
``--min-count`` times and at least ``--ratio`` times as often as with a unit's spelling (by default
more often: "dien bien" 1,566 times diễn biến and 590 times Điện Biên, 2026-12-07). The place
finder reads such a name, bare in a text typed all in small letters without diacritics, only after
a locative word or a mark, as it reads the names of ``place_words.tsv``. The table holds folded
names and counts, no text.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import ahocorasick

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from duluan.adminunits import load_admin_data
from duluan.analysis.corpora import read_corpus
from duluan.analysis.normalise import canonical_tones, fold
from duluan.shared_data import require_shared_data

OUT = Path(__file__).resolve().parent.parent / "duluan" / "analysis" / "data" / "place_folds.tsv"
CORPORA = ("vntc", "tc201805", "news_2026")


def _name(text: str) -> str:
    return canonical_tones(unicodedata.normalize("NFC", text).lower())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-count", type=int, default=20, help="leave out rarer names")
    parser.add_argument("--ratio", type=float, default=1.0, help="other words to a unit's spelling")
    args = parser.parse_args()
    data = require_shared_data()
    units = load_admin_data().units
    spellings: dict[str, set[str]] = defaultdict(set)
    for u in units:
        if u.short_name and not any(c.isdigit() for c in u.short_name):
            name = _name(u.short_name)
            spellings[fold(name)].add(name)
    automaton = ahocorasick.Automaton()
    for key in spellings:
        automaton.add_word(key, key)
    automaton.make_automaton()
    named: Counter = Counter()
    other: Counter = Counter()
    for corpus in CORPORA:
        for row in read_corpus(corpus, data):
            lowered = canonical_tones(unicodedata.normalize("NFC", row.text)).lower()
            folded = fold(lowered)
            if len(folded) != len(lowered):
                continue  # offsets would not hold
            for end, key in automaton.iter(folded):
                start = end - len(key) + 1
                if (start and folded[start - 1].isalnum()) or (
                    end + 1 < len(folded) and folded[end + 1].isalnum()
                ):
                    continue  # within a longer word
                if lowered[start : end + 1] in spellings[key]:
                    named[key] += 1
                else:
                    other[key] += 1
    kept = sorted(k for k in other if other[k] >= args.min_count and other[k] >= args.ratio * named[k])
    with open(OUT, "w", encoding="utf-8") as out:
        out.write("# folded name\tas other words\twith a unit's spelling (scripts/place_folds.py)\n")
        for key in kept:
            out.write(f"{key}\t{other[key]}\t{named[key]}\n")
    print(f"{len(kept)} folded names of {len(spellings)} mostly other words: {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
