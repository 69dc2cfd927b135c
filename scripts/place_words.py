"""Write ``duluan/analysis/data/place_words.tsv``: the names of administrative units that the news
writes in small letters as often as with capitals, as words ("hòa bình", "thống nhất", "yên bình").

Run: ``DULUAN_DATA_DIR=../shared/data .venv/bin/python scripts/place_words.py [--min-count 3]``

In a text with capitals, a unit's bare name counts only when capitalised ("Hòa Bình"); a text
typed all in small letters (a chat message) gives no such sign, and "ai cũng muốn hòa bình" read
as the province. The place finder reads a name of this list, bare in such a text, only where a
locative word or a mark stands before it ("ở hòa bình", ", hòa bình";
:class:`duluan.analysis.places.gazetteer.Gazetteer`). This script counts, over the training files
of VNTC and TC201805 and over news_2026, each unit name (in small letters, NFC, tones placed as the
normaliser places them) written as whole words capitalised, and written in small letters, and
keeps those written in small letters at least ``--min-count`` times and at least as often as
capitalised. The table holds names and counts, no text.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import ahocorasick

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from duluan.adminunits import load_admin_data
from duluan.analysis.corpora import read_corpus
from duluan.analysis.normalise import canonical_tones
from duluan.analysis.places.context import capitalised
from duluan.shared_data import require_shared_data

OUT = Path(__file__).resolve().parent.parent / "duluan" / "analysis" / "data" / "place_words.tsv"
CORPORA = ("vntc", "tc201805", "news_2026")


def _name(text: str) -> str:
    return canonical_tones(unicodedata.normalize("NFC", text).lower())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-count", type=int, default=3, help="leave out rarer names")
    args = parser.parse_args()
    data = require_shared_data()
    units = load_admin_data().units
    # (numbered units, "quận 1", carry their type word: never bare)
    names = {
        _name(u.short_name) for u in units if u.short_name and not any(c.isdigit() for c in u.short_name)
    }
    automaton = ahocorasick.Automaton()
    for name in names:
        automaton.add_word(name, name)
    automaton.make_automaton()
    lower: Counter = Counter()
    capital: Counter = Counter()
    for corpus in CORPORA:
        for row in read_corpus(corpus, data):
            text = canonical_tones(unicodedata.normalize("NFC", row.text))
            lowered = text.lower()
            if len(lowered) != len(text):
                continue  # a character that lower-cases to two: offsets would not hold
            for end, name in automaton.iter(lowered):
                start = end - len(name) + 1
                if (start and lowered[start - 1].isalnum()) or (
                    end + 1 < len(lowered) and lowered[end + 1].isalnum()
                ):
                    continue  # within a longer word
                surface = text[start : end + 1]
                if surface == name:
                    lower[name] += 1
                elif capitalised(surface):
                    capital[name] += 1
    kept = sorted(n for n in lower if lower[n] >= args.min_count and lower[n] >= capital[n])
    with open(OUT, "w", encoding="utf-8") as out:
        out.write("# name\twritten in small letters\tcapitalised (scripts/place_words.py)\n")
        for name in kept:
            out.write(f"{name}\t{lower[name]}\t{capital[name]}\n")
    print(f"{len(kept)} names of {len(names)} written as words at least as often as capitalised: {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
