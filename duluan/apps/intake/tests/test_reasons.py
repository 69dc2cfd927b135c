"""A signal's page says why it reads as it does: the phrases behind its intensity, the n-grams
behind its sentiment, and whether the models in use now read it as it was stored."""

import pytest
from django.urls import reverse

from duluan.apps.intake import services
from duluan.apps.intake.analysis import reading_reasons
from duluan.apps.intake.models import Channel
from duluan.apps.intake.reanalysis import signals_reanalyse

from .tiny_models import WORD, build_tiny_models


def _page(client, user, signal) -> str:
    client.force_login(user)
    return client.get(reverse("intake:signal_detail", args=[signal.pk])).content.decode()


def test_by_the_keywords_the_page_names_the_lexicons_phrases(client, demo, tmp_path, monkeypatch):
    # given a complaint read by the complaint lexicon (no model built)
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    signal, _ = services.signal_ingest(
        channel=Channel.HOTLINE, text="Hẹn tới hẹn lui mãi, dân bức xúc lắm rồi"
    )
    reasons = reading_reasons(text=signal.text, title=signal.title, created_at=signal.created_at)
    # then the reasons are the stored reading's, and its phrases add up to its intensity
    assert reasons.intensity == signal.intensity > 0 and reasons.terms == ()
    assert sum(share for _, share in reasons.intensity_terms) == pytest.approx(signal.intensity, abs=1e-3)
    # and the page names them, without saying the reading is out of date
    page = _page(client, demo["dieuphoi"], signal)
    assert 'data-testid="reasons"' in page and "Mô hình hiện có đọc" not in page
    for phrase, _share in reasons.intensity_terms:
        assert phrase in page


def test_after_a_model_is_built_the_page_says_the_stored_reading_is_old_until_read_again(
    client, demo, tmp_path, monkeypatch
):
    # given a signal read by the keywords, then models built
    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    signal, _ = services.signal_ingest(channel=Channel.HOTLINE, text=f"Thôn 7 {WORD} bức xúc quá")
    build_tiny_models(tmp_path)
    reasons = reading_reasons(text=signal.text, title=signal.title, created_at=signal.created_at)
    # then the model's reasons are its negative tone and the lexicon's phrases, adding up to its
    # intensity, and the n-grams behind its label
    assert reasons.label == "negative" and reasons.intensity != signal.intensity
    assert reasons.intensity_terms[0][0] == "sắc thái tiêu cực"
    assert sum(share for _, share in reasons.intensity_terms) == pytest.approx(reasons.intensity, abs=1e-3)
    assert reasons.terms and WORD in " ".join(ngram for ngram, _ in reasons.terms)
    # and the page says the models in use now read it otherwise
    page = _page(client, demo["dieuphoi"], signal)
    assert "Mô hình hiện có đọc" in page and "sắc thái tiêu cực" in page and "Tiêu cực" in page
    # when the stored signals are read again, the page no longer says so
    signals_reanalyse()
    page = _page(client, demo["dieuphoi"], signal)
    assert "Mô hình hiện có đọc" not in page and "sắc thái tiêu cực" in page
    # and in English the model's tone is named in English, the text's phrases as written
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(reverse("intake:signal_detail", args=[signal.pk])).content.decode()
    assert "Why:" in page and "negative tone" in page and "sắc thái tiêu cực" not in page


def test_a_failing_explanation_leaves_the_page_whole_and_the_log_without_the_text(
    client, demo, tmp_path, monkeypatch, caplog
):
    from duluan.apps.intake import analysis

    monkeypatch.setenv("DULUAN_MODEL_DIR", str(tmp_path))
    signal, _ = services.signal_ingest(channel=Channel.HOTLINE, text="Ông Nguyễn Văn An báo mất điện")

    def broken(**kwargs):
        raise RuntimeError(kwargs["text"])

    monkeypatch.setattr(analysis, "reading_reasons", broken)
    page = _page(client, demo["dieuphoi"], signal)
    assert "Ông Nguyễn Văn An" in page or "mất điện" in page  # the page is there
    assert 'data-testid="reasons"' not in page
    assert "RuntimeError" in caplog.text and "Nguyễn" not in caplog.text


def test_the_terms_shown_repeat_none_shown_before():
    from duluan.apps.intake.views import distinct_terms

    terms = ["bức xúc", "khó", "rất bức xúc", "rất bức", "bức", "khói bụi", "khói", "lò", "người dân"]
    assert distinct_terms(terms) == ["bức xúc", "khó", "rất bức", "khói bụi", "lò"]
    assert distinct_terms(terms, limit=2) == ["bức xúc", "khó"]
    # whole syllables only: "lò" is not in "lòng"
    assert distinct_terms(["lòng dân", "lò"]) == ["lòng dân", "lò"]
