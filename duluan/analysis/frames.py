"""The frame of a citizen's letter: the words around the complaint that every letter has.

A petition (đơn) opens with its addressee ("Kính gửi: Ủy ban nhân dân tỉnh Bắc Ninh."), then
who writes ("Tôi tên là Đỗ Văn Nam, sinh năm 1975, trú tại …, điện thoại …"), then "Tôi xin
trình bày sự việc như sau:", and closes with "Kính mong các cấp có thẩm quyền quan tâm xem
xét, giải quyết." and "Trân trọng cảm ơn!". A hotline log heads its lines "Người phản ánh:",
"Thời gian:", "Địa chỉ:"; a voter-meeting petition opens "Cử tri thôn Hạ, xã Gia Bình kiến
nghị:". None of these says what the letter is about or how its writer feels, but the models
read them as they read the rest: a hostile review's 238 complaints, given the frame above, went
to another topic 45 times (30 of them to `security_order`, which reads "sinh năm … trú tại" in
the news of arrests), and a complaint read alone as negative read positive once thanked for.

:func:`frame_spans` finds those words, which the models that mask places leave out of what
they read, in training and prediction alike (:mod:`duluan.analysis.places.masking`): the letter
is read as its complaint. Each pattern reads the text folded (small letters, no diacritics: a
letter typed without them has the same frame) and takes a whole formula only: a sentence that
says more than the formula ("Cảm ơn xã đã sửa đường") is kept, and so is a frame that is all
a text says ("Xin chân thành cảm ơn!" alone is a thanks).
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

import ahocorasick

from duluan.analysis.normalise import fold

__all__ = ["frame_spans"]

# A sentence's end: a full stop, a mark, a line break, or the text's end.
_END = r"(?:[.!?;]+|(?=\n)|$)"
# The addressee line: "Kính gửi: …" up to the end of its line, or of its sentence (at most 160
# characters: a complaint written on after "Kính gửi UBND xã," without a break keeps its words
# after the first comma then).
_SALUTATION = r"(?:dong )?kinh gui\s*:?[^\n.!?]{0,160}?" + _END
# Who writes, at the start of a sentence: a name (each word capitalised, checked on the text as
# written), then what identifies its writer: birth year, address, phone, identity card.
_NAME = r"(?P<name>[a-z]+(?: [a-z]+){1,4})"
_WHO = (
    r"(?:(?:toi|chung toi|em|chau)\s+(?:ten la|la|ho ten la|ho va ten la)|ten toi la|cong dan|nguoi dan)\s+"
    + _NAME
)
# What a hotline's operator writes the reporter did, ending the introduction with a colon.
_REPORTED = r"(?:phan anh|kien nghi|de nghi|hoi|to cao|khieu nai|trinh bao|bao)"
_PHONE_WORDS = r"(?:so dien thoai|dien thoai|sdt|dt|so dt|lien he)"
_CARD_WORDS = r"(?:so cccd|so cmnd|cccd|cmnd)"
# An address runs over commas ("số 27 đường Ngô Gia Tự, phường Kinh Bắc") to the next part.
_ADDRESS_END = (
    r"(?=\s*[,;-]?\s*(?:" + _PHONE_WORDS + "|" + _CARD_WORDS + "|sinh nam|" + _REPORTED + r"\s*:)"
    r"|\s*(?:[.!?;]|\n|$))"
)
_IDENTITY = (
    r"(?:\s*[,;(-]?\s*(?:sinh nam|sn|nam sinh|tuoi)\s*:?\s*\d{2,4}\)?"
    r"|\s*[,;-]?\s*(?:tru tai|thuong tru tai|thuong tru|tam tru tai|tam tru|hien tru tai|hien o|cu tru tai|"
    r"dia chi|que quan|noi o|o gan|o canh|o doi dien|o)\s*:?[^.;!?\n]{0,120}?"
    + _ADDRESS_END
    + r"|\s*[,;-]?\s*"
    + _PHONE_WORDS
    + r"\s*:?\s*[\d .+()-]{6,20}"
    r"|\s*[,;-]?\s*" + _CARD_WORDS + r"\s*(?:so)?\s*:?\s*\d[\d .]{6,14})*"
)
# Formulas that are a whole sentence.
_FORMULAS = (
    # "Tôi xin trình bày sự việc như sau:" (the colon ends it; the complaint follows)
    r"(?:toi |chung toi |em )?(?:xin )?trinh bay (?:(?:su|vu) viec|noi dung|su viec cu the)?"
    r"\s*(?:nhu sau)?\s*:",
    # "(Tôi) (xin) (chân thành / trân trọng) cảm ơn (quý cơ quan / các cấp…)!"
    r"(?:toi |chung toi |em |gia dinh toi )?(?:xin )?(?:chan thanh |tran trong |thanh that )?cam on"
    r"(?: (?:quy co quan|co quan|cac cap|cac co quan|lanh dao|quy vi|cac anh chi|anh chi|ong ba|cac ong ba))?"
    r"(?: rat nhieu| nhieu)?\s*" + _END,
    r"(?:xin )?tran trong(?: cam on| kinh chao)?\s*" + _END,
    # "Kính mong / Đề nghị các cấp có thẩm quyền (quan tâm) xem xét, giải quyết (cho tôi)."
    r"(?:kinh |rat )?(?:mong|de nghi|kinh de nghi|kinh mong|kinh de nghi)"
    r"(?: (?:cac cap|cac cap co tham quyen|co quan co tham quyen|cac co quan chuc nang|co quan chuc nang|"
    r"quy co quan|lanh dao))?(?: som)?(?: quan tam)?,? "
    r"(?:xem xet|xem xet,? giai quyet|giai quyet|xem xet va giai quyet)"
    r"(?: (?:cho (?:toi|gia dinh toi|nguoi dan|chung toi|ba con)|som|kip thoi|thoa dang|dut diem))*\s*"
    + _END,
)
# A hotline log's or a form's labelled fields: the label and its value, to the end of its line or
# sentence or clause ("Họ tên: Lại Thị Ngọc. Điện thoại: 0977 135 246. Nội dung: …" is one line:
# the content after "Nội dung:" stays), at most 60 characters.
_LABELLED_LINE = (
    r"(?:nguoi phan anh|nguoi gui|ho ten|ho va ten|dia chi|dien thoai|so dien thoai|sdt|email|thoi gian|"
    r"ngay gui|kenh|nguon|ma so)(?:\s+lien he)?\s*:[^\n.;!?,]{0,60}(?:[.;!?,]+|(?=\n)|$)"
)
# A log's heading: "[Tổng đài 1022] 14:32 ngày 25/11 -".
_HEADING = (
    r"\[[^\]\n]{1,40}\]\s*(?:\d{1,2}\s*[:h]\s*\d{2}\s*)?(?:ngay\s*)?(?:\d{1,2}/\d{1,2}(?:/\d{2,4})?)?"
    r"\s*[-–:]?"
)
# Where the writer lives, told by a landmark, as a sentence of its own: "Nhà tôi đối diện trạm y tế
# xã." (a hostile review's 238 complaints after it went to `health` 120 times). At most six words
# after the landmark's word: "Nhà tôi gần trường học nên xe tải chạy ầm ầm cả đêm" says more.
_LANDMARK = (
    r"(?:nha toi|gia dinh toi|nha chung toi)\s+(?:o\s+)?(?:doi dien|ngay gan|gan|canh|ben canh|sat|sat vach|"
    r"phia sau|phia truoc|sau|truoc|cuoi|dau)(?:\s+[a-z0-9]+){1,6}\s*" + _END
)
# Where the writer lives, as a sentence of its own: "Tôi trú tại số 27 đường Ngô Gia Tự, phường Kinh
# Bắc." (the formal words only: "tôi ở thôn X" often goes on with the complaint).
_RESIDENCE = (
    r"(?:toi|gia dinh toi|chung toi|em)\s+(?:hien )?(?:tru tai|thuong tru tai|tam tru tai|cu tru tai|tru o)"
    r"\s+[^.;!?\n]{1,120}?" + _END
)
# A voter-meeting petition's opening: "Cử tri (thôn …, xã …) kiến nghị:", at most 100 characters.
_VOTERS = r"cu tri[^\n:]{0,100}?(?:kien nghi|phan anh|de nghi)\s*:"
_START = r"(?:^|(?<=[.!?;:,\n\]–-])|(?<=\]\s))\s*"  # a text's, a sentence's or a clause's start
_FRAME_RE = re.compile(
    _START
    + "(?:"
    + "|".join(
        [
            "(?P<salutation>" + _SALUTATION + ")",
            "(?P<who>(?:" + _WHO + ")" + _IDENTITY + r"\s*(?:" + _END + r"|,?\s*" + _REPORTED + r"\s*:))",
            *("(?:" + f + ")" for f in _FORMULAS),
            "(?:" + _LABELLED_LINE + ")",
            "(?:" + _VOTERS + ")",
            "(?:" + _HEADING + ")",
            "(?:" + _RESIDENCE + ")",
            "(?:" + _LANDMARK + ")",
        ]
    )
    + ")"
)
# Every formula above holds one of these words, looked for in the text in small letters (with its
# diacritics or without) by one Aho-Corasick automaton before the text is folded and searched: on
# 20,000 TC201805 leads (9 % hold one) frame_spans took 3.3 µs of CPU a lead, against 7.2 when a
# pattern of these words was searched in every folded text and 20 for a pattern of them on the text
# as written (2026-12-07).
_HINTS = (
    "kính gửi", "tên là", "tôi là", "trình bày", "cảm ơn", "trân trọng", "xem xét", "giải quyết", "cử tri",
    "trú tại", "trú ở", "công dân", "nhà tôi", "gia đình tôi", "họ tên", "họ và tên", "điện thoại", "địa chỉ",
    "thời gian", "sđt", "email", "người phản ánh", "người gửi", "ngày gửi", "kênh", "nguồn", "mã số", "[",
)  # fmt: skip


@lru_cache(maxsize=1)
def _hints() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for hint in _HINTS:
        for spelling in {hint, fold(hint)}:
            automaton.add_word(spelling, spelling)
    automaton.make_automaton()
    return automaton


def frame_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that are its letter's frame (see the module), in order.

    Args:
        text: A text as written (any case, with or without diacritics).

    Returns:
        ``(start, end)`` offsets into ``text``, not overlapping; none when the frame is all the
        text says, or when folding changes the text's length (a text not in NFC).
    """
    if next(_hints().iter(text.lower()), None) is None:
        return []
    folded = fold(text)
    if len(folded) != len(text):
        return []
    spans = []
    for m in _FRAME_RE.finditer(folded):
        name = m.group("name")
        if name is not None:
            start, end = m.span("name")
            if not all(word[:1].isupper() for word in text[start:end].split()):
                continue  # "Tôi là người dân thôn Hạ": no name, the sentence says more
        start, end = m.span()
        if end > start:
            spans.append((start, end))
    if not spans:
        return []
    said = sum(end - start for start, end in spans)
    rest = (
        text[: spans[0][0]]
        + "".join(text[a:b] for (_, a), (b, _) in itertools.pairwise(spans))
        + text[spans[-1][1] :]
    )
    if not any(ch.isalnum() for ch in rest) or said >= len(text):
        return []  # the frame is all the text says: a thanks, a greeting
    return spans
