"""Topic codes of cases: what an unknown one is told, and the one a case without a topic takes.

Cases store the topic as a code string (``land``, ``health``…), checked against the analysis
engine's taxonomy by :func:`duluan.apps.core.topics.topic_is_known`.
"""

from __future__ import annotations

TOPIC_UNKNOWN = "Chủ đề không có trong bộ phân loại: {code!r}."
DEFAULT_TOPIC = "other"
