"""Normalise every submitted text to NFC before a view or form sees it.

Vietnamese keyboards and phones produce both composed and decomposed forms of the same letter;
stored text must be one form so equality, uniqueness and search behave.
"""

from __future__ import annotations

import unicodedata

from django.http import QueryDict


def _normalised(query: QueryDict) -> QueryDict:
    if not query:
        return query
    copy = query.copy()
    for key in list(copy.keys()):
        copy.setlist(
            key, [unicodedata.normalize("NFC", v) if isinstance(v, str) else v for v in copy.getlist(key)]
        )
    copy._mutable = False
    return copy


class NFCMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.GET = _normalised(request.GET)
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            request.POST = _normalised(request.POST)
        return self.get_response(request)
