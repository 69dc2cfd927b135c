"""Build ``nhan_biet_hop_nhat.xlsx``, the campaign questionnaire on awareness and support of the 2025
merger of Bắc Giang into Bắc Ninh and the commune reorganisation, from the data below.

The workbook is generated with the surveys app's XLSForm writer (as its SIPAS questionnaire is)
so that a change is a reviewable diff of this file. It is imported with the surveys app's own service
(``surveys.services.instrument_import``) and asked in a survey round like any other instrument;
a campaign is then linked to the round naming the awareness and support questions.

Run: ``.venv/bin/python duluan/apps/campaigns/data/build_instrument.py`` (writes next to this file).
"""

from __future__ import annotations

from pathlib import Path

from duluan.apps.surveys.xlsform_writer import SURVEY_COLUMNS, q, write_xlsform

OUT = Path(__file__).with_name("nhan_biet_hop_nhat.xlsx")
SUPPORT = "ung_ho5"
AWARE = "${biet_hop_nhat} = 'co'"

# the questionnaire calculates nothing: no calculation column
COLUMNS = [c for c in SURVEY_COLUMNS if c != "calculation"]

SURVEY = [
    q("start", "start", required=""),
    q("end", "end", required=""),
    q(
        "note",
        "gioi_thieu",
        "Phiếu hỏi ý kiến người dân về việc hợp nhất tỉnh và sắp xếp xã, phường. Ý kiến của ông/bà "
        "được giữ bí mật và chỉ dùng để tổng hợp thống kê.",
        required="",
    ),
    q(
        "text",
        "ma_moi",
        "Mã mời khảo sát",
        hint="8 ký tự in trên giấy mời",
        constraint="regex(., '^[A-Z0-9]{6,12}$')",
        message="Mã mời gồm 6–12 chữ in hoa hoặc số.",
    ),
    q(
        "date",
        "ngay_tra_loi",
        "Ngày trả lời phiếu",
        constraint=". <= today()",
        message="Ngày trả lời không được sau hôm nay.",
    ),
    q("select_one gioi_tinh", "gioi_tinh", "Giới tính"),
    q("select_one nhom_tuoi", "nhom_tuoi", "Nhóm tuổi"),
    q(
        "select_one co_khong",
        "biet_hop_nhat",
        "Ông/bà có biết về việc hợp nhất tỉnh Bắc Giang và tỉnh Bắc Ninh, sắp xếp lại xã, phường "
        "từ ngày 01/7/2025 không?",
    ),
    q(
        "select_multiple nguon",
        "nguon_thong_tin",
        "Ông/bà biết thông tin này qua những kênh nào?",
        relevant=AWARE,
    ),
    q(
        "select_one co_khong",
        "biet_giay_to",
        "Ông/bà có biết giấy tờ đã cấp vẫn còn giá trị sử dụng, không bắt buộc phải đổi ngay không?",
    ),
    q(
        f"select_one {SUPPORT}",
        "ung_ho",
        "Ông/bà ủng hộ chủ trương hợp nhất tỉnh và sắp xếp xã, phường ở mức nào?",
        appearance="likert",
    ),
    q(
        "text",
        "y_kien",
        "Ý kiến khác của ông/bà",
        required="",
        constraint="string-length(.) <= 1000",
        message="Tối đa 1000 ký tự.",
        appearance="multiline",
    ),
]

CHOICES = [
    (SUPPORT, "1", "1 – Hoàn toàn không ủng hộ"),
    (SUPPORT, "2", "2 – Không ủng hộ"),
    (SUPPORT, "3", "3 – Phân vân"),
    (SUPPORT, "4", "4 – Ủng hộ"),
    (SUPPORT, "5", "5 – Hoàn toàn ủng hộ"),
    (SUPPORT, "9", "Không biết / không trả lời"),
    ("co_khong", "co", "Có"),
    ("co_khong", "khong", "Không"),
    ("gioi_tinh", "nam", "Nam"),
    ("gioi_tinh", "nu", "Nữ"),
    ("nhom_tuoi", "18_29", "18–29 tuổi"),
    ("nhom_tuoi", "30_44", "30–44 tuổi"),
    ("nhom_tuoi", "45_59", "45–59 tuổi"),
    ("nhom_tuoi", "60", "60 tuổi trở lên"),
    ("nguon", "loa", "Loa truyền thanh cơ sở"),
    ("nguon", "bao_dai", "Báo, đài phát thanh, truyền hình"),
    ("nguon", "mang_xa_hoi", "Mạng xã hội, cổng thông tin"),
    ("nguon", "hoi_nghi", "Hội nghị, họp thôn, tiếp xúc cử tri"),
    ("nguon", "to_roi", "Tờ rơi, băng rôn, pa-nô"),
    ("nguon", "nguoi_than", "Người thân, hàng xóm"),
]

SETTINGS = {
    "form_id": "nhan_biet_hop_nhat",
    "version": "2026.1",
    "form_title": "Khảo sát nhận biết và ủng hộ việc hợp nhất tỉnh, sắp xếp xã, phường",
    "default_language": "vi",
}


def build(path: Path = OUT) -> Path:
    return write_xlsform(path, survey=SURVEY, choices=CHOICES, settings=SETTINGS, columns=COLUMNS)


if __name__ == "__main__":
    print(build())
