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

The frame also names who wrote: :func:`identity_spans` finds the writer's name and house ("Tôi
tên là Đỗ Văn Nam", "Người phản ánh: chị Lan", "trú tại số 27 đường Ngô Gia Tự"), which the
models never read and officials do not see where the platform shows a signal
(:func:`mask_identity`: "Tôi tên là <name>, trú tại <house>, phường Kinh Bắc"), however the letter
names them: in a field, a list of those who sign it ("Chúng tôi gồm: ông <name>, bà <name>"), its
signature ("Xin cảm ơn!\n<name>"), as one of the writer's family ("Con trai tôi là <name>"); and
:func:`letter_view` gives the text so masked, and its complaint without the frame, which
duplicates and clusters compare.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from duluan.analysis.normalise import (
    EMAIL,
    HOUSE,
    ID_NUMBER,
    NAME,
    PHONE,
    PLACEHOLDERS,
    fold,
    mask_personal_data,
    personal_data_kinds,
)

__all__ = [
    "EMAIL_PLACEHOLDER",
    "HOUSE_PLACEHOLDER",
    "ID_PLACEHOLDER",
    "NAME_PLACEHOLDER",
    "PHONE_PLACEHOLDER",
    "PersonValues",
    "frame_spans",
    "identity_names",
    "identity_spans",
    "identity_values",
    "left_out_spans",
    "letter_view",
    "mask_identity",
    "mask_person",
    "mask_text_values",
    "mask_writer",
]

# A sentence's end: a full stop, a mark, a line break, or the text's end.
_END = r"(?:[.!?;]+|(?=\n)|$)"
# The addressee line: "Kính gửi: …" up to the end of its line, or of its sentence (at most 160
# characters: a complaint written on after "Kính gửi UBND xã," without a break keeps its words
# after the first comma then).
_SALUTATION = r"(?:dong )?kinh gui\s*:?[^\n.!?]{0,160}?" + _END
# Who writes, at the start of a sentence: a name (each word capitalised, checked on the text as
# written, or the writer's name masked: mask_identity), then what identifies its writer: birth
# year, address, phone, identity card.
_NAME = r"(?P<name>[a-z]+(?: [a-z]+){1,4}|<name>)"
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
    + r"\s*:?\s*(?:[\d .+()-]{6,20}|<phone>)"
    r"|\s*[,;-]?\s*" + _CARD_WORDS + r"\s*(?:so)?\s*:?\s*(?:\d[\d .]{6,14}|<id>))*"
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
# Who a text names as its writer or reporter, however the sentence goes on: the name after "Tôi
# tên là", "Tôi là", "Công dân", or in a field "Họ tên:", "Người phản ánh:" (a title before it,
# "chị", "ông", stays). The name is its words written with a capital (see identity_spans).
_HONORIFIC = r"(?P<title>(?:ong|ba|anh|chi|em|co|chu|bac|cu|chau)\s+)?"
_I = r"(?:toi|chung toi|em|chau|con|minh)"
# "Tôi tên là X", "Tôi tên X", "Tên tôi là X": what follows is a name, one word or more.
_NAMED = r"(?P<named>" + _I + r"\s+(?:ten(?: la)?|ho ten la|ho va ten la)|ten (?:cua )?toi(?: la)?)(?![a-z])"
# What a writer says they are before their name: "Tôi là cựu chiến binh X".
_STATUS = (
    "cuu chien binh|dang vien|giao vien|nguoi dan|cong dan|nong dan|can bo huu tri|huu tri|thuong binh|"
    "benh binh|chu ho|phu huynh|hoc sinh|sinh vien|cu tri"
)
# "Tôi là X", "Tôi là cựu chiến binh X", "Công dân X": a name of two words or more (one, beside a
# title: "Tôi là chị Lan").
_SAID = r"(?P<said>(?:" + _I + r"\s+la|cong dan)(?![a-z])(?:\s+(?:" + _STATUS + "))?)"
# One of the writer's family, as the writer names them: "Con trai tôi là Nguyễn Văn Bảo", "Vợ tôi,
# Trần Thị Hoài,", "Mẹ tôi là bà Lê Thị Gấm", "Cha tôi là liệt sĩ Hoàng Văn Thụy", "Con gái tôi tên là
# …": their name says who wrote (a denouncer's son names his father). A name of two words or more,
# or one beside a title, as after "Tôi là"; after "là", "tên (là)" or a comma, or right after the kin
# (the group "next": "Chồng tôi Bùi Văn Tài bị giữ", "Mẹ tôi bà Nguyễn Thị Lan"), where the name must
# look like one (see _identity). Not after a word between: "con tôi bị ông X đánh" names who did it,
# whom the agency that handles the letter must know.
_KIN_WORDS = (
    r"(?P<kinword>con|vo|chong|bo|me|cha|ma|ba|anh|chi|em|ong|chau|chu|bac|co|di|cau|mo|thim)"
    r"(?: (?:trai|gai|dau|re|nuoi|ho))?(?: (?:ruot|de|noi|ngoai|chong|vo|nuoi))?"
)
_KIN = (
    r"(?P<kin>toi(?:\s*,|\s+(?:ten la|ten|la)(?![a-z])|(?P<next>)(?= ))(?:\s+(?:liet si|be|"
    + _STATUS
    + "))?)"
)
# The kin word before "tôi", searched in the few characters before it: a pattern that starts with
# "toi" is searched for that literal, 3 µs a news article; with the kin words first, tried at every
# character, 150 (2026-12-07).
_KIN_BEFORE_RE = re.compile(r"(?<![a-z])" + _KIN_WORDS + r" (?:cua )?(?:chung )?\Z")
# "Tôi, X, sinh năm …", "Tôi X, số điện thoại …", "Tôi, X (sinh năm …)": a name of two words or
# more, and a comma or a bracket after it; or without either, a name that opens with a family name
# before what identifies its writer ("Tôi Trần Văn Lâm trú tại thôn Kim": see _identity).
_BARE_I = r"(?P<bare>toi\s*,?)"
# "(đã ký)", "(ký, ghi rõ họ tên)", "Ký và ghi rõ họ tên": what a form prints between a signer's
# label and their name.
_SIGNED = r"\(?\s*(?:da )?(?:ky|ki)(?: ten)?(?:\s*(?:,|va)?\s*ghi ro (?:ho (?:va )?)?ten)?(?![a-z])\s*\)?"
# A field of a form or a log, with its colon or not: "Họ tên: X", "Người phản ánh X", "Ký tên X",
# "Người làm đơn (ký, ghi rõ họ tên) X". "Họ và tên người tố cáo: X", "Tên người gửi: X": the words
# after "người" to the colon (before, the shortest three letters were taken, and a name was looked
# for after "Họ tên người pha": "Họ tên người phản ánh: X" was not masked).
_FIELD = (
    r"(?P<field>(?:nguoi (?:phan anh|gui|kien nghi|to cao|khieu nai|bao tin|de nghi|yeu cau|lien he|viet don|"
    r"lam don|dung don)|ho (?:va )?ten(?: nguoi(?: [a-z]+){1,3}(?=\s*:)| nguoi [a-z ]{3,14}?)?|"
    r"ten (?:nguoi(?: [a-z]+){1,3}(?=\s*:)|toi)|k[yi] ten)(?:\s+lien he)?(?:\s*" + _SIGNED + r")?\s*:?)"
)
# The title of a letter: "Đơn tố cáo của ông X", "Đơn khiếu nại của bà X".
_PETITION = r"(?P<petition>don (?:thu )?(?:to cao|khieu nai|kien nghi|phan anh|de nghi|trinh bay)(?: cua)?)"
# Those who write together, listed after "Chúng tôi gồm (có):", "Đồng đơn:", "Những người đứng đơn:"
# ("Chúng tôi là các hộ dân xóm Bãi gồm: hộ ông Giáp Văn Thành, hộ bà Chu Thị Nga"): each name of
# the list, apart by commas, semicolons, lines or "và", numbered or not, a title or "hộ" before it
# and what identifies them after ("1. Ông Phạm Văn Khải, sinh năm 1958;"), to the first item that is
# no name ("Chúng tôi gồm 15 hộ dân …" names none: see _listed). The head is one more way
# _IDENTITY_RE introduces a name, its first item's: a pattern of its own, searched in the whole text,
# took 124 µs a news article from _START (222 without), as much as _IDENTITY_RE itself (2026-12-07).
_LIST = (
    r"(?P<list>(?:(?:chung toi|gia dinh toi)(?: la(?: [a-z0-9]+){1,8}?)? gom(?: co)?(?: (?:cac ho|cac ong ba|"
    r"nhung nguoi(?: co ten)?(?: duoi day| sau day| sau)?))?|(?:nguoi |nhung nguoi |cac )?dong (?:don|to cao|"
    r"khieu nai|kien nghi)|(?:nhung|cac) nguoi (?:dung|ky|lam|viet) don|danh sach (?:nguoi |cac ho )?"
    r"(?:ky ten|dung don))\s*:?)(?:\s*(?:\d{1,2}\s*[.)/-]|[-•+*]))?(?:\s*(?:ho|gia dinh)(?=\s))?"
)
# A greeting before the writer says who they are: "Dạ em là Hồng", "Chào ad, mình là …" (after a
# comma, a clause starts anyway).
_GREETING = r"(?:(?:da|xin chao|chao(?: (?:ad|admin|ban|anh chi|cac anh chi|moi nguoi))?)\s+)?"
_IDENTITY_RE = re.compile(
    "(?:"
    + _START
    + _GREETING
    + "(?:"
    + "|".join([_LIST, _NAMED, _SAID, _FIELD, _PETITION, _BARE_I])
    + r"))\s*"
    + _HONORIFIC
    + r"(?!la\b)(?P<name>[a-z]+(?: [a-z]+){0,4})"  # (not "là" of "tên là <name>", masked)
)
# A name before a phone number, masked: "Nguyễn Văn A - <phone> - thôn Đông", "Trần Văn Đạt, SĐT
# <phone>", "Đỗ Hữu Nghĩa (<phone>)" (what officials see).
_NAME_PHONE_RE = re.compile(
    _START + r"(?P<name>[a-z]+(?: [a-z]+){1,4})\s*[-–,(]\s*(?:" + _PHONE_WORDS + r"\s*:?\s*)?<phone>"
)
# The holder of a bank account, wherever it is named: "chuyển tiền cho chủ tài khoản Nguyễn Văn A".
_HOLDER_RE = re.compile(r"(?<![a-z])chu tai khoan\s*:?\s*(?P<name>[a-z]+(?: [a-z]+){0,4})")
# One of the writer's family named before the writer says so: "Gia đình ông Phạm Văn Đức (con trai
# tôi)", "Ông Bùi Văn Kiên (bố đẻ tôi) đã mất", "Nguyễn Văn A, chồng tôi,": the name is the words
# written with a capital before the bracket or comma (two or more). The kin closes its clause: "Ông
# X, em tôi đã báo" is not read.
_KIN_AFTER_RE = re.compile(r"toi\s*[),.;]")
_KIN_AFTER_BEFORE_RE = re.compile(r"[(,–-]\s*(?:la\s+)?" + _KIN_WORDS + r" (?:cua )?(?:chung )?\Z")
# The name is looked at, not taken: every "tôi " now opens a match (the group "next"), and one that
# took "và mẹ tôi là" for a name would hide the second "tôi" of "Bố tôi và mẹ tôi là X".
_KIN_RE = re.compile(_KIN + r"(?=\s*" + _HONORIFIC + r"(?!la\b)(?P<name>[a-z]+(?: [a-z]+){0,4}))")
_ITEM_RE = re.compile(
    r"\s*(?:(?:va|cung)\s+)?(?:\d{1,2}\s*[.)/-]\s*|[-•+*]\s*)?(?:(?:ho|gia dinh)\s+)?"
    + _HONORIFIC
    + r"(?P<name>[a-z]+(?: [a-z]+){0,4})"
)
_IDENTITY_TAIL_RE = re.compile(_IDENTITY)
_ITEM_END_RE = re.compile(r"\s*(?:[,;\n]|(?=va\s))")
# A letter's signature: its writer's name alone at its end, after the closing formula ("Xin cảm ơn!
# Nguyễn Văn Nam", "Trân trọng,\nPhạm Minh Đức", "Kính mong các cấp xem xét, giải quyết.\nHoàng Văn
# Thái", "Kính đơn\nVũ Thị Hằng") and what a signer writes between ("(đã ký)", a date line, "TM. gia
# đình"), before their phone at most. Readers' letters to VNTC's papers sign so, with a given name
# alone as often as not ("Xin chân thành cảm ơn.\nTuyết Linh", "N.T.Thành"): of the 152,826 texts of
# the shared corpora, 29 are read as signed, all letters and questions to VNTC's papers, each by a
# name (15 by one word), none of the 891 news_2026 articles (2026-12-07). The name is read as one
# (see _signature): each word with its capital and no other ("VnExpress" is not), or a name in small
# letters by its shape; after a request, a name with its family name. Only the end of a text is
# searched (_SIGNATURE_TAIL characters).
# A place's line may come between, and the writer's address after the name (see _PLACE).
# The closing formula, to the end of its sentence: a thanks and whom it thanks, without a comma
# ("Xin chân thành cảm ơn các bạn đã đọc tâm sự của tôi."), a greeting ("Trân trọng kính chào,"), or
# a request's last words and no more ("xem xét, giải quyết cho tôi."; not "… giải quyết ùn tắc ở Hà
# Nội, TP. Hồ Chí Minh.", where the news ends with a place), or a request in other words to the
# end of its line ("Đề nghị xã cho kiểm tra.\nNguyễn Văn An"), then a name of three words or more
# with its family name (two are a place as often: "… khắc phục.\nHà Nội"), and not after a line
# broken where its sentence goes on with the name (_GOES_ON). That last way changed none of the
# 155,812 texts of the shared corpora and the citizen messages (2026-12-07); a message that holds no
# other word of a letter is read so too (see _signed_after_request).
_CLOSING = (
    r"(?:cam on[^\n.!?,;:]{0,60}?"
    r"|(?:tran trong|kinh thu|kinh don|kinh chao|than men|than ai)[^\n.!?,;:]{0,20}?"
    r"|(?P<request>(?:xem xet|giai quyet)(?:,? (?:giai quyet|xem xet))?"
    r"(?: (?:cho (?:toi|gia dinh toi|nguoi dan|chung toi|ba con)|som|kip thoi|thoa dang|dut diem|a))*)"
    r"|(?P<asked>(?:de nghi|kien nghi|kinh mong|yeu cau)(?![a-z])[^\n.!?]{0,150}?[.!?]*(?=\n)))"
)
_SIGNING = (
    r"(?:" + _SIGNED + r"|kinh don|kinh thu|tran trong|than men|than ai|"
    r"(?:tm|t/m|thay mat|dai dien)\.?\s*(?:gia dinh|ho gia dinh|cac ho(?: dan)?|nhom ho|ba con)|"
    r"(?:[a-z]+(?: [a-z]+){0,3},?\s*)?ngay\s*\d{1,2}(?:\s*(?:/|-|thang)\s*\d{1,2})?"
    r"(?:\s*(?:/|-|nam)\s*\d{2,4})?|"
    r"nguoi (?:viet|lam|dung|gui) don|nguoi (?:gui|de nghi|kien nghi|phan anh|viet|lam don|to cao|khieu nai))"
    r"(?![a-z])[\s.,:;!]*"
)
_SIGNATURE_TAIL = 300
# The words after which a request broken by a line goes on with a name, folded: a title, a post, "cho",
# "của", "với" (the accused, an official: "Đề nghị huyện kỷ luật chủ tịch\nNguyễn Văn An").
_GOES_ON = frozenset("ong ba anh chi em co chu bac cu chau tich truong bo cho cua voi va la gap ten".split())
# Words a text in small letters holds after a name, where the name ends ("tôi tên là nguyễn văn
# bình ở thôn Đông"): such a name is read only after "tên là" or a field.
_AFTER_NAME = frozenset(
    "o tai sinh nam nha dia so thon xom xa phuong la va co da bi toi hien tru que dien sdt phan xin "
    "muon".split()
)
# Capitalised words that say what someone is, not who: "Tôi là Đảng viên", "Tôi là Chủ tịch" (as
# written: "Đặng" is a name).
_NOT_NAMES = frozenset(
    "đảng chủ phó bí trưởng giám cán công người hội ban đại cựu thành ủy uỷ nhân tổng cục viện sở "
    "phòng".split()
)
# A name in small letters is read by its shape where no field's colon or "tên là" says it is one
# ("tôi là trần thị nga ở thôn bắc", "Người gửi: nguyen manh ha,"): a family name, a middle name, and
# one given name or two (_small_name), each as written, or folded in a word typed without diacritics
# ("vợ hai của bố" is no "Võ Hải"). The family names most Vietnamese bear, and the middle names most
# given; without the middle name, "lê tân", "hồ nghèo" would read as names ("toi la le tan khach san",
# "toi la ho ngheo").
_FAMILY_NAMES = frozenset(
    "nguyễn trần lê phạm hoàng huỳnh phan vũ võ đặng bùi đỗ hồ ngô dương lý đào đoàn trịnh vương lương "
    "đinh mai cao tạ lâm hà quách kiều triệu tô chu lại thân nghiêm phùng lưu khổng giáp tăng thái tôn "
    "mạc khúc quản lò lù diệp ứng kim hứa âu bạch tống châu nông giang vàng thào sùng kha đàm la".split()
)
_MIDDLE_NAMES = frozenset(
    "văn thị đức minh ngọc thanh hữu quốc xuân đình công quang hồng kim thu bảo gia tiến mạnh trọng duy "
    "hoài tuấn hải thùy thúy mỹ diệu phương như khánh hoàng huy trung viết khắc phúc thái anh bích "
    "tuyết".split()
)
_FAMILY_NAMES_BARE = frozenset(map(fold, _FAMILY_NAMES))
# Family names that are everyday words too, in small letters not read as a signature's ("… cảm ơn.
# mai thanh toán"), and ambiguous ones typed without diacritics ("le" is "lễ", "do" "đó").
_EVERYDAY_FAMILY_NAMES = frozenset(
    "tôn tăng mai cao hà lâm thái châu kim giang la mạc quản lò lù ứng âu bạch tống đàm kha vàng thân "
    "lại chu tô đào lương khổng hứa lưu nông sùng thào tạ diệp khúc hồ ngô dương lý phan le do ho vu vo "
    "dang bui dinh ha lam to".split()
)
_MIDDLE_NAMES_BARE = frozenset(map(fold, _MIDDLE_NAMES))


def _is_family_name(word: str) -> bool:
    """Whether ``word`` (as written) is a family name: "Nguyễn", "trần", "nguyen" (not "vợ")."""
    lower = word.lower()
    return lower in _FAMILY_NAMES_BARE if lower.isascii() else lower in _FAMILY_NAMES


def _is_middle_name(word: str) -> bool:
    lower = word.lower()
    return lower in _MIDDLE_NAMES_BARE if lower.isascii() else lower in _MIDDLE_NAMES


# Words that end a name in small letters, the given name apart ("nguyen van nam o thon 3": "Nam" is a
# name, "năm" of "sinh năm" ends one, see _AFTER_NAME).
_NOT_GIVEN = (_AFTER_NAME - {"nam"}) | frozenset(
    "cung den nhung khong chua duoc lam hoc con vo chong ong ba anh chi em the thi ma nen vi de can "
    "dang voi cho tu ve di se van deu".split()
)
_NOT_GIVEN_FIRST = (_AFTER_NAME - {"nam"}) | {"cua"}
# Capitalised words that end a letter but sign no one ("Xin cảm ơn!\nTheo VnExpress").
_NOT_SIGNATURES = frozenset("theo nguon ps admin ad tran trong than men than ai kinh thu kinh don".split())
# Where a letter is signed from, not by whom: "Cảm ơn!\nPhường Đông Ngàn".
_PLACE_WORDS = frozenset("phường xã thôn xóm huyện tỉnh quận thị khu tổ ấp bản làng đường phố ngõ".split())
# Where a letter was written, on its last line, is read as no signature: the provinces and the cities
# run by the centre, of both schemes (the 2025 names are among the 63 before; a test holds the list
# to the records of duluan.adminunits, which take a third of a second to load), and the names people
# still write of the former ones, folded ("… giải quyết.\nHà Nội", "Cảm ơn!\nĐà Nẵng"; with a date,
# "Bắc Ninh, ngày 5 tháng 3", the line names no one anyway). A closed list, not a test of the
# words' shape: the words of these names are given names as often ("Bình", "Minh", "Ninh", "Thái"),
# and the first of ten of them a family name ("Hà Nội", "Lâm Đồng", "Hồ Chí Minh"). Of two words
# or more only: one word after a closing is a given name as often ("Xin cảm ơn.\nHuế"). A writer
# who signs with a given name that is a province's too ("Thái Bình", "Khánh Hòa") keeps it, as a
# place would; none of the 29 names the shared corpora are read as signed with is one, and none of
# their texts is read otherwise (2026-12-07).
_PROVINCES = frozenset(
    fold(name)
    for name in (
        "Hà Nội", "Hà Giang", "Cao Bằng", "Bắc Kạn", "Tuyên Quang", "Lào Cai", "Điện Biên", "Lai Châu",
        "Sơn La", "Yên Bái", "Hòa Bình", "Thái Nguyên", "Lạng Sơn", "Quảng Ninh", "Bắc Giang", "Phú Thọ",
        "Vĩnh Phúc", "Bắc Ninh", "Hải Dương", "Hải Phòng", "Hưng Yên", "Thái Bình", "Hà Nam", "Nam Định",
        "Ninh Bình", "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Huế", "Đà Nẵng",
        "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Ninh Thuận", "Bình Thuận",
        "Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước", "Tây Ninh", "Bình Dương",
        "Đồng Nai", "Bà Rịa Vũng Tàu", "Hồ Chí Minh", "Long An", "Tiền Giang", "Bến Tre", "Trà Vinh",
        "Vĩnh Long", "Đồng Tháp", "An Giang", "Kiên Giang", "Cần Thơ", "Hậu Giang", "Sóc Trăng",
        "Bạc Liêu", "Cà Mau",
        # former names, and the ones people write
        "Hà Tây", "Hà Sơn Bình", "Nghệ Tĩnh", "Thừa Thiên Huế", "Sài Gòn", "Bà Rịa", "Vũng Tàu",
        "Đắc Lắc", "Đắk Lắc",
    )
)  # fmt: skip
# A place on a signature's lines, folded: a province or city, or a unit's word, as a line before the
# name ("Hà Nội\nNguyễn Văn An", "Phường Đông Ngàn\n…"); after it, on its line after a dash or a comma
# or on the lines below, that or an address's first word (its label, a street's word, "số", a house
# number: "Nguyễn Văn An\nThôn Đông, xã Tân Dĩnh", "Nguyễn Văn An - thôn Đông", "Địa chỉ: …"), and a
# phone's or an e-mail's field. Only the name is masked there, and a house number that begins a line
# or a part of the address, with its street (_SIGNED_HOUSE_RE): the village and commune stay, as after
# "trú tại". Before the name, an address's label or house is no place: a shop's "… cảm ơn các bạn!\nĐịa
# chỉ Ngõ 231 …\nĐiện Thoại <phone>" then read the label as a name (nor is a label one now: _LABEL_RE).
# Of the 155,599 texts of the shared corpora and the citizen messages, mask_identity, letter_view and
# mask_writer change one, rightly: a reader's letter to VNTC signed "Lài" above "Hà Nội ngày
# 6/6/2005."; the signature is searched in 3,483 of them against 3,083 (the wider test of a text's
# last words in _signature), and found in 32 against 30. A hand-written set of 14 letters signed so
# had no name masked before, 14 after; of 11 that end with a place alone, two places, an official
# thanked, a byline after no closing, a field's label, none is masked. letter_view took 6.2-6.4 µs a
# bench lead, as before (1,037 of 20,000 leads read as letters, as before; 2026-12-07). A letter
# signed so after a request in other words and no hint ("Đề nghị xã kiểm tra.\nNguyễn Văn An\nThôn
# Đông") is read too (see _signed_after_request).
_PLACE = (
    r"(?:(?:tp\.?|thanh pho) ?)?(?:"
    + "|".join(sorted(map(re.escape, _PROVINCES), key=len, reverse=True))
    + r")"
    r"(?![a-z])|(?:thon|xom|xa|phuong|huyen|tinh|quan|thi xa|thi tran|thanh pho|khu pho|to dan pho|ap|khom)"
    r"(?![a-z])|(?:tp|tt|p|q|x|h)\.|to (?=\d)"
)
_ADDRESS = (
    _PLACE + r"|(?:khu|duong|pho|ngo|so nha|so|sn|dia chi|d/c|dc|tru tai|thuong tru|tam tru|que quan|noi o)"
    r"(?![a-z])|\d"
)
_SIGNATURE_RE = re.compile(
    r"(?<![a-z])" + _CLOSING + r"(?:[.!?,;:…]+|(?=\n))"
    r"(?:\s*(?:"
    + _SIGNING
    + r"|(?:"
    + _PLACE
    + r")[^\n!?]{0,60}?[ \t]*\n))*\s*[-–]*\s*"
    + _HONORIFIC
    + r"(?<![a-z])(?P<name>(?:[a-z]\.\s?){0,3}[a-z]+(?: [a-z]+){0,4})"
    r"(?P<tail>(?:\s*[.!]|\s*[-–,(]?\s*(?:(?:" + _PHONE_WORDS + r"|email)\s*:?\s*)?<(?:phone|email)>\)?"
    r"|(?:[ \t]*[-–,][ \t]*|\s*\n\s*)(?:" + _ADDRESS + r")[^\n!?]{0,80}"
    r"|\s*\n\s*(?:" + _PHONE_WORDS + r"|e-?mail)\s*:[^\n]{0,60})*)\s*$"
)
# Where the writer lives, to the house: the number (with its lane, "số 12 ngõ 5", "45/7") after
# "trú tại", "địa chỉ:", "nhà (tôi) ở", or "số (nhà) N" before a street's type word ("(số 7 đường
# Nguyễn Trãi)"), then the street's name (its type word, "đường", and words written with a
# capital: see _identity). The village, commune and province stay: they say where the issue is,
# and no one person.
_NUMBER = r"\d+[a-z]?(?:[/-]\d+[a-z]?)*"
_LANES = r"(?:,?\s*(?:ngo|ngach|hem|kiet)(?: so)?\s*" + _NUMBER + r")*"
_HOUSE_RE = re.compile(
    r"(?<![a-z])(?:(?:tru tai|thuong tru tai|thuong tru|tam tru tai|tam tru|cu tru tai|hien tru tai|"
    r"dia chi(?: lien he| thuong tru| tam tru| nha)?|nha (?:toi |chung toi |minh )?o(?: tai)?)\s*:?\s*"
    r"(?P<house>(?:(?:so nha|so|sn)\s*)?" + _NUMBER + _LANES + r")"
    r"|(?P<numbered>(?:so nha|so|nha so)\s*" + _NUMBER + _LANES + r")(?=,?\s+(?:duong|pho|ngo|hem|kiet)\s))"
)
_STREET_TYPES = frozenset(("đường", "phố", "ngõ", "ngách", "hẻm", "kiệt", "duong", "pho", "ngo", "hem"))
# What a masked name or house reads as (see mask_identity).
NAME_PLACEHOLDER = PLACEHOLDERS[NAME]
HOUSE_PLACEHOLDER = PLACEHOLDERS[HOUSE]
# What mask_person reads a person's own phone and e-mail as (the normaliser's placeholders).
PHONE_PLACEHOLDER, EMAIL_PLACEHOLDER = PLACEHOLDERS[PHONE], PLACEHOLDERS[EMAIL]
ID_PLACEHOLDER = PLACEHOLDERS[ID_NUMBER]
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
# Labels of a log's fields that name nothing else where a colon does not follow them ("thời gian
# qua", "nguồn vốn"): a hint with its colon (the words of a form's fields are hints of their own).
_FIELD_LABELS = ("thời gian", "nguồn", "kênh", "mã số", "ngày gửi", "email", "sđt", "điện thoại")
# Every formula above holds one of these words (but a signature after a request in other words: see
# _signed_after_request), looked for in the text in small letters (with its diacritics or without)
# by one Aho-Corasick automaton before the text is folded and searched: on
# 20,000 TC201805 leads (9 % hold one) frame_spans took 3.3 µs of CPU a lead, against 7.2 when a
# pattern of these words was searched in every folded text and 20 for a pattern of them on the text
# as written (2026-12-07). With a field's label read only before its colon, 3.4 % of the leads hold
# one, and frame_spans takes 3.1 µs a lead, letter_view 3.3 (the same day).
_HINTS = (
    "kính gửi", "tên là", "tôi là", "trình bày", "cảm ơn", "trân trọng", "xem xét", "giải quyết", "cử tri",
    "trú tại", "trú ở", "công dân", "nhà tôi", "nhà chúng tôi", "gia đình tôi", "họ tên", "họ và tên",
    "địa chỉ", "người phản ánh", "người gửi", "người kiến nghị", "người tố cáo", "người khiếu nại",
    "người báo tin", "thường trú", "tạm trú", "điện thoại liên hệ", "[", "tôi tên", "mình tên", "mình là",
    "em là", "cháu là", "tên tôi", "tôi,", "đơn tố cáo", "đơn khiếu nại", "đơn kiến nghị", "đơn thư",
    # the other titles of a letter that _PETITION reads ("trình bày" is a hint of its own): without
    # them "Đơn phản ánh của bà Lường Thị Quyên", a signal's usual title, kept the name
    "đơn phản ánh", "đơn đề nghị",
    "ký tên", "người viết đơn", "người làm đơn", "người đứng đơn", "chủ tài khoản", "nhà ở số", "số nhà",
    "nhà số", "ở số", "<phone>",
    # the writer in more of a form's fields (see _FIELD)
    "em tên", "cháu tên", "con tên", "phản ảnh", "tên người", "kí tên", "người đề nghị", "người yêu cầu",
    "người liên hệ",
    # those who sign together, the writer's kin (see _LIST, _KIN_AFTER_RE)
    "tôi gồm", "đồng đơn", "tôi)",
    # a letter's closing before its signature (see _SIGNATURE_RE); with the two lines above and this
    # one, 11,724 of VNTC's 33,709 texts hold a hint against 11,555, 3,509 of TC201805's 93,997
    # against 3,408, 484 of AIVIVN's 12,803 against 420 ("cám ơn"), 403 of the 1,193 citizen
    # messages against 401, all of news_2026's as before (2026-12-07)
    "kính đơn", "kính thư", "cám ơn",
    *(f"{label}{colon}" for label in _FIELD_LABELS for colon in (":", " :")),
)  # fmt: skip
# The writer's kin named right after the kin word ("Chồng tôi Bùi Văn Tài", see _KIN): "<kin> tôi"
# for each kin word (_KIN_WRITTEN) and each word after one ("con gái tôi", "bố đẻ tôi"), as written
# only, for that reading needs "tôi" with its diacritics ("em toi Ha Noi" is "em tới Hà Nội"). With
# them, 11,910 of VNTC's 33,709 texts hold a hint against 11,724, 3,670 of TC201805's 93,997 against
# 3,509, 486 of AIVIVN's against 484, 438 of the 1,193 citizen messages against 403, news_2026's and
# UIT-VSFC's as before; letter_view took 6.7-6.9 µs a bench lead against 6.5-7.6 (1,057 of 20,000
# leads read as letters against 932). Of those 155,602 texts, mask_writer changes one more: the house
# of a news report's subject ("ngụ tại số 118 đường Độc Lập"), read now for its "Con tôi"; no name,
# for none writes a Vietnamese name right after "<kin> tôi" (2026-12-07).
_KIN_HINT_WORDS = "trai gái dâu rể nuôi họ ruột đẻ nội ngoại".split()


@lru_cache(maxsize=1)
def _hints() -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for hint in _HINTS:
        for spelling in {hint, fold(hint)}:
            automaton.add_word(spelling, spelling)
    for word in (*_KIN_WRITTEN, *_KIN_HINT_WORDS):
        automaton.add_word(f"{word} tôi", f"{word} tôi")
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
    folded = _folded(text)
    return _frame(text, folded) if folded else []


def identity_spans(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` that name its writer or the person who reported it, or their house,
    in order.

    A complainant's name and house are personal data: the platform keeps them out of what
    officials see in lists, titles and terms (:func:`mask_identity`) and out of what the models
    read. The name is the words written with a capital after "Tôi tên là", "Tên tôi là" (one
    or more), "Tôi là", "Công dân" (two or more: "Tôi là Đảng viên" names no one) or a field
    "Họ tên:", "Người phản ánh:", "Người làm đơn (ký, ghi rõ họ tên)" (one or more), at the start
    of a sentence or clause, a title before them ("chị", "ông") left out, wherever the sentence
    goes on ("Tôi là Nguyễn Văn A ở thôn B phản ánh …"); each name listed after "Chúng tôi gồm:",
    "Đồng đơn:"; the writer's kin's ("Vợ tôi, X,", "Con trai tôi là X", "Chồng tôi X bị …", "ông
    X (bố đẻ tôi)"); the name a letter is signed with after its closing formula ("Xin cảm ơn!\nX");
    and a name in small letters by its shape ("tôi là trần thị nga", see _small_name). Not the
    others a letter names: an official it accuses ("ông X, cán bộ địa chính"), a neighbour, a
    street.
    The house is its number and street after "trú tại", "địa chỉ", "nhà tôi ở" ("số 12 ngõ 5
    đường Lý Thái Tổ"); the village, commune and province after it are not masked.

    Args:
        text: A text as written, or normalised (NFC).

    Returns:
        ``(start, end)`` offsets into ``text``; none when folding changes its length.
    """
    folded = _folded(text)
    return [(start, end) for start, end, _ in _identity(text, folded)] if folded else []


def left_out_spans(text: str) -> list[tuple[int, int]]:
    """What a model reads ``text`` without: its letter's frame (:func:`frame_spans`) and the
    name and house of its writer (:func:`identity_spans`), merged, in order."""
    folded = _folded(text)
    if not folded:
        return []
    spans = sorted(_frame(text, folded) + [(start, end) for start, end, _ in _identity(text, folded)])
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mask_identity(text: str) -> str:
    """``text`` with the name of its writer read as :data:`NAME_PLACEHOLDER` and their house as
    :data:`HOUSE_PLACEHOLDER` (:func:`identity_spans`): "Người phản ánh: chị <name>. Địa chỉ:
    <house>, phường 3. Nội dung: …"."""
    folded = _folded(text)
    spans = _identity(text, folded) if folded else []
    return _masked(text, spans) if spans else text


def _masked(text: str, spans: list[tuple[int, int, str]]) -> str:
    parts, at = [], 0
    for start, end, placeholder in spans:
        if start >= at:
            parts += [text[at:start], placeholder]
            at = end
    return "".join([*parts, text[at:]])


def letter_view(text: str) -> tuple[str, str] | None:
    """``(masked, content)``: ``text`` with its writer's name and house masked
    (:func:`mask_identity`), and that text without its letter's frame, each span of it a line
    break (:func:`frame_spans`, read on the masked text). Each is ``text`` itself (the same
    object) where it changes nothing; ``None`` where ``text`` holds no word of a letter (most
    texts), nor then does the text it was normalised from, unless normalising masked some of it
    (:func:`left_out_spans` finds nothing there: see ``test_frames``).

    The masked text is what officials see; the content is what duplicates and clusters compare:
    two letters about different things share their frame ("Kính gửi …", "Tôi xin trình bày sự
    việc như sau:", "Kính mong các cấp xem xét, giải quyết."), which joined them in one cluster.
    """
    folded = _folded(text)
    if folded is None:
        return None
    if not folded:
        return text, text
    spans = _identity(text, folded)
    masked = _masked(text, spans) if spans else text
    if masked is not text:
        folded = fold(masked)
        if len(folded) != len(masked):
            return masked, masked
    frame = _frame(masked, folded)
    if not frame:
        return masked, masked
    kept, at = [], 0
    for start, end in frame:
        kept.append(masked[at:start])
        at = end
    return masked, "\n".join([*kept, masked[at:]])


@dataclass(frozen=True, slots=True)
class PersonValues:
    """What a form holds of a person apart from their text: a reporter's or a complainant's
    name, address, phone and e-mail, as typed (any case, with or without diacritics)."""

    name: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""


def mask_writer(text: str, person: PersonValues | None = None) -> str:
    """``text`` (made NFC) as an official who may not know its writer reads it: its personal
    data masked (:func:`~duluan.analysis.normalise.mask_personal_data`), then the writer's name
    and house as a letter introduces them (:func:`mask_identity`: after the phone is masked, so
    that "Nguyễn Văn A - <phone>" is read as a name), then ``person``'s own values wherever the
    text writes them (:func:`mask_person`). What intake stores of a signal's title and a case
    shows of its title and description to those the identity gate keeps out."""
    text = unicodedata.normalize("NFC", text)
    return mask_person(mask_identity(mask_personal_data(text)), person) if text else text


def mask_person(text: str, person: PersonValues | None) -> str:
    """``text`` (made NFC) with ``person``'s values read as their placeholders wherever it
    writes them as whole words, in any case and with or without diacritics, the longest first:

    - the name (:data:`NAME_PLACEHOLDER`): whole, and each run of two or more of its syllables
      that ends with the given name ("Quốc Khánh" of "Trịnh Quốc Khánh": the name people go by;
      not "Trịnh Quốc", nor one syllable of a longer name, too common a word), the words apart
      by any spaces; a name of one syllable where it is written with its capital;
    - the address (:data:`HOUSE_PLACEHOLDER`): whole, its words apart by spaces or commas, and
      each of its comma-separated parts that holds a number ("số 12 Lê Lợi" of "số 12 Lê Lợi,
      phường Bắc Giang": the house, wherever the text names it without its ward);
    - the e-mail (``<email>``) and the phone (``<phone>``: its digits, however grouped by
      spaces, dots, dashes, commas or slashes).

    A value shorter than three characters (a phone of fewer than six digits) is left alone.
    Returns ``text`` itself when nothing is masked.
    """
    text = unicodedata.normalize("NFC", text)
    if person is None or not text:
        return text
    words, digits = _person_keys(person)
    folded = fold(text)
    if len(folded) != len(text):
        return text
    found: list[tuple[int, int, str]] = []
    # Most texts write none of them: a literal test of the words each match holds (and of the
    # phone's first and last digit) spares the search's calls.
    for value, least, separator, placeholder in words:
        if all(word in folded for word in value[:least]):
            # A name of one syllable is a common word too ("Lan" of "lan rộng"): only as a name,
            # with its capital.
            capital = len(value) == 1 and placeholder == NAME_PLACEHOLDER
            found += [
                (start, end, placeholder)
                for start, end in _words_at(folded, value, least, separator)
                if not capital or text[start].isupper()
            ]
    if digits and digits[0] in folded and digits[-1] in folded:
        found += [(start, end, PHONE_PLACEHOLDER) for start, end in _digits_at(folded, digits)]
    if not found:
        return text
    return _masked(text, _longest_first(found))


_SPACES = re.compile(r"\s+")
_SPACES_OR_COMMAS = re.compile(r"[\s,]+")
# A run of six digits or more, however grouped: where a phone number may be written.
_DIGIT_RUN = re.compile(r"\d(?:[\s,.;:/\-]*\d){5,}")


@lru_cache(maxsize=256)
def _person_keys(
    person: PersonValues,
) -> tuple[tuple[tuple[tuple[str, ...], int, re.Pattern[str], str], ...], str]:
    """``person``'s values folded into words, as :func:`mask_person` looks for them: ``(words,
    fewest words a match holds, the pattern between words, placeholder)``; and the phone's
    digits (empty when fewer than six). Intake masks a signal's title and text with one person."""
    keys: list[tuple[tuple[str, ...], int, re.Pattern[str], str]] = []

    def add(words: list[str], least: int, separator: re.Pattern[str], placeholder: str) -> None:
        if words and len(" ".join(words)) >= 3:
            keys.append((tuple(words), least, separator, placeholder))

    name = _folded_words(person.name)
    if len(name) == 1:
        add(name, 1, _SPACES, NAME_PLACEHOLDER)
    # Each run of two syllables or more that ends with the given name ("Quốc Khánh" of "Trịnh Quốc
    # Khánh"): one of a family and a middle name is many people's, and a street's ("Nguyễn Văn" of
    # "đường Nguyễn Văn Cừ" for a complainant Nguyễn Văn Hùng).
    for start in range(len(name) - 1):
        add(name[start:], len(name) - start, _SPACES, NAME_PLACEHOLDER)
    address = _folded_words(person.address.replace(",", " "))
    if len(address) >= 2:
        add(address, len(address), _SPACES_OR_COMMAS, HOUSE_PLACEHOLDER)
    for part in person.address.split(","):
        if any(ch.isdigit() for ch in part):
            words = _folded_words(part)
            if words != address:
                add(words, len(words), _SPACES, HOUSE_PLACEHOLDER)
    add(_folded_words(person.email), 1, _SPACES, EMAIL_PLACEHOLDER)
    digits = re.sub(r"\D", "", person.phone)
    return tuple(keys), digits if len(digits) >= 6 else ""


def _folded_words(value: str) -> list[str]:
    return fold(unicodedata.normalize("NFC", value)).split()


def _is_word(folded: str, at: int) -> bool:
    """Whether ``folded[at]`` is a character of a word (``\\w``); ``False`` past either end."""
    return 0 <= at < len(folded) and (folded[at].isalnum() or folded[at] == "_")


def _words_at(
    folded: str, words: tuple[str, ...], least: int, separator: re.Pattern[str]
) -> Iterator[tuple[int, int]]:
    """Where ``folded`` writes ``words`` as whole words, one after another with ``separator``
    between them, at least ``least`` of them from the first: the longest such run at each place.
    A literal search for the first word, not a regular expression: a pattern of each person's
    values, compiled for each signal, would cost more than the search (120 µs)."""
    first = words[0]
    at = folded.find(first)
    while at >= 0:
        if not _is_word(folded, at - 1):
            end, longest, count = at + len(first), None, 1
            while True:
                if count >= least and not _is_word(folded, end):
                    longest = end
                if count == len(words) or (gap := separator.match(folded, end)) is None:
                    break
                if not folded.startswith(words[count], gap.end()):
                    break
                end, count = gap.end() + len(words[count]), count + 1
            if longest is not None:
                yield at, longest
        at = folded.find(first, at + 1)


def _digits_at(folded: str, digits: str, letters: str = "") -> Iterator[tuple[int, int]]:
    """Where ``folded`` writes the number ``digits`` as a whole, its digits grouped any way, after
    ``letters`` (folded) glued to its first digit when given (a passport's "b" of "B1234567")."""
    for run in _DIGIT_RUN.finditer(folded):
        places = [run.start() + i for i, ch in enumerate(run.group()) if ch.isdigit()]
        written = "".join(folded[i] for i in places)
        at = written.find(digits)
        while at >= 0:
            start, end = places[at], places[at + len(digits) - 1] + 1
            if letters and folded.startswith(letters, start - len(letters)):
                start -= len(letters)
            elif letters:
                start = -1
            if start >= 0 and not _is_word(folded, start - 1) and not _is_word(folded, end):
                yield start, end
            at = written.find(digits, at + 1)


def identity_values(text: str) -> list[str]:
    """The names and houses :func:`mask_identity` masks in ``text``, in small letters, in order:
    two letters alike but for their writers' are two people's
    (:func:`~duluan.analysis.dedupe.content_hash`)."""
    return [text[start:end].lower() for start, end in identity_spans(text)]


def identity_names(text: str) -> list[str]:
    """The names :func:`mask_identity` masks in ``text`` (its writer's, those who sign with them,
    their kin's), as written, in order; not their houses."""
    folded = _folded(text)
    spans = _identity(text, folded) if folded else []
    return [text[start:end] for start, end, placeholder in spans if placeholder == NAME_PLACEHOLDER]


def mask_text_values(title: str, text: str) -> str:
    """``title`` (made NFC) with what masking its ``text`` finds of people masked wherever the
    title writes it too, in any case and with or without diacritics, as whole words: a title that
    names the writer in a shape no masker reads alone ("Nguyễn Thị Hoa - xã Tân Dĩnh", "Phản ánh
    của chị Lan") over a letter that introduces them ("Tôi tên là Nguyễn Thị Hoa, trú tại …").

    - The names :func:`mask_identity` masks in ``text`` (:func:`identity_names`), as
      :data:`NAME_PLACEHOLDER`: whole, with or without a title the masker took for part of the
      name ("Họ tên: Chị Lan"), and each run of two or more of its syllables that ends with the
      given name, as :func:`mask_person` masks a form's name. Such a run, and a name of one
      syllable, only where the title writes it as a name of its own: not next to another word
      with a capital ("chủ tịch xã Trần Văn Hùng" for a writer Đào Văn Hùng, "xã Tân Lan",
      "Hoa Lư"), unless after a form of address ("chị Lan"); a name of one syllable with its
      capital, not first in a sentence ("Lan can cầu gãy", "dịch lan rộng"), or after a form of
      address. The given name of a longer name alone after a form of address too ("chị Hoa" for
      Nguyễn Thị Hoa): how one names a person without their family name.
    - Its phone numbers and e-mail addresses
      (:func:`~duluan.analysis.normalise.personal_data_values`), as :func:`mask_person` masks a
      form's, looked for only where the title still holds six digits or an "@" (its own, written
      as the masker reads them, are masked: :func:`mask_writer`).
    - Its identity card, passport and bank account numbers, as :data:`ID_PLACEHOLDER`: however
      the title groups their digits, and without the word that names them, which the masker
      needs where a number has any number's form ("Ông <name> - 311613174" over "Số CMND:
      311613174", "Chuyển nhầm vào 19031234567890" over "tài khoản Techcombank 19031234567890").

    Not the house: the commune a writer lives in is often the place a title names.

    Args:
        title: A title, its own personal data masked (:func:`mask_writer`).
        text: Its text (NFC).

    Returns:
        The title masked.
    """
    # Of the 94,888 titled texts of the shared corpora (TC201805's 93,997 titles with their lead,
    # news_2026's 891 articles), 3 titles change: a driver's "tôi là James Ray" quoted in a report,
    # a pet's "Con tên là Pip", and "Facebook" of "chủ tài khoản Facebook", which mask_identity takes
    # for a name in the text too. 5.7-7.1 µs a TC201805 title and lead (CPU, 20,000 leads; the
    # title's mask_writer 3.8-5.2), on a busy machine (2026-12-07). With the identity and account
    # numbers, none more changes: 3 of TC201805's leads hold such a number, and their titles no six
    # digits (2026-12-08).
    title = unicodedata.normalize("NFC", title)
    if not title or not text:
        return title
    names = {
        tuple(words): None
        for name in identity_names(text)
        for words in _name_words(name)  # (a dict: each once, in order)
    }
    digits = _DIGIT_RUN.search(title) is not None
    # One search of the text for the kinds the title may write (an identity number only in digits).
    values = (
        personal_data_kinds(text, (PHONE, EMAIL, ID_NUMBER) if digits else (PHONE, EMAIL))
        if "@" in title or digits
        else []
    )
    phones_or_emails = [value for kind, value in values if kind != ID_NUMBER]
    numbers = [value for kind, value in values if kind == ID_NUMBER]
    if not names and not phones_or_emails and not numbers:
        return title
    folded = fold(title)
    if len(folded) != len(title):
        return title
    found: list[tuple[int, int, str]] = []
    cased = any(ch.islower() for ch in title) and any(ch.isupper() for ch in title)
    for words in names:
        for start in range(len(words) - 1 if len(words) > 1 else 1):
            run = words[start:]
            found += [
                (at, end, NAME_PLACEHOLDER)
                for at, end in _words_at(folded, run, len(run), _SPACES)
                if (not start and len(run) > 1) or _alone(title, at, end, len(run) == 1, cased)
            ]
        if len(words) > 1:  # the given name alone, after a form of address: "chị Hoa"
            found += [
                (at, end, NAME_PLACEHOLDER)
                for at, end in _words_at(folded, words[-1:], 1, _SPACES)
                if _addressed(title, at, cased)
            ]
    masked = _masked(title, _longest_first(found)) if found else title
    for value in phones_or_emails:
        person = PersonValues(email=value) if "@" in value else PersonValues(phone=value)
        masked = mask_person(masked, person)
    return _numbers_masked(masked, numbers) if numbers else masked


def _numbers_masked(title: str, numbers: list[str]) -> str:
    """``title`` with ``numbers`` (an identity or account number's digits, a passport's with its
    letter first: :func:`~duluan.analysis.normalise.personal_data_values`) read as
    :data:`ID_PLACEHOLDER` wherever it writes them whole, their digits grouped any way."""
    folded = fold(title)
    if len(folded) != len(title):
        return title
    found: list[tuple[int, int, str]] = []
    for number in numbers:
        digits = number.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
        found += [
            (start, end, ID_PLACEHOLDER)
            for start, end in _digits_at(folded, digits, number[: len(number) - len(digits)].lower())
        ]
    return _masked(title, _longest_first(found)) if found else title


def _name_words(name: str) -> list[list[str]]:
    """``name``'s syllables folded, and without a title before the name ("Chị Lan": "chi lan",
    "lan"), as a name masked is written."""
    words = _folded_words(name)
    return [words, words[1:]] if len(words) > 1 and words[0] in _TITLES else [words] if words else []


def _longest_first(found: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """``found``'s spans that overlap no longer one (the first of two as long), in order."""
    spans: list[tuple[int, int, str]] = []
    for start, end, placeholder in sorted(found, key=lambda span: (span[0] - span[1], span[0])):
        if not any(start < b and a < end for a, b, _ in spans):
            spans.append((start, end, placeholder))
    return sorted(spans)


def _alone(text: str, start: int, end: int, single: bool, cased: bool) -> bool:
    """Whether ``text[start:end]``, part of a name or a name of one syllable, is written as a
    person's name of its own (see :func:`mask_text_values`); ``cased``: whether ``text`` has small
    letters and capitals both (a title in capitals, or in small letters, says nothing by them)."""
    if _addressed(text, start, cased):
        return True
    before = _word_before(text, start)
    if single and not (cased and text[start].isupper() and not _opens(text, start)):
        return False  # a word: "Lan can cầu gãy", "dịch lan rộng"
    after = _WORD_AFTER_RE.match(text, end)
    return not cased or not (
        (before is not None and before[0][0].isupper()) or (after is not None and after.group(1).isupper())
    )


def _addressed(text: str, at: int, cased: bool) -> bool:
    """Whether ``text[at]`` starts a name after a form of address: "chị Lan", "Chị Lan phản
    ánh"; where ``text`` is ``cased``, a name with its capital (not "anh hùng lao động") after a
    form with its capital only first in a sentence (not "huyện Cô Tô")."""
    before = _word_before(text, at)
    if before is None or fold(before[0]) not in _TITLES:
        return False
    word, start = before
    return not cased or (text[at].isupper() and (word[0].islower() or _opens(text, start)))


_WORD_BEFORE_RE = re.compile(r"(\w+)[ \t]+$")
_WORD_AFTER_RE = re.compile(r"[ \t]+(\w)")


def _word_before(text: str, at: int) -> tuple[str, int] | None:
    """The word before ``text[at]`` with only spaces between them, and where it starts."""
    m = _WORD_BEFORE_RE.search(text, max(0, at - 40), at)
    return (m.group(1), m.start(1)) if m else None


def _opens(text: str, at: int) -> bool:
    """Whether ``text[at]`` is the first word of ``text``, of a sentence or of a part of a title
    set apart by a dash, a colon or brackets: where any word has a capital."""
    before = text[:at].rstrip()
    return not before or before[-1] in '.!?:;-–—(["“\n'


def _folded(text: str) -> str | None:
    """``text`` folded, when it holds a word of a frame (or ends signed after a request:
    :func:`_signed_after_request`) and folds one character for one."""
    if next(_hints().iter(text.lower()), None) is None and not (
        text.rfind("\n", -64) >= 0 and _signed_after_request(text)  # (most end with no line break)
    ):
        return None
    folded = fold(text)
    return folded if len(folded) == len(text) else _NOT_ALIGNED


# A web message signed after a request in other words holds no hint ("Đường thôn Đông bị ngập nặng.
# Đề nghị xã cho kiểm tra.\nNguyễn Văn An" kept its writer's name): its end is looked at instead,
# where the hints find none. With "đề nghị", "kiến nghị", "kính mong", "yêu cầu" as hints, 4,677
# more of the 155,602 texts of the shared corpora and the citizen messages held one (TC201805's
# 5,027 against 3,670, VNTC's 14,921 against 11,910; 1,385 of the 20,000 bench leads against
# 1,037), and the other ways read 10 of them anew, 9 houses of a news report's shops, buildings and
# people ("nhà cao tầng số 93 phố Lò Đúc") and the name of a reader's adviser: none a writer's. Of
# the 155,602, 15 that hold no hint end with a line of three to five words with a family name (news
# bylines, readers' names, a shop's phone), none after a request: none is read anew, and
# mask_identity and letter_view change none of the 155,602. The test took 0.3 µs of a bench lead (a
# loop doing nothing, 0.08), letter_view 6.8-7.7 µs a lead against 6.9-7.7, on a busy machine
# (2026-12-07).
# The name's line may have its writer's address after it, on the line (after a dash or a comma) or
# on the lines below, as _SIGNATURE_RE reads a signature ("… kiểm tra.\nNguyễn Văn An\nThôn Đông",
# "Nguyễn Văn An - thôn Đông"): the name is looked for on the last _SIGNED_LINES lines, each of at
# most 60 characters, in the part of its line before a dash or a comma; _SIGNATURE_RE then decides.
# Of the 4,543 texts of the shared corpora and the citizen messages that hold no hint and a line
# break in their last 64 characters, none is let through, as with the last line alone, and
# mask_identity and letter_view change none of the 155,602 (2026-12-07).
def _signed_after_request(text: str) -> bool:
    """Whether ``text`` may end as a message signed after a request in other words (the group
    "asked" of _CLOSING), which holds no hint: one of its last lines begins with three to five
    words, the first a family name, and a request's word stands in the _SIGNATURE_TAIL characters
    before that line."""
    end = text.rstrip() if text[-1:].isspace() else text
    stop = len(end)
    for _ in range(_SIGNED_LINES):
        at = end.rfind("\n", max(0, stop - 61), stop)
        if at < 0:
            return False
        words = _SIGNED_PART_RE.split(end[at + 1 : stop], maxsplit=1)[0].split()
        if 3 <= len(words) <= 5 and _is_family_name(words[0]):
            return _ASKED_RE.search(fold(end[max(0, at - _SIGNATURE_TAIL) : at])) is not None
        stop = at
    return False


_SIGNED_LINES = 3
_SIGNED_PART_RE = re.compile(r"\s*[-–,]\s*")


# The words of a request in other words (the group "asked" of _CLOSING).
_ASKED_RE = re.compile(r"(?<![a-z])(?:de nghi|kien nghi|kinh mong|yeu cau)(?![a-z])")


# What _folded gives a text with a word of a frame that does not fold one character for one (not
# NFC): read as holding neither frame nor name, but as a letter's words (see letter_view).
_NOT_ALIGNED = ""


def _identity(text: str, folded: str) -> list[tuple[int, int, str]]:
    """The names and houses of :func:`identity_spans`: ``(start, end, placeholder)``, in order."""
    spans = []
    for m in _HOUSE_RE.finditer(folded):
        if m.group("house") is not None:
            spans.append((*_with_street(text, *m.span("house")), HOUSE_PLACEHOLDER))
            continue
        start, end = _with_street(text, *m.span("numbered"))
        # A street's type word, then its name or number: "số 1 đường sắt" is a railway line.
        if len(text[m.end("numbered") : end].split()) > 1:
            spans.append((start, end, HOUSE_PLACEHOLDER))
    small = None  # whether the text has no capital at all (read once a name needs it)
    kin = _KIN_RE.finditer(folded) if "toi" in folded else ()
    for m in itertools.chain(_IDENTITY_RE.finditer(folded), kin):
        next_to_kin = m.re is _KIN_RE and m.group("next") is not None  # "Chồng tôi Bùi Văn Tài"
        if next_to_kin and text[m.start() : m.start() + 3].lower() != "tôi":
            continue  # "em toi Ha Noi": "em tới Hà Nội", typed without diacritics
        if m.re is _KIN_RE and not _mine(text, folded, m.start()):
            continue  # "Khi ông tới, Nguyễn Văn A đã …": "tới", not "tôi"
        if _group(m, "list") is not None:
            spans += _listed(text, folded, m.end("list"))
            continue
        start, end = m.span("name")
        titled = m.group("title") is not None
        if titled and text[m.start("title")].isupper():  # "Họ tên: Bá Hùng": no title, a name
            start, titled = m.start("title"), False
        words = text[start:end].split(" ")
        named = list(itertools.takewhile(lambda word: word[:1].isupper(), words))
        shaped = False
        if not named and not _group(m, "bare"):  # (after "tôi" alone: "tôi tôn trọng tình yêu")
            named = words[: _small_name(words)]
            shaped = bool(named)
        if not named:
            # A text in small letters says a name only after "tên là" or a field's colon.
            if small is None:
                small = not any(ch.isupper() for ch in text)
            field = _group(m, "field")
            if not (small and (_group(m, "named") or (field and field.endswith(":")))):
                continue
            named = list(itertools.takewhile(lambda word: fold(word) not in _AFTER_NAME, words[:4]))
            if not named:
                continue
        if next_to_kin and (named[0].lower() in _NOT_NAMES or not (titled or shaped or _family_named(named))):
            continue  # a name by its shape, or after a title: not "Con tôi Học sinh lớp 5"
        stop = start + len(" ".join(named))
        if _group(m, "field") and re.match(r"\s*:", text[stop : stop + 2]):
            continue  # a label, not a name: "Người liên hệ\nTel: …"
        said = _group(m, "said") or _group(m, "kin")
        if len(named[0]) < 2 and len(named) == 1 and said:
            continue  # "Cha tôi là N. …": an initial, no name
        if (said or _group(m, "bare")) and not titled and not shaped:
            if named[0].lower() in _NOT_NAMES:
                continue  # "Tôi là Đảng viên", "Tôi là Chủ tịch xã": what, not who
            if len(named) < 2 and not re.match(r"\s*(?:[,.;:!?\n]|$)", text[stop : stop + 2]):
                continue  # one word is a name where the clause ends with it: "Tôi là Bình, ở …"
        if _group(m, "bare") and not (
            re.match(r"\s*[,–(-]", text[stop : stop + 3])
            or (len(named) >= 2 and _is_family_name(named[0]) and _IDENTIFIES.match(folded, stop))
        ):
            continue  # "Tôi, X, sinh năm", "Tôi X, số điện thoại": the name closes with a comma
        spans.append((start, stop, NAME_PLACEHOLDER))
    others = (
        *(_NAME_PHONE_RE.finditer(folded) if "<phone>" in folded else ()),
        *(_HOLDER_RE.finditer(folded) if "chu tai khoan" in folded else ()),
    )
    for m in others:
        start, end = m.span("name")
        words = list(itertools.takewhile(lambda word: word[:1].isupper(), text[start:end].split(" ")))
        if words and fold(words[0]) in _PRONOUNS:  # "Tôi Lê Văn Tám, số điện thoại <phone>"
            start, words = start + len(words[0]) + 1, words[1:]
        titled = len(words) >= 2 and fold(words[0]) in _TITLES
        if titled:  # "Bà <name> (<phone>) báo cống vỡ": the title stays, as elsewhere
            start, words = start + len(words[0]) + 1, words[1:]
        if len(words) + titled >= 2 - (m.re is _HOLDER_RE) and words[0].lower() not in _NOT_NAMES:
            spans.append((start, start + len(" ".join(words)), NAME_PLACEHOLDER))
    if "toi" in folded:
        for m in _KIN_AFTER_RE.finditer(folded):
            kin = _KIN_AFTER_BEFORE_RE.search(folded, max(0, m.start() - 30), m.start())
            if kin is not None and _mine(text, folded, m.start()):
                spans += _name_before(text, kin.start())
    spans += _signature(text, folded)
    if not spans:
        return spans
    # Two readings of one name ("Tôi Lê Văn Tám, số điện thoại <phone>": after "Tôi" and before a
    # phone; "Người viết đơn\nTrần Thị Hoa" after a closing formula: a field's and a signature): the
    # first, once.
    kept: list[tuple[int, int, str]] = []
    for span in sorted(spans):
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


_PRONOUNS = frozenset("toi em minh chau con".split())
_TITLES = frozenset("ong ba anh chi em co chu bac cu chau".split())


def _group(m: re.Match[str], name: str) -> str | None:
    """The group ``name`` of ``m``, ``None`` where its pattern has none."""
    return m.group(name) if name in m.re.groupindex else None


def _mine(text: str, folded: str, at: int) -> bool:
    """Whether "toi" at ``folded[at]`` is the writer's, after one of their kin, as written: "con tôi",
    "bà tôi" (not "còn tôi là", "có tôi,", "ông tới,"), or typed without diacritics but for the words
    that say something else as often ("co toi," is "có tôi,", "chi toi la" "chỉ tôi là", "ma toi" "mà
    tôi")."""
    if at and folded[at - 1].isalpha():
        return False  # ("chuyển tới")
    before = _KIN_BEFORE_RE.search(folded, max(0, at - 30), at)
    if before is None:
        return False
    kin = text[before.start("kinword") : before.end("kinword")].lower()
    mine = text[at : at + 3].lower()
    if mine == "toi":
        return kin.isascii() and kin not in ("co", "chi", "ma")
    return mine == "tôi" and kin in _KIN_WRITTEN


_KIN_WRITTEN = frozenset(
    "con vợ chồng bố mẹ cha má ba bà anh chị em ông cháu chú bác cô dì cậu mợ thím".split()
)
# What a writer writes after their name, when "Tôi" and no comma come before it.
_IDENTIFIES = re.compile(
    r"\s*(?:sinh|sn|tru|thuong tru|tam tru|o|hien|dia chi|que|so dien|dien thoai|sdt|dt|cccd|cmnd|xin|"
    r"lam don)\b"
)


def _family_named(named: list[str]) -> bool:
    """Whether ``named`` (words written with a capital) is a name with its family name, after its
    title or not: "Bùi Văn Tài", "Bà Nguyễn Thị Lan"; not "Học sinh", "Chủ tịch Lê Văn An"."""
    named = _untitled(named)
    return len(named) >= 2 and _is_family_name(named[0])


def _untitled(named: list[str]) -> list[str]:
    """``named`` without a title before a name of two words or more ("Ông Trần Văn Bình")."""
    return named[1:] if len(named) > 2 and fold(named[0]) in _TITLES else named


def _small_name(words: list[str]) -> int:
    """How many of ``words`` (as written) are a name in small letters by its shape: a family name, a
    middle name, then one given name or two ("trần thị nga", "nguyen thi thu trang"); 0 if none."""
    folded = [fold(word) for word in words[:4]]
    if (
        len(folded) < 3
        or not _is_family_name(words[0])
        or not _is_middle_name(words[1])
        or folded[2] in _NOT_GIVEN_FIRST
        or not all(word.islower() for word in words[:3])
    ):
        return 0
    return 4 if len(folded) > 3 and folded[3] not in _NOT_GIVEN and words[3].islower() else 3


def _name_before(text: str, at: int) -> list[tuple[int, int, str]]:
    """The name that ends before ``text[at]``: its last words written with a capital (two to five),
    or a name in small letters by its shape."""
    before = text[max(0, at - 60) : at].rstrip()
    end = max(0, at - 60) + len(before)
    before = before[before.rfind("\n") + 1 :]
    words = before.split(" ")[-5:]
    named = list(itertools.takewhile(lambda word: word[:1].isupper(), reversed(words)))[::-1]
    named = _untitled(named)  # "Ông <name> (bố đẻ tôi)": the title stays, as elsewhere
    if len(named) < 2 or named[0].lower() in _NOT_NAMES:
        for first in range(max(0, len(words) - 4), len(words) - 2):
            if _small_name(words[first:]) == len(words) - first:
                named = words[first:]
                break
        else:
            return []
    return [(end - len(" ".join(named)), end, NAME_PLACEHOLDER)]


def _listed(text: str, folded: str, at: int) -> list[tuple[int, int, str]]:
    """The names listed from ``text[at]`` on (see _LIST), to the first item that is none."""
    spans: list[tuple[int, int, str]] = []
    for _ in range(30):
        m = _ITEM_RE.match(folded, at)
        if m is None:
            break
        start, end = m.span("name")
        words = text[start:end].split(" ")
        named = list(itertools.takewhile(lambda word: word[:1].isupper(), words))
        if not named:
            named = words[: _small_name(words)]
        elif (len(named) < 2 and m.group("title") is None) or named[0].lower() in _NOT_NAMES:
            break
        if not named:
            break
        stop = start + len(" ".join(named))
        spans.append((start, stop, NAME_PLACEHOLDER))
        at = _IDENTITY_TAIL_RE.match(folded, stop).end()  # type: ignore[union-attr]
        if (separator := _ITEM_END_RE.match(folded, at)) is None:
            break
        at = separator.end()
    return spans


def _signature(text: str, folded: str) -> list[tuple[int, int, str]]:
    """The name a letter is signed with at its end (see _SIGNATURE_RE)."""
    # Most texts end with a word in small letters, no name's last, and are not searched: the search
    # took 6.5 µs of a citizen message that holds a letter's words (226 of 403 hold a closing word near
    # their end), this test 0.8 (32 pass it; 2026-12-07).
    words = text[-60:].split()
    if not words:
        return []
    if "<" not in words[-1]:  # a signature's phone or e-mail, masked
        last = words[-1].rstrip(".!").rpartition(".")[2].rpartition("!")[2]  # "… cảm ơn.Phương", "N.T.Thành"
        if not (
            last[:1].isupper()
            or any(_is_family_name(word) for word in words[-4:-2])
            # (a signature's address after the name: "Nguyễn Văn An - thôn 3", see _PLACE)
            or any(word[:1].isupper() and _is_family_name(word) for word in words[-10:-4])
        ):
            return []
    m = _SIGNATURE_RE.search(folded, max(0, len(folded) - _SIGNATURE_TAIL))
    if m is None:
        return []
    start, end = m.span("name")
    if m.group("title") is not None and text[m.start("title")].isupper():  # "Cháu Huỳnh Tấn Đạt"
        start = m.start("title")
    words = text[start:end].split(" ")
    if folded[start:end] in _NOT_SIGNATURES or words[0].lower() in _NOT_NAMES | _PLACE_WORDS:
        return []
    if _LABEL_RE.match(folded, start):
        return []  # a field's label: "Điện Thoại <phone>"
    if len(words) >= 2 and folded[start:end] in _PROVINCES:
        return []  # where it was written: "… xem xét giải quyết.\nHà Nội" (see _PROVINCES)
    asked = m.group("asked")
    if asked is not None and len(words) < 3:
        return []  # a request of other words, then a line of two: a place as often ("Hà Nội")
    if (
        asked is not None
        and (asked := asked.rstrip())[-1:] not in ".!?"
        and asked.rpartition(" ")[2] in _GOES_ON
    ):
        return []  # a sentence broken before the name it goes on with: "Đề nghị xử lý ông\nLê Văn A"
    asking = m.group("request") is not None or m.group("asked") is not None
    if asking and not (len(words) >= 2 and _is_family_name(words[0])):
        # After a request, a name with its family name ("… xem xét giải quyết.\nHoàng Văn Thái"): not
        # "… xem xét mua hàng trực tiếp …\nHết!", nor a place ("… giải quyết.\nĐình Bảng").
        return []
    capitals = all(_signed_word(word) for word in words) or (
        len(words) >= 2 and all(word.isupper() for word in words)
    )
    if not capitals and (_small_name(words) != len(words) or words[0].lower() in _EVERYDAY_FAMILY_NAMES):
        return []
    spans = [(start, end, NAME_PLACEHOLDER)]
    for house in _SIGNED_HOUSE_RE.finditer(folded, m.start("tail"), m.end("tail")):
        at, stop = _with_street(text, *house.span("house"))
        if stop > house.end("house") or house.group("numbered"):  # "Số 12 Lê Lợi, phường …", "số nhà 8"
            spans.append((at, stop, HOUSE_PLACEHOLDER))
    return spans


# A signature's field labels, not a name: "Cảm ơn!\nĐiện Thoại <phone>".
_LABEL_RE = re.compile(r"(?:" + _PHONE_WORDS + r"|dia chi|e-?mail|hotline|zalo)(?![a-z])")
# A house number that begins a line or part of a signature's address (see _SIGNATURE_RE).
_SIGNED_HOUSE_RE = re.compile(
    r"(?:^|(?<=[\n,:–-]))[ \t]*(?P<house>(?P<numbered>(?:so nha|nha so|so|sn)[ \t]*)?"
    + _NUMBER
    + _LANES
    + r")(?![\d/])",
    re.MULTILINE,
)


def _signed_word(word: str) -> bool:
    """Whether ``word`` is a word of a signed name: with its capital and no other ("Thành"), after
    initials ("N.T.Thành", "N.T."); not "VnExpress", "UBND"."""
    *initials, given = word.split(".")
    if not all(len(initial) == 1 and initial.isupper() for initial in initials):
        return False
    if not given:
        return bool(initials)
    return given[0].isupper() and given[1:].islower()  # ("D" of ":D" is none)


def _with_street(text: str, start: int, end: int) -> tuple[int, int]:
    """The house number at ``text[start:end]`` with its street's name after it: a type word
    ("đường") then the words written with a capital ("số 12 đường Lý Thái Tổ", "12 Lê Lợi")."""
    at = end
    while (m := _STREET_WORD.match(text, at)) is not None:
        word = m.group(1)
        typed = at == end and word.lower() in _STREET_TYPES
        if not (word[:1].isupper() or typed):
            break
        at = m.end()
        if typed and (number := _STREET_NUMBER.match(text, at)) is not None:
            return start, number.end()  # "đường 15"
    return start, at


_STREET_WORD = re.compile(r"[ \t]+([^\W\d_]+)")
_STREET_NUMBER = re.compile(r"[ \t]+\d+[A-Za-z]?(?![\w/])")


def _frame(text: str, folded: str) -> list[tuple[int, int]]:
    spans = []
    for m in _FRAME_RE.finditer(folded):
        name = m.group("name")
        if name is not None and name != NAME_PLACEHOLDER:
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
