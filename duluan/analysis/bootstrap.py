"""Bootstrap training examples for the government taxonomy from public news.

No labelled corpus of Vietnamese government feedback exists, so the default topic model learns
from news labelled two ways:

1. *mapped sectors*: a sector of VNTC or TC201805 that the taxonomy maps onto a topic (e.g.
   ``Suc khoe`` → ``health``) labels its articles with that topic;
2. *seed terms*: an article of an unmapped sector whose lead shows clear evidence for one topic
   (at least two distinct seed terms of it, and twice the evidence of any other topic) gets that
   topic; in a mapped sector, another topic with two distinct seed terms and at least the mapped
   topic's evidence takes the article (a corruption case filed under law news becomes
   ``corruption``, an apartment-block dispute filed under real estate becomes ``construction``).
   Articles of sectors mapped to the catch-all topic keep it.

Some topics get few rows either way: no sector maps onto them, and 2007-2018 news rarely says
"chính quyền hai cấp" (reorganisation had 120 rows, administrative procedures 117, public
investment 172, against 3,000 for the large topics). *Hand-labelled examples*
(``data/topic_examples.jsonl``, read and labelled under the gold set's guide) add rows to those
topics: each is kept whatever the sampling, with its own label.

Rows of the gold set are excluded so the gold evaluation stays honest.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from tqdm import tqdm

from duluan.analysis.corpora import read_corpus
from duluan.analysis.taxonomy import Taxonomy

__all__ = ["LEAD_CHARS", "Bootstrap", "bootstrap_topic_examples", "seed_label"]

# Long articles are cut to their lead: that is what drives the topic, and it resembles the length
# of citizens' messages and social posts better than a full article.
LEAD_CHARS = 1200
_CORPORA = ("vntc", "tc201805", "news_2026")


def seed_label(taxonomy: Taxonomy, text: str, min_terms: int = 2, dominance: float = 2.0) -> str | None:
    """Return the topic a text's seed terms clearly point to, or ``None``.

    Args:
        taxonomy: The taxonomy whose seed terms to match.
        text: The text (only the first :data:`LEAD_CHARS` characters are read).
        min_terms: Distinct seed terms of the topic that must occur.
        dominance: The topic's evidence must be this many times the runner-up's.

    Returns:
        A topic code, or ``None`` when the evidence is weak or split.
    """
    matches = taxonomy.seed_matches(text[:LEAD_CHARS])
    if not matches:
        return None
    # Evidence: distinct terms, with repeats counting a little (capped) so one word can't dominate.
    scores = {code: sum(min(c, 3) for c in terms.values()) for code, terms in matches.items()}
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    code, best = ranked[0]
    runner_up = ranked[1][1] if len(ranked) > 1 else 0
    if len(matches[code]) >= min_terms and best >= dominance * runner_up:
        return code
    return None


def _override(taxonomy: Taxonomy, lead: str, mapped: str) -> str:
    """Keep a mapped sector's topic unless seed terms point at least as strongly elsewhere.

    A broad sector holds articles of narrower topics ("Bất động sản" holds apartment-building
    disputes, which are construction and urban order), so a topic with two distinct seed terms and
    no less evidence than the mapped topic's takes the article.
    """
    matches = taxonomy.seed_matches(lead)
    scores = {code: sum(min(c, 3) for c in terms.values()) for code, terms in matches.items()}
    own = scores.get(mapped, 0)
    best = max(
        (code for code in scores if code != mapped and len(matches[code]) >= 2),
        key=lambda code: scores[code],
        default=None,
    )
    return best if best is not None and scores[best] >= own else mapped


class Bootstrap(NamedTuple):
    """Training rows: texts cut to their lead and their topics; the first ``hand_labelled`` rows
    are the hand-labelled examples (in file order), the others were labelled by sector or seed
    terms."""

    texts: list[str]
    labels: list[str]
    hand_labelled: int


def bootstrap_topic_examples(
    taxonomy: Taxonomy,
    data_dir: str | Path | None = None,
    *,
    per_topic: int = 3000,
    exclude_ids: Iterable[tuple[str, str]] = (),
    hand_labels: Mapping[tuple[str, str], str] | None = None,
    seed: int = 0,
    progress: bool = False,
) -> Bootstrap:
    """Label news from the shared corpora with the taxonomy's topics.

    Args:
        taxonomy: The taxonomy.
        data_dir: Shared data folder (default: located automatically).
        per_topic: Keep at most this many sector- or seed-labelled examples per topic (random,
            reproducible).
        exclude_ids: ``(corpus, id)`` pairs to leave out (the gold set), hand-labelled or not.
        hand_labels: ``{(corpus, id): topic}`` of hand-labelled rows: each found is kept with that
            topic (and not labelled again by sector or seed terms).
        seed: Seed of the sampling.
        progress: Show a progress bar on stderr.

    Returns:
        The rows, hand-labelled first.

    Raises:
        ValueError: A hand label is not a topic of the taxonomy.
    """
    excluded = set(exclude_ids)
    hand = dict(hand_labels or {})
    unknown = sorted({code for code in hand.values() if code not in taxonomy.codes})
    if unknown:
        raise ValueError(f"hand-labelled examples name topics the taxonomy lacks: {', '.join(unknown)}")
    found: dict[tuple[str, str], str] = {}
    by_topic: dict[str, list[str]] = {code: [] for code in taxonomy.codes}
    for corpus in _CORPORA:
        sectors = taxonomy.sector_map(corpus)
        rows = read_corpus(corpus, data_dir)
        for row in tqdm(rows, desc=f"bootstrap {corpus}", unit=" bài", disable=not progress, leave=False):
            if (corpus, row.id) in excluded:
                continue
            lead = row.text[:LEAD_CHARS]
            if (corpus, row.id) in hand:
                found[(corpus, row.id)] = lead
                continue
            mapped = sectors.get(row.label) if row.label else None
            if mapped == taxonomy.default:
                label = mapped
            elif mapped is None:
                label = seed_label(taxonomy, lead)
            else:
                label = _override(taxonomy, lead, mapped)
            if label is not None:
                by_topic[label].append(lead)
    rng = random.Random(seed)
    kept = [key for key in hand if key in found]
    texts: list[str] = [found[key] for key in kept]
    labels: list[str] = [hand[key] for key in kept]
    for code in taxonomy.codes:
        pool = by_topic[code]
        if len(pool) > per_topic:
            pool = rng.sample(pool, per_topic)
        texts.extend(pool)
        labels.extend([code] * len(pool))
    return Bootstrap(texts, labels, len(kept))
