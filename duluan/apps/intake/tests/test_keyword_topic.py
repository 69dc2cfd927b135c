"""The seed-term topic fallback (no model built) follows the labelling guide's rule 2 too."""

from __future__ import annotations

from duluan.analysis.pipeline import Document
from duluan.apps.intake.analysis import KeywordTopicStep


def test_the_keyword_fallback_sends_an_officials_bribe_to_corruption_not_to_its_sector():
    # given the fallback of the shipped taxonomy and three messages
    step = KeywordTopicStep()
    bribe = "CSGT nhận tiền của tài xế xe tải trên quốc lộ, không lập biên bản"
    road = "Quốc lộ nhiều ổ gà, xe tải cày nát mặt đường"
    bare = "csgt nhan tien cua tai xe xe tai tren quoc lo"
    docs = step([Document("1", bribe), Document("2", road), Document("3", bare)])
    # then the bribe goes to corruption, explained by the cue's two phrases first
    assert docs[0].topic["label"] == "corruption"
    assert docs[0].topic["terms"][0] == "csgt … nhận tiền"
    assert 0.5 <= docs[0].topic["score"] <= 1.0
    # while a road complaint stays with transport, and a message typed without diacritics, for
    # which the fallback has no folded spelling it may trust, is read by its seed terms alone
    assert docs[1].topic["label"] == "transport" and "…" not in " ".join(docs[1].topic["terms"])
    assert not any("…" in term for term in docs[2].topic["terms"])
