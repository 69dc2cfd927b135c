"""Evaluate place recognition on the hand-checked gold set.

Run ``python -m duluan.analysis.places_eval`` (add ``--errors`` to list every miss and false alarm).

The gold set (``data/gold_places.jsonl``) stores no corpus text, only where to find it: ``sentence``
records ``{corpus, id, start, end}`` name the evaluated sentences of the shared corpora
(``news_2026`` with post-2025 names; ``vntc`` and ``tc201805`` with pre-2025 names), and ``mention``
records ``{corpus, id, start, end, scheme, code, level}`` every administrative unit named in them, labelled
by hand from the unit data (spans cover the name as written, as :mod:`duluan.analysis.places` does).

Figures printed:

- *exact*: a system mention counts when span, scheme and code all equal a gold mention's;
- *code only*: per sentence, the multiset of ``(scheme, code)`` is compared, spans ignored;
- *span only*: detection, whatever unit was chosen;
- the same on the sentences with their diacritics stripped (``fold``), to show how much survives
  accent-free writing;
- the bare-commune trade-off: bare commune names accepted never / with context (default) / always;
- the *former names* set (``data/gold_places_former.jsonl``): names of districts and communes
  dissolved before the pre-2025 data ("huyện Yên Dũng", "quận 9"), found in the VNTC and TC201805
  corpora by a pattern (a type word and a capitalised name whose folded form is a former name), not
  by the recogniser, and labelled by hand with the unit that took each in; with a few current units
  of the same names and a few spans that name no unit. Records ``{kind: "mention" | "not_a_unit",
  corpus, id, sentence: [start, end], start, end, scheme, code, level, former}``. Mentions of the
  main set flagged ``former`` were labelled when these names were added (2026-12-01);
- the *tuning* split (labelled first; the recogniser's rules were then refined against its errors) and
  the *fresh* split (labelled afterwards and not used to change the rules) separately: the fresh figure
  is the honest estimate.
"""

from __future__ import annotations

import argparse
import dataclasses
import gzip
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from duluan.analysis.normalise import fold
from duluan.analysis.places import Gazetteer, PlaceMention
from duluan.shared_data import require_shared_data

GOLD_PATH = Path(__file__).parent / "data" / "gold_places.jsonl"
FORMER_PATH = Path(__file__).parent / "data" / "gold_places_former.jsonl"
CORPUS_FILES = {
    "news_2026": ("news_2026", "articles.jsonl"),
    "vntc": ("vntc", "train.jsonl.gz"),
    "tc201805": ("tc201805", "train.jsonl.gz"),
}
# Publication dates the platform would know for each item; the corpora without a per-item date are
# dated by their collection (VNTC 2006–2007, TC201805 2017–2018).
CORPUS_DATES = {"vntc": date(2007, 1, 1), "tc201805": date(2018, 5, 1)}


@dataclass(frozen=True)
class Sentence:
    corpus: str
    doc_id: str
    start: int
    end: int
    text: str
    when: date | None
    split: str = "tuning"


@dataclass(frozen=True)
class Scores:
    true_positives: int
    predicted: int
    gold: int

    @property
    def precision(self) -> float:
        return self.true_positives / self.predicted if self.predicted else 0.0

    @property
    def recall(self) -> float:
        return self.true_positives / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, label: str) -> str:
        return (
            f"{label:<34} P {self.precision:6.1%}  R {self.recall:6.1%}  F1 {self.f1:6.1%}"
            f"   ({self.true_positives} correct, {self.predicted} predicted, {self.gold} gold)"
        )


def load_gold(path: Path = GOLD_PATH) -> tuple[list[dict], list[dict]]:
    """Read the gold file.

    Returns:
        ``(sentences, mentions)`` as plain dicts.
    """
    sentences, mentions = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            (sentences if record["kind"] == "sentence" else mentions).append(record)
    return sentences, mentions


def _read_corpus(corpus: str, wanted: set[str]) -> dict[str, dict]:
    path = require_shared_data(*CORPUS_FILES[corpus])
    opener = gzip.open if path.suffix == ".gz" else open
    found: dict[str, dict] = {}
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            if row["id"] in wanted:
                found[row["id"]] = row
    return found


def _date_of(corpus: str, doc: dict) -> date | None:
    """The date a corpus item is read at: its publication date, else its corpus's (CORPUS_DATES)."""
    if doc.get("published_at"):
        return date.fromisoformat(doc["published_at"][:10])
    return CORPUS_DATES.get(corpus)


def load_sentences(records: list[dict]) -> list[Sentence]:
    """Cut the gold sentences out of the shared corpora.

    Args:
        records: the ``sentence`` records of the gold file.

    Returns:
        The sentences with their text and the date to evaluate them at.
    """
    by_corpus: dict[str, set[str]] = {}
    for r in records:
        by_corpus.setdefault(r["corpus"], set()).add(r["id"])
    docs = {corpus: _read_corpus(corpus, ids) for corpus, ids in by_corpus.items()}
    sentences = []
    for r in records:
        doc = docs[r["corpus"]][r["id"]]
        when = _date_of(r["corpus"], doc)
        text = doc["text"][r["start"] : r["end"]]
        split = r.get("split", "tuning")
        sentences.append(Sentence(r["corpus"], r["id"], r["start"], r["end"], text, when, split))
    return sentences


def predict(
    gazetteer: Gazetteer,
    sentences: Iterable[Sentence],
    *,
    use_dates: bool = True,
    strip_accents: bool = False,
) -> dict[tuple[str, str, int], list[PlaceMention]]:
    """Run the recogniser on each sentence; offsets are shifted to the document."""
    results = {}
    for s in sentences:
        text = fold(s.text) if strip_accents else s.text
        found = gazetteer.find(text, when=s.when if use_dates else None)
        results[(s.corpus, s.doc_id, s.start)] = [
            PlaceMention(
                m.start + s.start, m.end + s.start, m.surface, m.code, m.scheme, m.level, m.name, m.confidence
            )
            for m in found
        ]
    return results


def score(
    sentences: list[Sentence], gold: list[dict], predicted: dict[tuple[str, str, int], list[PlaceMention]]
) -> dict[str, Scores]:
    """Compare predictions with the gold mentions (exact, code only, span only)."""
    exact_tp = code_tp = span_tp = 0
    n_pred = sum(len(v) for v in predicted.values())
    for s in sentences:
        g = [
            m
            for m in gold
            if m["corpus"] == s.corpus and m["id"] == s.doc_id and s.start <= m["start"] < s.end
        ]
        p = predicted[(s.corpus, s.doc_id, s.start)]
        gold_exact = Counter((m["start"], m["end"], m["scheme"], m["code"]) for m in g)
        pred_exact = Counter((m.start, m.end, m.scheme, m.code) for m in p)
        exact_tp += sum((gold_exact & pred_exact).values())
        gold_codes = Counter((m["scheme"], m["code"]) for m in g)
        pred_codes = Counter((m.scheme, m.code) for m in p)
        code_tp += sum((gold_codes & pred_codes).values())
        gold_spans = Counter((m["start"], m["end"]) for m in g)
        pred_spans = Counter((m.start, m.end) for m in p)
        span_tp += sum((gold_spans & pred_spans).values())
    n_gold = len(gold)
    return {
        "exact": Scores(exact_tp, n_pred, n_gold),
        "code": Scores(code_tp, n_pred, n_gold),
        "span": Scores(span_tp, n_pred, n_gold),
    }


def confidence_auc(
    sentences: list[Sentence], gold: list[dict], predicted: dict[tuple[str, str, int], list[PlaceMention]]
) -> float | None:
    """How well confidence tells right mentions (exact match) from wrong ones: the area under the
    ROC curve of confidence (0.5: no better than chance; ``None`` when all are right or all wrong)."""
    from sklearn.metrics import roc_auc_score

    right, confidence = [], []
    for s in sentences:
        g = {
            (m["start"], m["end"], m["scheme"], m["code"])
            for m in gold
            if m["corpus"] == s.corpus and m["id"] == s.doc_id and s.start <= m["start"] < s.end
        }
        for m in predicted[(s.corpus, s.doc_id, s.start)]:
            right.append((m.start, m.end, m.scheme, m.code) in g)
            confidence.append(m.confidence)
    return float(roc_auc_score(right, confidence)) if 0 < sum(right) < len(right) else None


def errors(
    sentences: list[Sentence], gold: list[dict], predicted: dict[tuple[str, str, int], list[PlaceMention]]
) -> list[str]:
    """Describe every gold mention missed and every prediction not in the gold set (exact match)."""
    lines = []
    for s in sentences:
        g = {
            (m["start"], m["end"], m["scheme"], m["code"])
            for m in gold
            if m["corpus"] == s.corpus and m["id"] == s.doc_id and s.start <= m["start"] < s.end
        }
        p = {(m.start, m.end, m.scheme, m.code): m for m in predicted[(s.corpus, s.doc_id, s.start)]}
        for key in sorted(g - p.keys()):
            surface = s.text[key[0] - s.start : key[1] - s.start]
            lines.append(f"MISS  {s.corpus}/{s.doc_id} {surface!r} {key[2]}:{key[3]}")
        for key in sorted(p.keys() - g):
            m = p[key]
            lines.append(
                f"FALSE {s.corpus}/{s.doc_id} {m.surface!r} {m.scheme}:{m.code} {m.name} ({m.confidence})"
            )
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--errors", action="store_true", help="list misses and false alarms")
    parser.add_argument("--bench", action="store_true", help="also time the gazetteer's build and use")
    args = parser.parse_args(argv)

    records, gold = load_gold()
    sentences = load_sentences(records)
    gazetteer = Gazetteer.default()
    print(f"gold: {len(gold)} mentions in {len(sentences)} sentences")
    by_corpus = Counter(m["corpus"] for m in gold)
    print("      " + ", ".join(f"{c}: {n}" for c, n in sorted(by_corpus.items())))

    predicted = predict(gazetteer, sentences)
    for name, s in score(sentences, gold, predicted).items():
        print(s.line(f"{name} (with item dates)"))
    undated = predict(gazetteer, sentences, use_dates=False)
    for name, s in score(sentences, gold, undated).items():
        print(s.line(f"{name} (no dates)"))
    for corpus in sorted(by_corpus):
        subset = [s for s in sentences if s.corpus == corpus]
        sub_gold = [m for m in gold if m["corpus"] == corpus]
        sub_pred = {k: v for k, v in predicted.items() if k[0] == corpus}
        print(score(subset, sub_gold, sub_pred)["exact"].line(f"exact, {corpus}"))
    for split in ("tuning", "fresh"):
        subset = [s for s in sentences if s.split == split]
        keys = {(s.corpus, s.doc_id, s.start) for s in subset}
        sub_gold = [m for m in gold if m.get("split", "tuning") == split]
        sub_pred = {k: v for k, v in predicted.items() if k in keys}
        print(score(subset, sub_gold, sub_pred)["exact"].line(f"exact, {split} split"))
    # As many people type a message: all in small letters (the same offsets in Vietnamese).
    lowered = [dataclasses.replace(s, text=s.text.lower()) for s in sentences]
    print(score(sentences, gold, predict(gazetteer, lowered))["exact"].line("exact (lower-cased)"))
    plain = predict(gazetteer, sentences, strip_accents=True)
    for name, s in score(sentences, gold, plain).items():
        print(s.line(f"{name} (diacritics stripped)"))
    for split in ("tuning", "fresh"):
        subset = [s for s in sentences if s.split == split]
        keys = {(s.corpus, s.doc_id, s.start) for s in subset}
        sub_gold = [m for m in gold if m.get("split", "tuning") == split]
        sub_pred = {k: v for k, v in plain.items() if k in keys}
        print(score(subset, sub_gold, sub_pred)["exact"].line(f"exact, stripped, {split} split"))
    for mode in ("never", "context", "always"):
        gazetteer.bare_communes = mode
        s = score(sentences, gold, predict(gazetteer, sentences))["exact"]
        print(s.line(f"exact, bare communes {mode}"))
    gazetteer.bare_communes = "context"
    plain_undated = predict(gazetteer, sentences, use_dates=False, strip_accents=True)
    aucs = [confidence_auc(sentences, gold, p) for p in (predicted, undated, plain, plain_undated)]
    dated, no_dates, stripped, stripped_no_dates = ("-" if a is None else f"{a:.3f}" for a in aucs)
    print(
        f"confidence AUC, right vs wrong      with dates {dated}, no dates {no_dates}, "
        f"stripped {stripped}, stripped no dates {stripped_no_dates}"
    )
    former = load_former()
    print(former_line(score_former(gazetteer, former), "former names (with item dates)"))
    print(
        former_line(score_former(gazetteer, former, strip_accents=True), "former names (diacritics stripped)")
    )
    if args.bench:
        bench(sentences)
    if args.errors:
        print("\n".join(errors(sentences, gold, predicted)))


def load_former(path: Path = FORMER_PATH) -> list[dict]:
    """Read the former-names gold file (see the module docstring), each record with the text of its
    sentence (``text``) and the date to read it at (``when``)."""
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    by_corpus: dict[str, set[str]] = {}
    for r in records:
        by_corpus.setdefault(r["corpus"], set()).add(r["id"])
    docs = {corpus: _read_corpus(corpus, ids) for corpus, ids in by_corpus.items()}
    for r in records:
        doc = docs[r["corpus"]][r["id"]]
        start, end = r["sentence"]
        r["text"] = doc["text"][start:end]
        r["when"] = _date_of(r["corpus"], doc)
    return records


def score_former(gazetteer: Gazetteer, records: list[dict], *, strip_accents: bool = False) -> dict[str, int]:
    """Count, over the former-names gold set, the named units read with their exact span and code
    (``found``), read as another unit (``wrong``) or not at all (``missed``), for names of units
    dissolved since (``former``) and for current units of the same names; and the spans that name
    no unit read as one (``false``)."""
    counts = Counter()
    for r in records:
        text = fold(r["text"]) if strip_accents else r["text"]
        offset = r["sentence"][0]
        spans = {(m.start + offset, m.end + offset): m for m in gazetteer.find(text, when=r["when"])}
        m = spans.get((r["start"], r["end"]))
        if r["kind"] == "not_a_unit":
            counts["not_a_unit"] += 1
            counts["false"] += m is not None
            continue
        group = "former" if r.get("former") else "current"
        counts[group] += 1
        if m is None:
            counts[f"{group} missed"] += 1
        elif (m.scheme, m.code) == (r["scheme"], r["code"]):
            counts[f"{group} found"] += 1
        else:
            counts[f"{group} wrong"] += 1
    return counts


def former_line(counts: Mapping[str, int], label: str) -> str:
    """One line of :func:`score_former`'s counts."""
    n = counts["former"]
    return (
        f"{label:<34} {counts['former found']}/{n} found ({100 * counts['former found'] / max(n, 1):.1f}%),"
        f" {counts['former wrong']} another unit, {counts['former missed']} missed;"
        f" same names, current units {counts['current found']}/{counts['current']};"
        f" not units read as one {counts['false']}/{counts['not_a_unit']}"
    )


def bench(sentences: list[Sentence]) -> None:
    """Print the gazetteer's build time, retained memory, pickle size and recognition rate."""
    import pickle
    import time
    import tracemalloc

    from duluan.adminunits import load_admin_data

    started = time.perf_counter()
    data = load_admin_data.__wrapped__()
    loaded = time.perf_counter()
    gazetteer = Gazetteer.from_units(data.units, data.successions, home_province="24")
    built = time.perf_counter()
    del gazetteer
    tracemalloc.start()
    gazetteer = Gazetteer.from_units(data.units, data.successions, home_province="24")
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    automaton_bytes = gazetteer._automaton.get_stats()["total_size"]
    blob = pickle.dumps(gazetteer)
    unpickle_started = time.perf_counter()
    pickle.loads(blob)  # noqa: S301 - our own bytes
    unpickled = time.perf_counter()
    print(f"load_admin_data: {loaded - started:.2f} s; Gazetteer.from_units: {built - loaded:.2f} s")
    print(
        f"gazetteer memory: Python objects {retained / 2**20:.0f} MiB retained, {peak / 2**20:.0f} MiB peak"
        f" (tracemalloc), automaton {automaton_bytes / 2**20:.1f} MiB"
    )
    rebuild = unpickled - unpickle_started
    print(f"pickle: {len(blob) / 2**20:.1f} MiB, unpickle (rebuilds the automaton): {rebuild:.2f} s")
    texts = [s.text for s in sentences]
    chars = sum(map(len, texts))
    started = time.perf_counter()
    rounds = 20
    for _ in range(rounds):
        for text in texts:
            gazetteer.find(text)
    elapsed = time.perf_counter() - started
    rate = rounds * len(texts) / elapsed
    print(
        f"find: {rate:,.0f} sentences/s, {rounds * chars / elapsed / 1e6:.2f} M chars/s"
        f" (gold sentences, {chars / len(texts):.0f} chars on average)"
    )


if __name__ == "__main__":
    main()
