"""The interface's language: Vietnamese by default, English when the reader asks for it."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.deprecation import MiddlewareMixin


class VietnameseFirstLocaleMiddleware(MiddlewareMixin):
    """The language of each request: the one its reader chose with the header's VI/EN switch (its
    cookie), else Vietnamese.

    Django's ``LocaleMiddleware`` would follow the ``Accept-Language`` header, and many
    officials' computers run an English Windows or Chrome: they were shown the English interface
    without asking for it. Its response half named that header in ``Vary``, which told caches
    the wrong thing: a page's language follows the cookie, so ``Vary`` names ``Cookie``. (The
    site has no language prefix in its paths, the rest of Django's middleware.)
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response
