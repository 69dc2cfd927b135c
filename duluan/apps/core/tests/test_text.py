"""search_key: the accent-free key every search matches against."""

from __future__ import annotations

import random
import re

from duluan.analysis.normalise import fold
from duluan.apps.core.text import nfc, search_key


def test_search_key_folds_accents_punctuation_and_spaces():
    assert search_key("  Ủy ban\tnhân dân — Bắc Giang!  ") == "uy ban nhan dan bac giang"
    assert search_key("Đường 3/2,\u00a0P. Hòa\u2028Bình") == "duong 3 2 p hoa binh"
    assert search_key(None) == ""


def test_whitespace_collapses_as_the_regular_expression_did():
    # The key was ``re.sub(r"\s+", " ", …).strip()``; it is now split and joined, which must treat
    # exactly the same characters as spaces.
    non_word = re.compile(r"[^\w\s]")
    spaces = re.compile(r"\s+")
    alphabet = (
        " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u200a\u2028\u2029\u202f\u3000"
        "\u200b\ufeff_-.,·…aăđêôơư0²½"
    )
    rnd = random.Random(0)
    for _ in range(20_000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        assert search_key(text) == spaces.sub(" ", non_word.sub(" ", fold(nfc(text)))).strip(), repr(text)
