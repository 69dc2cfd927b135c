"""Write ``duluan/analysis/data/syllable_counts.tsv``: how often each Vietnamese syllable with
letters beyond ASCII is written in the shared news corpora.

Run: ``DULUAN_DATA_DIR=../shared/data .venv/bin/python scripts/syllable_counts.py [--min-count 3]``

:mod:`duluan.analysis.legacy_encodings` reads it to choose, for a word next to a stretch typed in
legacy fonts that reads as a syllable both as it stands and converted ("là", "lổ" in TCVN3;
"cã", "có"), the reading people write more often. The table holds counts of syllables (lower
case, NFC) in the training files of VNTC and TC201805 and in news_2026, no text.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from duluan.analysis.legacy_encodings import vietnamese_share
from duluan.shared_data import require_shared_data

OUT = Path(__file__).resolve().parent.parent / "duluan" / "analysis" / "data" / "syllable_counts.tsv"
WORD = re.compile(r"[^\W\d_]+")  # as legacy_encodings reads words
CORPORA = ("vntc/train.jsonl.gz", "tc201805/train.jsonl.gz", "news_2026/articles.jsonl")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-count", type=int, default=3, help="leave out rarer syllables")
    args = parser.parse_args()
    data = require_shared_data()
    counts: Counter = Counter()
    for name in CORPORA:
        opener = gzip.open if name.endswith(".gz") else open
        with opener(data / name, "rt", encoding="utf-8") as handle:
            for line in handle:
                row = json.loads(line)
                text = unicodedata.normalize("NFC", f"{row.get('title') or ''}\n{row['text']}").lower()
                counts.update(w for w in WORD.findall(text) if not w.isascii())
    kept = sorted(
        ((w, n) for w, n in counts.items() if n >= args.min_count and vietnamese_share(w) == (1.0, 1)),
        key=lambda p: (-p[1], p[0]),
    )
    with open(OUT, "w", encoding="utf-8") as out:
        out.write("# syllable\tcount, in the shared news corpora (scripts/syllable_counts.py)\n")
        out.writelines(f"{w}\t{n}\n" for w, n in kept)
    print(f"{OUT}: {len(kept):,} syllables, {sum(n for _, n in kept):,} occurrences")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
