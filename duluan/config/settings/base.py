"""Settings shared by every environment, read from environment variables where they differ.

Environment:
    SECRET_KEY, DATABASE_URL (default: embedded SQLite in ./var/duluan.sqlite3), ALLOWED_HOSTS
    (comma-separated), DULUAN_VAR_DIR, EMAIL_URL-style settings (EMAIL_HOST, EMAIL_PORT,
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL).
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parents[3]
VAR_DIR = Path(os.environ.get("DULUAN_VAR_DIR", BASE_DIR / "var"))
# The analysis engine reads its model files from DULUAN_MODEL_DIR; pin it to this installation's
# var/ so the web server, workers and commands agree whatever their working directory.
os.environ.setdefault("DULUAN_MODEL_DIR", str(VAR_DIR / "models"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_count(name: str, default: int = 0) -> int:
    """A whole number of at least 0 from the environment; anything else stops start-up."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not (value.isascii() and value.isdigit()):
        raise ImproperlyConfigured(f"{name} must be a whole number of at least 0, not {value!r}")
    return int(value)


def env_fraction(name: str) -> float | None:
    """A number in (0, 1] from the environment, ``None`` when unset; anything else stops start-up."""
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not 0 < number <= 1:
        raise ImproperlyConfigured(f"{name} must be a number above 0 and at most 1, not {value!r}")
    return number


SECRET_KEY = os.environ.get("SECRET_KEY", "duluan-insecure-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    # The API's docs page (/api/docs) then serves Swagger UI from django-ninja's own static files,
    # not from a CDN: the CSP allows no other origin, and an installation may have no internet.
    "ninja",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "duluan.apps.core",
    "duluan.apps.audit",
    "duluan.apps.geo",
    "duluan.apps.accounts",
    "duluan.apps.plans",
    "duluan.apps.intake",
    "duluan.apps.issues",
    "duluan.apps.cases",
    "duluan.apps.surveys",
    "duluan.apps.campaigns",
    "duluan.apps.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "duluan.apps.core.locale.VietnameseFirstLocaleMiddleware",
    "duluan.apps.core.middleware.NFCMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "duluan.config.urls"
WSGI_APPLICATION = "duluan.config.wsgi.application"
ASGI_APPLICATION = "duluan.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "duluan.apps.core.context_processors.navigation",
            ],
        },
    }
]

SQLITE_OPTIONS = {
    # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write lock at BEGIN so
    # two writers queue instead of failing with "database is locked" half-way through a transaction.
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
    "PRAGMA busy_timeout=10000;",
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}


def _postgres_pool() -> dict | None:
    """The connection pool of a PostgreSQL database (``DB_POOL_MAX_SIZE``; ``0`` turns it off).

    With a pool a request borrows an open connection instead of opening one: opening one was
    most of an Open311 POST's CPU (~1 of its 4.4 ms in the web process, 2026-11-29), and a
    threaded server cannot keep per-thread persistent connections (each request is a new
    thread). Each web or task process keeps at most ``max_size`` connections.
    """
    max_size = int(os.environ.get("DB_POOL_MAX_SIZE", "8"))
    if max_size <= 0:
        return None
    return {"min_size": min(2, max_size), "max_size": max_size, "timeout": 20}


def database_from_env(default_sqlite: Path) -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
        pool = _postgres_pool() if config["ENGINE"].endswith("postgresql") else None
        if pool is not None:
            # Django refuses persistent connections beside a pool: the pool keeps them.
            config["CONN_MAX_AGE"] = 0
            config["OPTIONS"] = {**config.get("OPTIONS", {}), "pool": pool}
    else:
        default_sqlite.parent.mkdir(parents=True, exist_ok=True)
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(default_sqlite)}
    if config["ENGINE"].endswith("sqlite3"):
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


DATABASES = {"default": database_from_env(VAR_DIR / "duluan.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "issues:index"
LOGOUT_REDIRECT_URL = "core:home"

# The reverse proxies in front of the site, each appending to X-Forwarded-For: the client's
# address is the one the outermost saw (duluan.apps.core.clients; 0: REMOTE_ADDR is the client's).
TRUSTED_PROXIES = env_count("DULUAN_TRUSTED_PROXIES")

# Brute-force protection: lock a username+address pair after 5 failures for 30 minutes.
AXES_CLIENT_IP_CALLABLE = "duluan.apps.core.clients.client_address"
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A locked-out official is told why and for how long, in the site's layout (axes' own answer is
# one line of English text).
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "duluan" / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["duluan.config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns on every request without it
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "duluan_cache",
    }
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "duluan@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Content Security Policy: everything is served from this host; no CDN, no inline script
# except with the per-request nonce.
# django-csp's constants, not their strings: NONCE is a placeholder it replaces with the request's
# nonce ('nonce-…') when a template used it; the string "'nonce'" went out as written, a source
# browsers reject on every page. No inline style is allowed: htmx's own (its indicator rules, off
# in base.html) and pages' style attributes live in the stylesheets.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# The province this installation serves (2025 scheme code); Bắc Ninh after the 2025 merger.
DULUAN_HOME_PROVINCE = os.environ.get("DULUAN_HOME_PROVINCE", "24")
# The cosine similarity a signal needs with an issue's centroid to join it: the clustering engine's
# default when unset (duluan.analysis.cluster.DEFAULT_SIMILARITY_THRESHOLD). A saved clustering
# state is moved to it when loaded, so an upgrade's better default reaches a running installation.
DULUAN_CLUSTER_THRESHOLD = env_fraction("DULUAN_CLUSTER_THRESHOLD")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact": {"()": "duluan.apps.core.logging.RedactPersonalData"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The development server's access log has a handler of its own in Django's defaults,
        # which let an Open311 client's api_key (and any phone number in a query) through.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
AXES_VERBOSE = False
