"""Write ``duluan/analysis/data/place_words.tsv`` and ``place_folds.tsv``: the names of
administrative units that the news writes as words.

Run: ``DULUAN_DATA_DIR=../shared/data .venv/bin/python scripts/place_words.py [--min-count 3]
[--folds-min-count 20] [--folds-ratio 1]``

``place_words.tsv``: names the news writes in small letters as often as with capitals ("hòa
bình", "thống nhất", "yên bình"). In a text with capitals, a unit's bare name counts only when
capitalised ("Hòa Bình"); a text typed all in small letters (a chat message) gives no such sign,
and "ai cũng muốn hòa bình" read as the province. The place finder reads a name of this list,
bare in such a text, only where a locative word or a mark stands before it ("ở hòa bình", ",
hòa bình"; :class:`duluan.analysis.places.gazetteer.Gazetteer`). Each unit name (in small
letters, NFC, tones placed as the normaliser places them) is counted written as whole words
capitalised, and written in small letters; those written in small letters at least
``--min-count`` times and at least as often as capitalised are kept.

``place_folds.tsv``: names whose form without diacritics is mostly other words ("dien bien":
diễn biến 1,566 times, Điện Biên 590; "hai phong" is not: Hải Phòng 2,153 times, "hai phòng" 63).
A text typed without diacritics gives no sign of which "dien bien" it means. Each folded name
found as whole words in the folded text is counted as a unit's spelling (the words as written
carry one: "điện biên") or as other words ("diễn biến"); those found as other words at least
``--folds-min-count`` times and at least ``--folds-ratio`` times as often are kept (see
:func:`duluan.analysis.places.context.place_folds`).

Both count over the training files of VNTC and TC201805 and over news_2026 (all written with
diacritics). The tables hold names and counts, no text.
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
from duluan.analysis.places.context import capitalised
from duluan.shared_data import require_shared_data

DATA = Path(__file__).resolve().parent.parent / "duluan" / "analysis" / "data"
OUT = DATA / "place_words.tsv"
FOLDS_OUT = DATA / "place_folds.tsv"
CORPORA = ("vntc", "tc201805", "news_2026")


def _name(text: str) -> str:
    return canonical_tones(unicodedata.normalize("NFC", text).lower())


def _automaton(keys: set[str] | dict[str, set[str]]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for key in keys:
        automaton.add_word(key, key)
    automaton.make_automaton()
    return automaton


def _whole_words(automaton: ahocorasick.Automaton, text: str):
    """``(start, end, key)`` of each key found in ``text`` as whole words (``end`` inclusive)."""
    for end, key in automaton.iter(text):
        start = end - len(key) + 1
        if (start and text[start - 1].isalnum()) or (end + 1 < len(text) and text[end + 1].isalnum()):
            continue  # within a longer word
        yield start, end, key


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-count", type=int, default=3, help="leave out rarer names")
    parser.add_argument("--folds-min-count", type=int, default=20, help="leave out rarer folded names")
    parser.add_argument("--folds-ratio", type=float, default=1.0, help="other words to a unit's spelling")
    args = parser.parse_args()
    data = require_shared_data()
    units = load_admin_data().units
    # (numbered units, "quận 1", carry their type word: never bare)
    names = {
        _name(u.short_name) for u in units if u.short_name and not any(c.isdigit() for c in u.short_name)
    }
    spellings: dict[str, set[str]] = defaultdict(set)
    for name in names:
        spellings[fold(name)].add(name)
    by_name, by_fold = _automaton(names), _automaton(spellings)
    lower: Counter = Counter()
    capital: Counter = Counter()
    named: Counter = Counter()
    other: Counter = Counter()
    for corpus in CORPORA:
        for row in read_corpus(corpus, data):
            text = canonical_tones(unicodedata.normalize("NFC", row.text))
            lowered = text.lower()
            if len(lowered) != len(text):
                continue  # a character that lower-cases to two: offsets would not hold
            for start, end, name in _whole_words(by_name, lowered):
                surface = text[start : end + 1]
                if surface == name:
                    lower[name] += 1
                elif capitalised(surface):
                    capital[name] += 1
            folded = fold(lowered)
            if len(folded) != len(lowered):
                continue
            for start, end, key in _whole_words(by_fold, folded):
                if lowered[start : end + 1] in spellings[key]:
                    named[key] += 1
                else:
                    other[key] += 1
    kept = sorted(n for n in lower if lower[n] >= args.min_count and lower[n] >= capital[n])
    with open(OUT, "w", encoding="utf-8") as out:
        out.write("# name\twritten in small letters\tcapitalised (scripts/place_words.py)\n")
        for name in kept:
            out.write(f"{name}\t{lower[name]}\t{capital[name]}\n")
    print(f"{len(kept)} names of {len(names)} written as words at least as often as capitalised: {OUT}")
    folds = sorted(
        k for k in other if other[k] >= args.folds_min_count and other[k] >= args.folds_ratio * named[k]
    )
    with open(FOLDS_OUT, "w", encoding="utf-8") as out:
        out.write("# folded name\tas other words\twith a unit's spelling (scripts/place_words.py)\n")
        for key in folds:
            out.write(f"{key}\t{other[key]}\t{named[key]}\n")
    print(f"{len(folds)} folded names of {len(spellings)} mostly other words: {FOLDS_OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
