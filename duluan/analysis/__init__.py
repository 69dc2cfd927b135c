"""duluan.analysis — the pure engine that reads what people write (no Django).

Steps, each in its own module: :mod:`normalise` (NFC, tones, PII masking, chat spellings),
:mod:`places` (administrative units of both schemes), :mod:`topic` and :mod:`sentiment`
(trainable linear models with explanations), :mod:`dedupe` (content hash, MinHash LSH),
:mod:`cluster` (online clustering into issues), :mod:`pipeline` (the steps over batches),
and, over the issues' series, :mod:`hotness`, :mod:`bursts`, :mod:`forecast`, :mod:`alerts`.

Names are imported lazily, so ``import duluan.analysis.normalise`` in a worker does not load
scikit-learn or pandas.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "normalise": ["normalise", "Normalised", "Span", "fold", "canonical_tones", "syllables"],
    "places": ["Gazetteer", "PlaceMention"],
    "topic": ["TopicClassifier", "TopicPrediction", "build_government_topic_model"],
    "sentiment": [
        "SentimentClassifier",
        "SentimentPrediction",
        "ComplaintLexicon",
        "build_default_sentiment_model",
    ],
    "taxonomy": ["Taxonomy", "Topic", "load_taxonomy", "load_gold"],
    "model_io": ["ModelFileError", "save_model", "load_model", "read_model_info"],
    "hotness": ["HotnessWeights", "IssueSeries", "Hotness", "Component", "hotness"],
    "bursts": [
        "CusumSettings",
        "Burst",
        "detect_bursts",
        "detect_bursts_by_key",
        "count_matrix",
        "cusum_path",
    ],
    "forecast": ["Forecast", "forecast", "rolling_origin_errors"],
    "alerts": ["Alert", "evaluate_alerts", "level_with_hysteresis"],
    "dedupe": ["content_hash", "MinHasher", "NearDuplicateIndex"],
    "cluster": ["OnlineClusterer", "ClusterDoc"],
    "pipeline": ["Document", "Pipeline", "Step", "default_pipeline", "analyze_stream"],
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}

__all__ = sorted(_MODULE_OF)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'duluan.analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
