"""Build ``sipas_xa.xlsx``, the satisfaction-with-commune-government questionnaire, from the data below.

The workbook is generated so that a change to the questionnaire is a reviewable diff of this file.
Structure after SIPAS 2023–2026 (Chỉ số hài lòng về sự phục vụ hành chính): the respondent's
perceptions, satisfaction with policy, with public services — access, administrative procedures,
civil servants, results, handling of feedback — and expectations.

Run: ``.venv/bin/python duluan/apps/surveys/data/build_instrument.py`` (writes next to this file).
"""

from __future__ import annotations

from pathlib import Path

from duluan.apps.surveys.xlsform_writer import Row, q, write_xlsform

OUT = Path(__file__).with_name("sipas_xa.xlsx")

LIKERT = "hai_long5"
SERVICE = "${da_giao_dich} = 'co'"


def likert(name: str, label: str, relevant: str = SERVICE) -> Row:
    return q(f"select_one {LIKERT}", name, label, relevant=relevant, appearance="likert")


SURVEY: list[Row] = [
    q("start", "start", required=""),
    q("end", "end", required=""),
    q(
        "note",
        "gioi_thieu",
        "Phiếu khảo sát sự hài lòng của người dân đối với chính quyền cấp xã. "
        "Ý kiến của ông/bà được giữ bí mật và chỉ dùng để tổng hợp thống kê.",
        required="",
    ),
    q("begin group", "thong_tin", "A. Thông tin người trả lời", required=""),
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
        "integer",
        "nam_sinh",
        "Năm sinh",
        required="",
        constraint=". >= 1920 and . <= 2008",
        message="Năm sinh từ 1920 đến 2008 (đủ 18 tuổi).",
    ),
    q("select_one hoc_van", "hoc_van", "Trình độ học vấn cao nhất"),
    q("end group", "", required=""),
    q("begin group", "nhan_thuc", "B. Nhận thức về chính quyền xã", required=""),
    q(
        "select_one co_khong",
        "biet_cong_khai",
        "Ông/bà có biết UBND xã công khai thủ tục hành chính và kết quả giải quyết không?",
    ),
    q(
        "select_one co_khong",
        "biet_kenh_gop_y",
        "Ông/bà có biết nơi gửi góp ý, phản ánh, kiến nghị đến chính quyền xã không?",
    ),
    q("end group", "", required=""),
    q("begin group", "chinh_sach", "C. Sự hài lòng với chính sách", required=""),
    likert("cs1", "Chính sách hỗ trợ sản xuất, sinh kế tại địa phương", relevant=""),
    likert("cs2", "Chính sách an sinh xã hội (trợ cấp, bảo hiểm, hộ nghèo)", relevant=""),
    likert("cs3", "Chính sách đất đai, xây dựng, môi trường", relevant=""),
    q("end group", "", required=""),
    q("begin group", "dich_vu", "D. Sự hài lòng với dịch vụ hành chính công", required=""),
    q(
        "select_one co_khong",
        "da_giao_dich",
        "Trong 12 tháng qua, ông/bà có trực tiếp giải quyết thủ tục "
        "hành chính tại UBND xã (hoặc Trung tâm phục vụ hành chính công xã) không?",
    ),
    q(
        "integer",
        "so_lan",
        "Số lần ông/bà đến giải quyết thủ tục trong 12 tháng qua",
        relevant=SERVICE,
        constraint=". >= 1 and . <= 50",
        message="Số lần từ 1 đến 50.",
    ),
    q("select_multiple kenh", "kenh_nop", "Ông/bà đã nộp hồ sơ qua những hình thức nào?", relevant=SERVICE),
    q(
        "note",
        "huong_dan_likert",
        "Với mỗi nhận định dưới đây, ông/bà hài lòng ở mức nào? "
        "(1 = Rất không hài lòng … 5 = Rất hài lòng; 9 = Không biết)",
        required="",
        relevant=SERVICE,
    ),
    likert("tc1", "Tiếp cận: Nơi ngồi chờ có đủ chỗ ngồi"),
    likert("tc2", "Tiếp cận: Trang thiết bị phục vụ đầy đủ"),
    likert("tc3", "Tiếp cận: Trang thiết bị hiện đại, dễ sử dụng"),
    likert("tc4", "Tiếp cận: Dễ dàng tìm hiểu thông tin về thủ tục, dịch vụ công trực tuyến"),
    likert("tt1", "Thủ tục: Thủ tục hành chính được niêm yết công khai, đầy đủ"),
    likert("tt2", "Thủ tục: Thành phần hồ sơ phải nộp đúng quy định"),
    likert("tt3", "Thủ tục: Phí, lệ phí phải nộp đúng quy định"),
    likert("tt4", "Thủ tục: Thời hạn giải quyết đúng quy định"),
    likert("cc1", "Công chức: Có thái độ giao tiếp lịch sự"),
    likert("cc2", "Công chức: Chú ý lắng nghe ý kiến của người dân"),
    likert("cc3", "Công chức: Trả lời, giải thích đầy đủ các ý kiến"),
    likert("cc4", "Công chức: Hướng dẫn kê khai hồ sơ tận tình, chu đáo, dễ hiểu"),
    likert("cc5", "Công chức: Tuân thủ đúng quy định trong giải quyết công việc"),
    likert("kq1", "Kết quả: Kết quả giải quyết đúng quy định"),
    likert("kq2", "Kết quả: Kết quả có thông tin đầy đủ, chính xác"),
    likert("kq3", "Kết quả: Nhận kết quả đúng hẹn"),
    q(
        "select_one co_khong",
        "da_gop_y",
        "Ông/bà có góp ý, phản ánh, kiến nghị về thủ tục hành chính với xã không?",
        relevant=SERVICE,
    ),
    likert("gy1", "Góp ý: Việc tiếp nhận góp ý, phản ánh dễ dàng", relevant="${da_gop_y} = 'co'"),
    likert("gy2", "Góp ý: Được xử lý và phản hồi tích cực", relevant="${da_gop_y} = 'co'"),
    likert("gy3", "Góp ý: Được thông báo kết quả xử lý kịp thời", relevant="${da_gop_y} = 'co'"),
    q("end group", "", required=""),
    q("begin group", "chung", "E. Đánh giá chung và kỳ vọng", required=""),
    likert("hl_chung", "Nhìn chung, ông/bà hài lòng ở mức nào với chính quyền xã?", relevant=""),
    q(
        "select_multiple ky_vong",
        "ky_vong",
        "Ông/bà mong chính quyền xã ưu tiên cải thiện điều gì? (tối đa 3)",
        constraint="count-selected(.) <= 3",
        message="Chọn tối đa 3 nội dung.",
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
    q("calculate", "so_ky_vong", required="", calculation="count-selected(${ky_vong})"),
    q("end group", "", required=""),
]

# Fix the groups' type: "end group" rows carry no name.
SURVEY = [(t if not t.startswith("end group") else "end group", *rest) for (t, *rest) in SURVEY]

CHOICES: list[tuple[str, str, str]] = [
    (LIKERT, "1", "1 – Rất không hài lòng"),
    (LIKERT, "2", "2 – Không hài lòng"),
    (LIKERT, "3", "3 – Bình thường"),
    (LIKERT, "4", "4 – Hài lòng"),
    (LIKERT, "5", "5 – Rất hài lòng"),
    (LIKERT, "9", "Không biết / không trả lời"),
    ("co_khong", "co", "Có"),
    ("co_khong", "khong", "Không"),
    ("gioi_tinh", "nam", "Nam"),
    ("gioi_tinh", "nu", "Nữ"),
    ("nhom_tuoi", "18_29", "18–29 tuổi"),
    ("nhom_tuoi", "30_44", "30–44 tuổi"),
    ("nhom_tuoi", "45_59", "45–59 tuổi"),
    ("nhom_tuoi", "60", "60 tuổi trở lên"),
    ("hoc_van", "tieu_hoc", "Tiểu học trở xuống"),
    ("hoc_van", "thcs", "Trung học cơ sở"),
    ("hoc_van", "thpt", "Trung học phổ thông"),
    ("hoc_van", "cao_dang_dh", "Cao đẳng, đại học trở lên"),
    ("kenh", "truc_tiep", "Trực tiếp tại bộ phận một cửa"),
    ("kenh", "buu_chinh", "Qua dịch vụ bưu chính công ích"),
    ("kenh", "truc_tuyen", "Dịch vụ công trực tuyến"),
    ("ky_vong", "thu_tuc", "Đơn giản hóa thủ tục hành chính"),
    ("ky_vong", "thoi_gian", "Rút ngắn thời gian giải quyết"),
    ("ky_vong", "thai_do", "Nâng cao thái độ phục vụ của công chức"),
    ("ky_vong", "truc_tuyen", "Mở rộng dịch vụ công trực tuyến"),
    ("ky_vong", "co_so", "Cải thiện cơ sở vật chất nơi tiếp dân"),
    ("ky_vong", "phan_hoi", "Phản hồi góp ý, kiến nghị nhanh hơn"),
]

SETTINGS = {
    "form_id": "sipas_xa",
    "version": "2026.1",
    "form_title": "Khảo sát sự hài lòng của người dân đối với chính quyền cấp xã",
    "default_language": "vi",
}

# type and name columns 22 wide, label 70
WIDTHS = [(0, 1, 22), (2, 2, 70)]


def build(path: Path = OUT) -> Path:
    return write_xlsform(path, survey=SURVEY, choices=CHOICES, settings=SETTINGS, widths=WIDTHS)


if __name__ == "__main__":
    print(build())
