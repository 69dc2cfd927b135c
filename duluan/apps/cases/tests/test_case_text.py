"""Who wrote a case, as its own words say it: masked wherever an official may not know them.

The form's fields are sealed by the gatekeeper; a citizen writes their name and house into the
letter as often. The title and description are read as written only by those who see the
identity (a complaint's handlers; a denunciation's only through the audited reveal).
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from duluan.apps.cases.confidential import case_text_for, case_text_masked
from duluan.apps.cases.models import CaseAttachment, Complainant

LETTER = (
    "Tôi tên là Trịnh Quốc Khánh, trú tại số 12 đường Lê Lợi, phường Bắc Giang, điện thoại "
    "0912 345 678. Tôi tố cáo cán bộ địa chính phường nhận tiền để cấp giấy chứng nhận. "
    "Ông Quốc Khánh (tôi) đã nộp 20 triệu đồng; ký tên: trinh quoc khanh, "
    "TRINH.KHANH@EXAMPLE.INVALID."
)
# a title the letter's frame does not introduce: only the complainant's own values mask it
TITLE = "Cựu chiến binh Trịnh Quốc Khánh, số 12 Đường Lê Lợi, tố cáo cán bộ nhận tiền"
DENOUNCER = {
    "name": "Trịnh Quốc Khánh",
    "phone": "0912345678",
    "email": "trinh.khanh@example.invalid",
    "address": "Số 12 đường Lê Lợi",
}
# what none of those who do not pass the identity gate may read
SECRETS = (
    "Trịnh Quốc Khánh",
    "Quốc Khánh",
    "trinh quoc khanh",
    "12 đường Lê Lợi",
    "0912 345 678",
    "0912345678",
    "trinh.khanh@example.invalid",
)


def page_for(user, case, path: str = "") -> str:
    client = Client()
    client.force_login(user)
    response = client.get(f"/cases/{case.pk}/{path}")
    assert response.status_code == 200
    return response.content.decode()


def leaked(text: str) -> list[str]:
    lowered = text.lower()
    return [s for s in SECRETS if s.lower() in lowered]


@pytest.fixture
def denunciation(demo, open_case):
    """A denunciation to the inspectorate whose letter names and houses its writer; Sở Y tế, the
    agency of those it accuses, a partner."""
    case = open_case(
        kind="denunciation", topic="corruption", title=TITLE, description=LETTER, complainant=DENOUNCER
    )
    case.partner_agencies.add(demo["canbo.yte"].agency)
    return case


def test_the_masking_reads_the_letter_s_frame_and_the_complainant_s_own_values():
    # given a complainant and a letter that names them in several ways
    complainant = Complainant(**DENOUNCER)
    # when the letter is masked
    masked = case_text_masked(f"{TITLE}. {LETTER} Liên hệ: 0912.345.678.", complainant=complainant)
    # then neither its frame's name and house, nor any of the complainant's values, written with or
    # without accents, in capitals, or with other separators, are left
    assert leaked(masked) == [] and "345" not in masked
    assert "<name>" in masked and "<house>" in masked and "<phone>" in masked
    # and what the letter is about stays
    assert "cán bộ địa chính phường nhận tiền" in masked


def test_a_single_syllable_of_the_name_is_left_and_a_text_without_a_complainant_keeps_its_words():
    complainant = Complainant(name="Lê Văn An")
    assert case_text_masked("Xin an toàn cho ông Văn An", complainant=complainant) == (
        "Xin an toàn cho ông <name>"
    )
    assert case_text_masked("Khói bụi gần khu dân cư", complainant=None) == "Khói bụi gần khu dân cư"


def test_the_house_is_masked_where_the_text_writes_it_without_the_rest_of_the_address():
    # given a complainant whose address names their house and their ward
    complainant = Complainant(name="Lê Văn An", address="12 Lê Lợi, phường Bắc Giang")
    # when a text names the house alone (before: only the whole address was masked, as intake's
    # reporters were masked by the house; both read the form's values alike now)
    masked = case_text_masked(
        "Căn nhà 12 LÊ LỢI bị nứt, phường Bắc Giang chưa xử lý", complainant=complainant
    )
    # then the house is masked and the ward, which says where the issue is, stays
    assert masked == "Căn nhà <house> bị nứt, phường Bắc Giang chưa xử lý"


def test_a_name_before_a_phone_number_is_masked_as_intake_masks_it():
    # given a description naming a witness before their phone (not the complainant's values)
    text = "Trần Văn Bình - 0912 345 678 - thôn Đông báo cống vỡ"
    # when it is masked for an official the identity gate keeps out
    masked = case_text_masked(text, complainant=Complainant(name="Lê Văn An"))
    # then the name goes with the number, as in a signal's stored title (before: the phone was
    # masked after the writer's name was looked for, and a name is read before "<phone>" only)
    assert masked == "<name> - <phone> - thôn Đông báo cống vỡ"


@pytest.mark.parametrize(
    "username",
    [
        "canbo.thanhtra",  # the lead agency's officer: a denunciation is sealed from its handlers too
        "lanhdao.thanhtra",  # the head, until an audited reveal
        "canbo.yte",  # a partner agency: maybe the agency of those accused
        "lanhdao.yte",
        "phantich",
        "dieuphoi",
        "quantri",
    ],
)
def test_a_denouncer_named_in_the_letter_is_masked_on_the_case_page(demo, denunciation, username):
    # when anyone who does not pass the identity gate opens the case
    html = page_for(demo[username], denunciation)
    # then the letter is there, its writer's name, house, phone and e-mail are not
    assert "giữ bí mật" in html and "cán bộ địa chính phường nhận tiền" in html
    assert leaked(html) == []
    assert "&lt;name&gt;" in html and "&lt;house&gt;" in html


def test_an_anonymous_denouncer_who_signs_the_letter_is_masked_for_its_handlers(demo, open_case):
    # given a denunciation sent without the form's fields, its writer named only where the letter
    # is signed and listed with a co-signer (before 2026-12-07 both names were shown)
    letter = (
        "Chúng tôi gồm: ông Đoàn Văn Hậu, bà Lò Thị Mai. Ông Nguyễn Văn Xuân, cán bộ địa chính xã, "
        "nhận tiền của dân để làm sổ đỏ. Kính mong các cấp xem xét, giải quyết.\n"
        "Người làm đơn (ký, ghi rõ họ tên)\nĐoàn Văn Hậu"
    )
    case = open_case(
        kind="denunciation",
        topic="corruption",
        title="Tố cáo cán bộ địa chính",
        description=letter,
        complainant=None,
    )
    # when the inspectorate's officer, who handles it without clearance, opens it
    html = page_for(demo["canbo.thanhtra"], case)
    # then neither signer is named, and the official the letter accuses is
    assert "Hậu" not in html and "Lò Thị Mai" not in html and "&lt;name&gt;" in html
    assert "Nguyễn Văn Xuân, cán bộ địa chính xã" in html


def test_a_partner_agency_reads_the_masked_text_and_never_the_complainant(demo, denunciation):
    partner = demo["canbo.yte"]
    text = case_text_for(partner, denunciation)
    assert text.masked and leaked(f"{text.title} {text.description}") == []
    html = page_for(partner, denunciation)
    assert DENOUNCER["phone"] not in html and DENOUNCER["email"] not in html.lower()


def test_the_audited_reveal_shows_the_letter_as_written(demo, denunciation):
    # given the chief inspector, who holds cases.reveal_denouncer
    client = Client()
    client.force_login(demo["lanhdao.thanhtra"])
    # when they reveal the denouncer with a reason
    html = client.post(
        f"/cases/{denunciation.pk}/reveal/", {"reason": "Mời cung cấp chứng cứ."}
    ).content.decode()
    # then the letter reads as written, and the next plain view is masked again
    assert "Trịnh Quốc Khánh" in html and "Ông Quốc Khánh (tôi)" in html
    assert leaked(page_for(demo["lanhdao.thanhtra"], denunciation)) == []


def test_a_complaint_s_handler_reads_it_as_written_and_an_analyst_masked(demo, open_case):
    # given a complaint whose letter names its writer
    case = open_case(title=TITLE, description=LETTER, complainant=DENOUNCER)
    # then its handling officer reads it as written
    assert "Trịnh Quốc Khánh" in page_for(demo["canbo.nnmt"], case)
    # and an analyst, a coordinator, an officer of a partner agency read it masked
    case.partner_agencies.add(demo["canbo.yte"].agency)
    for username in ("phantich", "dieuphoi", "canbo.yte"):
        assert leaked(page_for(demo[username], case)) == [], username


def test_lists_exports_and_the_api_carry_the_masked_title(demo, denunciation):
    client = Client()
    client.force_login(demo["lanhdao.thanhtra"])
    # the list of cases
    assert leaked(client.get("/cases/").content.decode()) == []
    # the CSV
    text = client.get("/cases/export.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert any(row[0] == denunciation.code for row in rows[1:]) and leaked(text) == []
    # the workbook
    data = b"".join(client.get("/cases/export.xlsx").streaming_content)
    sheet = load_workbook(io.BytesIO(data), read_only=True).active
    book = "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)
    assert denunciation.code in book and leaked(book) == []
    # the API, a case and the list
    for url in (f"/api/cases/{denunciation.pk}", "/api/cases/"):
        body = client.get(url).content.decode()
        assert denunciation.code in body and leaked(body) == [], url


HOA_LETTER = (
    "Tôi tên là Nguyễn Thị Hoa, Số CMND: 311613174, trú tại thôn Đông, xã Tân Dĩnh. Đường liên thôn "
    "hỏng nặng, xe không đi được."
)
HOA_TITLE = "Nguyễn Thị Hoa - 311613174 - đường liên thôn Tân Dĩnh hỏng"


def test_a_title_naming_the_writer_its_letter_introduces_is_masked_over_the_letter(demo, open_case):
    # given a complaint sent without the form's fields, titled with the name and the identity card
    # number its letter gives, in a shape no masker reads alone
    case = open_case(title=HOA_TITLE, description=HOA_LETTER, complainant=None)
    masked = "<name> - <id> - đường liên thôn Tân Dĩnh hỏng"
    # then its handling officer reads the title as written
    assert case_text_for(demo["canbo.nnmt"], case).title == HOA_TITLE
    # and an analyst reads it masked, on the case's page as in the list, the export and the API
    assert case_text_for(demo["phantich"], case).title == masked
    client = Client()
    client.force_login(demo["phantich"])
    pages = [
        page_for(demo["phantich"], case),
        client.get("/cases/").content.decode(),
        client.get("/cases/export.csv").content.decode("utf-8-sig"),
        client.get(f"/api/cases/{case.pk}").content.decode(),
    ]
    for page in pages:
        assert "Thị Hoa" not in page and "311613174" not in page
    assert "đường liên thôn Tân Dĩnh hỏng" in pages[1]


def test_a_merged_duplicate_s_title_is_masked_on_the_case_it_joined(demo, open_case, denunciation):
    from duluan.apps.cases.models import Case, Status

    # given another denunciation merged into this one
    other = open_case(kind="denunciation", topic="corruption", title=TITLE, complainant=DENOUNCER)
    Case.objects.filter(pk=other.pk).update(merged_into=denunciation, status=Status.MERGED)
    # then the list of duplicates on its page names no one
    html = page_for(demo["canbo.thanhtra"], denunciation)
    assert other.code in html and leaked(html) == []


def test_an_internal_note_naming_the_complainant_is_masked_for_a_partner(demo, denunciation):
    from duluan.apps.cases.services import case_note_add

    case_note_add(case=denunciation, actor=demo["canbo.thanhtra"], text="Đã gọi cho ông Quốc Khánh.")
    assert leaked(page_for(demo["canbo.yte"], denunciation)) == []


# -- attachments --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("canbo.thanhtra", 200),  # the lead agency's handling officer
        ("lanhdao.thanhtra", 200),  # the head over the lead agency
        ("canbo.yte", 404),  # a partner agency
        ("phantich", 404),
        ("dieuphoi", 404),
        ("quantri", 404),
    ],
)
def test_an_attachment_that_is_not_public_goes_only_to_the_case_s_handlers(
    demo, denunciation, settings, tmp_path, username, status
):
    # given a document of the denunciation kept from the public (and one published with the answer)
    settings.MEDIA_ROOT = tmp_path
    private = CaseAttachment.objects.create(
        case=denunciation,
        file=SimpleUploadedFile("don-to-cao-trinh-quoc-khanh.pdf", b"%PDF-1.4"),
        kind="document",
        public=False,
    )
    public = CaseAttachment.objects.create(
        case=denunciation, file=SimpleUploadedFile("ket-luan.pdf", b"%PDF-1.4"), kind="document"
    )
    client = Client()
    client.force_login(demo[username])
    # then only the handlers download the private one, and only they see it listed
    assert client.get(f"/cases/{denunciation.pk}/attachments/{private.pk}/").status_code == status
    assert ("don-to-cao-trinh-quoc-khanh" in page_for(demo[username], denunciation)) is (status == 200)
    # while the public one goes to everyone who sees the case
    assert client.get(f"/cases/{denunciation.pk}/attachments/{public.pk}/").status_code == 200
