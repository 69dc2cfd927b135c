"""Writes of the accounts app: agencies and officials, each with an audit event."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from duluan.apps.audit.services import audit_record
from duluan.apps.core.text import nfc

from .models import Agency, AgencyKind, Role, User

UNKNOWN_PARENT = "Cơ quan cấp trên không tồn tại: {code}."


@transaction.atomic
def agency_upsert(
    *,
    code: str,
    name: str,
    kind: str = AgencyKind.OTHER,
    short_name: str = "",
    parent: Agency | None = None,
    unit=None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    actor=None,
) -> tuple[Agency, bool]:
    """Create the agency ``code`` or bring it up to date; returns ``(agency, created)``."""
    values = {
        "name": nfc(name),
        "short_name": nfc(short_name),
        "kind": kind,
        "parent": parent,
        "unit": unit,
        "valid_from": valid_from,
        "valid_to": valid_to,
        "is_active": valid_to is None or valid_to >= date.today(),
    }
    agency, created = Agency.objects.get_or_create(code=code, defaults=values)
    if not created:
        changed = {k: v for k, v in values.items() if getattr(agency, k) != v}
        if not changed:
            return agency, False
        before = {k: str(getattr(agency, k)) for k in changed}
        for k, v in changed.items():
            setattr(agency, k, v)
        agency.save(update_fields=list(changed))
        audit_record(
            action="agency.update",
            actor=actor,
            obj=agency,
            before=before,
            after={k: str(v) for k, v in changed.items()},
        )
        return agency, False
    audit_record(action="agency.create", actor=actor, obj=agency, after={"code": code, "name": agency.name})
    return agency, True


@transaction.atomic
def user_upsert(
    *,
    username: str,
    password: str,
    role: str,
    agency: Agency | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    actor=None,
) -> tuple[User, bool]:
    """Create an official's account (or keep the existing one, updating role and agency)."""
    role = Role(role)
    if role == Role.CITIZEN:
        raise ValueError("Người dân không có tài khoản đăng nhập.")
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "role": role,
            "agency": agency,
            "first_name": nfc(first_name),
            "last_name": nfc(last_name),
            "email": email,
            # Administrators configure everything in the admin; Django's per-model permissions
            # would only duplicate the gatekeeper's role check, so they hold them all.
            "is_staff": role == Role.ADMINISTRATOR,
            "is_superuser": role == Role.ADMINISTRATOR,
        },
    )
    if created:
        user.set_password(password)
        user.save(update_fields=["password"])
        audit_record(action="user.create", actor=actor, obj=user, after={"username": username, "role": role})
    elif user.role != role or user.agency_id != (agency.pk if agency else None):
        before = {"role": user.role, "agency": user.agency_id}
        is_admin = role == Role.ADMINISTRATOR
        user.role, user.agency, user.is_staff, user.is_superuser = role, agency, is_admin, is_admin
        user.save(update_fields=["role", "agency", "is_staff", "is_superuser"])
        audit_record(
            action="user.update",
            actor=actor,
            obj=user,
            before=before,
            after={"role": role, "agency": user.agency_id},
        )
    return user, created
