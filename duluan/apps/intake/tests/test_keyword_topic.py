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


def test_the_keyword_fallback_reads_a_bare_mention_of_an_official_as_the_catch_all_topic():
    # given the fallback of the shipped taxonomy, the 80 texts of bare_mentions.tsv that name
    # officials or offices alone and its 80 that say something of them in the same names
    from duluan.analysis.sentiment import bare_mention_cue
    from duluan.analysis.tests.test_sentiment import _bare_mentions

    step = KeywordTopicStep()
    bare, opinions = _bare_mentions()
    said = [text for text, _ in opinions]
    # when it reads them, and a fallback that does not read bare mentions reads the opinions
    docs = step([Document(str(i), text) for i, text in enumerate(bare + said)])
    plain = KeywordTopicStep()
    plain._bare_mentions = lambda batch: [None] * len(batch)
    before = plain([Document(str(i), text) for i, text in enumerate(said)])
    # then every bare mention is the catch-all topic's (by their seed terms, 33 were some other
    # topic's: "Trạm y tế xã Song Mai." health), named by the official it names
    assert [d.text for d in docs[:80] if d.topic["label"] != "other"] == []
    assert all(d.topic["terms"][0] in d.text.lower() and d.topic["score"] == 1.0 for d in docs[:80])
    # and every opinion reads by its seed terms as before
    assert [d.topic for d in docs[80:]] == [d.topic for d in before]
    # by the models' cue of a bare mention aimed at the taxonomy's catch-all, not a copy of its words
    assert step.bare_mention.topic == step.taxonomy.default == "other"
    assert (step.bare_mention.names, step.bare_mention.parts) == (
        bare_mention_cue().names,
        bare_mention_cue().parts,
    )


def test_the_keyword_fallback_reads_a_bare_mention_typed_without_diacritics_as_the_catch_all_topic():
    # given the fallback of the shipped taxonomy, officials and offices named alone and a
    # complaint in their names, typed without diacritics
    step = KeywordTopicStep()
    named = ["Can bo phuong.", "Tram y te xa Song Mai.", "UBND xa."]
    said = "Tram y te xa khong co bac si truc dem"
    # when it reads them
    docs = step([Document(str(i), text) for i, text in enumerate([*named, said])])
    # then the names are the catch-all topic's, named by the official found as the text writes
    # it ("tram y te" is otherwise read by the seed term "y te" as health), the complaint not
    assert [d.topic["label"] for d in docs[:3]] == ["other"] * 3
    assert [d.topic["terms"] for d in docs[:3]] == [["can bo"], ["tram y te"], ["ubnd"]]
    assert docs[3].topic["label"] == "health"
