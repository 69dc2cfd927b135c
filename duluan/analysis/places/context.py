"""What the words around a name say: type words ("xã", "TP."), heads of other kinds of names
("đường", "chợ", "thôn"), words that place a name ("ở", "tại"), list and address punctuation, and the
offsets of a decomposed text. Plain patterns and predicates used by :mod:`.gazetteer`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Container
from functools import lru_cache
from pathlib import Path

from duluan.adminunits import COMMUNE, DISTRICT, PROVINCE
from duluan.analysis.normalise import ZERO_WIDTH, canonical_tones, fold

# Type words before a name → the (level, unit type) pairs they allow; keys are folded.
TYPE_WORDS: dict[str, frozenset[tuple[str, str]]] = {
    "xa": frozenset({(COMMUNE, "Xã")}),
    "x.": frozenset({(COMMUNE, "Xã")}),  # only where abbreviated_commune says so
    "phuong": frozenset({(COMMUNE, "Phường")}),
    "p.": frozenset({(COMMUNE, "Phường")}),
    "thi tran": frozenset({(COMMUNE, "Thị trấn")}),
    "tt": frozenset({(COMMUNE, "Thị trấn")}),
    "tt.": frozenset({(COMMUNE, "Thị trấn")}),
    "huyen": frozenset({(DISTRICT, "Huyện")}),
    "h.": frozenset({(DISTRICT, "Huyện")}),
    "quan": frozenset({(DISTRICT, "Quận")}),
    "q.": frozenset({(DISTRICT, "Quận")}),
    "thi xa": frozenset({(DISTRICT, "Thị xã")}),
    "tx": frozenset({(DISTRICT, "Thị xã")}),
    "tx.": frozenset({(DISTRICT, "Thị xã")}),
    "thanh pho": frozenset({(PROVINCE, "Thành phố"), (DISTRICT, "Thành phố")}),
    "tp": frozenset({(PROVINCE, "Thành phố"), (DISTRICT, "Thành phố")}),
    "tp.": frozenset({(PROVINCE, "Thành phố"), (DISTRICT, "Thành phố")}),
    "tinh": frozenset({(PROVINCE, "Tỉnh")}),
    "dac khu": frozenset({(COMMUNE, "Đặc khu"), (DISTRICT, "Huyện"), (DISTRICT, "Thành phố")}),
}
# The accented spelling of each full type word: an unaccented "xa" before an accented name is the
# adjective "far", not "xã".
TYPE_ACCENTED = {
    "xa": "xã",
    "phuong": "phường",
    "thi tran": "thị trấn",
    "huyen": "huyện",
    "quan": "quận",
    "thi xa": "thị xã",
    "thanh pho": "thành phố",
    "tinh": "tỉnh",
    "dac khu": "đặc khu",
}
TYPE_BEFORE_RE = re.compile(
    r"(?:^|(?<=[^\w.]))(thi tran|thi xa|thanh pho|dac khu|xa|phuong|huyen|quan|tinh|tp\.|tp|tx\.|tx|tt\.|tt"
    r"|p\.|q\.|h\.|x\.)\s*$"
)
# "X." for "xã" ("Chủ tịch UBND X.Điền Hải", "Tại X. Điền Hải (H.Phong Điền)", TC201805) counts only
# after a word that names an authority or places what follows, or a mark that opens or parts an
# address, and before a capitalised name: the corpora's other "X." before a capitalised word (133
# of 135, 2026-12-07) withhold a person's name ("Ông X.T thổ lộ", "trường hợp của chị X. Chị"),
# number a congress ("khóa X. Đồng thời", "Đại hội X. Tôi"), sign a photograph ("Ảnh: X.T") or end
# a product's name ("iPhone X. Đây", "Mac OS X. Với"). Reading it adds one detection over the
# corpora's 155,262 texts and the 340 of the citizen messages' gold set, "UBND X.Điền Hải", and
# changes none. That commune of Huế (the data keeps it only as a former name of phường Phong Hải)
# was read as Cà Mau's xã Điền Hải, as it was with "xã" written out, and the other, "Tại X. Điền
# Hải (H.Phong Điền)", dropped, its district read as Cần Thơ's; since 2026-12-08 both are Huế's,
# as the text's "H. Phong Điền (TT-Huế)" says (Gazetteer._resolve_all: a name named again, a
# former name in a district the text reads).
# Not before a one-syllable name: TYPED_WORD_RE does not read "x.". Matched on the folded text, up
# to the "x.".
COMMUNE_ABBREVIATION_BEFORE_RE = re.compile(
    r"(?:[,;(]|(?<!\w)(?:ubnd|uy ban nhan dan|uy ban|tai|o|thuoc|ve|den|toi|tu|cua))\s*$"
)


def abbreviated_commune(folded: str, type_start: int, surface: str) -> bool:
    """Whether the "x." at ``folded[type_start:]`` stands for "xã" before the name written
    ``surface``: the name is capitalised and :data:`COMMUNE_ABBREVIATION_BEFORE_RE` matches before
    the "x."."""
    if not capitalised(surface):
        return False
    return COMMUNE_ABBREVIATION_BEFORE_RE.search(folded, max(0, type_start - 20), type_start) is not None


# A bare name right after one of these is part of another kind of name (a street, a river, a person).
_NOT_A_UNIT_WORDS = (
    "đường phố ngõ hẻm cầu sông hồ núi chợ bến bãi ga cảng đảo đèo khu vịnh làng lăng thôn ấp xóm bản "
    "phum sóc ông bà anh chị em cô chú cụ cháu bé bác báo đài đội clb"
).split()
_NOT_A_UNIT_WORDS += [
    "sân bay", "bệnh viện", "trường", "đại học", "học viện", "công ty", "tập đoàn", "ngân hàng",
    "khách sạn", "nhà máy", "câu lạc bộ", "chủ tịch", "tư tưởng", "quảng trường", "đại lộ", "nhà hát",
    "siêu thị", "thương hiệu", "thủ khoa", "hoa hậu", "cửa khẩu", "quốc tế", "nghĩa trang", "liệt sĩ",
    "liệt sỹ", "cao nguyên", "danh thắng", "di tích", "sinh thái", "hội nghị", "giao dịch", "tiểu học",
    "mầm non", "thcs", "thpt", "trung học", "phổ thông", "tổ dân phố", "khu phố", "khu dân cư",
    # A stadium, a park, a mound, a battle, a statue, a heroine: "sân Thống Nhất", "công viên
    # Thống Nhất" (Hà Nội's, not huyện Thống Nhất), "gò Đống Đa", "chiến thắng Điện Biên Phủ",
    # "tượng đài Nữ tướng Lê Chân". Tried and left out: "vua" (a king: but "cúc tiến vua Hưng
    # Yên" is the province) and "ĐH" (the gold set reads "ĐH Đà Nẵng" as naming Đà Nẵng).
    "sân", "công viên", "gò", "chiến thắng", "tượng đài", "nữ tướng",
    # Names and awards after a person, Hồ Chí Minh (57 % of the bare "Hồ Chí Minh" in the corpora
    # follow one): "Đoàn TNCS Hồ Chí Minh", "Huân chương", "Giải thưởng", "Học viện Chính trị quốc
    # gia", "Chiến dịch", "đường mòn", "tấm gương đạo đức, phong cách"; and a museum, as a hospital
    # or a school is ("Bảo tàng Đà Nẵng"). Not "quốc gia" alone: "Năm Du lịch quốc gia Quảng Ninh".
    "tncs", "cộng sản", "tntp", "tiền phong", "huân chương", "giải thưởng", "chiến dịch", "đường mòn",
    "bảo tàng", "tấm gương", "đạo đức", "phong cách", "lãnh tụ", "đồng chí", "chính trị quốc gia",
    # A person's title before a name ("Diễn viên Thanh Sơn", "NSND Lệ Thủy", "Ca sĩ Hà Giang",
    # "tiền vệ Văn Lâm"), and a firm's ("Công ty Cổ phần Thống Nhất", "Công ty TNHH Tân Phú").
    # Not "nghệ sĩ", "nhà văn": "nghệ sĩ Cẩm Phả", "Hội Nhà văn Hà Nội" are a place's.
    "diễn viên", "ca sĩ", "nsnd", "nsưt", "nhạc sĩ", "họa sĩ", "hoạ sĩ", "đạo diễn", "người mẫu",
    "cầu thủ", "tiền vệ", "tiền đạo", "hậu vệ", "trung vệ", "thủ môn", "danh thủ", "vđv", "cổ phần",
    "tnhh",
]  # fmt: skip
# The same, read only in text with diacritics: without them these are other words ("dinh" of "Ba
# Đình", "quan" of "quận"). A palace, an army, an era, a dynasty: "dinh Thống Nhất", "quân Tây
# Sơn", "thời Tây Sơn", "triều Nguyễn".
_NOT_A_UNIT_WORDS_ACCENTED = [*_NOT_A_UNIT_WORDS, "dinh", "quân", "thời", "triều"]
# A bare commune name stands after punctuation or a word that places it ("ở", "tại", "thuộc"...);
# after any other lower-case word it is usually part of a facility's or village's name.
_LOCATIVE_WORDS = (
    "ở tại thuộc về từ đến tới qua và với của cả quê trú ngụ sang ra vào khỏi xuống lên đi nay là gồm "
    "cho giữa quanh khắp"
).split()


def _words_before_re(words: list[str], *, punctuation: str = "") -> re.Pattern[str]:
    """A pattern for "one of ``words`` (or, if given, a punctuation mark) ends here"."""
    alternatives = "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))
    if punctuation:
        return re.compile(rf"(?:^|[{punctuation}]|(?<!\w)(?:{alternatives}))\s*$")
    return re.compile(rf"(?<!\w)(?:{alternatives})\s+$")


# Each list is matched on the lower-cased text when it carries diacritics ("chợ" is not "cho") and on
# the folded text when it does not.
NOT_A_UNIT_BEFORE = (
    _words_before_re(_NOT_A_UNIT_WORDS_ACCENTED),
    _words_before_re([fold(w) for w in _NOT_A_UNIT_WORDS]),
)
LOCATIVE_BEFORE = (
    _words_before_re(_LOCATIVE_WORDS, punctuation=r",;:(\-–"),
    _words_before_re([fold(w) for w in _LOCATIVE_WORDS], punctuation=r",;:(\-–"),
)
FOREIGN_AFTER_RE = re.compile(
    r"\s*[,(\-–]\s*(?P<country>trung quoc|dai loan|han quoc|trieu tien|nhat ban|lao|campuchia|thai lan|my|"
    r"hoa ky|phap|nga|anh|duc|uc|an do|myanmar|philippines|indonesia|malaysia|singapore|italy|y)\b"
)
# "của Trung Quốc", "thuộc Trung Quốc": only countries whose names are no common word ("của anh"
# is "yours", "của Mỹ" could be a person's).
FOREIGN_OF_RE = re.compile(
    r"\s*(?:cua|thuoc)\s+(?P<country>trung quoc|dai loan|han quoc|trieu tien|nhat ban|campuchia|thai lan|"
    r"hoa ky|an do|myanmar|philippines|indonesia|malaysia|singapore)\b"
)
# Up to three words right after a country word (see foreign_after).
_WORDS_AFTER_RE = re.compile(r"(?: [^\W_]+){1,3}")
# What a window must end with (trailing spaces aside) for the patterns above to match it: most windows
# end otherwise, and ``str.endswith`` tells so for a fraction of a search's cost.
_NOT_A_UNIT_ENDINGS = (tuple(_NOT_A_UNIT_WORDS_ACCENTED), tuple(fold(w) for w in _NOT_A_UNIT_WORDS))
_LOCATIVE_ENDINGS = tuple(
    (*words, *",;:(-–") for words in (_LOCATIVE_WORDS, [fold(w) for w in _LOCATIVE_WORDS])
)


def by_last_character(endings: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """``endings`` grouped by their last character: for any ``s``, ``s.endswith(endings)`` is
    ``s.endswith(groups.get(s[-1:], ()))``, as no ending is empty.

    ``str.endswith`` tries every ending of a tuple in turn; the group of the last character holds a
    few (2026-11-30, timeit: 1.29 → 0.33 µs for the 80 words before a name that is not a unit's).
    """
    if not all(endings):
        raise ValueError("an empty ending would match every string")
    groups: dict[str, list[str]] = {}
    for ending in endings:
        groups.setdefault(ending[-1], []).append(ending)
    return {last: tuple(group) for last, group in groups.items()}


_NOT_A_UNIT_BY_LAST = tuple(by_last_character(endings) for endings in _NOT_A_UNIT_ENDINGS)
_LOCATIVE_BY_LAST = tuple(by_last_character(endings) for endings in _LOCATIVE_ENDINGS)


def not_a_unit_before(context: str, plain: bool, start: int) -> bool:
    """``NOT_A_UNIT_BEFORE[plain]`` finds a match in ``context`` between ``start - 20`` and ``start``.

    The pattern ends with a listed word then spaces: a window that does not is rejected with
    ``rstrip``/``endswith`` (whose whitespace is the pattern's ``\\s``; the words grouped by their last
    character) before the search.
    """
    low = max(0, start - 20)
    window = context[low:start]
    stripped = window.rstrip()
    if len(stripped) == len(window):
        return False
    if not stripped.endswith(_NOT_A_UNIT_BY_LAST[plain].get(stripped[-1:], ())):
        return False
    return NOT_A_UNIT_BEFORE[plain].search(context, low, start) is not None


# A house number right before a bare name makes it a street's: "số 218 Tây Sơn", "(404/3 Điện Biên
# Phủ, P.11", "ở 340 Tây Sơn", "ngõ 165 Cầu Giấy", ", 38-40 Thống Nhất". The number must open an
# address: after punctuation, the text's start or a word that introduces one ("tại", "ở", "ngụ",
# "địa chỉ", "hẻm"…). A number after other words is not a house's: "năm 2017 Hà Nội", "quận 1
# TP.HCM", "Bệnh viện 115 Nghệ An", "Trường THPT số 1 Tuy Phước", "tuyến số 50 Long Biên"; nor one
# after a list of numbers ("trại 05, 06 Hà Nội") or a dash ("dịp 30/4 - 1/5 Đà Nẵng", "năm học
# 2017-2018 Đà Nẵng"), nor a generation ("9X Đà Lạt"). Matched on the folded text.
HOUSE_NUMBER_BEFORE_RE = re.compile(
    r"(?:^|[(;:]|(?<!\d),|(?<!\w)(?:tai|o|ngu|tru|dia chi|nha|hem|ngo|ngach|kiet|tru so))\s*"
    r"(?:so\s+)?\d+(?:[a-wyz]|(?=[/\-\s]))(?:[/-][a-z]?\d+[a-z]?)*\s+$"
)


def house_number_before(folded: str, start: int) -> bool:
    """``HOUSE_NUMBER_BEFORE_RE`` matches ``folded`` between ``start - 24`` and ``start``: a name
    right after a house number that opens an address is a street's.

    A match ends with a digit, or a digit and a letter, then spaces: most names follow a word, and
    their window is rejected on its last characters before the search.
    """
    if start < 2 or not folded[start - 1].isspace():
        return False
    last = start - 2
    while last >= 0 and folded[last].isspace():
        last -= 1
    if last < 0:
        return False
    character = folded[last]
    if not (character.isdigit() or (last > 0 and character.isalpha() and folded[last - 1].isdigit())):
        return False
    return HOUSE_NUMBER_BEFORE_RE.search(folded, max(0, start - 24), start) is not None


def locative_before(context: str, plain: bool, start: int) -> bool:
    """``LOCATIVE_BEFORE[plain]`` finds a match in ``context`` between ``start - 12`` and ``start``.

    A match ends with a listed word or punctuation mark then optional spaces, or is the whole text's
    start then spaces; other windows are rejected before the search.
    """
    low = max(0, start - 12)
    stripped = context[low:start].rstrip()
    ending = stripped.endswith(_LOCATIVE_BY_LAST[plain].get(stripped[-1:], ()))
    if not (ending or (not stripped and low == 0)):
        return False
    return LOCATIVE_BEFORE[plain].search(context, low, start) is not None


def _first_after(folded: str, end: int) -> str:
    """The first non-space character from ``end`` on, or ``""`` when the next 8 are all spaces."""
    return folded[end : end + 8].lstrip()[:1]


# After a type word, only China's and Taiwan's names are others' ("tỉnh Hà Nam (Trung Quốc)",
# "tỉnh Sơn Tây, Trung Quốc"): "tỉnh Lâm Đồng (ảnh: ...)", "TP Đà Nẵng, Nhật Bản và Thụy Sĩ",
# "tỉnh Đồng Tháp, anh Hoàng" are ours.
_CHINESE = frozenset({"trung quoc", "dai loan"})


def foreign_after(folded: str, end: int, names: Container[str] = (), *, typed: bool = False) -> bool:
    """``FOREIGN_AFTER_RE.match(folded, end)``: only a punctuation mark can open it.

    With ``names`` (folded unit names), a country that begins one of them is not one: "Hòa Bình,
    Lào Cai" names two provinces, not a place in Laos ("lao"), nor "Nam Định, Mỹ Lộc" one in
    America.
    """
    first = _first_after(folded, end)
    if first in ("c", "t"):  # "của", "thuộc"
        match = FOREIGN_OF_RE.match(folded, end)
        return match is not None and (not typed or match.group("country") in _CHINESE)
    if first and first not in ",(-–":
        return False
    match = FOREIGN_AFTER_RE.match(folded, end)
    if match is None or (typed and match.group("country") not in _CHINESE):
        return False
    if names:
        words = _WORDS_AFTER_RE.match(folded, match.end())
        if words:
            country = folded[match.start("country") : match.end()]
            following = words.group(0).split()
            for k in range(len(following), 0, -1):
                if f"{country} {' '.join(following[:k])}" in names:
                    return False
    return True


# Capitalised at a sentence start, these words do not make the next name part of a longer proper noun.
_FUNCTION_WORDS = frozenset(
    "tai o tu ve den toi theo trong ngoai cung con voi va cua thuoc sang qua nhu sau truoc khi neu "
    "nhung cac mot hai ba bon nam ngay thang nam chieu sang toi dem hom tinh huyen xa".split()
)
# The same words with their diacritics, for a text that has them.
_FUNCTION_WORDS_ACCENTED = frozenset(
    canonical_tones(word)
    for word in (
        "tại ở từ về đến tới theo trong ngoài cùng còn với và của thuộc sang qua như sau trước khi nếu "
        "nhưng những các một hai ba bốn năm ngày tháng chiều sáng tối đêm hôm tỉnh huyện xã "
        # and what the folded list matched besides: a side ("phía Nam Hà Nội", "Nam Sài Gòn"), the
        # words that open a sentence glued to a headline ("Quảng Bình Bà Phan Thị", "Gia Lai Ngay sau")
        "nam ngay bà ông anh chị em cô chú"
    ).split()
)
# A name followed by an age is a person's: "Hà Giang (28 tuổi) kể", "Bình Dương, 40 tuổi, kể",
# "Thanh Sơn (sinh năm 1985)". Matched on the folded text.
AGE_AFTER_RE = re.compile(r"\s*[(,]\s*(?:\d{1,3}\s*tuoi|sinh nam \d{4}|sn \d{4})\b")


def age_after(folded: str, start: int, end: int) -> bool:
    """``AGE_AFTER_RE`` matches ``folded`` at ``end``: the name is a person's. Only "(" or "," can
    open it (most names are followed by neither); after a comma, the name must open its sentence or
    a bracket ("(Vinh, 32 tuổi)", "Thanh Xuân, 27 tuổi, trợ lý"), or the age may be another's: "ông
    Đức, ĐHQG Hà Nội, 46 tuổi"."""
    first = _first_after(folded, end)
    if first not in ("(", ",") or AGE_AFTER_RE.match(folded, end) is None:
        return False
    if first == "(":
        return True
    before = start - 1  # the character before the name, spaces and line breaks aside (no copy of
    while before >= 0 and folded[before].isspace():  # the text before it for each hit)
        before -= 1
    return before < 0 or folded[before] in "(.!?:"


# A name that opens its sentence, or follows a quotation it closes, and is followed by a verb of
# telling is a person's: "Vinh kể:", "Anh Sơn cho biết" (a district of Nghệ An; here Mr. Sơn),
# "Thanh Xuân nói:", "…", Vinh nói.", "…" - Thanh Thủy nói.". Not "nói riêng", "nói chung" (a
# place: "cả nước nói chung, Đà Nẵng nói riêng") nor "nói gì" (a headline's "Hòa Bình nói gì về
# …"), nor a headline's "X nổi tiếng" (matched on the text in small letters, with its diacritics),
# nor the verbs of an authority ("công bố", "yêu cầu", "đề nghị", "xác nhận": "Đà Lạt công bố").
# A province's name there is the province (Gazetteer._speaking_provinces) unless person_speaking
# says otherwise; a name after a type word never gets here ("Xã Tân Mỹ cho biết" is the commune),
# nor opens its sentence after a type word's abbreviation (SPEAKER_ABBREVIATION_RE).
# The verbs past the first five ("nói", "thừa nhận", "trả lời"…) and the closed quotation
# (2026-12-07): over every text of the corpora (VNTC and TC201805 training files, news_2026, the
# students' and product reviews, the citizen messages: 155,262 texts), 8 names are no longer read
# as a unit, all a person's ("Thanh Xuân nói:", "Vinh thừa nhận,", "Hồ Chí Minh trả lời báo chí",
# "…", Thanh Hà nói.", "…?", Đơn Dương cười"), and none is read anew. After a comma or a dash
# that closes no quotation the name is left alone unless the comma ends a fronted clause
# (fronted_clause_before): of 15 bare districts or towns found there before a verb of saying, 11
# end an address ("Lãnh đạo UBND phường 3, Bình Thạnh cho biết", "ở Lĩnh Nam, Thanh Trì tâm sự"),
# 4 are a person's after such a clause ("Tại cơ quan công an, Vinh thừa nhận").
# "khai" (and "khai nhận") is a suspect's telling the police or the court: "Tuấn khai đã", "Học
# khai rằng", "Chúng khai nhận đã". Not where it opens a word of its own, as it does after a
# capitalised word in the corpora as often as not (2026-12-07): "Quảng Ninh khai hội", "UBND quận
# 1, TP.HCM khai trương", "Nam Định khai mạc", "khai thác", "khai báo".
# One or two adverbs may stand between the name and the verb (SPEAKER_ADVERBS): "Vinh đã khai
# nhận", "Vinh cũng thừa nhận", "Hà Giang vẫn kể:" (PERSONAL_VERB_AFTER_RE reads them too). Not
# "vừa" (has just) nor "sẽ" (will), which the news puts after an authority: "UBND tỉnh vừa cho
# biết". (2026-12-07: over the corpora's 155,262 texts and the 340 of the citizen messages' gold
# set, 88 names are found before an adverb and such a verb, none opening its sentence or after a
# fronted clause ("Công an tỉnh Thái Nguyên cũng cho biết", "một quán net tại Hà Nội đã chia sẻ"):
# no detection changed.)
SPEAKER_ADVERBS = "đã cũng vẫn lại liền mới từng còn bèn".split()
_SPEAKER_ADVERBS_RE = rf"(?: (?:{'|'.join(SPEAKER_ADVERBS)})){{0,2}}"
SPEAKER_AFTER_RE = re.compile(
    _SPEAKER_ADVERBS_RE
    + r" (?:cho biết|cho hay|kể|tâm sự|chia sẻ|nói(?! (?:riêng|chung|gì))|thừa nhận|thú nhận|trả lời"
    r"|khẳng định|nhớ lại|hồi tưởng|(?:bật |mỉm )?cười|giải thích|bày tỏ|thổ lộ|bộc bạch|tiết lộ"
    r"|thở dài|nghẹn ngào|rưng rưng"
    r"|khai(?! (?:trương|mạc|thác|giảng|hội|quật|báo|tử|sinh|phá|hoang|thông|xuân|bút|hỏa|hoả|mở|vị"
    r"|phóng|quang|sáng|tâm|triển|trừ|hạ|ấn|khẩn|niên|hóa|hoá)(?!\w)))(?!\w)"
)
# A type word's abbreviation ending at a full stop: the stop ends no sentence. "T.P." is not a type
# word for TYPE_BEFORE_RE, nor is "X." (xã) but where abbreviated_commune says so, so a name after
# them reaches speaker_after: "tại T.P. Hồ Chí Minh cho biết". Matched on the text in small letters,
# up to and with the stop.
SPEAKER_ABBREVIATION_RE = re.compile(r"(?<![\w.])(?:x|p|q|h|tp|tx|tt|t\.p)\.$")
_CLOSING_QUOTES = "\"'”"


# A name after a fronted clause that ends at a comma, before a verb of telling, is a person's too:
# "Tại cơ quan công an, Vinh thừa nhận", "Sau khi bị bắt, Vinh khai", "Tại phiên tòa, Vinh khai
# nhận", "Trả lời phóng viên, Vinh cho biết", "… thế nhưng tại tòa, Vinh thừa nhận". The clause
# opens its sentence (or follows "nhưng", "song") with a word that places or times what follows, or
# with one that says whom the words answer, or is a connective ("Ngoài ra", "Mới đây", "Tuy
# nhiên"), after which a name stands as at a sentence's start; it holds no other comma: after any
# other comma an address may end ("Lãnh đạo UBND phường 3, Bình Thạnh cho biết", "Chị Kim Đào,
# Q.10 cho biết", "chị Quế ở Lĩnh Nam, Thanh Trì tâm sự"). A clause that places or times is in
# small letters but for abbreviations ("Tại CQĐT") or a name that ends it (below), and has no
# number: "Tại Lĩnh Nam, Thanh Trì cho biết" may run an address on, "Tại số 5, Vinh…" may name a
# street. A clause that says whom the words answer may name the paper ("Trả lời báo Thanh Niên,
# Vinh cho biết"). A name inside the clause is no speaker ("Tại Vinh, bà Lan kể lại" keeps the
# city), and a province's name after it is the province as at a sentence's start unless
# person_speaking says otherwise: "Tại hội nghị, Hà Nội thừa nhận" is the city. (2026-12-07: of
# the 88 names the corpora's texts put after a comma and before such a verb, the 4 after such a
# clause are a person's, "Vinh" each time; none of the 84 others follows one.) Matched on the text
# in small letters, from the clause's start to the comma and the spaces after it.
# A clause whose capitalised words are a name that ends it (clause_name) runs no address on to a
# name that cannot follow that name's unit in one, as an address runs from small to big
# (Gazetteer._follows_in_address): "Tại Hà Nội, Vinh thừa nhận" (nothing follows a province),
# "Tại phường Thanh Trì, Vinh cho biết" (a ward of Hà Nội, a city of Nghệ An); "Tại Lĩnh Nam,
# Thanh Trì cho biết" (a ward, then a district of its city) and "Tại thôn Đông Xuyên, Tiền Hải cho
# biết" (a village's name) still may. (2026-12-07: over the corpora's 155,262 texts and the 340
# of the citizen messages' gold set, no such clause ends with a capitalised name before a bare
# name and such a verb: no detection changed.) The connectives took 2 names of those texts, both a
# person's (2026-12-07): "Ngoài ra, Vinh cũng thừa nhận", "Mới đây, Phương Liên đã chia sẻ kinh
# nghiệm học tập" (a student, read as a ward of Hà Nội).
FRONTED_CLAUSE_RE = re.compile(
    r"(?:^|[.!?:;\n(\"“”]|(?<!\w)(?:nhưng|song))[ \t]*"
    r"(?:(?P<answer>trả lời|trao đổi với|nói với|chia sẻ với|tâm sự với|làm việc với)"
    r"|(?:tại|ở|sau khi|sau|khi|trước|trong|lúc|theo|ngoài ra|mới đây|gần đây|bên cạnh đó|tuy nhiên"
    r"|tuy vậy|đồng thời|hiện nay|thậm chí))(?!\w)(?P<rest>[^,.!?:;\n\d]*),[ \t]*$"
)
# How far before the name the clause may start: "Trả lời phóng viên Báo Giao thông chiều qua, " is 46
# characters.
_FRONTED_CLAUSE_SPAN = 80


def fronted_clause_before(
    nfc: str,
    lower: str,
    start: int,
    end: int | None = None,
    continues: Callable[[str, str], bool] | None = None,
) -> bool:
    """Whether a clause of :data:`FRONTED_CLAUSE_RE` ends with a comma right before ``start`` in
    ``lower`` (``nfc`` in small letters, of the same length), and, unless it says whom the words
    answer, has no capitalised word in ``nfc`` but an abbreviation in capitals, or ends with a name
    (:func:`clause_name`) that the name at ``nfc[start:end]`` cannot follow in an address:
    ``continues(clause's name, name)``, both folded, says whether it can. Without ``end`` and
    ``continues``, no clause with a capitalised word is one."""
    match = FRONTED_CLAUSE_RE.search(lower, max(0, start - _FRONTED_CLAUSE_SPAN), start)
    if match is None:
        return False
    if match.group("answer") is not None:
        return True
    rest_start, rest_end = match.span("rest")
    if not any(word[:1].isupper() and not word.isupper() for word in nfc[rest_start:rest_end].split()):
        return True
    if end is None or continues is None:
        return False
    name = clause_name(nfc, lower, rest_start, rest_end)
    return name is not None and not continues(fold(name), fold(nfc[start:end]))


def clause_name(nfc: str, lower: str, start: int, end: int) -> str | None:
    """The capitalised words that end ``nfc[start:end]`` (a fronted clause's words before its
    comma; ``lower``: ``nfc`` in small letters) when they are its only capitalised words, capitals
    of an abbreviation aside ("Tại UBND Hà Nội"), and no word before them makes them another kind
    of name (:func:`not_a_unit_before`: "Tại thôn Đông Xuyên", "Tại đường Lê Lợi"); else ``None``."""
    words = [(word.start(), word.group()) for word in _WORD_RE.finditer(nfc, start, end)]
    capitals = [i for i, (_, word) in enumerate(words) if word[:1].isupper() and not word.isupper()]
    if not capitals or capitals != list(range(len(words) - len(capitals), len(words))):
        return None
    first = words[capitals[0]][0]
    if not_a_unit_before(lower, False, first):
        return None
    return nfc[first:end].rstrip()


_WORD_RE = re.compile(r"\S+")


def speaker_after(
    nfc: str, lower: str, start: int, end: int, continues: Callable[[str, str], bool] | None = None
) -> bool:
    """Whether the name at ``nfc[start:end]`` (``lower``: the text in small letters, of the same
    length) opens its sentence, follows a closing quotation mark (then a comma or a dash) or a
    fronted clause (:func:`fronted_clause_before`, given ``continues``), and
    :data:`SPEAKER_AFTER_RE` matches after it: the name is a person's. A full stop after a type
    word's abbreviation (:data:`SPEAKER_ABBREVIATION_RE`) opens no sentence."""
    if lower[end : end + 1] != " " or SPEAKER_AFTER_RE.match(lower, end) is None:
        return False
    before = start - 1
    while before >= 0 and lower[before] in " \t":
        before -= 1
    if before < 0:
        return True
    mark = lower[before]
    if mark == ".":
        return SPEAKER_ABBREVIATION_RE.search(lower, max(0, before - 4), before + 1) is None
    if mark in ",-–":
        # "…", Vinh nói."; after another comma an address may end: "phường 3, Bình Thạnh cho biết".
        if mark == "," and fronted_clause_before(nfc, lower, start, end, continues):
            return True
        before -= 1
        while before >= 0 and lower[before] in " \t":
            before -= 1
        return before >= 0 and lower[before] in _CLOSING_QUOTES
    return mark in "!?:\n(\"'“”"


# A province's name that opens its sentence before a verb of telling is the province ("Hà Nội cho
# biết sẽ…", "Bắc Ninh chia sẻ kinh nghiệm"), and a city is made to laugh and to tell in titles
# ("'Sài Gòn cười'", a comedy show, VNTC). It is a person's when the verb is one no authority
# does and opens the person's own words: "Hà Giang kể:", "Thái Bình tâm sự: “…”", "Hà Giang nói:";
# or when the text calls the same words a person elsewhere, with a title: "Chị Hà Giang … Hà Giang
# cho biết". Not "cô gái", "người", "nữ sinh": "cô gái Hà Nội" is from the city. (2026-12-07: over
# the corpora, 8 provinces open a sentence before a verb of telling, all the province's and all
# kept: "Hà Nội thừa nhận có vỡ đê", "Quảng Ninh khẳng định", "Tiền Giang giải thích"; without the
# colon or opening quotation mark, the three "Sài Gòn cười" of VNTC were lost. A straight quotation
# mark opens one after a space: "Sài Gòn cười" thất bại" closes one.)
PERSONAL_VERB_AFTER_RE = re.compile(
    _SPEAKER_ADVERBS_RE
    + r" (?:kể|nói|tâm sự|thú nhận|khai(?: nhận)?|nhớ lại|hồi tưởng|(?:bật |mỉm )?cười|thổ lộ|bộc bạch"
    r"|thở dài|nghẹn ngào|rưng rưng)(?: lại)?(?:[ \t]*[:“]|[ \t]+\")"
)
PERSONAL_TITLES = "anh chị em cô chú ông bà cụ cháu bé bác".split()
# A title in small letters, or capitalised where a sentence opens: not "Hoàng Anh Gia Lai" (a
# football club) nor "Nguyễn Văn Anh Thái Bình".
_PERSONAL_TITLE_RE = (
    rf"(?:(?<!\w)(?:{'|'.join(PERSONAL_TITLES)})"
    rf"|(?:^|[.!?:\n(\"“])[ \t]*(?:{'|'.join(t.capitalize() for t in PERSONAL_TITLES)}))[ \t]+"
)


def person_speaking(nfc: str, lower: str, start: int, end: int) -> bool:
    """Whether a province's name at ``nfc[start:end]`` (``lower``: the text in small letters, of the
    same length), where :func:`speaker_after` holds, is a person's all the same:
    :data:`PERSONAL_VERB_AFTER_RE` matches after it, or the text writes the same words after one of
    :data:`PERSONAL_TITLES` ("Chị Hà Giang", "chị Hà Giang")."""
    if PERSONAL_VERB_AFTER_RE.match(lower, end) is not None:
        return True
    return re.search(_PERSONAL_TITLE_RE + re.escape(nfc[start:end]) + r"(?!\w)", nfc) is not None


OLD_AFTER_RE = re.compile(r"\s*\(?\s*(?:cu|truoc day|truoc sap nhap)\b")


def old_after(folded: str, end: int) -> bool:
    """``OLD_AFTER_RE.match(folded, end)``: only "(", "cu" or "truoc" can open it."""
    first = _first_after(folded, end)
    if first and first not in "(ct":
        return False
    return OLD_AFTER_RE.match(folded, end) is not None


ADDRESS_GAP_RE = re.compile(
    r"^\s*(?:cu\s*)?[,(\-–]?\s*(?:huyen|quan|thi xa|thanh pho|tp\.?|tx\.?|tinh|h\.|q\.)?\s*$"
)
TYPED_WORD_RE = re.compile(
    r"(?<![\w.])(?:thi tran|thi xa|thanh pho|dac khu|xa|phuong|huyen|quan|tinh|tp\.?|tx\.?|tt\.?|p\.|q\.|h\.)"
    r"\s*([^\W\d_]+)(?![\w])"
)
# Every match of TYPED_WORD_RE starts with one of these (a test checks it): the gazetteer finds them
# with its name automaton, in the same pass, and tries the pattern only there.
TYPED_WORD_STARTS = (
    "thi tran", "thi xa", "thanh pho", "dac khu", "xa", "phuong", "huyen", "quan", "tinh", "tp", "tx", "tt",
    "p.", "q.", "h.",
)  # fmt: skip


def typed_words(folded: str, starts: list[int]) -> list[re.Match[str]]:
    """``list(TYPED_WORD_RE.finditer(folded))``, trying the pattern only at ``starts``.

    Args:
        folded: Folded text.
        starts: Every offset where one of :data:`TYPED_WORD_STARTS` begins (more do no harm).

    Returns:
        The matches ``finditer`` gives, in order: each search resumes where the last match ended.
    """
    if len(starts) == 1:  # the usual case: nothing to order or skip
        match = TYPED_WORD_RE.match(folded, starts[0])
        return [] if match is None else [match]
    matches: list[re.Match[str]] = []
    resume = 0
    for start in sorted(set(starts)):
        if start < resume:
            continue
        match = TYPED_WORD_RE.match(folded, start)
        if match is not None:
            matches.append(match)
            resume = match.end()
    return matches


PLURAL_BEFORE_RE = re.compile(r"(?<!\w)(?:cac|nhung|\d+|hai|ba|bon|nam|sau|bay|tam|chin|muoi|may)\s+$")
AND_RE = re.compile(r"(?<!\w)va(?!\w)")
# ("từ Thanh Hóa đến Quảng Bình": a range is a list, of provinces there, not the commune Quảng Bình of
# Thanh Hóa.)
LIST_GAP_RE = re.compile(r"^\s*(?:,|;|va|cung|hoac|den|toi|-|–)\s*(?:(?:cac|2|3|4|5|hai|ba|bon|nam)\s+)?$")
# The gaps of LIST_GAP_RE that join a range's ends.
RANGE_GAP_RE = re.compile(r"^\s*(?:den|toi|-|–)")


PLACE_WORDS_PATH = Path(__file__).resolve().parent.parent / "data" / "place_words.tsv"


@lru_cache(maxsize=1)
@lru_cache(maxsize=1)
def _place_word_rows() -> list[tuple[str, int, int]]:
    """``data/place_words.tsv``'s rows: a name, how often the news writes it in small letters and
    how often capitalised."""
    rows = []
    for line in PLACE_WORDS_PATH.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, lower, capital = line.split("\t")
            rows.append((name, int(lower), int(capital)))
    return rows


def place_words() -> tuple[frozenset[str], frozenset[str]]:
    """The unit names the news writes in small letters as often as with capitals, as words
    ("hòa bình", "thống nhất", "độc lập": ``data/place_words.tsv``, made by
    ``scripts/place_words.py``), in small letters with tones placed as normalising places them,
    and folded (for a text typed without diacritics)."""
    names = frozenset(name for name, _, _ in _place_word_rows())
    return names, frozenset(map(fold, names))


# A name the news writes in small letters this many times as often as capitalised (and three times at
# least) is a word even after a type word: "các xã biên giới" (1,129 to 3), "UBND phường đồng ý"
# (2,045 to 2), "xã giao bình thường". "Hòa Bình" (813 to 797) and "Thống Nhất" (1,293 to 408) stay
# communes after "xã".
MOSTLY_A_WORD_RATIO = 10


@lru_cache(maxsize=1)
def mostly_words() -> tuple[frozenset[str], frozenset[str]]:
    """The names of :func:`place_words` the news writes ``MOSTLY_A_WORD_RATIO`` times as often in small
    letters as capitalised, as :func:`place_words` gives them (accented, folded)."""
    names = frozenset(
        name
        for name, lower, capital in _place_word_rows()
        if lower >= 3 and lower >= MOSTLY_A_WORD_RATIO * capital
    )
    return names, frozenset(map(fold, names))


def mostly_a_word(surface: str) -> bool:
    """Whether ``surface`` (a name as written after a type word, in small letters) is one of
    :func:`mostly_words`: "xã biên giới" is a border commune, not xã Biên Giới."""
    accented, folded = mostly_words()
    return surface in folded if surface.isascii() else canonical_tones(surface) in accented


# A type word that makes a word with the syllable after it: "xã hội" (society: "Bảo hiểm xã hội An
# Giang" is not xã Hội An), "xã giao", "tỉnh táo", "huyện ủy". Keys and words folded; the word must be
# in small letters (a capital makes it a name: "xã Hội An").
TYPE_COMPOUNDS: dict[str, frozenset[str]] = {
    "xa": frozenset("hoi giao vien luan tac doi".split()),
    "tinh": frozenset("tao ngo giac lo ly doi uy doan bo".split()),
    "huyen": frozenset("ly doi uy doan".split()),
    "quan": frozenset("uy doi doan".split()),
    "thanh pho": frozenset("uy".split()),
}


PLACE_FOLDS_PATH = Path(__file__).resolve().parent.parent / "data" / "place_folds.tsv"


@lru_cache(maxsize=1)
def place_folds() -> frozenset[str]:
    """The folded unit names that, without diacritics, are mostly other words ("dien bien": diễn
    biến 1,566 times in the news, Điện Biên 590; "gia dinh", "dong thoi": ``data/place_folds.tsv``,
    made with ``place_words.tsv`` by ``scripts/place_words.py``). Bare in a text typed in small
    letters without diacritics, such a name is a unit only after a locative word or a mark, or
    with an ancestor named nearby (as every district there is): "dien bien vu viec" is diễn biến,
    not the province."""
    lines = PLACE_FOLDS_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(line.split("\t", 1)[0] for line in lines if line and not line.startswith("#"))


def a_word_in_small_letters(surface: str) -> bool:
    """Whether ``surface`` (a name as a text writes it, in small letters) is one of
    :func:`place_words`: in a text typed all in small letters it may be the word, not the unit."""
    accented, folded = place_words()
    return surface in folded if surface.isascii() else canonical_tones(surface) in accented


def capitalised(surface: str) -> bool:
    return all(word[:1].isupper() or word[:1].isdigit() or not word[:1].isalpha() for word in surface.split())


_WORD_BEFORE_RE = re.compile(r"(\w+)[ ]$")
_WORD_AFTER_RE = re.compile(r"[ ](\w+)")


def word_before(nfc: str, start: int) -> str | None:
    """``_WORD_BEFORE_RE.search(nfc, max(0, start - 20), start)``'s word, or ``None`` without a match.

    The pattern ends with a space at ``start - 1``, or at ``start - 2`` before a final newline (``$``),
    so its word is the run of word characters that ends at that space, from ``start - 20`` at most.
    The run is read off the reversed window by one anchored match: the search from the left tried
    every offset of the window (2026-11-30: 1.8 → 1.0 µs a call, on the 14,202 calls 20,000 news leads
    make).
    """
    if not start:
        return None
    last = nfc[start - 1]
    if last == " ":
        space = start - 1
    elif last == "\n" and start >= 2 and nfc[start - 2] == " ":
        space = start - 2
    else:
        return None
    low = max(0, start - 20)
    if space <= low:
        return None
    run = _WORD_RUN_RE.match(nfc[low:space][::-1])
    return None if run is None else nfc[space - run.end() : space]


_WORD_RUN_RE = re.compile(r"\w+")


def inside_longer_proper_noun(nfc: str, start: int, end: int, bare: bool = False) -> bool:
    """True when a Capitalised word is glued on either side ("Nguyễn Thanh Hóa", "Hà Nội Tower").

    ``bare``: the text is typed without diacritics, where a function word opening a sentence is
    known by its letters alone ("Tai Yen Bai"); in a text with them, "Trọng" and "Nam" of a
    person's name are not "trong" and "năm" ("Vụ phó Hoàng Trọng Vinh", "ông Nguyễn Nam Vinh").
    """
    # The patterns need a space right before the name (or a space then the text's final newline) and
    # right after it: checking that character first spares most searches.
    before = word_before(nfc, start)
    if before is not None and (_proper_word(before, bare) or _after_a_surname(nfc, start, before)):
        return True
    if nfc[end : end + 1] != " ":
        return False
    after = _WORD_AFTER_RE.match(nfc, end)
    return bool(after and _proper_word(after.group(1), bare))


def _after_a_surname(nfc: str, start: int, before: str) -> bool:
    """Whether ``before``, the word before a name at ``start``, is a Capitalised function word
    (:func:`_proper_word` says no) after a family name: "Nam" of "ông Nguyễn Nam Vinh" is a
    person's middle name, not the side of "phía Nam Hà Nội"."""
    if not before[:1].isupper() or before.isupper():
        return False
    surname = word_before(nfc, start - len(before) - 1)
    return surname is not None and canonical_tones(surname) in _SURNAMES


# The commonest Vietnamese family names (about nine people in ten bear one of them), as written.
_SURNAMES = frozenset(
    canonical_tones(name)
    for name in (
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý Đinh Đoàn Trịnh "
        "Trương Đào Lương Phùng Triệu Quách Kiều Vương Lưu Hứa Khổng Nông Lục"
    ).split()
)
_PROPER_WORD_CACHE_LIMIT = 50_000
_proper_words: dict[tuple[str, bool], bool] = {}


def _proper_word(word: str, bare: bool = False) -> bool:
    # Capitalised but not ALL-CAPS ("UBND Hà Nội", "Sở GTVT Hà Nội" name the unit) and not a function
    # word opening the sentence ("Tại Yên Bái, ..."). Words recur: the answer is memoised (bounded),
    # which saves a fold per capitalised neighbour.
    proper = _proper_words.get((word, bare))
    if proper is None:
        if len(_proper_words) >= _PROPER_WORD_CACHE_LIMIT:
            _proper_words.clear()
        function = (
            fold(word) in _FUNCTION_WORDS
            if bare
            else canonical_tones(word.lower()) in _FUNCTION_WORDS_ACCENTED
        )
        proper = _proper_words[word, bare] = (
            word[:1].isupper() and not word.isupper() and not word[:1].isdigit() and not function
        )
    return proper


_ZERO_WIDTH_RE = re.compile("[" + "".join(sorted(ZERO_WIDTH)) + "]")


def nfc_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """NFC form of ``text`` without its zero-width characters (:data:`~duluan.analysis.normalise.
    ZERO_WIDTH`, as normalising drops them: "xã Yên Th\u200bế" names Yên Thế) and, when it differs
    in length, the original offset of each position (then ``len(text)``)."""
    if _ZERO_WIDTH_RE.search(text):
        kept = [i for i, char in enumerate(text) if char not in ZERO_WIDTH]
        nfc, offsets = _nfc_with_offsets("".join(map(text.__getitem__, kept)))
        kept.append(len(text))
        return nfc, kept if offsets is None else [kept[i] for i in offsets]
    return _nfc_with_offsets(text)


def _nfc_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """NFC form of ``text`` and, when it differs in length, the original offset of each position."""
    if unicodedata.is_normalized("NFC", text):
        return text, None
    pieces: list[str] = []
    offsets: list[int] = []
    cluster_start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and unicodedata.combining(text[i]):
            continue
        composed = unicodedata.normalize("NFC", text[cluster_start:i])
        pieces.append(composed)
        offsets.extend([cluster_start] * len(composed))
        cluster_start = i
    offsets.append(len(text))
    nfc = "".join(pieces)
    # An offset that ends a span must point past the whole cluster of the previous character.
    return nfc, offsets
