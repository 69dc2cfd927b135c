"""Sub-commands of ``duluan``: one module each, each with ``register(subparsers)``.

A module sets ``handler`` on its parser with ``set_defaults(handler=...)``; the handler takes the
parsed ``argparse.Namespace`` and returns an exit code.
"""

from __future__ import annotations

import os


def django_setup(settings: str | None = None) -> None:
    """Configure Django for commands that touch the database (idempotent)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings or "duluan.config.settings.local")
    import django

    django.setup()
