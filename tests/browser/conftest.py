"""A real platform for browser tests: migrated, seeded, served by `duluan serve` in its own process
with a task worker beside it.

The database is a fresh one on the PostgreSQL server named by DATABASE_URL (CI) or a fresh
SQLite file; Chromium is Debian's (/usr/bin/chromium), driven by Playwright — never a browser
that Playwright downloads.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fresh_database(tmp: Path) -> tuple[str, callable]:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = f"browser_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        base = url.rsplit("/", 1)[0]

        def drop():
            with psycopg.connect(url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

        return f"{base}/{name}", drop
    return f"sqlite:///{tmp / 'browser.sqlite3'}", lambda: None


@pytest.fixture(scope="session")
def platform_url(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (make test installs it)")
    tmp = tmp_path_factory.mktemp("platform")
    database_url, drop = _fresh_database(tmp)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "duluan.config.settings.local",
        "DULUAN_VAR_DIR": str(tmp),
        # What a fresh clone has: no model files (the keyword fallback), and a model rebuilt from
        # the models page is written here, never over a developer's var/models.
        "DULUAN_MODEL_DIR": str(tmp / "models"),
        "DEBUG": "true",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    duluan = [sys.executable, "-m", "duluan.cli"]
    for step in (["manage", "migrate", "-v0"], ["manage", "createcachetable"], ["manage", "seed_demo"]):
        subprocess.run([*duluan, *step], env=env, check=True, cwd=ROOT, capture_output=True, timeout=600)
    port = _free_port()
    server = subprocess.Popen(
        [*duluan, "serve", f"127.0.0.1:{port}"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # The task worker beside the server, as `duluan demo` runs it: Open311 requests and the
    # hotness refresh after a report are processed by it.
    worker = subprocess.Popen(
        [*duluan, "manage", "db_worker", "--no-reload", "--interval", "0.2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(url + "/", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the platform did not start")
        yield url
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=20)
        drop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    page = context.new_page()
    yield page
    context.close()
