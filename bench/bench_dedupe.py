"""Recall and precision of the MinHash LSH near-duplicate index against exact Jaccard.

Usage::

    .venv/bin/python bench/bench_dedupe.py [--n 10000] [--corpus tc201805|vntc|both]
                                            [--threshold 0.8]

Ground truth is *every* pair of texts whose exact Jaccard similarity of syllable 3-shingles is at
least the threshold, found without comparing all 50 million pairs: the AllPairs prefix filter
(Bayardo et al., WWW 2007) sorts each shingle set from rarest to most common shingle; two sets
with Jaccard ≥ t must share one of the first ``|x| - ceil(t·|x|) + 1`` shingles of each, so an
inverted index over those prefixes yields a candidate set that provably contains every true pair,
and each candidate is verified exactly. The LSH side is :class:`NearDuplicateIndex` queried for
each text against the ones before it (the order the pipeline sees them).

Printed: true pairs, LSH pairs, recall and precision (after the index's exact verification) and
the precision of the raw LSH candidates before verification.
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from duluan.analysis.dedupe import MinHasher, NearDuplicateIndex, expected_candidate_probability, jaccard
from duluan.analysis.normalise import normalise
from duluan.analysis.pipeline import tokenise
from duluan.shared_data import require_shared_data

CORPORA = {"tc201805": ("tc201805", "train.jsonl.gz"), "vntc": ("vntc", "train.jsonl.gz")}


def load_texts(corpus: str, n: int) -> list[str]:
    """Read the first ``n`` texts of a shared corpus (``both``: half from each)."""
    if corpus == "both":
        return load_texts("tc201805", n - n // 2) + load_texts("vntc", n // 2)
    path: Path = require_shared_data(*CORPORA[corpus])
    texts = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            texts.append(json.loads(line)["text"])
            if len(texts) >= n:
                break
    return texts


def exact_pairs(sets: list[np.ndarray], threshold: float) -> set[tuple[int, int]]:
    """Return every pair ``(i, j)``, ``i < j``, with exact Jaccard ≥ threshold (AllPairs)."""
    freq: Counter[int] = Counter()
    for s in sets:
        freq.update(s.tolist())
    index: dict[int, list[int]] = {}
    pairs: set[tuple[int, int]] = set()
    for j, s in enumerate(sets):
        if s.size == 0:
            continue
        ordered = sorted(s.tolist(), key=lambda h: (freq[h], h))
        prefix = ordered[: s.size - math.ceil(threshold * s.size) + 1]
        candidates: set[int] = set()
        for h in prefix:
            candidates.update(index.get(h, ()))
        for i in candidates:
            small, large = sorted((s.size, sets[i].size))
            if small >= threshold * large and jaccard(sets[i], s) >= threshold:
                pairs.add((i, j))
        for h in prefix:
            index.setdefault(h, []).append(j)
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--corpus", choices=("tc201805", "vntc", "both"), default="tc201805")
    parser.add_argument("--threshold", type=float, default=0.8)
    parser.add_argument("--num-perm", type=int, default=64)
    parser.add_argument(
        "--edited",
        type=int,
        default=0,
        help="also add this many edited copies of random texts (synthetic near-duplicates spread "
        "around the threshold, to test recall where it is hard; reported as such)",
    )
    args = parser.parse_args(argv)

    texts = load_texts(args.corpus, args.n)
    tokens = [tokenise(normalise(t).text) for t in texts]
    if args.edited:
        # Replace each syllable with probability e ~ U(0, 0.1) by another syllable of the
        # corpus: 3-shingle Jaccard then spreads from about 0.55 to 1, densest near 0.8.
        rng = np.random.default_rng(7)
        vocab = sorted({t for ts in tokens for t in ts})
        for k in rng.choice(len(tokens), size=args.edited, replace=False).tolist():
            rate = rng.uniform(0.0, 0.1)
            edited = [vocab[rng.integers(len(vocab))] if rng.random() < rate else t for t in tokens[k]]
            tokens.append(edited)
        texts = texts + ["<edited>"] * args.edited
    hasher = MinHasher(num_perm=args.num_perm)
    sets = hasher.shingles_many(tokens)
    ids = [str(i) for i in range(len(texts))]

    started = time.perf_counter()
    truth = exact_pairs(sets, args.threshold)
    exact_seconds = time.perf_counter() - started

    started = time.perf_counter()
    index = NearDuplicateIndex(threshold=args.threshold, capacity=len(texts) + 1, hasher=hasher)
    signatures = hasher.signatures_from_shingles(sets)
    keys = index.band_keys(signatures)
    found: set[tuple[int, int]] = set()
    raw_candidates = 0
    raw_true = 0
    for j, (doc_id, s, k) in enumerate(zip(ids, sets, keys)):
        for other in index.candidates(k):
            raw_candidates += 1
            raw_true += (int(other), j) in truth
        for other, _sim in index.query(s, k):
            found.add((int(other), j))
        index.add_hashed(doc_id, s, k)
    lsh_seconds = time.perf_counter() - started

    hits = len(found & truth)
    recall = hits / len(truth) if truth else float("nan")
    precision = hits / len(found) if found else float("nan")
    sims = [jaccard(sets[i], sets[j]) for i, j in truth]
    at_threshold = expected_candidate_probability(args.threshold, index.bands, index.rows)
    print(
        f"corpus={args.corpus} texts={len(texts)} (of which {args.edited} edited copies) "
        f"threshold={args.threshold} num_perm={args.num_perm} bands={index.bands} rows={index.rows} "
        f"P(candidate | J={args.threshold})={at_threshold:.4f}"
    )
    print(
        f"exact pairs (J >= {args.threshold}): {len(truth)} "
        f"(min J {min(sims, default=float('nan')):.3f}, "
        f"median {float(np.median(sims)) if sims else float('nan'):.3f}; "
        f"AllPairs prefix filter, {exact_seconds:.1f} s)"
    )
    print(f"LSH pairs reported: {len(found)}; true among them: {hits}")
    print(f"recall    = {recall:.4f}")
    print(f"precision = {precision:.4f}  (after exact verification)")
    print(
        f"raw LSH candidates: {raw_candidates}, of which true pairs: {raw_true} "
        f"(candidate precision {raw_true / raw_candidates if raw_candidates else float('nan'):.4f})"
    )
    print(f"LSH index time: {lsh_seconds:.2f} s for {len(texts)} texts (incl. unverified-candidate counting)")
    missed = sorted(truth - found)[:5]
    if missed:
        print("missed pairs (i, j, J):", [(i, j, round(jaccard(sets[i], sets[j]), 3)) for i, j in missed])
    return 0


if __name__ == "__main__":
    sys.exit(main())
