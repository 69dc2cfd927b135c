"""Draw the candidate passages in a citizen's voice that were hand-labelled for sentiment.

Run: ``PYTHONHASHSEED=0 DULUAN_DATA_DIR=../shared/data .venv/bin/python scripts/letter_passages.py OUT``

Writes ``OUT`` as JSON lines ``{n, corpus, id, start, end, text}``: the 1,871 passages read for
``duluan/analysis/data/gold_sentiment_letters.jsonl`` and ``sentiment_letters.jsonl`` (how they
were read and split: ``duluan/analysis/data/labelling_guide.md``). A passage is one sentence, or
two when the first is short, of an article of a government-related section that no other
hand-labelled file names, written in the first person ("tôi", "chúng tôi", "cháu"…) with a
question mark or a word of request, complaint or thanks, 8 to 80 words long, naming no official
or celebrity. One passage is drawn per article.

- Rows 0–923, the first draw: 0–399 gold, the rest examples.
- Rows 1000–1404, the second, from four VNTC sections only (all gold), as half of the first were
  not a citizen's voice.
- Rows 2000–2449, the third: the first's rules over the articles left (all examples).
- Rows 3000–3091, the fourth: passages with a word of thanks or contentment, as the first three
  held few, of articles that gave no gold passage (all examples; an article may give a second).

``PYTHONHASHSEED=0`` makes the draw the one labelled: it picks each article's passage with
Python's ``hash``. The text is written for the readers only; the data files keep offsets, not text.
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

from duluan.analysis.corpora import read_corpus
from duluan.analysis.taxonomy import _read_labels

DATA = Path(__file__).resolve().parent.parent / "duluan" / "analysis" / "data"
TC201805 = {
    "Chính trị và Pháp luật",
    "Sức khoẻ",
    "Con người & Xã hội",
    "Giáo dục và Việc làm - Giáo dục",
    "Giáo dục và Việc làm - Việc làm",
    "Khoa học - Sinh thái & Môi trường",
    "Kinh doanh và Công nghiệp",
    "Tài chính",
    "Bất động sản",
}
VNTC = {"Chinh tri Xa hoi", "Phap luat", "Suc khoe", "Doi song", "Kinh doanh"}
VNTC_SECOND = {"Chinh tri Xa hoi", "Phap luat", "Suc khoe", "Kinh doanh"}
SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
FIRST_PERSON = re.compile(
    r"(?i)\b(tôi|chúng tôi|gia đình tôi|bà con chúng tôi|nhà tôi|con tôi|mẹ tôi|bố tôi|vợ tôi|"
    r"chồng tôi|cháu)\b"
)
VOICE = re.compile(
    r"(?i)(\?|\b(xin hỏi|cho hỏi|mong|xin|đề nghị|kiến nghị|nhờ|giúp|cảm ơn|biết ơn|bức xúc|khiếu nại|"
    r"phản ánh|hài lòng|vui mừng|phấn khởi|bất bình|than phiền|tố cáo|làm thế nào|có được không|"
    r"phải làm gì)\b)"
)
# The fourth draw's: words of thanks and contentment, which the first three drew too rarely.
THANKS = re.compile(
    r"(?i)\b(cảm ơn|biết ơn|tri ân|hài lòng|phấn khởi|vui mừng|yên tâm|cảm kích|mãn nguyện|tự hào)\b"
)
OFFICIAL = re.compile(
    r"(Chủ tịch|Giám đốc|Bộ trưởng|Thứ trưởng|HLV|huấn luyện viên|Tổng thống|Thủ tướng|phóng viên|PV:|"
    r"Đại sứ|ca sĩ|diễn viên|cầu thủ)"
)


def passages(text: str, second: bool, voice: re.Pattern[str] = VOICE) -> list[tuple[int, int, str]]:
    """The candidate passages of one article: ``(start, end, text)``."""
    sentences = [
        (m.start() + len(m.group(0)) - len(m.group(0).lstrip()), m.end())
        for m in SENTENCE.finditer(text)
        if m.group(0).strip()
    ]
    found = []
    for i, (start, end) in enumerate(sentences):
        sentence = text[start:end]
        if not (FIRST_PERSON.search(sentence) and voice.search(sentence)):
            continue
        first = i
        if (
            i
            and len(sentence.split()) < 25
            and FIRST_PERSON.search(text[sentences[i - 1][0] : sentences[i - 1][1]])
        ):
            first = i - 1
        at = sentences[first][0]
        span = text[at:end].strip()
        quoted = span.startswith('"') or (second and "“" in span)
        if 8 <= len(span.split()) <= 80 and not OFFICIAL.search(span) and not quoted:
            found.append((at, at + len(span), span))
    return found


def draw(used: set[tuple[str, str]], second: bool, thanks: bool = False) -> list[dict]:
    rows = []
    for corpus in ("vntc",) if second else ("tc201805", "vntc", "news_2026"):
        for row in read_corpus(corpus):
            if (corpus, row.id) in used:
                continue
            if corpus == "tc201805" and row.label not in TC201805:
                continue
            if corpus == "vntc" and row.label not in (VNTC_SECOND if second else VNTC):
                continue
            found = passages(row.text, second, THANKS if thanks else VOICE)
            if found:
                start, end, span = random.Random(hash((corpus, row.id)) % 10**9).choice(found)
                rows.append({"corpus": corpus, "id": row.id, "start": start, "end": end, "text": span})
    return rows


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    # The files of labels read from these passages (the topic passages too), whose articles the
    # draw took: left out, they would be left out of the draw and change it.
    labelled = {"gold_sentiment_letters.jsonl", "sentiment_letters.jsonl", "gold_topics_letters.jsonl"}
    # And the files labelled after the draw: their articles were in it.
    labelled |= {"gold_topics_misconduct.jsonl", "topic_examples_misconduct.jsonl"}
    used: set[tuple[str, str]] = set()
    for path in DATA.glob("*.jsonl"):
        if path.name not in labelled:
            try:
                used |= {(g.corpus, g.id) for g in _read_labels(path)}
            except KeyError:  # not a file of labelled rows (the places' gold sets)
                pass
    first = draw(used, second=False)
    rng = random.Random(20261207)
    rng.shuffle(first)
    by_corpus: dict[str, list[dict]] = {}
    for row in first:
        by_corpus.setdefault(row["corpus"], []).append(row)
    chosen = by_corpus["news_2026"][:40] + by_corpus["tc201805"][:500] + by_corpus["vntc"][:760]
    rng.shuffle(chosen)
    taken = {(r["corpus"], r["id"]) for r in chosen}
    second = draw(used | taken, second=True)
    taken |= {(r["corpus"], r["id"]) for r in second}
    third = draw(used | taken, second=False)
    # Of any article but those of the other files and of the gold passages (rows 0-399, 1000-):
    # an article whose passage is learnt may give another.
    gold = {(r["corpus"], r["id"]) for r in [*chosen[:400], *second]}
    drawn_spans = {(r["corpus"], r["id"], r["start"]) for r in [*chosen, *second, *third]}
    fourth = [
        r
        for r in draw(used | gold, second=False, thanks=True)
        if (r["corpus"], r["id"], r["start"]) not in drawn_spans
    ]
    random.Random(20261208).shuffle(fourth)
    drawn = [*enumerate(chosen), *enumerate(second, start=1000), *enumerate(third, start=2000)]
    with open(sys.argv[1], "w", encoding="utf-8") as out:
        for n, row in [*drawn, *enumerate(fourth[:450], start=3000)]:
            out.write(json.dumps({"n": n, **row}, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
