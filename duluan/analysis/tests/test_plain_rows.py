"""JSON lines that ``duluan classify`` labels from their bytes (:mod:`duluan.analysis.plain_rows`):
what is read is what ``json`` reads, no text the normaliser would change is taken, and the
output is the output of the usual way."""

from __future__ import annotations

import gzip
import itertools
import json
import re
import unicodedata
from unittest import mock

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis import plain_rows as pr
from duluan.analysis import tabular
from duluan.analysis.legacy_encodings import typed_parts
from duluan.analysis.normalise import (
    _ID_NUMBER_RE,
    _PHONE_RE,
    _SPACES_TABLE,
    _batch_tables,
    _find_personal_data,
    _mask,
    canonical_tones,
    normalise_texts,
    plane_string,
)
from duluan.analysis.tabular import text_problem
from duluan.shared_data import shared_data_dir

# Chat forms, tones placed either way in either case, personal data and numbers that are none,
# text typed in TCVN3 fonts and its characters alone, the marks of mojibake, "_", "İ", "Σ",
# invisible and decomposed characters, a non-breaking space, characters beyond the BMP, quotes and
# backslashes (escaped in JSON) and line breaks.
_PIECES = [
    "ko", "k", "đc", "ĐT", "K", "Kh", "hoà", "hòa", "HOÀ", "Hoà", "thuý", "khoẻ", "hòang", "quý", "ngập",
    "dân", "Bắc Giang",
    "0912345678", "091 234 5678", "(024) 3825 1234", "+84912345678", "1.500.000", "2007 - 2008",
    "a@b.vn", "https://vd.vn/x", "www.vd.vn", "VnExpress.net", "TP.HCM", "U.S.", "ÂU", "Ã©", "º",
    "a_b", "ko_a", "_k", "İ", "Σας", "\u200b", "o\u0300a", "\xa0", "\u2007", "\u2028", "\u2029", "\u202f",
    "\u2006", "\u2030", "0\xa0912\xa0345\xa0678", "Â\xa0", "á»\xa0", "𝐀", "😀", "👍🏻", "🄁", "ko😀",
    "vd.vn😀x", "0912345678😀", "\ufffc", '"', "\\", "/", "\n", "\t",
    "\r", " ", ",", ".", "-", "ÿ", "\x7f", "\ufffd", "Uû ban nh©n d©n tØnh", "®\xadêng", "B¾c", "©",
]  # fmt: skip
_TEXTS = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=10).map(" ".join)
_IDS = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=0, max_size=6),
    st.integers(-5, 10**20),
    st.sampled_from([None, True, 1.0, 2.5, "ä", "a\tb", " a", ["x"]]),
)


# Columns that are not read: names (twice "nguon"; the read ones again) and JSON values of
# every kind, some that json reads and orjson does not (NaN, a lone surrogate).
_OTHER_NAMES = ["nguon", "created_at", "tiêu đề", "nguon", "text", "id", "ma"]
_OTHER_VALUES = [
    '"zalo"', "3", "-1.5e3", "0.5", "true", "null", "false", "[1, 2]", '{"a": 1}', "NaN", "-Infinity",
    '"a\\u00e9"', '"x\\ny"', '"t\\"s"', "01", '"\\ud800"', "1.", '"\\b"', "tru",
]  # fmt: skip


@st.composite
def json_lines(draw) -> bytes:
    """A JSON line of an id, a text and sometimes other columns, in any order and spacing."""
    row = {"text": draw(st.one_of(_TEXTS, st.sampled_from([None, 3, "", "  "])))}
    if draw(st.booleans()):
        row["id"] = draw(_IDS)
    ascii_only = draw(st.booleans())
    colon, comma = draw(st.sampled_from([(":", ","), (": ", ", "), (" : ", " ,\t")]))
    members = [json.dumps(k) + colon + json.dumps(v, ensure_ascii=ascii_only) for k, v in row.items()]
    if draw(st.integers(0, 2)) == 0:
        others = st.tuples(st.sampled_from(_OTHER_NAMES), st.sampled_from(_OTHER_VALUES))
        for name, value in draw(st.lists(others, min_size=1, max_size=3)):
            members.append(json.dumps(name, ensure_ascii=ascii_only) + colon + value)
    members = draw(st.permutations(members))
    line = "{" + comma.join(members) + "}"
    line = draw(st.sampled_from(["", " ", "\t"])) + line + draw(st.sampled_from(["\n", "\r\n", " \n", ""]))
    return line.encode("utf-8", "surrogatepass")


def _code_points(text: str) -> list[int]:
    return [ord(c) for c in text]


@settings(max_examples=300, deadline=None)
@given(st.lists(json_lines(), min_size=1, max_size=6), st.sampled_from([("text", "id"), ("text", None)]))
@example([b'{"id": "a b", "text": "Ng\xc3\xa0nh d\xe1\xbb\x87t \\"may\\"\\n"}\n'], ("text", "id"))
@example([b'{"text": "ng\xc3\xa0nh", "id": 7}'], ("text", "id"))
@example([b'{"id": "a", "text": "ng\xe0nh"}'], ("text", "id"))  # not UTF-8
@example([b'{"id": "a", "text": "ng\xc3"}'], ("text", "id"))  # a character cut by the line's end
@example([b'{"id": "a", "text": "\xc3\x83\xc2\xa9 ng\xc3\xa0y"}'], ("text", "id"))  # mojibake
@example([b'{"id": "a", "text": "ko_a ng\xc3\xa0y"}'], ("text", "id"))  # a chat form glued by "_"
@example([b'{"id": "a", "text": "\xc3\x82\xc2\xa0ng\xc3\xa0y"}'], ("text", "id"))  # "Â\xa0": mojibake
@example([b'{"id": "a", "n": 1., "text": "ng\xc3\xa0y"}'], ("text", "id"))  # not JSON
@example([b'{"id": "a", "n": 01, "text": "ng\xc3\xa0y"}'], ("text", "id"))
@example([b'{"id": "a", "n": tru, "text": "ng\xc3\xa0y"}'], ("text", "id"))
@example([b'{"id": "a", "n": NaN, "text": "ng\xc3\xa0y"}'], ("text", "id"))  # json's, not orjson's
@example([b'{"id": "a", "n": -0.5e+3, "x": null, "t": "\\"", "text": "ng\xc3\xa0y"}'], ("text", "id"))
def test_a_plain_row_is_the_row_json_reads_and_the_text_normalising_keeps(lines, fields):
    # given JSON lines of every shape
    text_field, id_field = fields
    # when the plain rows are read from their bytes
    plain = pr.plain_rows(lines, text_field, id_field)
    texts = pr_texts(plain)
    assert len(texts) == len(plain.positions) and (plain.ids == [] if id_field is None else True)
    for k, p in enumerate(plain.positions):
        row = json.loads(lines[p])
        # then each is an object of the text and id columns, as json reads it, whose other columns
        # are named
        assert {text_field} | ({id_field} if id_field else set()) <= set(row)
        assert list(plain.unknown.get(p, [])) == [k for k in row if k not in (text_field, id_field)]
        if id_field is not None:
            assert type(row[id_field]) in (str, int) and type(row[id_field]) is not bool
            assert plain.ids[k] == str(row[id_field]).strip() == str(row[id_field])
        # whose text passes the checks, and is given as written but for the spaces the normaliser
        # writes otherwise, its personal data masked...
        text = row[text_field]
        assert text_problem(text) is None and text.strip()
        scored = "".join(map(chr, texts[k]))
        spaced = _symbols(text.translate(_SPACES_TABLE))
        personal = _find_personal_data(spaced)
        assert scored == (unicodedata.normalize("NFC", _mask(spaced, personal)) if personal else spaced)
        # ...which is the text normalised, but for its tones and chat forms
        normalised = _symbols(normalise_texts([text], expand_chat=False)[0])
        assert canonical_tones(normalised) == canonical_tones(scored)


def _symbols(text: str) -> str:
    """``text`` with its characters beyond the plane written as the reader writes emoji (it reads
    no other such character)."""
    return "".join(chr(pr._SYMBOL) if ord(ch) > 0xFFFF else ch for ch in text)


def pr_texts(plain: pr.PlainRows) -> list[list[int]]:
    """The texts of ``plain`` as lists of code points."""
    if not plain.positions:
        return []
    out: list[list[int]] = [[]]
    for c in plain.codes.tolist():
        if c == 0:
            out.append([])
        else:
            out[-1].append(c)
    return out


def test_lines_of_plain_texts_are_all_read_from_their_bytes():
    # given lines as writers write them: string and number ids, escapes, Vietnamese in UTF-8 or
    # escaped... (the escaped ones are not read this way: \u escapes)
    rows = [
        {"id": "XH_NLD_ (3672).txt", "text": 'Ngành dệt "may"\nxuất khẩu 1.500.000 đồng năm 2007 - 2008'},
        {"id": 12, "text": "Hoà bình, khoẻ mạnh: TP.HCM, U.S. và Bắc Giang"},
        {"text": "ngập úng kéo dài", "id": "b"},
        {"text": "Hà\xa0Nội,\u202f5\u2007km\u2028Gọi 0912\xa0345\xa0678\u2029hết", "id": "c"},
    ]
    lines = [json.dumps(r, ensure_ascii=False).encode("utf-8") + b"\n" for r in rows]
    lines.append(json.dumps(rows[0], ensure_ascii=True).encode("ascii"))
    # then the first four are plain rows, the escaped one is read the usual way
    plain = pr.plain_rows(lines, "text", "id")
    assert plain.positions == [0, 1, 2, 3] and plain.ids == ["XH_NLD_ (3672).txt", "12", "b", "c"]
    # and the fourth's spaces and line separators are read as the normaliser writes them (its
    # phone number, spaced so, masked)
    assert pr_texts(plain)[:3] == [_code_points(r["text"]) for r in rows[:3]]
    assert "".join(map(chr, pr_texts(plain)[3])) == normalise_texts([rows[3]["text"]], expand_chat=False)[0]
    assert "".join(map(chr, pr_texts(plain)[3])) == "Hà Nội, 5 km\nGọi <phone>\nhết"


def test_emoji_beyond_the_plane_are_read_as_a_symbol_and_other_characters_there_the_usual_way():
    # given texts with emoji (one with a skin tone), a bold letter and an enclosed digit
    rows = [
        {"id": "a", "text": "Tuyệt vời 👍🏻😀 ko"},
        {"id": "b", "text": "chữ 𝐀"},
        {"id": "c", "text": "số 🄁"},
    ]
    lines = [json.dumps(r, ensure_ascii=False).encode("utf-8") for r in rows]
    # then the first is a plain row, each emoji read as the symbol; the letter and the digit,
    # which normalising does not read as punctuation, go the usual way
    plain = pr.plain_rows(lines, "text", "id")
    assert plain.positions == [0]
    assert "".join(map(chr, pr_texts(plain)[0])) == "Tuyệt vời \ufffc\ufffc\ufffc ko"


_NEAR_PHONES = st.builds(
    lambda before, prefix, digits, seps, after: (
        before + prefix + "".join(d + s for d, s in zip(digits, seps, strict=False)) + after
    ),
    st.sampled_from(["", " ", "x", "1", "+", ".", "_"]),
    st.sampled_from(["0", "+84", "0084", "(+84)", "(02", "0(0)", "+84 (0)", "", "(0"]),
    st.text(st.sampled_from("0123456789"), min_size=7, max_size=12),
    st.lists(st.sampled_from(["", "", "", " ", ".", "-", "  ", ")", ") "]), min_size=12, max_size=12),
    st.sampled_from(["", " ", "x", "1", ".5", ",", ", ", "é", "_"]),
)


@settings(max_examples=1500, deadline=None)
@given(st.one_of(st.text(st.sampled_from("0123456789 .-+()84,x_é"), max_size=40), _NEAR_PHONES))
@example("(024) 3825 1234")
@example("0312345678")
@example("0212 345 6789")
@example("(0241)3825123,4")
@example("+84 (0) 912 345 678")
@example("0084912345678é")
@example("CCCD 001203012345, 0012030123456 0.001203012345 001203012345,5 001403012345")
@example("(08) 930 5593, 04 3933 2727, 0166 312 3456, 0511 3646 727, 061 3822 123")
@example("079 201 000 123, 079.201.000.123, 0792 0100 0123, 079 401 000 123")
def test_every_text_a_phone_number_may_be_found_in_is_checked(text):
    # given a text of digits, separators and the characters around phone numbers, or one made
    # like a phone number in any of its forms, or nearly
    codes = np.array(_code_points(text), dtype=np.uint32)
    # then where the phone pattern or the identity card's matches, the kernel says one may
    if _PHONE_RE.search(text) or _ID_NUMBER_RE.search(text):
        assert pr._phone_may_match(codes, 0, codes.size, _batch_tables()[0], pr._regex_tables()[1])


def _hints_of(text: str) -> int:
    """What the reader finds in ``text`` for :func:`plain_rows` to check (bits ``EMAIL_HINT`` ...)."""
    codes = np.array(_code_points(text), dtype=np.uint32)
    tables = (pr._plain_table(), _batch_tables()[0], *pr._tld_codes(), *pr._regex_tables())
    return pr._hints(codes, 0, codes.size, *tables)


@settings(max_examples=1000, deadline=None)
@given(st.text(st.sampled_from("ÂÃÄÅÆâãáàaÁº»¼½¾©‡€™Ÿ\x80\xa0\xbf\xc0 x"), max_size=12))
@example("Ã©")
@example("á»‡")
@example("CÂU HỎI, ÂM THANH")
@example("á»")
@example("a»‡")
@example("Â")
@example("© © ©")  # signs alone: not typed in TCVN3 fonts ("â â â")
@example("nh©n d©n tØnh")  # typed in TCVN3 fonts
def test_a_text_is_marked_suspect_exactly_when_the_row_checks_find_mojibake(text):
    # given a text of mojibake's leads, marks and continuation characters, and of others
    found = _hints_of(text)
    # then the kernel sends it to the row checks exactly when they find mojibake in it (none of
    # their other reasons can be in a plain text)...
    with mock.patch.object(tabular, "typed_parts", lambda value: None):
        mojibake = text_problem(text) is not None
    assert bool(found & pr.SUSPECT) == mojibake
    # ...and a text they take for one typed in TCVN3 fonts, which the kernel does not weigh, is
    # never plain: its characters send it the usual way
    if typed_parts(text):
        assert any(pr._plain_table()[ord(c)] & pr._BAD for c in text)


@settings(max_examples=1000, deadline=None)
@given(st.text(st.sampled_from(".comvnetCOMVNinfoxyzsiteasia é_1ſKİı:/wW@0123456789 -"), max_size=24))
@example(".vn")
@example(".COM é")
@example(".coms")
@example("a.ſite b")
@example("xem www.vd và WWW.X và wWw.y")
@example("0912 345 678")
def test_the_hints_of_personal_data_are_those_the_normaliser_searches_by(text):
    # given a text of dots, letters of domains in any case, "://", "www.", "@" and numbers
    from duluan.analysis.normalise import _PHONE_HINT_RE, _url_hint

    codes = np.array(_code_points(text), dtype=np.uint32)
    found = _hints_of(text)
    # then the e-mail and URL hints are the normaliser's, and the phone hint its own where the
    # phone pattern may match (always where it does)
    assert bool(found & pr.EMAIL_HINT) == ("@" in text)
    assert bool(found & pr.URL_HINT) == _url_hint(text)
    hinted = _PHONE_HINT_RE.search(text) is not None
    assert bool(found & pr.PHONE_HINT) == (
        hinted and pr._phone_may_match(codes, 0, codes.size, _batch_tables()[0], pr._regex_tables()[1])
    )
    if _PHONE_RE.search(text):
        assert found & pr.PHONE_HINT


def test_the_letters_table_holds_what_each_letter_matches_ignoring_case():
    # given the table of the ASCII letters each character of the plane matches ignoring case
    letters = pr._regex_tables()[0]
    # then it is what each letter's expression finds over the whole plane
    expected = np.zeros(0x10000, dtype=np.uint32)
    for k, letter in enumerate("abcdefghijklmnopqrstuvwxyz"):
        for m in re.finditer(f"(?i:{letter})+", plane_string()):
            expected[m.start() : m.end()] |= np.uint32(1 << k)
    assert np.array_equal(letters, expected)
    assert letters[ord("ſ")] == 1 << 18 and letters[0x212A] == 1 << 10  # "ſ" is "s", "K" "k"


@st.composite
def plain_texts(draw) -> str:
    """A text of Vietnamese words with their tones placed either way, in any case."""
    words = [
        "hoà",
        "hòa",
        "thuý",
        "thúy",
        "khoẻ",
        "khỏe",
        "hoàng",
        "quý",
        "ngập",
        "dân",
        "bình",
        "1.500.000",
        "ko",
        "k",
        "đc",
    ]
    picked = draw(st.lists(st.sampled_from(words), min_size=1, max_size=12))
    cased = [draw(st.sampled_from([str, str, str.upper, str.capitalize]))(w) for w in picked]
    return draw(st.sampled_from([" ", ", ", "\n"])).join(cased)


# The chat forms among plain_texts' words, as they are written ("K", "KO" and "ĐC" are none).
_CHAT_FORMS = {"ko", "Ko", "k", "đc", "Đc"}


@settings(max_examples=200, deadline=None)
@given(st.lists(plain_texts(), min_size=1, max_size=6))
def test_margins_of_texts_whose_tones_are_placed_by_the_look_up_are_those_of_the_normalised_texts(
    model_path, texts
):
    # given a model whose vocabulary holds spellings with the tone on either vowel (one only
    # with the tone where the normaliser never puts it), and texts
    # of words spelt either way
    from duluan.analysis.normalise import chat_form_table
    from duluan.commands._labelled_rows import load_classifier, model_texts

    _, clf = load_classifier(model_path)
    assert clf.load_compiled(placing=True)
    codes = np.array([c for t in texts for c in [*_code_points(t), 0]][:-1], dtype=np.uint32)
    # when they are scored as written, their tones placed as each syllable is looked up
    margins, marked = clf.margins_of_codes(codes, chat_form_table())
    # then the margins of those without a chat form are those of the normalised texts, to the bit
    # (with the part of their layout, which placing tones does not change)
    expected = clf.marked_margins(model_texts(texts), chat_form_table())[0]
    assert margins.tobytes() == expected.tobytes() or np.array_equal(margins[~marked], expected[~marked])
    assert np.array_equal(margins[~marked], expected[~marked])
    assert marked.tolist() == [bool(_CHAT_FORMS & set(re.split("[ ,\n]+", t))) for t in texts]


# -- the command's output --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    # A model of four topics, whose vocabulary holds spellings with the tone on either vowel
    from duluan.analysis.tests.test_model_cli_files import _AWKWARD, PERSONAL, ROWS
    from duluan.analysis.topic import TopicClassifier

    texts = [t for t, _ in ROWS] + PERSONAL + _AWKWARD + _PIECES + ["hoà thuý khoẻ", "hòa khỏe bình"]
    labels = [str(i % 4) for i in range(len(texts))]
    clf = TopicClassifier(min_count=1).fit(texts, labels)
    # (spellings known both ways, and one known only with the tone on the second vowel, where
    # the normalised texts never have it: "hòa" is unknown)
    vocabulary = clf.featurizer_.vocabulary_
    vocabulary.pop("hòa", None)
    assert {"hoà", "thuý", "thúy", "khoẻ", "khỏe"} <= set(vocabulary) and "hòa" not in vocabulary
    return str(clf.save(tmp_path_factory.mktemp("m") / "t.model"))


@pytest.fixture(scope="module")
def classify_both(model_path):
    """Classify chunks of lines as the workers do, from the lines' bytes where they may and the
    usual way alone; return both outputs, and the rows labelled from their bytes."""
    from duluan.commands import classify
    from duluan.commands._labelled_rows import load_classifier

    kind, clf = load_classifier(model_path)
    assert clf.load_compiled(placing=True)
    classify._MODELS[model_path] = (kind, clf)
    plain = classify._plain_predictions

    def both(lines: list[bytes], text_field: str = "text", id_field: str | None = "id"):
        outputs = []
        try:
            for fast in (True, False):
                classify._plain_predictions = plain if fast else lambda *a: ({}, [])
                numbers = range(1, len(lines) + 1)
                out = classify.classify_lines(1, lines, numbers, model_path, False, text_field, id_field)
                outputs.append((out[0], out[1], out[2], [r.to_record() for r in out[3]], out[4]))
        finally:
            classify._plain_predictions = plain
        return outputs, plain(1, lines, range(1, len(lines) + 1), model_path, text_field, id_field)[0]

    yield both
    classify._MODELS.pop(model_path, None)


@settings(max_examples=150, deadline=None)
@given(st.lists(json_lines(), min_size=1, max_size=8), st.sampled_from([("text", "id"), ("text", None)]))
def test_a_chunk_labelled_from_its_bytes_writes_what_the_usual_way_writes(classify_both, lines, fields):
    # given lines of every shape, with chat forms, tones either way, personal data, odd characters
    # when a chunk is classified with its plain rows read from their bytes, and the usual way
    (fast, usual), _ = classify_both(lines, *fields)
    # then the output lines, ids, rows, rejects and unread columns are the same
    assert fast == usual


def test_a_text_typed_in_tcvn3_fonts_is_converted_either_way(classify_both):
    # given a sentence typed in the ".VnTime" fonts, pasted as Unicode, and a Unicode one with "©"
    typed = "Uû ban nh©n d©n tØnh B¾c Giang ®Ò nghÞ söa ch÷a ®­êng ngËp óng"
    shown = "Uỷ ban nhân dân tỉnh Bắc Giang đề nghị sửa chữa đường ngập úng"
    lines = [
        json.dumps({"id": "a", "text": typed}, ensure_ascii=False).encode(),
        json.dumps({"id": "b", "text": "Ủy ban nhân dân tỉnh © 2026"}, ensure_ascii=False).encode(),
        json.dumps({"id": "c", "text": shown}, ensure_ascii=False).encode(),
    ]
    # when classified both ways
    (fast, usual), _ = classify_both(lines, "text", "id")
    # then all three are labelled, the first as the text it showed, with a warning that says so
    assert fast == usual
    assert fast[1] == ["a", "b", "c"]
    assert [(r["reason"], r["severity"]) for r in fast[3]] == [("legacy_fonts", "warning")]
    first, _, third = fast[0].splitlines()
    assert json.loads(first)["label"] == json.loads(third)["label"]


def test_plain_rows_are_labelled_from_their_bytes_and_their_chat_forms_expanded(classify_both):
    # given rows with other columns than the text and id (strings, a time, numbers, true, null),
    # and one with chat forms
    other = {
        "title": 'Tin "nóng"',
        "created_at": "2026-01-02T08:00:00+07:00",
        "n": -1.5e3,
        "ok": True,
        "x": None,
    }
    texts = ["ngập úng hoà bình", "bệnh viện thuý", "ko ai đc"]
    rows = [{"id": f"r{i}", **other, "text": t} for i, t in enumerate(texts)]
    lines = [json.dumps(r, ensure_ascii=False).encode("utf-8") for r in rows]
    # when they are classified
    (fast, usual), plain = classify_both(lines)
    # then all are labelled from their bytes (the one with chat forms expanded) as the usual way
    # labels them, and their columns not read are named as it names them
    assert fast == usual and sorted(plain) == [0, 1, 2]
    assert [entry[3] for entry in fast[4]] == [list(other)] * 3


def test_only_texts_whose_chat_forms_are_expanded_are_scored_again(classify_both, monkeypatch):
    # given a text with a chat form that is expanded, one with a form left as written (capitals:
    # an abbreviation) and one with none
    from duluan.commands import classify

    lines = [
        json.dumps({"id": f"r{i}", "text": t}, ensure_ascii=False).encode("utf-8")
        for i, t in enumerate(["ko ai đc", "ĐT Việt Nam thắng K", "ngập úng"])
    ]
    (fast, usual), plain = classify_both(lines)
    model_path, (_, model) = next(iter(classify._MODELS.items()))
    again: list[str] = []
    predict_labels = model.predict_labels

    def spying(texts, **kwargs):
        again.extend(texts)
        return predict_labels(texts, **kwargs)

    monkeypatch.setattr(model, "predict_labels", spying)
    # when they are classified from their bytes
    predictions, _ = classify._plain_predictions(1, lines, range(1, 4), model_path, "text", "id")
    # then they are labelled as the usual way labels them, and the first alone was scored again,
    # expanded
    assert fast == usual and sorted(plain) == sorted(predictions) == [0, 1, 2]
    assert again == ["không ai được"]


@pytest.mark.skipif(shared_data_dir() is None, reason="shared corpora absent")
def test_real_articles_and_news_leads_labelled_from_their_bytes_are_labelled_as_usual(classify_both):
    # given 2,000 VNTC articles, 2,000 TC201805 news leads and the 2026 news articles as JSON lines
    lines = []
    for corpus, name, rows in (("vntc", "train.jsonl.gz", 2000), ("tc201805", "train.jsonl.gz", 2000)):
        with gzip.open(shared_data_dir() / corpus / name, "rt", encoding="utf-8") as fh:
            lines += [
                json.dumps({"id": r["id"], "text": r["text"]}, ensure_ascii=False).encode("utf-8")
                for r in map(json.loads, itertools.islice(fh, rows))
            ]
    news = shared_data_dir() / "news_2026" / "articles.jsonl"
    with open(news, encoding="utf-8") as fh:
        lines += [
            json.dumps({"id": str(r.get("id", k)), "text": r.get("text") or ""}, ensure_ascii=False).encode(
                "utf-8"
            )
            for k, r in enumerate(map(json.loads, fh))
        ]
    # when they are classified in chunks of 2,048 lines both ways
    plain = 0
    for start in range(0, len(lines), 2048):
        (fast, usual), found = classify_both(lines[start : start + 2048])
        # then both write the same
        assert fast == usual
        plain += len(found)
    # (and most rows are read from their bytes)
    assert plain > 0.7 * len(lines)
