"""Evaluate online clustering on the hand-labelled clustering gold set.

Run ``python -m duluan.analysis.cluster_eval`` (``--errors`` lists wrong joins and missed
pairs; ``--threshold`` tries another similarity threshold; ``--basic`` runs without the topic
and sentiment models, as on a fresh clone before ``make models``).

The gold set (``data/gold_clusters.json``) stores no text, only ids of the shared ``tc201805``
corpus. It has two slices of 2,000 consecutive news leads each: the corpus sorted by its baomoi
id, which grows with publication time, rows 40,000-41,999 (``dev``: 8-18 August 2017) and
70,000-71,999 (``test``: 23 December 2017 - 1 January 2018). Each slice lists its ids in stream
order and two nested partitions of them, by hand (2026-12-01):

- ``events``: leads reporting the same real-world event or development: one incident and its
  follow-ups, one announcement, one match, one weather episode ("the heavy rain over the north,
  13-16 August"), the same feature syndicated by several outlets;
- ``issues``: events that an official would follow as one matter ("the dengue epidemic in Hà
  Nội" holds the deaths, the minister's meetings and the case counts; "storm Tembin" holds the
  forecasts, the school closures and the government's inspections).

A recurring series (each day's gold price or market commentary) is a different event each day
and not one issue. Only groups of two or more are stored; every other lead stands alone.

How the candidates were found (pooling, as in topic-detection evaluations): every pair of leads
of a slice with TF-IDF cosine >= 0.25 (folded syllables and bigrams) was linked, and every
connected group read and split into events and issues (dev 116 groups, 336 leads; test 141,
428); then every pair the clusterer joined, at the thresholds tried, that was not yet judged
was read and added when it belonged. A pair no method proposed is missing: in a sample of 60
dev pairs with cosine 0.12-0.25, 4 were one event, so recall is measured against what the pool
holds. The ``dev`` slice chose the clusterer's parameters; ``test`` was labelled before they
were chosen and reports them.

Scores, per slice and per level (events, issues):

- pairwise: precision = share of the pairs the clusterer puts together that the gold set puts in
  one group; recall = share of the gold set's pairs the clusterer puts together. Large groups
  weigh quadratically (a group of 8 is 28 pairs);
- B-cubed over all leads (Bagga & Baldwin): per lead, the share of its cluster in its gold
  group and the share of its gold group in its cluster, averaged. Leads alone in both count as
  right, so these run high; pairwise is the stricter figure.

Each lead gets ``created_at`` = 8 August 2017 (``dev``) or 23 December 2017 (``test``) plus
432 s times its position: a slice spans about ten days, so the seven-day window closes clusters
as it would on the live feed.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

GOLD_PATH = Path(__file__).parent / "data" / "gold_clusters.json"
SPACING = timedelta(seconds=432)
STARTS = {"dev": datetime(2017, 8, 8, tzinfo=UTC), "test": datetime(2017, 12, 23, tzinfo=UTC)}
_BATCH = 500


@dataclass(frozen=True)
class GoldSlice:
    """One labelled slice of the stream.

    Attributes:
        name: ``dev`` or ``test``.
        ids: Corpus ids in stream order.
        events: Groups (two or more ids) of leads reporting one event.
        issues: Groups of leads an official would follow as one matter; each is a union of
            whole events (and leads alone).
    """

    name: str
    ids: tuple[str, ...]
    events: tuple[tuple[str, ...], ...]
    issues: tuple[tuple[str, ...], ...]

    def partition(self, level: str) -> dict[str, str]:
        """Each id's group at ``level`` (``events`` or ``issues``): the group's first id, or the
        id itself when it stands alone."""
        groups = self.events if level == "events" else self.issues
        owner = {i: i for i in self.ids}
        for group in groups:
            for i in group:
                owner[i] = group[0]
        return owner


@dataclass(frozen=True)
class Score:
    """Precision and recall of one clustering against one gold partition."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load_gold(path: Path = GOLD_PATH) -> list[GoldSlice]:
    """Read the gold slices."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    return [
        GoldSlice(
            s["name"],
            tuple(s["ids"]),
            tuple(tuple(g) for g in s["events"]),
            tuple(tuple(g) for g in s["issues"]),
        )
        for s in raw["slices"]
    ]


def _pairs(sizes: Iterable[int]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes)


def pairwise(system: Mapping[str, str], gold: Mapping[str, str]) -> Score:
    """Pairwise precision and recall of ``system`` (id -> cluster) against ``gold`` (id ->
    group), over the ids of ``gold``.

    A clustering that joins nothing has precision 1 (it claims no wrong pair); a gold partition
    without pairs gives recall 1.
    """
    ids = list(gold)
    both = _pairs(Counter((system[i], gold[i]) for i in ids).values())
    claimed = _pairs(Counter(system[i] for i in ids).values())
    true = _pairs(Counter(gold[i] for i in ids).values())
    return Score(both / claimed if claimed else 1.0, both / true if true else 1.0)


def bcubed(system: Mapping[str, str], gold: Mapping[str, str]) -> Score:
    """B-cubed precision and recall of ``system`` against ``gold`` over the ids of ``gold``."""
    ids = list(gold)
    cell = Counter((system[i], gold[i]) for i in ids)
    by_system = Counter(system[i] for i in ids)
    by_gold = Counter(gold[i] for i in ids)
    n = len(ids)
    precision = sum(cell[system[i], gold[i]] / by_system[system[i]] for i in ids) / n
    recall = sum(cell[system[i], gold[i]] / by_gold[gold[i]] for i in ids) / n
    return Score(precision, recall)


def read_texts(ids: Iterable[str], data_dir: str | Path | None = None) -> dict[str, str]:
    """The texts of ``ids`` in the shared ``tc201805`` corpus.

    Raises:
        duluan.shared_data.SharedDataMissing: The shared corpora are absent.
        KeyError: An id is not in the corpus.
    """
    from duluan.analysis.corpora import read_corpus

    wanted = set(ids)
    texts = {row.id: row.text for row in read_corpus("tc201805", data_dir) if row.id in wanted}
    missing = wanted - texts.keys()
    if missing:
        raise KeyError(f"{len(missing)} gold ids are not in the tc201805 corpus, e.g. {min(missing)}")
    return texts


def cluster_slice(
    gold: GoldSlice,
    texts: Mapping[str, str],
    per_row,
    clusterer_params: Mapping[str, object] | None = None,
) -> dict[str, str]:
    """Run the analysis pipeline over a slice in stream order; return id -> cluster.

    Args:
        gold: The slice.
        texts: Its texts by id (:func:`read_texts`).
        per_row: The per-row pipeline (``pipeline.per_row_pipeline()`` or the basic one).
        clusterer_params: Passed to :class:`~duluan.analysis.cluster.OnlineClusterer`.
    """
    from duluan.analysis.cluster import OnlineClusterer
    from duluan.analysis.pipeline import Document, ordered_pipeline

    ordered = ordered_pipeline(OnlineClusterer(**dict(clusterer_params or {})))
    start = STARTS.get(gold.name, STARTS["dev"])
    out: dict[str, str] = {}
    for at in range(0, len(gold.ids), _BATCH):
        batch = [
            Document.from_row({"id": i, "text": texts[i], "created_at": start + SPACING * (at + k)})
            for k, i in enumerate(gold.ids[at : at + _BATCH])
        ]
        for doc in ordered.run(per_row.run(batch)):
            out[doc.id] = doc.cluster
    return out


def scores(gold: GoldSlice, system: Mapping[str, str]) -> dict[str, dict[str, Score]]:
    """Pairwise and B-cubed scores of ``system`` at both levels: ``{level: {measure: Score}}``."""
    out: dict[str, dict[str, Score]] = {}
    for level in ("events", "issues"):
        truth = gold.partition(level)
        out[level] = {"pairwise": pairwise(system, truth), "bcubed": bcubed(system, truth)}
    return out


def report_lines(gold: GoldSlice, system: Mapping[str, str]) -> list[str]:
    """The printed summary of one slice."""
    sizes = Counter(system[i] for i in gold.ids)
    multi = [n for n in sizes.values() if n > 1]
    lines = [
        f"{gold.name}: {len(gold.ids):,} leads, gold {len(gold.events)} events of 2+ "
        f"({sum(map(len, gold.events))} leads), {len(gold.issues)} issues of 2+ "
        f"({sum(map(len, gold.issues))} leads); clusterer {len(sizes):,} clusters, "
        f"{len(multi)} of 2+ ({sum(multi)} leads)"
    ]
    for level, measures in scores(gold, system).items():
        parts = [
            f"{name} P {s.precision * 100:5.1f} R {s.recall * 100:5.1f} F1 {s.f1 * 100:5.1f}"
            for name, s in measures.items()
        ]
        lines.append(f"  {level:<7} " + "   ".join(parts))
    return lines


def error_lines(
    gold: GoldSlice, system: Mapping[str, str], texts: Mapping[str, str], limit: int
) -> list[str]:
    """Pairs joined across gold issues, then gold event pairs left apart (at most ``limit`` each)."""
    issue = gold.partition("issues")
    members: dict[str, list[str]] = {}
    for i in gold.ids:
        members.setdefault(system[i], []).append(i)
    wrong = [
        (a, b)
        for group in members.values()
        for a, b in itertools.combinations(group, 2)
        if issue[a] != issue[b]
    ]
    missed = [(a, b) for g in gold.events for a, b in itertools.combinations(g, 2) if system[a] != system[b]]

    def show(i: str) -> str:
        return texts[i].replace("\n", " | ")[:110]

    lines = [f"{gold.name}: {len(wrong)} pairs joined across issues"]
    lines += [f"  {a} {show(a)}\n  {b} {show(b)}\n" for a, b in wrong[:limit]]
    lines.append(f"{gold.name}: {len(missed)} event pairs apart")
    lines += [f"  {a} {show(a)}\n  {b} {show(b)}\n" for a, b in missed[:limit]]
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--model-dir", default=None, help="model folder (default: DULUAN_MODEL_DIR or var/models)"
    )
    parser.add_argument("--basic", action="store_true", help="no topic or sentiment model, no places")
    parser.add_argument("--threshold", type=float, default=None, help="similarity threshold to try")
    parser.add_argument(
        "--errors", type=int, nargs="?", const=30, default=0, help="list up to N errors of each kind"
    )
    args = parser.parse_args(argv)
    from duluan.analysis.pipeline import basic_per_row_pipeline, per_row_pipeline
    from duluan.shared_data import SharedDataMissing

    slices = load_gold()
    try:
        texts = read_texts(itertools.chain.from_iterable(s.ids for s in slices))
    except SharedDataMissing as exc:
        print(exc, file=sys.stderr)
        return 1
    per_row = basic_per_row_pipeline() if args.basic else per_row_pipeline(args.model_dir)
    params = {} if args.threshold is None else {"similarity_threshold": args.threshold}
    for gold in slices:
        system = cluster_slice(gold, texts, per_row, params)
        print("\n".join(report_lines(gold, system)))
        if args.errors:
            print("\n".join(error_lines(gold, system, texts, args.errors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
