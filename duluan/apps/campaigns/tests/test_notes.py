"""Orientation notes: draft → submitted → returned/approved → delivered → acknowledged, audited."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from duluan.apps.audit.models import AuditEvent
from duluan.apps.campaigns import permissions, selectors, services
from duluan.apps.campaigns.models import NoteStatus


@pytest.fixture
def issue(db):
    from django.utils import timezone

    from duluan.apps.issues.models import Issue

    now = timezone.now()
    return Issue.objects.create(
        title="Thủ tục giấy tờ sau sáp nhập tỉnh", topic="reorganisation", hotness_level="hot", first_seen=now
    )


@pytest.fixture
def note(demo, agency, issue):
    return services.note_create(
        actor=demo["dieuphoi"],
        title="Định hướng về đổi giấy tờ",
        issue=issue,
        facts="Phản ánh tăng.",
        position="Giấy tờ cũ vẫn có giá trị.",
        talking_points="Không phải đổi ngay.\nKhông mất phí.",
        avoid="Không nêu thời hạn.",
        recipients=[agency("bn-xa-07210"), agency("bn-so-noi-vu")],
    )


def test_the_whole_workflow_is_audited_and_readers_acknowledge_once(
    note, demo, issue, django_capture_on_commit_callbacks
):
    # given a draft by the coordinator
    assert note.status == NoteStatus.DRAFT
    # when submitted, returned by the head with a reason, fixed, resubmitted, approved and delivered
    note = services.note_submit(note=note, actor=demo["dieuphoi"])
    note = services.note_return(note=note, actor=demo["lanhdao.vpubnd"], reason="Bổ sung số liệu")
    assert (note.status, note.return_reason) == (NoteStatus.RETURNED, "Bổ sung số liệu")
    note = services.note_update(
        note=note,
        actor=demo["dieuphoi"],
        title=note.title,
        facts="Phản ánh tăng 3 lần trong tuần.",
        position=note.position,
        talking_points=note.talking_points,
    )
    note = services.note_submit(note=note, actor=demo["dieuphoi"])
    note = services.note_approve(note=note, actor=demo["lanhdao.vpubnd"])
    with django_capture_on_commit_callbacks(execute=True):
        note = services.note_deliver(note=note, actor=demo["dieuphoi"])
    assert note.status == NoteStatus.DELIVERED and note.delivered_at is not None
    # then an officer of a recipient agency acknowledges, once (a second click keeps the first time)
    first = services.note_acknowledge(note=note, actor=demo["canbo.bacgiang"])
    again = services.note_acknowledge(note=note, actor=demo["canbo.bacgiang"])
    assert first.pk == again.pk and first.agency.code == "bn-xa-07210"
    rows = {
        r.agency.code: [a.user.username for a in r.acknowledgements] for r in selectors.note_readers(note)
    }
    assert rows == {"bn-so-noi-vu": [], "bn-xa-07210": ["canbo.bacgiang"]}
    actions = list(
        AuditEvent.objects.filter(object_type="campaigns.orientationnote", object_id=str(note.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "campaigns.note_create",
        "campaigns.note_submit",
        "campaigns.note_return",
        "campaigns.note_update",
        "campaigns.note_submit",
        "campaigns.note_approve",
        "campaigns.note_deliver",
        "campaigns.note_acknowledge",
    ]
    assert AuditEvent.objects.get(action="campaigns.note_return").reason == "Bổ sung số liệu"
    # and the hot issue's page can list it
    assert selectors.orientation_notes_for_issue(issue) == [note]


def test_wrong_people_and_wrong_states_are_refused(note, demo):
    with pytest.raises(PermissionDenied):
        services.note_submit(note=note, actor=demo["canbo.nnmt"])
    with pytest.raises(ValidationError) as exc:
        services.note_approve(note=note, actor=demo["lanhdao.vpubnd"])  # still a draft
    assert list(exc.value.messages) == [services.ERROR_NOTE_NOT_SUBMITTED]
    note = services.note_submit(note=note, actor=demo["dieuphoi"])
    # a head of another agency is not the drafting agency's head
    with pytest.raises(PermissionDenied):
        services.note_approve(note=note, actor=demo["lanhdao.nnmt"])
    with pytest.raises(ValidationError) as exc:
        services.note_return(note=note, actor=demo["lanhdao.vpubnd"], reason="  ")
    assert list(exc.value.messages) == [services.ERROR_RETURN_REASON]
    with pytest.raises(ValidationError):
        services.note_deliver(note=note, actor=demo["dieuphoi"])  # not approved
    with pytest.raises(ValidationError):
        services.note_update(
            note=note, actor=demo["dieuphoi"], title="x", facts="x", position="x", talking_points="x"
        )
    # nobody acknowledges before delivery
    with pytest.raises(PermissionDenied):
        services.note_acknowledge(note=note, actor=demo["canbo.bacgiang"])


def test_a_note_needs_its_content_and_delivery_needs_recipients(demo):
    with pytest.raises(ValidationError) as exc:
        services.note_create(actor=demo["dieuphoi"], title="x", facts="", position="y", talking_points="z")
    assert list(exc.value.messages) == [services.ERROR_NOTE_FIELDS]
    note = services.note_create(
        actor=demo["dieuphoi"], title="x", facts="f", position="p", talking_points="t"
    )
    note = services.note_submit(note=note, actor=demo["dieuphoi"])
    note = services.note_approve(note=note, actor=demo["lanhdao.vpubnd"])
    with pytest.raises(ValidationError) as exc:
        services.note_deliver(note=note, actor=demo["dieuphoi"])
    assert list(exc.value.messages) == [services.ERROR_NO_RECIPIENTS]


def test_who_sees_a_note(note, demo, issue):
    # a draft is seen by the drafting agency and the cross-agency roles, not by recipients yet
    assert permissions.note_get_for_user(demo["lanhdao.vpubnd"], pk=note.pk) == note
    assert permissions.note_get_for_user(demo["phantich"], pk=note.pk) == note
    with pytest.raises(Http404):
        permissions.note_get_for_user(demo["canbo.bacgiang"], pk=note.pk)
    assert selectors.orientation_notes_for_issue(issue) == []  # drafts are not linked publicly
    assert selectors.orientation_notes_for_issue(issue, user=demo["dieuphoi"]) == [note]
    # once delivered, recipients see it; other agencies still do not
    note = services.note_submit(note=note, actor=demo["dieuphoi"])
    note = services.note_approve(note=note, actor=demo["lanhdao.vpubnd"])
    note = services.note_deliver(note=note, actor=demo["dieuphoi"])
    assert permissions.note_get_for_user(demo["canbo.bacgiang"], pk=note.pk) == note
    with pytest.raises(Http404):
        permissions.note_get_for_user(demo["canbo.nnmt"], pk=note.pk)
    assert selectors.orientation_notes_for_issue(issue, user=demo["canbo.nnmt"]) == []


def test_delivery_mails_the_recipient_agencies(note, demo, agency, django_capture_on_commit_callbacks):
    from duluan.apps.accounts.models import Agency

    Agency.objects.filter(code="bn-xa-07210").update(email="ubnd.bacgiang@example.invalid")
    note = services.note_submit(note=note, actor=demo["dieuphoi"])
    note = services.note_approve(note=note, actor=demo["lanhdao.vpubnd"])
    with django_capture_on_commit_callbacks(execute=True):
        services.note_deliver(note=note, actor=demo["dieuphoi"])
    assert [m.to for m in mail.outbox] == [["ubnd.bacgiang@example.invalid"]]
    assert note.title in mail.outbox[0].subject
