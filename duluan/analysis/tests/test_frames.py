"""A citizen's letter read as its complaint: the frame every letter has is left out."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from duluan.adminunits import PROVINCE, load_admin_data
from duluan.analysis.frames import (
    PersonValues,
    frame_spans,
    identity_names,
    identity_values,
    left_out_spans,
    letter_view,
    mask_identity,
    mask_person,
    mask_text_values,
    mask_writer,
)
from duluan.analysis.normalise import normalise
from duluan.analysis.places.masking import PLACE_TOKEN, mask_places


def kept(text: str) -> str:
    """The text without its frame, the frame's spans as "|"."""
    parts, at = [], 0
    for start, end in frame_spans(text):
        parts += [text[at:start], "|"]
        at = end
    return "".join([*parts, text[at:]])


def test_a_petition_s_frame_is_left_out_and_its_complaint_kept():
    # given a petition as citizens write them: addressee, who writes, the formula that opens the
    # complaint, the complaint, the request and the thanks
    text = (
        "Kính gửi: Ủy ban nhân dân tỉnh Bắc Ninh.\n"
        "Tôi tên là Đỗ Văn Nam, sinh năm 1975, trú tại số 27 đường Ngô Gia Tự, phường Kinh Bắc, "
        "điện thoại 0904 112 233.\n"
        "Tôi xin trình bày sự việc như sau: Gia đình tôi bị thu hồi 2 sào đất nhưng giá đền bù thấp.\n"
        "Kính mong các cấp có thẩm quyền quan tâm xem xét, giải quyết.\n"
        "Trân trọng cảm ơn!"
    )
    # when its frame is found, then only the complaint is left
    assert kept(text) == "||| Gia đình tôi bị thu hồi 2 sào đất nhưng giá đền bù thấp.||"
    # and typed without diacritics, the same
    bare = (
        "kinh gui ubnd xa\ntoi ten la Nguyen Van A, sinh nam 1980, tru tai thon B\nduong ngap qua\n"
        "tran trong cam on"
    )
    assert kept(bare) == "|\n|\nduong ngap qua\n|"


@pytest.mark.parametrize(
    "text",
    [
        "Cảm ơn xã đã sửa đường nhanh.",  # a thanks that says for what
        "Xin chân thành cảm ơn!",  # the formula is all the text says
        "Tôi là người dân thôn Hạ, đường ngập sâu.",  # no name: the sentence says more
        "Tôi là Nguyễn Văn A ở thôn B phản ánh việc đường ngập.",  # the complaint goes on
        "Nhà tôi gần trường học nên xe tải chạy ầm ầm cả đêm không ngủ được.",  # more than a landmark
        "Đề nghị xem xét lại mức đền bù.",  # a request that says what
        "Ngày 25/11: mất điện cả ngày",
        "Giá vàng hôm nay: tăng mạnh",
    ],
)
def test_a_sentence_that_says_more_than_a_formula_is_kept(text):
    assert frame_spans(text) == []


def test_a_hotline_log_s_heading_reporter_and_fields_are_left_out():
    # given a hotline log and a web form's fields written on one line
    log = (
        "[Tổng đài 1022] 14:32 ngày 25/11 - Công dân Nguyễn Thị Thu Trang, SĐT 0915 246 810, địa chỉ "
        "thôn Đông Khang, xã Tiên Du, phản ánh: Tôi xin hỏi thủ tục tách thửa đất ở."
    )
    form = "Họ tên: Lại Thị Ngọc. Điện thoại liên hệ: 0977 135 246. Nội dung: Ban quản lý chợ tăng phí."
    # when their frames are found, then what was reported is left (with its "Nội dung:")
    assert kept(log) == "|| Tôi xin hỏi thủ tục tách thửa đất ở."
    assert kept(form) == "|| Nội dung: Ban quản lý chợ tăng phí."


def test_a_voters_petition_a_residence_and_a_landmark_are_left_out():
    # given a voter-meeting petition, and complaints after where their writers live
    voters = (
        "Cử tri thôn Hạ, xã Gia Bình kiến nghị: đường liên thôn xuống cấp. "
        "Đề nghị các cấp có thẩm quyền quan tâm giải quyết."
    )
    landmark = "Nhà tôi đối diện trạm y tế xã. Khu phố tôi mất điện từ 8h sáng."
    residence = "Tôi trú tại số 27 đường Ngô Gia Tự, phường Kinh Bắc.\nGia đình tôi bị thu hồi đất."
    # when their frames are found, then the complaints alone are left
    assert kept(voters) == "| đường liên thôn xuống cấp.|"
    assert kept(landmark) == "| Khu phố tôi mất điện từ 8h sáng."
    assert kept(residence) == "|\nGia đình tôi bị thu hồi đất."


def test_the_models_that_mask_places_read_a_letter_without_its_frame():
    # given a letter to a commune about a flood
    text = "Kính gửi: UBND xã Tân Dĩnh.\nĐường làng ngập sâu sau mưa.\nTrân trọng cảm ơn!"
    # when masked for the models, then its frame is gone and its place masked
    (masked,) = mask_places([text])
    assert masked == "\n\nĐường làng ngập sâu sau mưa.\n"
    assert PLACE_TOKEN not in masked  # the place stood in the frame


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (
            "Tôi tên là Nguyễn Văn Hùng, sinh năm 1970, trú tại số 12 đường Lý Thái Tổ, phường Vũ Ninh.",
            "Tôi tên là <name>, sinh năm 1970, trú tại <house>, phường Vũ Ninh.",
        ),
        ("Người phản ánh: chị Lan. Nội dung: đèn hỏng.", "Người phản ánh: chị <name>. Nội dung: đèn hỏng."),
        ("Họ tên: Bá Hùng. Địa chỉ: 45/7 Lê Lợi, phường 3.", "Họ tên: <name>. Địa chỉ: <house>, phường 3."),
        # however the sentence goes on, and typed without diacritics or in capitals
        (
            "Tôi là Nguyễn Văn A ở thôn B phản ánh việc đường ngập.",
            "Tôi là <name> ở thôn B phản ánh việc đường ngập.",
        ),
        ("toi ten la Nguyen Van A, nha o so 5 ngo 12 pho Hang Bong", "toi ten la <name>, nha o <house>"),
        ("TÔI TÊN LÀ NGUYỄN VĂN HÙNG, TRÚ TẠI THÔN ĐÔNG.", "TÔI TÊN LÀ <name>, TRÚ TẠI THÔN ĐÔNG."),
        (
            "Công dân Trần Thị Thu, SĐT <phone>, phản ánh: mất điện.",
            "Công dân <name>, SĐT <phone>, phản ánh: mất điện.",
        ),
        # the village and commune stay (they say where the issue is), a street's house is masked
        # in a news report too, and no one is named where no name follows
        ("Tôi trú tại thôn Đông, xã Tân Dĩnh.", "Tôi trú tại thôn Đông, xã Tân Dĩnh."),
        (
            "Nguyễn Văn A (SN 1980, trú tại số 3 đường Trần Phú) bị bắt.",
            "Nguyễn Văn A (SN 1980, trú tại <house>) bị bắt.",
        ),
        ("Tôi là Đảng viên, tôi thấy cán bộ xã làm sai.", "Tôi là Đảng viên, tôi thấy cán bộ xã làm sai."),
        ("Tôi là người dân thôn Hạ, đường ngập sâu.", "Tôi là người dân thôn Hạ, đường ngập sâu."),
        # and as a review found them written (2026-12-07)
        ("Tôi tên Đặng Hữu Phước, nhà ở số 45 ngõ 7 phố Hoàng Văn Thụ.", "Tôi tên <name>, nhà ở <house>."),
        ("tôi tên là nguyễn văn bình ở thôn đông", "tôi tên là <name> ở thôn đông"),
        ("Mình là Kiều Minh Tuấn, sinh viên.", "Mình là <name>, sinh viên."),
        ("Tôi là Bình, ở thôn Hạ.", "Tôi là <name>, ở thôn Hạ."),
        ("Tôi, Phí Thị Ngọc Hân, sinh năm 1968.", "Tôi, <name>, sinh năm 1968."),
        ("Tôi Lê Văn Tám, số điện thoại <phone>.", "Tôi <name>, số điện thoại <phone>."),
        ("Đơn tố cáo của ông Trịnh Quốc Khánh", "Đơn tố cáo của ông <name>"),
        ("Đơn phản ánh của bà Lường Thị Quyên", "Đơn phản ánh của bà <name>"),
        ("Đơn đề nghị của ông Nguyễn Văn An", "Đơn đề nghị của ông <name>"),
        ("Don phan anh cua ba Luong Thi Quyen", "Don phan anh cua ba <name>"),
        (
            "Tôi là cựu chiến binh Lương Văn Thắng, ở số nhà 8 đường Nguyễn Văn Cừ.",
            "Tôi là cựu chiến binh <name>, ở <house>.",
        ),
        ("Tên tôi: Hoàng Văn Hải. Ký tên: Nguyễn Thị Mai", "Tên tôi: <name>. Ký tên: <name>"),
        ("Trần Văn Hai - <phone> - thôn Đông", "<name> - <phone> - thôn Đông"),
        ("Chuyển tiền cho chủ tài khoản Nguyễn Văn Dũng", "Chuyển tiền cho chủ tài khoản <name>"),
        ("Tôi ở số 99 đường Hùng Vương, trú tại số 5 đường 15.", "Tôi ở <house>, trú tại <house>."),
        # but not what someone is, nor a railway line, nor a count
        ("Tôi là Chủ tịch xã, tôi xin trả lời.", "Tôi là Chủ tịch xã, tôi xin trả lời."),
        (
            "Tuyến số 1 đường sắt chậm tiến độ, tôi là người dân.",
            "Tuyến số 1 đường sắt chậm tiến độ, tôi là người dân.",
        ),
        ("Tôi, với tư cách là người dân, phản ánh.", "Tôi, với tư cách là người dân, phản ánh."),
    ],
)
def test_the_writer_s_name_and_house_are_masked_and_the_place_of_the_issue_kept(text, masked):
    assert mask_identity(text) == masked
    # and masking again changes nothing
    assert mask_identity(masked) == masked


# The writer named where no pattern read them before (2026-12-07): each way, as letters write it,
# and what the same words say of others, which stays.
@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # fields as forms print them, and "Họ tên người phản ánh:" (its words to the colon: before,
        # "Họ tên người pha" was read as the field and the name not masked)
        ("Người làm đơn (ký, ghi rõ họ tên) Lê Văn Tám", "Người làm đơn (ký, ghi rõ họ tên) <name>"),
        ("Người làm đơn\n(Ký và ghi rõ họ tên)\nĐỗ Thị Lan", "Người làm đơn\n(Ký và ghi rõ họ tên)\n<name>"),
        (
            "Họ và tên người tố cáo: Cao Xuân Hòa. Nội dung: thuế.",
            "Họ và tên người tố cáo: <name>. Nội dung: thuế.",
        ),
        (
            "Họ tên người phản ánh: Nguyễn Văn An. Nội dung: mất điện",
            "Họ tên người phản ánh: <name>. Nội dung: mất điện",
        ),
        ("Tên người gửi: Hồ Văn Sơn\nNội dung: hỏi.", "Tên người gửi: <name>\nNội dung: hỏi."),
        ("Người phản ảnh: anh Tô Văn Dũng. Đèn hỏng.", "Người phản ảnh: anh <name>. Đèn hỏng."),
        ("Kí tên: Đinh Công Tráng", "Kí tên: <name>"),
        ("Người đề nghị: Dương Văn Lực", "Người đề nghị: <name>"),
        # a name before a phone's words or in brackets before it (its title stays); a name in
        # brackets after "Tôi,"; a greeting before "em là"; one word after "em tên"
        ("Trần Văn Đạt, SĐT <phone>, phản ánh: cống vỡ.", "<name>, SĐT <phone>, phản ánh: cống vỡ."),
        ("Bà Lan (<phone>) báo cống vỡ", "Bà <name> (<phone>) báo cống vỡ"),
        ("Tôi, Nguyễn Thị Mến (sinh năm 1970), ở thôn Yên.", "Tôi, <name> (sinh năm 1970), ở thôn Yên."),
        ("Dạ em là Nguyễn Thị Hồng ở thôn Trung.", "Dạ em là <name> ở thôn Trung."),
        ("Em tên Lan, học lớp 9.", "Em tên <name>, học lớp 9."),
        # but a label
        ("Người liên hệ\nTel: 0904", None),
    ],
)
def test_the_writer_in_more_of_a_form_s_fields_is_masked(text, masked):
    masked = text if masked is None else masked
    assert mask_identity(text) == masked
    assert mask_identity(masked) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # those who sign together, listed, numbered, with their titles, households and birth years
        (
            "Chúng tôi gồm: ông Nguyễn Văn An, bà Trần Thị Bích, cùng trú tại thôn Hạ.",
            "Chúng tôi gồm: ông <name>, bà <name>, cùng trú tại thôn Hạ.",
        ),
        (
            "Đồng đơn: Nguyễn Văn Bình, Lê Thị Hà. Nội dung: lối đi chung.",
            "Đồng đơn: <name>, <name>. Nội dung: lối đi chung.",
        ),
        (
            "Chúng tôi gồm có:\n1. Ông Phạm Văn Khải, sinh năm 1958;\n2. Bà Hồ Thị Lệ.\nCùng trú tại xóm 2.",
            "Chúng tôi gồm có:\n1. Ông <name>, sinh năm 1958;\n2. Bà <name>.\nCùng trú tại xóm 2.",
        ),
        ("Những người đứng đơn: Vương Đình Huệ; Quách Thị Mơ.", "Những người đứng đơn: <name>; <name>."),
        (
            "Người đồng đơn: bà Nghiêm Thị Tâm và ông Lưu Văn Sáu, đều ở tổ 5.",
            "Người đồng đơn: bà <name> và ông <name>, đều ở tổ 5.",
        ),
        (
            "Chúng tôi là các hộ dân xóm Bãi gồm: hộ ông Giáp Văn Thành, hộ bà Chu Thị Nga.",
            "Chúng tôi là các hộ dân xóm Bãi gồm: hộ ông <name>, hộ bà <name>.",
        ),
        (
            "chung toi gom: ong le van ba, ba nguyen thi tu, o thon ha",
            "chung toi gom: ong <name>, ba <name>, o thon ha",
        ),
        # but a list of no one, and the official the list's writers accuse
        ("Chúng tôi gồm 15 hộ dân thôn Đông bị thu hồi đất.", None),
        ("Chúng tôi gồm nhiều hộ dân, đề nghị xử lý ông Đặng Văn Lâm, chủ xưởng gỗ.", None),
    ],
)
def test_those_who_sign_a_letter_together_are_masked(text, masked):
    masked = text if masked is None else masked
    assert mask_identity(text) == masked
    assert mask_identity(masked) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # one of the writer's family, after "là", "tên (là)" or a comma, or before their kin
        ("Con trai tôi là Nguyễn Văn Bảo, học lớp 5.", "Con trai tôi là <name>, học lớp 5."),
        ("Vợ tôi, Trần Thị Hoài, bị ngã xe.", "Vợ tôi, <name>, bị ngã xe."),
        ("Mẹ tôi là bà Lê Thị Gấm, 85 tuổi.", "Mẹ tôi là bà <name>, 85 tuổi."),
        ("Cha tôi là liệt sĩ Hoàng Văn Thụy.", "Cha tôi là liệt sĩ <name>."),
        ("Con gái tôi tên là Ngô Bảo Châu.", "Con gái tôi tên là <name>."),
        (
            "Gia đình ông Phạm Văn Đức (con trai tôi) bị lấn đất.",
            "Gia đình ông <name> (con trai tôi) bị lấn đất.",
        ),
        ("Ông Bùi Văn Kiên (bố đẻ tôi) đã mất.", "Ông <name> (bố đẻ tôi) đã mất."),
        ("con trai toi la nguyen van tien bi tai nan", "con trai toi la <name> bi tai nan"),
        # but not who harmed them, an official, a neighbour, nor "còn tôi", "có tôi", "ông tới",
        # "của mình" (whose: a news report's characters), "vợ" (no "Võ")
        ("Con tôi bị ông Lê Văn Sơn hàng xóm đánh.", None),
        ("Gia đình ông Hoàng Văn Cừ (hàng xóm) đổ rác ra đường.", None),
        ("Con trai ông Lê Văn Quý, Chủ tịch xã, được giao đất trái phép.", None),
        ("Ông Nguyễn Văn X, em tôi đã báo việc này.", None),
        ("Mẹ tôi mới là Mrs. Houston, còn tôi là Mrs Brown.", None),
        ("Trong đó có tôi, Quyền Văn Minh, Quốc Trung.", None),
        ("Khi ông tới, Nguyễn Văn A đã đi.", None),
        ("Mẹ tôi là vợ hai của bố.", None),
        ("Hải Lan giới thiệu em gái ruột của mình là Hải Linh.", None),
    ],
)
def test_the_writer_s_family_is_masked_and_others_kept(text, masked):
    masked = text if masked is None else masked
    assert mask_identity(text) == masked
    assert mask_identity(masked) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # the name right after the kin word: with its family name, after a title, by its shape
        (
            "Chồng tôi Bùi Văn Tài bị công an xã giữ từ hôm qua.",
            "Chồng tôi <name> bị công an xã giữ từ hôm qua.",
        ),
        ("Mẹ tôi bà Nguyễn Thị Lan năm nay 80 tuổi", "Mẹ tôi bà <name> năm nay 80 tuổi"),
        ("Con gái tôi Trần Thị Mai học lớp 5", "Con gái tôi <name> học lớp 5"),
        ("Bố tôi ông Lê Văn Hùng đã mất", "Bố tôi ông <name> đã mất"),
        ("Anh trai tôi Nguyễn Văn Nam bị bắt.", "Anh trai tôi <name> bị bắt."),
        (
            "Em tôi Đỗ Văn Khoa bị thương, cháu tôi Lê Minh Anh bị lạc.",
            "Em tôi <name> bị thương, cháu tôi <name> bị lạc.",
        ),
        ("Mẹ tôi bà Lan năm nay 80 tuổi.", "Mẹ tôi bà <name> năm nay 80 tuổi."),
        ("Bố tôi cựu chiến binh Nguyễn Văn Hải đã mất.", "Bố tôi cựu chiến binh <name> đã mất."),
        ("vợ tôi trần thị mai bị ốm nằm viện", "vợ tôi <name> bị ốm nằm viện"),
        # and a kin named after "là" further on: "tôi" is read again after one next to its kin
        ("Bố tôi và mẹ tôi là Nguyễn Thị Hằng.", "Bố tôi và mẹ tôi là <name>."),
        # but not a word between (who harmed the child), a neighbour, an official, a street after a
        # verb, a common noun, a day or a title with its capital, a place after "tới" typed without
        # diacritics ("em tới Hà Nội")
        ("Con tôi bị ông Nguyễn Văn Xuân đánh.", None),
        ("Hàng xóm nhà tôi là ông Trần Văn Cường xây lấn.", None),
        ("Chồng tôi gặp ông Lê Văn Bảy, cán bộ địa chính.", None),
        ("Chồng tôi đi đường Lê Lợi thì bị ngã.", None),
        ("Con tôi Học sinh lớp 5 bị đánh.", None),
        ("Con tôi Thứ Bảy nào cũng phải đi học thêm.", None),
        ("Bố tôi Chủ tịch Lê Văn An ký.", None),
        ("Mẹ tôi bà Chủ tịch xã đã ký.", None),
        ("toi la sinh vien, em toi Ha Noi hoc tu thang 9", None),
    ],
)
def test_the_writer_s_kin_named_right_after_the_kin_word_is_masked(text, masked):
    # given a letter that names one of its writer's family right after the kin word, or another
    # person after one
    # when officials see it
    shown = mask_identity(text)
    # then the kin's name is masked and the other kept, in the letter's view too, and masking
    # again changes nothing
    assert shown == (text if masked is None else masked)
    assert (letter_view(text) or (text,))[0] == shown
    assert mask_identity(shown) == shown


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # a name in small letters by its shape: a family name, a middle name, a given name or two,
        # after "Tôi là", a field's colon, "tên là" in a text with capitals
        ("tôi là trần thị nga ở thôn bắc, xin hỏi", "tôi là <name> ở thôn bắc, xin hỏi"),
        ("toi la nguyen van nam o thon 3", "toi la <name> o thon 3"),
        ("Tôi tên là nguyễn văn bình, ở thôn Đông.", "Tôi tên là <name>, ở thôn Đông."),
        ("Người gửi: nguyễn mạnh hà, Gửi tới: Ban Văn hoá", "Người gửi: <name>, Gửi tới: Ban Văn hoá"),
        # and after "Tôi" and no comma, a name with its family name before what identifies the writer
        ("Tôi Trần Văn Lâm trú tại thôn Kim.", "Tôi <name> trú tại thôn Kim."),
        # but words that only look like a name in small letters, or after "tôi" alone
        ("toi la dang vien, toi thay can bo xa lam sai", None),
        ("toi la le tan khach san, muon hoi", None),
        ("toi la ho ngheo nhung chua duoc ho tro", None),
        ("Tôi không như bạn, tôi tôn trọng tình yêu, và tình yêu cũng vậy.", None),
        ("Tôi Yêu Việt Nam.", None),
    ],
)
def test_the_writer_named_in_small_letters_is_masked_by_the_name_s_shape(text, masked):
    masked = text if masked is None else masked
    assert mask_identity(text) == masked
    assert mask_identity(masked) == masked


# With the ways above and the signature, a hand-written set of 99 letters that name their writer or
# the writer's family so (112 names) had 22 names masked before, 110 after; of 71 letters that name
# officials, the accused, neighbours, news figures, streets and places (73 names), none was masked
# before or after (2026-12-07).
@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # a signature after the closing formula, with what a signer writes between, and a phone
        ("Đường hỏng lâu rồi. Xin cảm ơn! Nguyễn Văn Nam", "Đường hỏng lâu rồi. Xin cảm ơn! <name>"),
        ("Mong xử lý sớm.\nTrân trọng,\nPhạm Minh Đức", "Mong xử lý sớm.\nTrân trọng,\n<name>"),
        (
            "Cống tắc. Kính mong các cấp xem xét, giải quyết.\nHoàng Văn Thái",
            "Cống tắc. Kính mong các cấp xem xét, giải quyết.\n<name>",
        ),
        ("Đề nghị làm rõ.\nKính đơn\nVũ Thị Hằng", "Đề nghị làm rõ.\nKính đơn\n<name>"),
        (
            "Xin trân trọng cảm ơn!\n(đã ký)\nĐào Duy Anh - <phone>",
            "Xin trân trọng cảm ơn!\n(đã ký)\n<name> - <phone>",
        ),
        ("Cảm ơn.\nTM. gia đình\nTrương Văn Quyết", "Cảm ơn.\nTM. gia đình\n<name>"),
        # a full name on the line after a request in other words, with no closing formula
        (
            "Kính gửi: UBND xã.\nĐường thôn Đông ngập. Đề nghị xã cho kiểm tra.\nNguyễn Văn An",
            "Kính gửi: UBND xã.\nĐường thôn Đông ngập. Đề nghị xã cho kiểm tra.\n<name>",
        ),
        (
            "Kính gửi: UBND xã.\nKính đề nghị xã sớm khắc phục\nTrần Thị Hoa",
            "Kính gửi: UBND xã.\nKính đề nghị xã sớm khắc phục\n<name>",
        ),
        # and in a message that holds no other word of a letter, in any case and spelling, with what a
        # signer writes between
        (
            "Đường thôn Đông bị ngập nặng. Đề nghị xã cho kiểm tra.\nNguyễn Văn An",
            "Đường thôn Đông bị ngập nặng. Đề nghị xã cho kiểm tra.\n<name>",
        ),
        ("Cống vỡ. YÊU CẦU xã sửa ngay\nTrần Thị Hoa.", "Cống vỡ. YÊU CẦU xã sửa ngay\n<name>."),
        ("cong vo. kien nghi xa sua som\nnguyen van tam", "cong vo. kien nghi xa sua som\n<name>"),
        ("Kính mong huyện làm rõ.\n(đã ký)\nBùi Thị Lan\n", "Kính mong huyện làm rõ.\n(đã ký)\n<name>\n"),
        # (with the writer's address after the name, on its line or below)
        (
            "Cống vỡ. Đề nghị xã kiểm tra.\nNguyễn Văn An\nThôn Đông",
            "Cống vỡ. Đề nghị xã kiểm tra.\n<name>\nThôn Đông",
        ),
        (
            "Cống vỡ. Đề nghị xã kiểm tra.\nNguyễn Văn An\nThôn Đông\nxã Tân Dĩnh",
            "Cống vỡ. Đề nghị xã kiểm tra.\n<name>\nThôn Đông\nxã Tân Dĩnh",
        ),
        (
            "Cống vỡ. Đề nghị xã kiểm tra.\nNguyễn Văn An - thôn Đông",
            "Cống vỡ. Đề nghị xã kiểm tra.\n<name> - thôn Đông",
        ),
        (
            "Cống vỡ. Yêu cầu xã sửa.\nTrần Thị Hoa, thôn Đông, xã Tân Dĩnh",
            "Cống vỡ. Yêu cầu xã sửa.\n<name>, thôn Đông, xã Tân Dĩnh",
        ),
        # a place and date line, then the name
        (
            "Cống vỡ. Mong xã xem xét, giải quyết.\nHà Nội, ngày 5/3/2025\nTrần Văn Nam",
            "Cống vỡ. Mong xã xem xét, giải quyết.\nHà Nội, ngày 5/3/2025\n<name>",
        ),
        # a name with more after it: its address (the village and commune stay, the house number and
        # street go), a phone, an e-mail; or a place before it
        (
            "Đường hỏng nặng. Xin cảm ơn!\nNguyễn Văn An\nThôn Đông, xã Tân Dĩnh",
            "Đường hỏng nặng. Xin cảm ơn!\n<name>\nThôn Đông, xã Tân Dĩnh",
        ),
        (
            "Đường hỏng nặng. Xin cảm ơn!\nNguyễn Văn An\nĐịa chỉ: thôn Đông, xã Tân Dĩnh",
            "Đường hỏng nặng. Xin cảm ơn!\n<name>\nĐịa chỉ: thôn Đông, xã Tân Dĩnh",
        ),
        (
            "Đường hỏng nặng. Xin cảm ơn!\nNguyễn Văn An - thôn Đông",
            "Đường hỏng nặng. Xin cảm ơn!\n<name> - thôn Đông",
        ),
        (
            "Đường hỏng nặng. Xin cảm ơn!\nHà Nội\nNguyễn Văn An",
            "Đường hỏng nặng. Xin cảm ơn!\nHà Nội\n<name>",
        ),
        ("Cống vỡ. Trân trọng,\nTrần Thị Hoa, xóm 2, thôn 3", "Cống vỡ. Trân trọng,\n<name>, xóm 2, thôn 3"),
        (
            "Cống vỡ. Xin cảm ơn!\nTrần Thị Hoa\nTổ 5, P. Đông Ngàn",
            "Cống vỡ. Xin cảm ơn!\n<name>\nTổ 5, P. Đông Ngàn",
        ),
        (
            "Cống vỡ. Xin cảm ơn!\nTrần Thị Hoa\nSố 12 Lê Lợi, phường Đông Ngàn",
            "Cống vỡ. Xin cảm ơn!\n<name>\n<house>, phường Đông Ngàn",
        ),
        (
            "Cống vỡ. Xin cảm ơn!\nTrần Thị Hoa\nĐịa chỉ: số 12 đường Lê Lợi, phường Đông Ngàn",
            "Cống vỡ. Xin cảm ơn!\n<name>\nĐịa chỉ: <house>, phường Đông Ngàn",
        ),
        (
            "Cống vỡ. Xin cảm ơn!\nTrần Thị Hoa - 45/7 Trần Phú, Hà Nội",
            "Cống vỡ. Xin cảm ơn!\n<name> - <house>, Hà Nội",
        ),
        (
            "Cống vỡ. Xin cảm ơn!\nTrần Thị Hoa\nThôn Đông, xã Tân Dĩnh\nĐT: <phone>",
            "Cống vỡ. Xin cảm ơn!\n<name>\nThôn Đông, xã Tân Dĩnh\nĐT: <phone>",
        ),
        (
            "Cống vỡ. Xin cảm ơn!\nTrần Thị Hoa\nEmail: hoa@gmail.com",
            "Cống vỡ. Xin cảm ơn!\n<name>\nEmail: hoa@gmail.com",
        ),
        (
            "Cống vỡ. Xin cảm ơn!\nTP. Hồ Chí Minh\nTrần Thị Hoa",
            "Cống vỡ. Xin cảm ơn!\nTP. Hồ Chí Minh\n<name>",
        ),
        (
            "Cống vỡ. Xin cảm ơn!\nPhường Đông Ngàn\nTrần Thị Hoa",
            "Cống vỡ. Xin cảm ơn!\nPhường Đông Ngàn\n<name>",
        ),
        (
            "Kính mong xem xét, giải quyết.\nBắc Ninh, ngày 5 tháng 3 năm 2025\nNguyễn Văn An\nThôn Đông",
            "Kính mong xem xét, giải quyết.\nBắc Ninh, ngày 5 tháng 3 năm 2025\n<name>\nThôn Đông",
        ),
        # a given name alone, initials, a title with its capital, a name in capitals or small letters
        ("Tôi rất buồn. Xin chân thành cảm ơn.\nTuyết Linh", "Tôi rất buồn. Xin chân thành cảm ơn.\n<name>"),
        ("Cám ơn rất nhiều.\nN.T.Thành", "Cám ơn rất nhiều.\n<name>"),
        ("Cháu thành thật cảm ơn.\nCháu Huỳnh Tấn Đạt", "Cháu thành thật cảm ơn.\n<name>"),
        ("Đèn hỏng. Trân trọng.\nĐINH VĂN HÙNG", "Đèn hỏng. Trân trọng.\n<name>"),
        ("duong lang hong. xin cam on. nguyen van hai", "duong lang hong. xin cam on. <name>"),
        # but not a place, a source, an organisation, nor a name the closing thanks, nor a request's
        # words that end a news report with a place, nor one word after a request
        ("Trân trọng cảm ơn!\nBắc Ninh, ngày 5 tháng 12 năm 2026", None),
        ("Cảm ơn!\nPhường Đông Ngàn", None),
        ("Xin cảm ơn!\nTheo VnExpress", None),
        # (a province or city where the letter was written, after any closing, with a date or not;
        # one word after a closing is a given name as often, "Huế")
        ("Cống vỡ. Mong xã xem xét, giải quyết.\nHà Nội", None),
        ("Cống vỡ. Kính mong xã xem xét giải quyết.\nHà Nội", None),
        ("Cống vỡ. Kính mong xã xem xét giải quyết.\nHồ Chí Minh", None),
        ("Cống vỡ. Kính mong xã xem xét giải quyết.\nTP. Hồ Chí Minh", None),
        ("Cống vỡ. Kính mong xã xem xét giải quyết.\nBắc Ninh, ngày 5 tháng 3 năm 2025", None),
        ("Cống vỡ. Xin cảm ơn!\nĐà Nẵng", None),
        ("Cống vỡ. Trân trọng.\nThái Bình", None),
        ("Cống vỡ. Đề nghị xã kiểm tra.\nHồ Chí Minh", None),
        ("Cống vỡ. Xin cảm ơn.\nHuế", "Cống vỡ. Xin cảm ơn.\n<name>"),
        ("Trân trọng cảm ơn!\nUBND phường Vũ Ninh", None),
        ("Xin chân thành cảm ơn bác sĩ Lê Văn Hùng!", None),
        ("Cần giải quyết ùn tắc ở các thành phố lớn như Hà Nội, TP. Hồ Chí Minh.", None),
        ("Kính mong xem xét giải quyết.\nĐình Bảng", None),
        # (after a request in other words, two words are a place as often, and the request must end
        # its line)
        ("Kính gửi: UBND xã.\nĐề nghị xã sớm khắc phục.\nHà Nội", None),
        ("Kính gửi: UBND xã.\nĐề nghị xã sớm khắc phục cho Nguyễn Văn An", None),
        ("Kính gửi: UBND xã.\nDân mong sớm có đường mới.\nTrần Thị Hoa", None),
        # (nor in a message with no other word of a letter; nor where the line breaks a request that
        # goes on with the name of whom it accuses, an official's post, a title, an organisation)
        ("Đề nghị xã sớm khắc phục.\nHà Nội", None),
        ("Đề nghị xã sớm khắc phục cho Nguyễn Văn An", None),
        ("Dân mong sớm có đường mới.\nTrần Thị Hoa", None),
        ("Đề nghị huyện kỷ luật ông\nNguyễn Văn An", None),
        ("Kính gửi: UBND xã.\nĐề nghị huyện kỷ luật chủ tịch\nNguyễn Văn An", None),
        ("Bộ yêu cầu các tỉnh kiểm tra.\nSở Y tế Hà Nội", None),
        ("Đề nghị xã kiểm tra.\nChủ tịch Nguyễn Văn An", None),
        ("Đề nghị huyện kỷ luật chủ tịch\nNguyễn Văn An\nthôn Đông", None),
        ("Đề nghị xã kiểm tra.\nNguyễn Văn An\nẢnh: Tuấn Anh", None),
        ("Đề nghị xã kiểm tra.\nNguyễn Văn An\nVà nhiều hộ dân khác nữa", None),
        ("Khả năng lần sau sẽ xem xét mua hàng trực tiếp...\nHết!", None),
        # (nor, with more on the lines around: a place alone, or two, an official thanked in a sentence
        # that goes on, a news byline after no closing, a field's label, a request broken before whom
        # it accuses)
        ("Xin cảm ơn!\nThôn Đông, xã Tân Dĩnh", None),
        ("Xin cảm ơn!\nHà Nội, ngày 5/3/2025", None),
        ("Xin cảm ơn!\nHà Nội\nBắc Ninh", None),
        ("Xin cảm ơn!\nPhường Đông Ngàn\nTP. Từ Sơn", None),
        ("Kính mong xem xét giải quyết.\nĐình Bảng\nTừ Sơn, Bắc Ninh", None),
        ("Trân trọng cảm ơn!\nUBND xã Tân Dĩnh\nThôn Đông", None),
        ("Chúng tôi xin cảm ơn ông Nguyễn Văn An, chủ tịch xã Tân Dĩnh, đã quan tâm.", None),
        ("Xin cảm ơn ông Nguyễn Văn An - chủ tịch xã Tân Dĩnh", None),
        ("Theo UBND tỉnh, hàng trăm hộ dân bị ảnh hưởng.\nNguyễn Văn An - Bắc Ninh", None),
        ("Xin cảm ơn!\nĐiện Thoại <phone>", None),
        ("Kính gửi: UBND xã.\nĐề nghị huyện kỷ luật chủ tịch\nNguyễn Văn An - xã Tân Dĩnh", None),
        ("Cảm ơn khách hàng dễ thương nha :D", None),
    ],
)
def test_a_letter_s_signature_is_masked_and_what_else_ends_a_text_kept(text, masked):
    masked = text if masked is None else masked
    assert mask_identity(text) == masked
    assert mask_identity(masked) == masked


def test_a_letter_signed_from_any_province_keeps_its_place():
    # given each province and city run by the centre, of both schemes, as the records name them, of
    # two words or more (one after a closing is a given name as often: "Huế")
    names = {unit.short_name for unit in load_admin_data().units if unit.level == PROVINCE}
    names = {name for name in names if " " in name}
    assert len(names) >= 60
    for name in names:
        for closing in ("Xin cảm ơn!", "Mong xã xem xét, giải quyết.", "Đề nghị xã kiểm tra."):
            # when a letter ends with it after its closing
            text = f"Đường ngập sâu.\n{closing}\n{name}"
            # then it is kept, where the letter was written, whether or not it holds a word of a letter
            assert mask_identity(text) == text, name
            assert (letter_view(text) or (text,))[0] == text, name


def test_a_message_signed_after_a_request_is_a_letter_in_every_view():
    # given a message that holds no other word of a letter
    text = "Đường thôn Đông bị ngập nặng. Đề nghị xã cho kiểm tra.\nNguyễn Văn An"
    # then officials, duplicates and the models read it without its writer's name
    masked, content = letter_view(text)
    assert masked == content == "Đường thôn Đông bị ngập nặng. Đề nghị xã cho kiểm tra.\n<name>"
    assert identity_values(text) == ["nguyễn văn an"]
    assert left_out_spans(text) == [(text.index("Nguyễn"), len(text))]
    assert mask_writer(text) == masked
    (for_models,) = mask_places([text])
    assert "Nguyễn" not in for_models and "An" not in for_models.split()
    # and its normalised form is read as a letter too (the pipeline looks for the name again)
    assert letter_view(normalise(text).text) is not None


def test_a_signed_letter_s_view_values_and_left_out_spans_agree():
    # given an anonymous letter signed at its end
    text = "Kính gửi: UBND xã.\nĐường ngập sâu.\nKính mong các cấp xem xét, giải quyết.\nTrần Thị Hoa"
    # then officials see it without the name, two letters alike but for their signers are two
    # people's, and the models read it without the name either
    masked, content = letter_view(text)
    assert "Hoa" not in masked and masked.endswith("<name>")
    assert "Hoa" not in content and "Đường ngập sâu." in content
    assert identity_values(text) == ["trần thị hoa"]
    start = text.index("Trần")
    assert any(a <= start and len(text) <= b for a, b in left_out_spans(text))
    assert mask_writer(text) == masked


KHANH = PersonValues(
    name="Trịnh Quốc Khánh",
    address="Số 12 đường Lê Lợi, phường Bắc Giang",
    phone="0912345678",
    email="trinh.khanh@example.invalid",
)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # the name whole and each run of two syllables or more that ends with the given name, in
        # any case, accents and spacing
        ("Ông TRINH QUOC KHANH, trịnh  quốc\nkhánh đã nộp đơn", "Ông <name>, <name> đã nộp đơn"),
        ("Anh Quốc Khánh và anh quoc khanh cùng ký", "Anh <name> và anh <name> cùng ký"),
        # but not a family and middle name alone, which are many people's and streets'
        ("Đường Trịnh Quốc Toản, ông Trịnh Quốc", "Đường Trịnh Quốc Toản, ông Trịnh Quốc"),
        # but not one syllable, nor the syllables inside another word
        ("Khánh thành cầu, trinhquoc khanh", "Khánh thành cầu, trinhquoc khanh"),
        # the address whole, its words apart by spaces or commas, and its part with the house number
        ("Nhà ở Số 12 đường Lê Lợi phường Bắc Giang bị nứt", "Nhà ở <house> bị nứt"),
        ("Nhà số 12 Đường Lê Lợi bị nứt, phường Bắc Giang", "Nhà <house> bị nứt, phường Bắc Giang"),
        # the phone however grouped, but not inside a longer number; the e-mail in capitals
        (
            "Gọi 0912.345.678 hay 0912 345 678, không phải 10912345678",
            "Gọi <phone> hay <phone>, không phải 10912345678",
        ),
        ("Thư: TRINH.KHANH@EXAMPLE.INVALID.", "Thư: <email>."),
        # a text written in decomposed form is read as NFC
        (unicodedata.normalize("NFD", "Đơn của ông Trịnh Quốc Khánh"), "Đơn của ông <name>"),
    ],
)
def test_a_person_s_form_values_are_masked_wherever_the_text_writes_them(text, masked):
    assert mask_person(text, KHANH) == masked


def test_a_text_shown_without_its_writer_loses_personal_data_then_the_writer_then_the_form_s_values():
    text = unicodedata.normalize("NFD", "Đơn tố cáo của ông Nguyễn Văn Tư. Gọi Quốc Khánh: 0912.345.678")
    assert mask_writer(text, KHANH) == "Đơn tố cáo của ông <name>. Gọi <name>: <phone>"
    assert mask_writer("Trần Văn Bình - 0987654321", None) == "<name> - <phone>"
    assert mask_writer("", KHANH) == ""


def test_the_longest_value_is_masked_first_and_a_text_without_one_is_returned_as_it_is():
    # given a person whose name is a street's name, who lives on that street
    person = PersonValues(name="Lê Lợi", address="số 5 Lê Lợi")
    # then the address, the longer value, wins where the text writes it
    assert mask_person("Ông Lê Lợi ở số 5 Lê Lợi", person) == "Ông <name> ở <house>"
    # and a text that writes none of a person's values is the same object (intake reuses its syllables)
    text = "Đường liên xã ngập sâu sau mưa"
    assert mask_person(text, person) is text and mask_person(text, None) is text
    # and a name of one syllable is masked where it is written as a name, with its capital
    lan = PersonValues(name="Lan")
    assert mask_person("Chị Lan báo dịch bệnh lan rộng", lan) == "Chị <name> báo dịch bệnh lan rộng"
    # and a value of fewer than three characters, or a phone of fewer than six digits, is left alone
    assert mask_person("An ở số 1, gọi 113", PersonValues(name="An", phone="113")) == "An ở số 1, gọi 113"


HOA = (
    "Tôi tên là Nguyễn Thị Hoa, trú tại thôn Đông, xã Tân Dĩnh. Đường liên thôn hỏng nặng. Ông Trần "
    "Văn Bình, cán bộ giao thông xã, hẹn sửa mà chưa làm. Liên hệ 0912 345 678, hoa.nt@example.invalid."
)
LAN = "Người phản ánh: chị Lan. Địa chỉ: thôn Đông, xã Tân Lan. Nội dung: lan can cầu bị gãy."
HUNG = "Họ tên: Đào Văn Hùng. Địa chỉ: số 12 đường Lê Lợi. Nội dung: cột điện nghiêng sắp đổ."


@pytest.mark.parametrize(
    "title, text, masked",
    [
        # the writer the text introduces, named as no masker reads a name alone, in any case,
        # with or without diacritics; the commune they live in, which the title names, is kept
        ("Nguyễn Thị Hoa - xã Tân Dĩnh", HOA, "<name> - xã Tân Dĩnh"),
        ("Đơn của NGUYEN THI HOA, Tân Dĩnh", HOA, "Đơn của <name>, Tân Dĩnh"),
        ("Thị Hoa phản ánh đường hỏng", HOA, "<name> phản ánh đường hỏng"),
        # by the given name after a form of address, but not the common word
        ("Phản ánh của chị Hoa về đường", HOA, "Phản ánh của chị <name> về đường"),
        ("Hoa màu ven đường hỏng, Hoa và chị Hoa báo", HOA, "Hoa màu ven đường hỏng, Hoa và chị <name> báo"),
        # the official it accuses is not its writer
        ("Nguyễn Thị Hoa tố cáo ông Trần Văn Bình", HOA, "<name> tố cáo ông Trần Văn Bình"),
        # the phone and the e-mail the text gives, written as no masker reads them alone
        (
            "Đường hỏng, gọi 0912/345/678 hay HOA.NT@EXAMPLE.INVALID",
            HOA,
            "Đường hỏng, gọi <phone> hay <email>",
        ),
        # a name of one syllable where it is a person's, not a word nor a part of a place's name
        ("Phản ánh của chị Lan về cầu xã Tân Lan", LAN, "Phản ánh của chị <name> về cầu xã Tân Lan"),
        ("Lan can cầu gãy, Lan báo xã", LAN, "Lan can cầu gãy, <name> báo xã"),
        ("ĐƠN CỦA CHỊ LAN", LAN, "ĐƠN CỦA CHỊ <name>"),
        ("Dịch bệnh lan rộng, chị Lan báo", LAN, "Dịch bệnh lan rộng, chị <name> báo"),
        # part of the name within another person's, and the given name as a word, are kept
        ("Đào Văn Hùng tố cáo chủ tịch xã Trần Văn Hùng", HUNG, "<name> tố cáo chủ tịch xã Trần Văn Hùng"),
        ("Văn Hùng báo cột điện nghiêng", HUNG, "<name> báo cột điện nghiêng"),
        ("Văn Hùng báo tin anh hùng lao động mất", HUNG, "<name> báo tin anh hùng lao động mất"),
        # nor the writer's house: the street a title names is where the issue is
        (
            "Cột điện đường Lê Lợi nghiêng, Đào Văn Hùng báo",
            HUNG,
            "Cột điện đường Lê Lợi nghiêng, <name> báo",
        ),
    ],
)
def test_what_masking_a_text_finds_of_its_writer_is_masked_in_its_title(title, text, masked):
    assert mask_text_values(title, text) == masked


def test_the_identity_and_account_numbers_a_text_gives_are_masked_in_its_title():
    # given a letter giving its writer's old identity card, passport and bank account numbers
    # after the words that name them, which a title leaves out or groups otherwise
    text = (
        "Tôi tên là Nguyễn Văn An, Số CMND: 311613174, hộ chiếu số B1234567. Tiền đền bù chuyển "
        "vào STK: 0451 0003 12345 Vietcombank của tôi bị trừ. CCCD 001234567890."
    )
    # when its titles are masked as intake masks them, then each number is masked wherever written
    for title, masked in [
        ("Ông An - 311613174 xin hoàn tiền", "Ông <name> - <id> xin hoàn tiền"),
        ("Chuyển vào 0451-000-312345 bị trừ tiền", "Chuyển vào <id> bị trừ tiền"),
        ("Hộ chiếu của ông An là B1234567", "Hộ chiếu của ông <name> là <id>"),
        ("Đơn của ông A, CCCD 001 23 456 7890", "Đơn của ông A, CCCD <id>"),
    ]:
        assert mask_text_values(mask_writer(title), text) == masked
    # and a longer number, or a passport's digits after another letter, is another number
    for title in ("Số 3116131745 khác", "Mã XB1234567", "Mã C1234567"):
        assert mask_text_values(title, text) == title


def test_a_title_over_a_text_that_names_no_writer_is_left_as_it_is():
    # given a text that introduces no one, and one whose writer the title does not name
    title = "Nguyễn Thị Hoa - xã Tân Dĩnh"
    assert identity_names("Đường liên thôn xã Tân Dĩnh hỏng nặng.") == []
    # then the title is left as it is
    assert mask_text_values(title, "Đường liên thôn xã Tân Dĩnh hỏng nặng.") == title
    assert mask_text_values("Đường liên thôn hỏng", HOA) == "Đường liên thôn hỏng"
    assert mask_text_values("", HOA) == "" and mask_text_values(title, "") == title
    # and the names the text's masker finds are its writers' and kin's, not their houses
    assert identity_names(HOA) == ["Nguyễn Thị Hoa"] and identity_names(HUNG) == ["Đào Văn Hùng"]


def test_a_letter_s_view_is_its_text_masked_and_its_complaint_without_the_frame():
    # given a petition
    text = (
        "Kính gửi: UBND phường Vũ Ninh.\nTôi tên là Nguyễn Văn Hùng, sinh năm 1970, trú tại số 12 "
        "đường Lý Thái Tổ, phường Vũ Ninh, điện thoại <phone>.\nTôi xin trình bày sự việc như sau: cống "
        "trước nhà tôi bị vỡ.\nKính mong các cấp xem xét, giải quyết.\nTrân trọng cảm ơn!"
    )
    masked, content = letter_view(text)
    # then what officials see has no name or house, and what is compared has no frame: the frame
    # is found on the masked text as on the text
    assert "Hùng" not in masked and "Lý Thái Tổ" not in masked and "<name>" in masked
    assert content.split() == "cống trước nhà tôi bị vỡ.".split()
    assert identity_values(text) == ["nguyễn văn hùng", "số 12 đường lý thái tổ"]
    # and a text without a letter's words is no letter, one with them but neither frame nor name
    # is given back as it is, the same object
    assert letter_view("Đường làng ngập sâu sau mưa.") is None
    plain = "Tôi là người dân thôn Hạ, đường làng ngập sâu."
    assert letter_view(plain)[0] is plain and letter_view(plain)[1] is plain


def test_the_models_read_a_letter_without_its_writer_s_name_where_the_sentence_goes_on():
    (masked,) = mask_places(["Tôi là Nguyễn Văn Hùng ở thôn B phản ánh việc đường ngập."])
    assert "Hùng" not in masked and "phản ánh việc đường ngập" in masked


_PIECES = [
    "Kính gửi: UBND xã.",
    "Tôi tên là Nguyễn Văn A, trú tại số 12 đường Lê Lợi.",
    "Người phản ánh: chị Lan.",
    "Thời gian: 8h.",
    "[Tổng đài] 14:32 -",
    "Trân trọng cảm ơn!",
    "đường làng ngập sâu",
    "ko dc",
    "email a@b.vn",
    "http://x.vn/[a]",
    "0912345678",
]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=5),
    st.sampled_from(["", "\u200b", "\u00a0", "  "]),
    st.sampled_from(["NFC", "NFD"]),
)
def test_a_text_whose_normalised_form_holds_no_word_of_a_letter_has_neither_frame_nor_name(pieces, gap, form):
    # the pipeline looks for the frame and the name again, for the models, only where its
    # normalised text holds a word of a letter or a mask of personal data (which may have taken
    # one in: "http://x.vn/[a]Kính gửi"); 142,593 texts of the shared corpora and messages agreed
    # (2026-12-07), and so must any text, spaced, encoded and spelt as people do
    text = unicodedata.normalize(form, gap.join(pieces))
    normalised = normalise(text).text
    if letter_view(normalised) is None and "<" not in normalised:
        assert left_out_spans(text) == []
