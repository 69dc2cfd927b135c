"""Writes of the issues app: corrections by officials, hotness refresh, aggregates."""

from .aggregates import issues_rebuild_aggregates, issues_update_mix
from .corrections import (
    IssueError,
    clusterer_states_lock,
    corrections_replay,
    issue_canonical,
    issue_merge,
    issue_rename,
    issue_split,
    issue_topic_confirm,
    issues_after_ingest,
    issues_after_reanalysis,
)
from .hotness import (
    RefreshResult,
    alerts_email,
    bursts_detect,
    hotness_weights_current,
    issues_refresh_hotness,
)
from .remasking import Remasked, issues_after_remasking

__all__ = [
    "IssueError",
    "RefreshResult",
    "Remasked",
    "alerts_email",
    "bursts_detect",
    "clusterer_states_lock",
    "corrections_replay",
    "hotness_weights_current",
    "issue_canonical",
    "issue_merge",
    "issue_rename",
    "issue_split",
    "issue_topic_confirm",
    "issues_after_ingest",
    "issues_after_reanalysis",
    "issues_after_remasking",
    "issues_rebuild_aggregates",
    "issues_refresh_hotness",
    "issues_update_mix",
]
