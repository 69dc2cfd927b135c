"""View decorators built on the gatekeeper."""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.http import Http404

from .permissions import NOT_FOUND, is_official


def official_required(view):
    """Officials only: a visitor is sent to log in; a signed-in user without an official role gets
    the same 404 as for a missing object, so the page does not even confirm it exists."""

    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_official(request.user):
            raise Http404(NOT_FOUND)
        return view(request, *args, **kwargs)

    return wrapped
