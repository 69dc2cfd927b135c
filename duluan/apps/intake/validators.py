"""Checks of what a citizen gives to be reached: a phone number that can be dialled."""

from __future__ import annotations

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

PHONE_INVALID = _(
    "Số điện thoại không hợp lệ: hãy nhập một số gọi được, ví dụ 0912 345 678 hoặc +84 912 345 678."
)
# Digits, with the spaces, dots, dashes and brackets people group them by, and a leading "+".
_PHONE_CHARACTERS = re.compile(r"\+?[\d\s.\-()]+")


def validate_phone(value: str) -> None:
    """Refuse what cannot be a phone number: a letter or another sign, or too few or too many
    digits for the numbering plan of its country (Viet Nam's unless it starts with ``+``).

    The lengths are ``phonenumbers``' (libphonenumber's data), not a pattern of our own: Viet
    Nam's mobile numbers went from 11 to 10 digits in 2018, landlines have area codes of several
    lengths, and a number from abroad follows its own plan. Only the length is checked
    (``is_possible_number``), not the ranges in use, which change more often than the data.

    Raises:
        ValidationError: ``PHONE_INVALID``.
    """
    value = value.strip()
    if not _PHONE_CHARACTERS.fullmatch(value):
        raise ValidationError(PHONE_INVALID, code="phone")
    try:
        number = phonenumbers.parse(value, "VN")
    except phonenumbers.NumberParseException:
        raise ValidationError(PHONE_INVALID, code="phone") from None
    if not phonenumbers.is_possible_number(number):
        raise ValidationError(PHONE_INVALID, code="phone")
