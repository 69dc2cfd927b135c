import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image

from duluan.apps.geo.models import AdminUnit
from duluan.apps.intake.forms import CONSENT_REQUIRED, LOCATION_REQUIRED, LOCATION_UNKNOWN
from duluan.apps.intake.models import Attachment, Reporter, Signal
from duluan.apps.intake.uploads import FILE_TYPE_REFUSED
from duluan.apps.intake.validators import PHONE_INVALID

pytestmark = pytest.mark.django_db


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x8825] = {1: "N", 2: (21.0, 11.0, 0.0), 3: "E", 4: (106.0, 3.0, 0.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def vu_ninh():
    return AdminUnit.objects.get(scheme="2025", code="09169")


def form_data(**overrides):
    data = {
        "token": "t-1",
        "kind": "feedback",
        "text": "Đường Kinh Dương Vương ngập sâu mỗi khi mưa, xe máy chết máy hàng loạt.",
        "unit": str(vu_ninh().pk),
        "phone": "0987654321",
        "name": "Trần Thị B",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_a_citizen_submits_with_a_photo_and_follows_it_by_tracking_code(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # given the form with a photo carrying GPS coordinates
    photo = SimpleUploadedFile("anh.jpg", photo_with_gps(), content_type="image/jpeg")
    # when the citizen submits it
    response = client.post(reverse("intake:submit"), {**form_data(), "files": [photo]})
    # then one signal is stored with a tracking code, and the photo has lost its metadata
    signal = Signal.objects.get()
    assert response.status_code == 302 and signal.tracking_code in response["Location"]
    assert signal.unit == vu_ninh() and signal.channel == "web"
    stored = Attachment.objects.get(signal=signal)
    with Image.open(stored.file.path) as image:
        assert not image.getexif()
    assert Reporter.objects.get(signal=signal).phone == "0987654321"
    # and the tracking page shows the submission but not the reporter
    page = client.get(response["Location"]).content.decode()
    assert signal.tracking_code in page and "Trần Thị B" not in page and "0987654321" not in page


def test_the_tracking_page_leads_to_the_case_opened_from_the_report(client, demo):
    from duluan.apps.cases.demo import rules_seed
    from duluan.apps.cases.models import Case

    rules_seed()
    # given a citizen's feedback sent by the web form, from which a case is opened
    response = client.post(reverse("intake:submit"), form_data())
    signal = Signal.objects.get()
    case = Case.objects.get(pk=signal.extra["case_id"])
    # when they open the tracking page they were sent to
    page = client.get(response["Location"]).content.decode()
    # then it names the case and links to its page, where the answer and the rating are
    assert reverse("cases:track", args=[case.code]) in page and case.code in page
    assert client.get(reverse("cases:track", args=[case.code])).status_code == 200


def test_a_report_without_a_case_names_none_on_its_tracking_page(client):
    # given a report of a kind that opens no case
    response = client.post(reverse("intake:submit"), form_data(kind="opinion"))
    signal = Signal.objects.get()
    assert "case_id" not in signal.extra
    # then its tracking page has no case code
    assert 'data-testid="case-code"' not in client.get(response["Location"]).content.decode()


def test_a_double_submit_creates_one_signal(client):
    # given the same form posted twice (same idempotency token), then once more from a new tab
    client.post(reverse("intake:submit"), form_data())
    client.post(reverse("intake:submit"), form_data())
    client.post(reverse("intake:submit"), form_data(token="t-2"))
    # then one signal exists
    assert Signal.objects.count() == 1


def test_a_disguised_file_is_refused_and_nothing_is_stored(client):
    # given a script renamed as a photo
    fake = SimpleUploadedFile("anh.jpg", b"#!/bin/sh\nrm -rf /\n", content_type="image/jpeg")
    # when submitted
    response = client.post(reverse("intake:submit"), {**form_data(), "files": [fake]})
    # then the form says why, keeps what was typed, and stores nothing
    assert response.status_code == 200
    assert FILE_TYPE_REFUSED.format(name="anh.jpg") in response.content.decode()
    assert "Kinh Dương Vương" in response.content.decode()
    assert Signal.objects.count() == 0


def test_a_report_typed_in_tcvn3_fonts_is_stored_as_the_text_it_showed(client):
    # given a report pasted from a ".VnTime" document, as it showed
    typed = "§­êng Kinh D­¬ng V­¬ng ngËp s©u mçi khi m­a, xe m¸y chÕt m¸y hµng lo¹t."
    # when submitted
    response = client.post(reverse("intake:submit"), form_data(text=typed))
    # then it is accepted, and stored as the text the citizen saw, marked as converted
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.text == "Đường Kinh Dương Vương ngập sâu mỗi khi mưa, xe máy chết máy hàng loạt."
    assert signal.extra["converted_from"] == "tcvn3"


def test_a_place_typed_in_tcvn3_fonts_with_its_report_is_found(client):
    # given a report and its place, without a chosen commune, both pasted from a ".VnTime" document
    typed = "§­êng Kinh D­¬ng V­¬ng ngËp s©u mçi khi m­a, xe m¸y chÕt m¸y hµng lo¹t."
    data = form_data(text=typed, unit="", place_text="ph­êng Vò Ninh")
    # when submitted
    response = client.post(reverse("intake:submit"), data)
    # then the place is found as the text it showed, and stored so
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.unit == vu_ninh() and signal.place_text == "phường Vũ Ninh"


def test_a_report_of_zero_width_spaces_alone_is_refused_as_empty(client):
    # when a report whose text shows nothing (zero-width spaces, a byte-order mark) is submitted
    response = client.post(reverse("intake:submit"), form_data(text="\u200b\ufeff\u200b"))
    # then the form asks for the text, and nothing is stored
    assert response.status_code == 200 and "Hãy viết nội dung phản ánh." in response.content.decode()
    assert not Signal.objects.exists()


def test_location_and_consent_are_required_and_free_text_places_are_resolved(client):
    # given no commune and no place, then an unknown place, then a place the gazetteer knows
    no_place = client.post(reverse("intake:submit"), form_data(unit="", consent=""))
    unknown = client.post(reverse("intake:submit"), form_data(unit="", place_text="chỗ cái cây to"))
    known = client.post(reverse("intake:submit"), form_data(unit="", place_text="thôn Đông, phường Vũ Ninh"))
    # then the first two are refused with clear messages and the third is placed
    assert str(LOCATION_REQUIRED) in no_place.content.decode()
    assert str(CONSENT_REQUIRED) in no_place.content.decode()
    assert str(LOCATION_UNKNOWN) in unknown.content.decode()
    assert known.status_code == 302 and Signal.objects.get().unit == vu_ninh()


@override_settings(INTAKE_RATE_LIMIT=(2, 600))
def test_too_many_submissions_get_the_form_back_with_what_was_typed_and_when_to_send_it(client):
    # given a citizen who opened the form, mended a refused form three times, then submitted twice
    client.get(reverse("intake:submit"))
    for _ in range(3):
        assert client.post(reverse("intake:submit"), form_data(unit="", consent="")).status_code == 200
    for token in ("a", "b"):
        sent = client.post(
            reverse("intake:submit"), form_data(token=token, text=f"Phản ánh số {token} về rác thải")
        )
        assert sent.status_code == 302
    # when they submit again
    response = client.post(reverse("intake:submit"), form_data(token="c", text="Phản ánh thứ ba về khói bụi"))
    # then it is refused (429) with the form as they filled it, saying how long to wait
    assert response.status_code == 429
    page = response.content.decode()
    assert "Phản ánh thứ ba về khói bụi" in page and "Trần Thị B" in page and 'value="c"' in page
    assert "quá nhiều" in page and "10 phút" in page
    assert Signal.objects.count() == 2


@override_settings(RATE_LIMITS={"web_attempts": (3, 60)})
def test_posting_the_form_without_end_is_refused_before_its_files_are_read(client):
    # given a client that opened the form and posted it three times in a minute
    client.get(reverse("intake:submit"))
    for _ in range(3):
        client.post(reverse("intake:submit"), form_data(unit="", consent=""))
    # when it posts a fourth time, a right form with a file
    data = form_data(files=SimpleUploadedFile("a.jpg", photo_with_gps(), content_type="image/jpeg"))
    response = client.post(reverse("intake:submit"), data)
    # then it is refused, the words kept, and nothing is stored
    assert response.status_code == 429
    assert (
        "Đường Kinh Dương Vương ngập sâu" in response.content.decode()
        and "1 phút" in response.content.decode()
    )
    assert not Signal.objects.exists() and not Attachment.objects.exists()


def test_a_phone_number_that_cannot_be_dialled_is_refused_with_the_reason(client):
    # given a form whose phone field holds no number
    response = client.post(reverse("intake:submit"), form_data(phone="abc<script>"))
    # then it comes back with the reason, and nothing is stored
    assert response.status_code == 200 and str(PHONE_INVALID) in response.content.decode()
    assert not Signal.objects.exists()


@override_settings(INTAKE_RATE_LIMIT=(2, 600), RATE_LIMITS={"web_address": (5, 600)})
def test_citizens_behind_one_carrier_address_each_have_their_own_limit_under_the_addresss_ceiling():
    from django.test import Client

    from duluan.apps.core.ratelimit import BROWSER_COOKIE

    def browser() -> Client:
        # a phone behind the carrier's one public address, which opens the form first
        phone = Client(REMOTE_ADDR="100.64.0.1")
        opened = phone.get(reverse("intake:submit"))
        cookie = opened.cookies[BROWSER_COOKIE]
        assert len(cookie.value) == 32 and cookie["httponly"] and cookie["samesite"] == "Lax"
        assert not cookie["max-age"] and not cookie["expires"]  # gone when the browser closes
        return phone

    def send(phone: Client, token: str) -> int:
        data = form_data(token=token, text=f"Phản ánh {token} về ngập úng")
        return phone.post(reverse("intake:submit"), data).status_code

    # given a citizen who sent two reports, her limit
    first = browser()
    assert [send(first, "a"), send(first, "b"), send(first, "c")] == [302, 302, 429]
    # then another citizen behind the same address still can, until the address's ceiling
    second, third = browser(), browser()
    assert [send(second, "d"), send(second, "e"), send(third, "f")] == [302, 302, 302]
    assert send(third, "g") == 429 and Signal.objects.count() == 5
    # and a client that keeps no cookie counts as one browser
    bare = Client(REMOTE_ADDR="100.64.0.2")
    sent = []
    for token in "hij":
        sent.append(send(bare, token))
        bare.cookies.clear()
    assert sent == [302, 302, 429]


def test_an_unknown_tracking_code_is_not_found(client):
    assert client.get(reverse("intake:track_detail", args=["DL-AAAA-AAAA"])).status_code == 404


def test_the_commune_search_is_accent_insensitive(client):
    html = client.get(reverse("intake:communes"), {"q": "vu ninh"}).content.decode()
    assert "Phường Vũ Ninh" in html and "Phường Kinh Bắc" not in html


def test_another_clients_identical_text_is_not_taken_for_a_double_submit(client):
    from django.test import Client

    # given a citizen's submission
    first = client.post(reverse("intake:submit"), form_data())
    # when someone else, from another address, sends the very same words (and even the same token)
    other = Client(REMOTE_ADDR="10.0.0.9").post(reverse("intake:submit"), form_data())
    # then they get their own submission and tracking code, not the first citizen's
    assert Signal.objects.count() == 2
    assert first["Location"] != other["Location"]


def test_two_browsers_behind_one_address_sending_the_same_words_each_get_their_own(client):
    from django.test import Client

    from duluan.apps.core.ratelimit import BROWSER_COOKIE

    # given two citizens behind one carrier address, each in their own browser
    first, second = Client(REMOTE_ADDR="10.0.0.5"), Client(REMOTE_ADDR="10.0.0.5")
    first.cookies[BROWSER_COOKIE] = "1" * 32
    second.cookies[BROWSER_COOKIE] = "2" * 32
    # when both send the very same words within minutes, each from their own form
    a = first.post(reverse("intake:submit"), form_data(token="t-a"))
    b = second.post(reverse("intake:submit"), form_data(token="t-b"))
    # then each gets their own submission and tracking code (the second was dropped as a double)
    assert Signal.objects.count() == 2 and a["Location"] != b["Location"]
