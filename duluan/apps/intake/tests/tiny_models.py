"""Topic and sentiment models fitted on three texts in a second: what tests need of a built model."""

from duluan.analysis.sentiment import SentimentClassifier
from duluan.analysis.topic import TopicClassifier

# A word no keyword of the taxonomy knows: only these models read it.
WORD = "zorblax"


def build_tiny_models(folder) -> None:
    """Write ``topic.model`` and ``sentiment.model`` into ``folder``: a text naming :data:`WORD`
    reads as culture and religion, and negative."""
    texts = [f"{WORD} {WORD} bức xúc quá", "xin hỏi giờ làm việc", "học phí năm nay thế nào"]
    TopicClassifier(calibration_fraction=0).fit(
        texts, ["culture_religion", "admin_procedures", "education"]
    ).save(folder / "topic.model")
    SentimentClassifier(calibration_fraction=0).fit(texts, ["negative", "neutral", "positive"]).save(
        folder / "sentiment.model"
    )
