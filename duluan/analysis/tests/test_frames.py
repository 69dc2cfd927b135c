"""A citizen's letter read as its complaint: the frame every letter has is left out."""

from __future__ import annotations

import pytest

from duluan.analysis.frames import frame_spans
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
