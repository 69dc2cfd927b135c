"""Stories for the batch form of normalisation: it must give exactly what normalising each text does."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis import normalise as normalise_module
from duluan.analysis.normalise import canonical_tones, normalise, normalise_many

N = normalise_module
TOKEN_RE = re.compile(r"<(?:url|email|phone|id)>|[^\W_]+")

_LETTERS = "aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"
_PIECES = st.sampled_from(
    [
        *(_LETTERS + _LETTERS.upper() + " .,:;!?-@/()+_<>0123456789\n\t"),
        *unicodedata.normalize("NFD", "ọàéỷ"),
        *("\u200b", "\u200d", "\ufeff", "\u00ad", "\x00", "\x07", "\u00a0", "\u2028", "\u202f", "\u0301"),
        *("İ", "Σ", "ß", "ǅ", "²", "Ⅻ", "٣", "𝟗", "😀", "👉🏻", "𐐀", "𐐨", "\ud800", "–", "“", "…"),
        *("ko", "Ko", "KO", "dc", "khong", "k", "j", "vs", "UBND", "50 k", "a.ko", "<url>", "<phone>"),
        *("oà", "oa", "òa", "uý", "uy", "úy", "qu", "Qu", "hoà", "hòang", "qúy", "thuỷ", "OÀ", "khoẻ"),
        *("www.", "WWW.", "://", ".vn", ".com", ".Gov", "x.vn", "http://a.vn/b?c=1", "a.b@gmail.com"),
        *("0912345678", "0912 345 678", "+84 386.123.456", "(024) 3825 1234", "0708-123-456", "+84"),
        *("091234567", "1.000.000", "0", "9", "2", " 0"),
    ]
)
_TEXT = st.lists(_PIECES, max_size=30).map("".join)
_ANY_TEXT = _TEXT | st.text(max_size=30)


def _one_by_one(texts: list[str]) -> list[tuple[str, list[str]]]:
    expected = []
    for text in texts:
        display = normalise(text).text
        expected.append((display, TOKEN_RE.findall(display.lower())))
    return expected


@given(st.lists(_ANY_TEXT, max_size=8))
@settings(max_examples=1500, deadline=None)
@example(["0912", "345678 9", "abc.com", "vn x", "hoà", "quý"])
@example(["Gọi 0912\u200b345 678 ngay", "İstanbul Σ ΣΑ ΟΔΟΣ, aΣ", "😀 hoà", "thuỷ lợi", "<url> x_y", ""])
@example(["a\ud800b 0912345678", "oà\u0301", "qúy hòang khoẻ", "www.x.vn", "e@x.vn"])
@example(["a<url>b", "x>y <z", "<urlx> <<url>> <URL>", "<email>ab_c", "Gọi <phone> ngay", "<ko> k>"])
@example(["👉 Gọi 0912 345 678", "hoà😀", "😀oà", "𐐀oà 𝟗𝟗", "ÒA😀 x😀ko", "😀\u200b😀 www.a.vn😀"])
def test_a_batch_normalises_each_text_as_normalise_and_splits_it_as_the_syllable_pattern(texts):
    # given texts with Vietnamese letters (NFC and NFD), tone marks in either place, invisible
    # characters, personal data glued to the neighbouring texts, odd case mappings, astral characters
    # when normalised as one batch
    result = normalise_many(texts)

    # then each text is what normalise() gives it, with the syllables of the pattern
    assert result == _one_by_one(texts)


@given(st.lists(_ANY_TEXT, min_size=1, max_size=8))
@settings(max_examples=800, deadline=None)
@example(["012345678", "9", "0 1 2 3 4", "5 6 7 8 9", "x.COM", "y@", "http:", "//"])
@example(["12345678", "1234567.", "x 1-2-3-4-5", "WWW.X", "www.", "a://b", "٣٣٣٣٣٣٣٣٣", "1 2 3 4 5"])
@example(["a.ſite", "x.İnfo", "b.ınfo", "c.KOM", "d.Vn!", "e.vnx", "f.", ".com", "g.asia_", "h.Xyz"])
def test_the_batch_hints_are_those_of_each_text(texts):
    # given texts of any kind, next to each other in one batch
    # when the batch is scanned
    scan = N._batch_scan(texts)

    # then a text is sent the slow way exactly when it has invisible or astral characters, and the
    # hints of the others are the per-text tests of _find_personal_data
    for k, text in enumerate(texts):
        odd = N._ODD_CHAR_RE.search(text) is not None or any(ord(c) > 0xFFFF and c.isalnum() for c in text)
        assert (k in scan.slow) == odd
        if not odd:
            hints = ("@" in text, N._url_hint(text), N._PHONE_HINT_RE.search(text) is not None)
            assert scan.hints.get(k, (False, False, False)) == hints


_TONE_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("oOuUaAeEyYqQòóỏõọÒÓÙÚủũụàáảãạÀÁèéẻẽẹýỳỷỹỵÝngh_1²Ⅻ \n.,<İΣ")),
        st.characters(exclude_categories=("Cs",)),
    ),
    max_size=30,
)


@given(st.lists(_TONE_TEXT, max_size=6))
@settings(max_examples=800, deadline=None)
@example(["hòa hòang quá qúy thuý Hòa2 hòa_ hòa² hòaⅫ òa", "quý", "uỷ ban", "khỏe", "QÚY", "của quả"])
@example(["hoè", "hoẻ.", "Thuỷ", "THUỶ", "quỷ", "QUỶ", "hoạt", "qòa", "Qóe", "òa", "ÒA𐀀", "oà😀"])
def test_tones_are_placed_only_where_they_move_and_the_split_is_the_syllable_pattern(texts):
    # given NFC texts around the vowel pairs
    texts = [unicodedata.normalize("NFC", t) for t in texts]

    # when the batch's tones are placed and its syllables split (no chat form to expand)
    result = N._finish_batch(texts, set(), frozenset())

    # then each text has the canonical tones (composed again) and the syllables of the pattern
    expected = [unicodedata.normalize("NFC", canonical_tones(t)) for t in texts]
    assert result == [(t, TOKEN_RE.findall(t.lower())) for t in expected]


def test_the_character_tables_agree_with_the_patterns_over_the_whole_bmp():
    # given every BMP character, and the slot for all the others
    raw, masked, lowered = N._batch_tables()
    pairs = "".join(N._TONE_PAIRS)
    onset_toned = {key[1] for key in N._ONSET_TONES}
    tlds = N._TLDS.split("|")

    # then its class bits are those of the patterns and string methods normalise uses
    for code in range(0x10000):
        ch = chr(code)
        bits, masked_bits = int(raw[code]), int(masked[code])
        assert bool(bits & N._DIGIT) == (re.fullmatch(r"\d", ch) is not None), hex(code)
        assert bool(bits & N._PHONE_RUN) == (re.fullmatch(r"[\d .-]", ch) is not None), hex(code)
        assert bool(bits & N._ODD) == (N._ODD_CHAR_RE.fullmatch(ch) is not None), hex(code)
        assert bool(bits & N._AT) == (ch == "@")
        assert bool(bits & N._DOT) == (ch == ".")
        assert bool(bits & N._TLD_START) == any(re.fullmatch(f"(?i:{tld[0]})", ch) for tld in tlds), hex(code)
        assert bool(bits & N._COLON) == (ch == ":")
        assert bool(bits & N._WWW) == (ch in "wW")
        assert not bits & N._ASTRAL
        assert bool(masked_bits & N._ALPHA) == ch.isalpha(), hex(code)
        assert bool(masked_bits & N._QQ) == (ch in "qQ")
        assert not masked_bits & N._BEYOND_BMP
        # the toned "u" and "i" an onset may carry (_ONSET_TONE_RE)
        assert bool(masked_bits & (N._TONED_U | N._TONED_I)) == (ch in onset_toned), hex(code)
        vowel_bits = masked_bits & ~(N._ALPHA | N._QQ | N._SLOW_SYLLABLES | N._ANGLE | N._TONED_I)
        assert bool(vowel_bits) == (ch in pairs), hex(code)
        mapped = chr(int(lowered[code]))
        if masked_bits & N._ANGLE:
            assert ch in "<>" and mapped == ch
        elif not masked_bits & N._SLOW_SYLLABLES:
            # its lower case is one character, kept when it is a letter or digit, a space otherwise
            assert ([mapped] if mapped != " " else []) == TOKEN_RE.findall(ch.lower()), hex(code)
        else:
            assert ch == "\u03a3" or len(ch.lower()) != 1
    # (the NFC bit is checked in test_normalise_speed_paths.py; beyond the BMP it is always set)
    assert raw[N._ASTRAL_SLOT] == N._ASTRAL | N._NFC_SUSPECT
    assert raw[N._SYMBOL_SLOT] == N._NFC_SUSPECT
    assert masked[N._SYMBOL_SLOT] == 0 and lowered[N._SYMBOL_SLOT] == 0x20
    assert masked[N._ASTRAL_SLOT] == N._SLOW_SYLLABLES | N._BEYOND_BMP


@pytest.mark.parametrize(
    "text", [N.plane_string(), "ΟΔΟΣ ΑΣ Σ", "İstanbul ΑΣ", "x" * 300 + "İΣ" + "Σ" * 300, ""]
)
def test_each_character_is_lower_cased_alone(text):
    # given a text (a whole plane; final sigmas; "İ", whose lower case is two characters)
    # when its characters are lower-cased by lower_each
    lowered, longer = N.lower_each(text, "#")
    # then each is its lower case alone, or the placeholder where that is longer
    alone = [ch.lower() for ch in text]
    assert longer == [k for k, low in enumerate(alone) if len(low) != 1]
    assert lowered == "".join("#" if len(low) != 1 else low for low in alone)


def test_letters_and_digits_are_never_white_space():
    # given every code point (str.split on white space must never cut a run of letters and digits)
    # then none is both
    assert not [c for c in range(0x110000) if chr(c).isalnum() and chr(c).isspace()]


_URL_PIECES = st.sampled_from(
    [
        *"abcwWxyz0123456789-_./:?=&%@<>\"'()[]",
        *(" ", "\n", "\t", "\u00a0", "\u2028", "\u3000", "\x1c", "\x85", "đ", "ọ", "K", "ſ"),
        *("http://", "HTTPS://", "://", "www.", "WWW.", "wWw.", "Www", ".com", ".COM", ".vn", ".gov.vn"),
        *(".info", ".io", ".me", ".site", ".online", ".xyz", "vnexpress.net", "a.b.c", "x.com-", "y.vn_"),
    ]
)


@given(st.lists(_URL_PIECES, max_size=40).map("".join) | st.text(max_size=40))
@settings(max_examples=1500, deadline=None)
@example("ANTT.VN – x www.a.b/c?d=1). Xem tại: http://x.vn/a. Trang ABC.COM.VN, a.info-b c.io")
@example("Www.abc/x hello site.com wWw.q www.com.vn a.b.c.d.com")
def test_urls_are_found_in_the_marked_runs_as_in_the_whole_text(text):
    # given any text with URL pieces, dots, colons and white space of every kind
    # when its URLs are searched only in the runs that hold a mark
    found = [(m.start(), m.end(), m.group()) for m in N._url_matches(text)]

    # then they are those the pattern finds in the whole text
    assert found == [(m.start(), m.end(), m.group()) for m in N._URL_RE.finditer(text)]


_EMAIL_PIECES = st.sampled_from(
    [
        *"abcXYZ0189-_.%+@<>\"'()[],;",
        *(" ", "\n", "\t", "\u00a0", "\u2028", "\u3000", "\x1c", "\x85", "đ", "ọ", "K", "ſ"),
        *("@@", "a@b", "x.y@z.vn", "@gmail.com", "ban.doc@vnexpress.net", ".com", "-@-.-", "a..b@c..d"),
    ]
)


@given(st.lists(_EMAIL_PIECES, max_size=40).map("".join) | st.text(max_size=40))
@settings(max_examples=1500, deadline=None)
@example("Gửi tới ban.doc@vnexpress.net hoặc a@b@c.vn, x@y. Liên hệ: thu-ha@gov.vn.")
def test_emails_are_found_in_the_runs_with_an_at_sign_as_in_the_whole_text(text):
    # given any text with address pieces, "@" signs, dots and white space of every kind
    # when its addresses are searched only in the runs that hold an "@"
    found = [(m.start(), m.end(), m.group()) for m in N._email_matches(text)]

    # then they are those the pattern finds in the whole text
    assert found == [(m.start(), m.end(), m.group()) for m in N._EMAIL_RE.finditer(text)]


def test_only_w_and_capital_w_match_w_ignoring_case():
    # given every code point (the URL marks spell "www." with w and W only)
    # then only those two match "w" when case is ignored
    assert [c for c in map(chr, range(0x110000)) if re.fullmatch("(?i)w", c)] == ["W", "w"]


def test_the_benchmark_times_normalise_and_the_batch_form(capsys):
    # given the benchmark of normalisation, on a few leads of the shared corpus
    from duluan.analysis import normalise_bench
    from duluan.shared_data import SharedDataMissing

    # when it runs
    try:
        normalise_bench.main(["--texts", "30", "--passes", "1", "--batch-size", "10"])
    except SharedDataMissing:
        pytest.skip("the shared corpus is not here")

    # then it prints one rate for each form
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["normalise", "normalise_many (10 a batch)"]
    assert all("texts/s per core by CPU time" in line for line in lines)
