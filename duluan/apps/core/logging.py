"""A logging filter that keeps personal data (phone numbers, e-mails, citizen identity card
numbers) and API keys (Open311 clients send theirs in the query string) out of every log line."""

from __future__ import annotations

import logging
import re

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)0\d{11}(?!\d)")  # a citizen identity card's 12 digits (CCCD)


_API_KEY = re.compile(r"(api_key=)[^&\s\"']+")  # an access log line's "GET …?api_key=…"


def redact(text: str) -> str:
    """``text`` with its API keys and personal data masked: as the normaliser masks a text (every
    form of phone number, identity card number, e-mail and link it knows), then by this module's
    wider patterns, for what a log line holds that no text does."""
    from duluan.analysis.normalise import mask_personal_data

    text = mask_personal_data(_API_KEY.sub(r"\1<key>", text))
    return _PHONE.sub("<phone>", _ID_NUMBER.sub("<id>", _EMAIL.sub("<email>", text)))


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not crash the request
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True
