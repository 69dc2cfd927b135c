"""The embedded demo: SQLite in ./var, debug toolbar-free, console e-mail."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
