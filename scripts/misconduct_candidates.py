"""Draw the candidate news leads about officials' misconduct that were hand-labelled by topic.

Run: ``DULUAN_DATA_DIR=../shared/data .venv/bin/python scripts/misconduct_candidates.py OUT``

Writes ``OUT`` as JSON lines ``{n, corpus, id, sector, lead}``, in the order they were read, for
``duluan/analysis/data/gold_topics_misconduct.jsonl`` and ``topic_examples_misconduct.jsonl`` (how
they were read and split: ``duluan/analysis/data/labelling_guide.md``). A candidate is an article
of the three news corpora, not of a sports or world-news section, whose first 700 characters name
both an official or public body ("cán bộ", "CSGT", "hải quan", "hiệu trưởng"…) and a word of
misconduct ("vòi tiền", "nhũng nhiễu", "bảo kê", "chạy án", "lạm thu"…), and that no
hand-labelled file named when it was drawn (run at 792f054: 634 leads; run now, it also leaves out
the rows labelled since). The words find misconduct and also what only looks like it (a private
fraudster "chạy án", a rule against "tiêu cực" in a sector), so the labels teach the boundary as
well.
"""

from __future__ import annotations

import json
import random
import re
import sys

from duluan.analysis.corpora import read_corpus
from duluan.analysis.taxonomy import evaluation_ids, load_examples

LEAD = 700
SEED = 45


def _words(words: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, words)) + r")(?!\w)")


MISCONDUCT = _words(
    "tham ô|hối lộ|sách nhiễu|nhũng nhiễu|vòi tiền|vòi vĩnh|lợi dụng chức vụ|tiêu cực|bảo kê|"
    "làm luật|ăn chặn|bổ nhiệm sai|biển thủ|lót tay|phong bì|nhận tiền|đòi tiền|chạy án|chạy chức|"
    "móc ngoặc|thông đồng|bớt xén|gây khó dễ|làm khó|tư lợi|trục lợi|ăn bớt|rút ruột|lạm thu".split("|")
)
OFFICIAL = _words(
    "cán bộ|công chức|viên chức|chủ tịch|cảnh sát|csgt|công an|thanh tra|hải quan|kiểm lâm|địa chính|"
    "trưởng phòng|giám đốc sở|bí thư|kế toán|thủ quỹ|trưởng thôn|trưởng ấp|hiệu trưởng|chi cục|"
    "cục thuế|cán bộ thuế|quản lý thị trường|trật tự đô thị|phó chủ tịch|trưởng công an|"
    "điều tra viên|thẩm phán|kiểm sát viên|cảnh sát giao thông".split("|")
)
# Sections of sport and of world news: their misconduct is no province's to route.
SKIPPED_SECTIONS = ("Thể", "The thao", "The gioi", "Thế giới")


def candidates() -> list[dict]:
    """The candidate leads, shuffled (seed :data:`SEED`) and numbered in that order."""
    used = evaluation_ids() | {(e.corpus, e.id) for e in load_examples()}
    found = []
    for corpus in ("vntc", "tc201805", "news_2026"):
        for row in read_corpus(corpus):
            if (corpus, row.id) in used or any(s in str(row.label or "") for s in SKIPPED_SECTIONS):
                continue
            lead = row.text[:LEAD]
            low = lead.lower()
            if MISCONDUCT.search(low) and OFFICIAL.search(low):
                found.append({"corpus": corpus, "id": row.id, "sector": row.label, "lead": lead})
    random.Random(SEED).shuffle(found)
    return [{"n": n, **item} for n, item in enumerate(found)]


def main(out: str) -> None:
    with open(out, "w", encoding="utf-8") as fh:
        for item in candidates():
            fh.write(json.dumps(item, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
