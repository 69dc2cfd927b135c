"""A logging filter that keeps personal data (phone numbers, e-mails, citizen identity card
numbers), bearer codes (tracking codes, survey invitation codes, Open311 tokens) and API keys
(Open311 clients send theirs in the query string) out of every log line, its exception and its
stack included."""

from __future__ import annotations

import logging
import re
from urllib.parse import parse_qsl, quote

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d)")
_ID_NUMBER = re.compile(r"(?<!\d)0\d{11}(?!\d)")  # a citizen identity card's 12 digits (CCCD)

# A tracking code (intake's "DL-XXXX-XXXX", a case's "BN-XXXX-XXXX") wherever it is written: whoever
# holds one reads the citizen's report, so it is a secret, not an id.
_TRACKING_CODE = re.compile(r"\b[A-Z]{2}-[0-9A-Z]{4}-?[0-9A-Z]{4}\b")
# The path segment after which a bearer code stands (a survey invitation's "tra-loi/ABCD2345", an
# Open311 request's id or token, any page looked up by a code).
_CODE_IN_PATH = re.compile(r"(/(?:track|tra-loi|tokens|requests)/)(?!<code>)[^/\s\"'?#.]+", re.IGNORECASE)
_API_KEY = re.compile(r"(api_key=)[^&\s\"']+")  # an "api_key=…" outside a query string
# A URL's query string, as an access log line or an error message shows it.
_QUERY = re.compile(r"\?([^\s\"'#]*)")
# Parameters whose value is masked whole: what a citizen or an official typed to search, bearer
# codes, keys, and the fields of a sender.
_SECRET_PARAMS = frozenset(
    {
        "q",
        "code",
        "service_request_id",
        "token",
        "api_key",
        "email",
        "phone",
        "first_name",
        "last_name",
        "name",
        "address",
        "address_string",
        "device_id",
        "account_id",
    }
)


def _redact_text(text: str) -> str:
    from duluan.analysis.normalise import mask_personal_data

    text = mask_personal_data(text)
    return _PHONE.sub("<phone>", _ID_NUMBER.sub("<id>", _EMAIL.sub("<email>", text)))


def _redact_query(match: re.Match) -> str:
    """A query string with the values of :data:`_SECRET_PARAMS` masked and every other value read
    as the server reads it (percent- and plus-decoded: "0912+345+678", "an%40mail.vn") before it
    is masked."""
    pairs = parse_qsl(match.group(1), keep_blank_values=True)
    if not pairs:
        return match.group(0)
    out = []
    for key, value in pairs:
        if key.lower() in _SECRET_PARAMS:
            value = "<key>" if key.lower() == "api_key" else f"<{key.lower()}>"
        else:
            value = _redact_text(value)
        out.append(f"{quote(key, safe='')}={quote(value, safe='<>')}")
    return "?" + "&".join(out)


def redact(text: str) -> str:
    """``text`` with its query strings, bearer codes, API keys and personal data masked: as the
    normaliser masks a text (every form of phone number, identity card number, e-mail and link it
    knows), then by this module's wider patterns, for what a log line holds that no text does."""
    text = _API_KEY.sub(r"\1<key>", _QUERY.sub(_redact_query, text))
    text = _CODE_IN_PATH.sub(r"\1<code>", text)
    text = _TRACKING_CODE.sub("<code>", text)
    return _redact_text(text)


class RedactPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not crash the request
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        # An exception's text (a database error quoting a row, a URL in a message) is formatted
        # here, masked, and kept in place of the exception, which formatters then print as it is.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
