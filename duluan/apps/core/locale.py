"""The interface's language: Vietnamese by default, English when the reader asks for it."""

from __future__ import annotations

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Django's locale middleware, with the browser's language left out: pages are in Vietnamese
    unless the reader chose English with the header's VI/EN switch (its cookie).

    Django would follow the ``Accept-Language`` header, and many officials' computers run an
    English Windows or Chrome: they were shown the English interface without asking for it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
