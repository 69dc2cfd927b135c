"""The patterns around place names, and the shortcuts the gazetteer takes with them."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from duluan.analysis.normalise import canonical_tones, fold
from duluan.analysis.places import context
from duluan.analysis.places.context import (
    FOREIGN_AFTER_RE,
    HOUSE_NUMBER_BEFORE_RE,
    LOCATIVE_BEFORE,
    NOT_A_UNIT_BEFORE,
    OLD_AFTER_RE,
    TYPE_BEFORE_RE,
    TYPE_WORDS,
    TYPED_WORD_RE,
    TYPED_WORD_STARTS,
    by_last_character,
    foreign_after,
    house_number_before,
    inside_longer_proper_noun,
    locative_before,
    not_a_unit_before,
    old_after,
    typed_words,
    word_before,
)
from duluan.analysis.places.gazetteer import _TYPE_ENDINGS, _TYPE_ENDINGS_BY_LAST

# Folded text dense in type words, glued forms, odd spacing and punctuation.
FOLDED_TEXT = st.lists(
    st.sampled_from(
        [*TYPED_WORD_STARTS, "ho", "ba", "i", "thi", "tran", " ", "  ", "\n", ".", ",", "1", "_", "a"]
    )
    | st.text(max_size=3),
    max_size=25,
).map("".join)


def all_starts(folded: str) -> list[int]:
    return [i for i in range(len(folded)) for w in TYPED_WORD_STARTS if folded.startswith(w, i)]


@given(FOLDED_TEXT)
@settings(max_examples=500)
@example("xa thi tran ho, tp.ho xaho tinh  ba tt.i q.1 h.v")
def test_typed_words_tried_at_the_type_word_starts_equal_finditer(folded):
    # given folded text and every offset where a type word begins
    # when the typed-name pattern is tried only there
    found = typed_words(folded, all_starts(folded))
    # then the matches are those of a full scan, consumed left to right the same way
    assert [(m.span(), m.span(1)) for m in found] == [
        (m.span(), m.span(1)) for m in TYPED_WORD_RE.finditer(folded)
    ]


@given(FOLDED_TEXT)
@settings(max_examples=500)
@example("nhanh. h.v anh.q.1 _xa x.tp ho")
def test_typed_words_need_no_start_after_a_word_character_or_dot(folded):
    # given the type-word starts the gazetteer keeps: none right after a word character or a dot
    kept = [i for i in all_starts(folded) if not i or not (folded[i - 1].isalnum() or folded[i - 1] in "_.")]
    # when the typed-name pattern is tried only there
    found = typed_words(folded, kept)
    # then the matches are still those of a full scan
    assert [(m.span(), m.span(1)) for m in found] == [
        (m.span(), m.span(1)) for m in TYPED_WORD_RE.finditer(folded)
    ]


@given(FOLDED_TEXT)
@settings(max_examples=300)
def test_every_typed_name_match_starts_with_a_listed_type_word(folded):
    # given any folded text
    # when scanned in full
    # then each match begins with one of the words the gazetteer's automaton looks for
    for match in TYPED_WORD_RE.finditer(folded):
        assert any(folded.startswith(w, match.start()) for w in TYPED_WORD_STARTS)


def test_real_sentence_typed_names():
    # given a sentence naming one-syllable communes after their type words
    folded = fold("Thị trấn Hồ, xã Ba và TP. Vinh; tỉnh Bắc Ninh")
    # when scanned from the type words only
    groups = [m.group(1) for m in typed_words(folded, all_starts(folded))]
    # then each typed name is found
    assert groups == ["ho", "ba", "vinh", "bac"]


# Windows before a name, as the gazetteer slices them (12 folded characters).
WINDOW = st.lists(
    st.sampled_from([*TYPE_WORDS, "ho", "thi", "a", " ", "  ", "\n", ".", ",", "1", "_"])
    | st.text(max_size=2),
    max_size=6,
).map(lambda parts: "".join(parts)[-12:])


@given(WINDOW)
@settings(max_examples=500)
@example("xa thi tran ")
@example("tp.")
@example("tp. \n")
def test_type_word_before_a_name_ends_the_window_spaces_aside(window):
    # given the window before a name
    # when the type-word pattern finds a type word in it
    match = TYPE_BEFORE_RE.search(window)
    # then the window, spaces aside, ends with a listed type word (the gazetteer searches only then)
    if match is not None:
        assert window.rstrip().endswith(_TYPE_ENDINGS)
        assert match.group(1) in TYPE_WORDS


# Text dense in the words and marks the context patterns look for, in both forms, with odd spacing.
CONTEXT_TEXT = st.lists(
    st.sampled_from(
        [
            "chợ",
            "cho",
            "sân bay",
            "san bay",
            "tổ dân phố",
            "to dan pho",
            "ở",
            "o",
            "tại",
            "tai",
            "và",
            "va",
            "cũ",
            "cu",
            "truoc day",
            "(",
            ")",
            ",",
            "-",
            "–",
            ";",
            ":",
            " ",
            "  ",
            "\n",
            "\u00a0",
            "trung quoc",
            "lao",
            "Hà Nội",
            "Nguyễn",
            "Tại",
            "UBND",
            "Tower",
            "1",
            "so 218",
            "404/3",
            "9x",
            "12a",
            "ngo",
            "_",
            "a",
            "x",
        ]
    )
    | st.text(max_size=3),
    max_size=20,
).map("".join)


@given(CONTEXT_TEXT, st.integers(min_value=0, max_value=60))
@settings(max_examples=1500)
@example("chợ \n", 5)
@example("tại\n", 4)
@example("  ", 2)
@example("x cũ \u00a0(trung quoc", 1)
def test_context_shortcuts_answer_as_their_patterns(text, offset):
    # given any text and an offset in it
    at = min(offset, len(text))
    for plain in (False, True):
        # when the shortcuts that reject impossible windows first are asked
        # then they answer as the full pattern searches do
        assert not_a_unit_before(text, plain, at) == bool(
            NOT_A_UNIT_BEFORE[plain].search(text, max(0, at - 20), at)
        )
        assert locative_before(text, plain, at) == bool(
            LOCATIVE_BEFORE[plain].search(text, max(0, at - 12), at)
        )
    assert foreign_after(text, at) == bool(FOREIGN_AFTER_RE.match(text, at))
    assert old_after(text, at) == bool(OLD_AFTER_RE.match(text, at))
    assert house_number_before(text, at) == bool(HOUSE_NUMBER_BEFORE_RE.search(text, max(0, at - 24), at))


@pytest.mark.parametrize(
    ("before", "street"),
    [
        ("toa soan tai so 218 ", True),
        ("(404/3 ", True),
        ("o 340 ", True),
        ("khu dan cu thuoc ngo 165 ", True),
        ("nha hang serenade, 18d ", True),
        ("tang 2, nha trang tower, 38-40 ", True),
        ("", False),
        ("nam 2017 ", False),
        ("cong an quan 1 ", False),
        ("benh vien 115 ", False),
        ("truong thpt so 1 ", False),
        ("tuyen so 50 ", False),
        ("trai 05, 06 ", False),
        ("dip 30/4 -1/5 ", False),
        ("nam hoc 2017-2018 ", False),
        ("co gai 9x ", False),
        ("tai 33", False),  # no space before the name: not a separate word
    ],
)
def test_a_name_after_a_house_number_that_opens_an_address_is_a_street(before, street):
    # given the folded words before a name
    # when asked whether they end with a house number
    # then only a number that opens an address is one
    assert house_number_before(before + "tay son", len(before)) is street


def _inside_longer_proper_noun_by_pattern(nfc: str, start: int, end: int) -> bool:
    before = context._WORD_BEFORE_RE.search(nfc, max(0, start - 20), start)
    if before and context._proper_word(before.group(1)):
        return True
    # a Capitalised function word after a family name: "Nguyễn Nam Vinh"
    word = before.group(1) if before else ""
    if word[:1].isupper() and not word.isupper():
        surname = context._WORD_BEFORE_RE.search(nfc, max(0, before.start(1) - 20), before.start(1))
        if surname and canonical_tones(surname.group(1)) in context._SURNAMES:
            return True
    after = context._WORD_AFTER_RE.match(nfc, end)
    return bool(after and context._proper_word(after.group(1)))


@given(CONTEXT_TEXT, st.integers(min_value=0, max_value=40), st.integers(min_value=0, max_value=12))
@settings(max_examples=800)
@example("Nguyễn \nHà Nội", 8, 14)
@example("Tại Hà Nội Tower", 4, 10)
@example("Nguyễn Nam Vinh", 11, 15)
@example("phía Nam Vinh", 9, 13)
def test_proper_noun_check_skips_only_spans_without_a_space_beside_them(text, offset, length):
    # given a span of any text
    start = min(offset, len(text))
    end = min(start + length, len(text))
    # when the check that looks at the neighbouring characters first is asked
    # then it answers as the two pattern searches do
    assert inside_longer_proper_noun(text, start, end) == _inside_longer_proper_noun_by_pattern(
        text, start, end
    )


# NFC text dense in spaces, newlines, word characters of several scripts and punctuation.
NFC_TEXT = st.lists(
    st.sampled_from(["Nguyễn", "Hà", "hà", "UBND", " ", "  ", "\n", " \n", ".", "(", "_", "1", "Ω", "😀"])
    | st.text(max_size=3),
    max_size=14,
).map("".join)


@given(NFC_TEXT, st.integers(min_value=0, max_value=60))
@settings(max_examples=500)
@example("ABCDEFGHIJKLMNOPQRSTUVWXYZ abc Hà", 31)
@example("bà  Tư \nHà", 8)
@example(" \nHà", 2)
def test_the_word_before_a_name_equals_the_pattern_search(nfc, start):
    # given any text and any offset in it
    start = min(start, len(nfc))
    # when the word before is read off the reversed window
    # then it is the word the pattern's search finds, and None where it finds none
    match = context._WORD_BEFORE_RE.search(nfc, max(0, start - 20), start)
    assert word_before(nfc, start) == (match.group(1) if match else None)


ENDINGS = [
    *context._NOT_A_UNIT_ENDINGS,
    *context._LOCATIVE_ENDINGS,
    _TYPE_ENDINGS,
]
GROUPED = [*context._NOT_A_UNIT_BY_LAST, *context._LOCATIVE_BY_LAST, _TYPE_ENDINGS_BY_LAST]
ENDING_TEXT = st.lists(
    st.sampled_from([w for endings in ENDINGS for w in endings] + [" ", "  ", "\n", "a", "ở", "x"])
    | st.text(max_size=3),
    max_size=6,
).map("".join)


@given(ENDING_TEXT)
@settings(max_examples=500)
@example("")
@example("ở")
@example("tổng đài")
def test_endings_grouped_by_their_last_character_match_as_the_whole_tuple(text):
    # given any text, and each tuple of endings the patterns are pre-tested with
    for endings, grouped in zip(ENDINGS, GROUPED, strict=True):
        # when only the endings sharing the text's last character are tried
        # then the answer is that of the whole tuple, and the groups hold every ending once
        assert text.endswith(grouped.get(text[-1:], ())) == text.endswith(endings)
        assert grouped == by_last_character(endings)
        assert sorted(w for group in grouped.values() for w in group) == sorted(endings)


def test_an_empty_ending_cannot_be_grouped():
    # given endings with an empty one, which every text ends with
    # then grouping them by their last character is refused
    with pytest.raises(ValueError):
        by_last_character(("xa", ""))


@pytest.mark.parametrize(
    ("before", "fronted"),
    [
        ("Tại cơ quan công an, ", True),
        ("Xe bị lấy mất. Sau khi bị bắt, ", True),
        ("Tại CQĐT, ", True),  # an abbreviation in capitals
        ("Mặc dù nhận khoán, thế nhưng tại tòa, ", True),
        ("Trả lời báo Thanh Niên, ", True),  # the clause says whom the words answer: a paper
        ("Tại Lĩnh Nam, ", False),  # a place: an address may run on
        ("Tại số 5, ", False),  # a number: a house's
        ("Lãnh đạo UBND phường 3, ", False),  # no word that places, times or answers
        ("Anh Tuấn làm việc tại cơ quan công an, ", False),  # the word does not open the sentence
        ("Tại cơ quan công an, ngày 5/3, ", False),  # another comma: a date, or an address
    ],
)
def test_a_fronted_clause_opens_its_sentence_and_ends_at_the_comma_before_a_name(before, fronted):
    # given the words before a name
    # when asked whether they end with a fronted clause and its comma
    # then only a clause that opens its sentence with a word that places, times or says whom the
    # words answer, in small letters unless it answers, is one
    text = before + "Vinh thừa nhận."
    assert context.fronted_clause_before(text, text.lower(), len(before)) is fronted


@pytest.mark.parametrize(
    ("before", "follows", "fronted"),
    [
        ("Tại Hà Nội, ", False, True),  # a name the one after cannot follow in an address
        ("Tại Lĩnh Nam, ", True, False),  # one it may follow
        ("Tại UBND Hà Nội, ", False, True),  # an abbreviation in capitals before the name
        ("Tại thôn Đông Xuyên, ", False, False),  # a village's name: an address may run on
        ("Tại Hà Nội hôm qua, ", False, False),  # the name does not end the clause
        ("Tại Tòa án Hà Nội, ", False, False),  # other capitalised words
    ],
)
def test_a_fronted_clause_may_end_with_a_name_the_next_cannot_follow_in_an_address(before, follows, fronted):
    # given the words before a name, and whether that name may follow the clause's name in an
    # address
    text = before + "Vinh thừa nhận."
    asked = []

    def continues(clause: str, name: str) -> bool:
        asked.append((clause, name))
        return follows

    # when asked whether they end with a fronted clause and its comma
    found = context.fronted_clause_before(text, text.lower(), len(before), len(before) + 4, continues)
    # then a capitalised clause is one only when its only capitalised words are a unit's name that
    # ends it and the name after cannot follow it; the names are asked about folded
    assert found is fronted
    assert all(name == "vinh" and clause in ("ha noi", "linh nam") for clause, name in asked)


@pytest.mark.parametrize(
    ("before", "fronted"),
    [
        ("Ngoài ra, ", True),
        ("Vụ việc đã rõ. Mới đây, ", True),
        ("Mọi việc đã xong, nhưng bên cạnh đó, ", True),
    ],
)
def test_a_connective_that_opens_a_sentence_is_a_fronted_clause(before, fronted):
    # given the words before a name: a connective that opens its sentence and its comma
    # when asked whether they end with a fronted clause
    # then the connective alone is one
    text = before + "Vinh thừa nhận."
    assert context.fronted_clause_before(text, text.lower(), len(before)) is fronted


@pytest.mark.parametrize(
    ("before", "surface", "commune"),
    [
        ("Chủ tịch UBND X.", "Điền Hải", True),
        ("Tại X. ", "Điền Hải", True),
        ("thôn 1, X.", "Tân Dĩnh", True),
        ("(X.", "Tân Dĩnh", True),
        ("UBND X.", "điền hải", False),  # a name in small letters
        ("Anh Nguyễn Văn X. ", "Tân Dĩnh", False),  # a name withheld
        ("Ông X.", "Tân Dĩnh", False),  # an initial
        ("Đại hội X. ", "Đồng Tâm", False),  # a numeral
        ("iPhone X. ", "Tân Dĩnh", False),  # a product
    ],
)
def test_x_dot_is_xa_only_after_an_authority_a_locative_word_or_an_address_mark(before, surface, commune):
    # given "X." and the words before it, then a name
    folded = fold(before + surface)
    # when asked whether it stands for "xã"
    # then only after "UBND", a word that places or a mark that opens or parts an address, before a
    # capitalised name, it does
    assert context.abbreviated_commune(folded, folded.rindex("x."), surface) is commune
