"""Vietnamese first: language, dates, NFC on the way in, personal data kept out of logs."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
import unicodedata
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.http import JsonResponse
from django.test import RequestFactory
from django.utils import timezone
from django.utils.formats import date_format

from duluan.apps.core.logging import RedactPersonalData
from duluan.apps.core.middleware import NFCMiddleware
from duluan.cli import main

ROOT = Path(__file__).resolve().parents[4]


@pytest.mark.django_db
def test_ui_is_vietnamese_by_default_and_english_on_request(client):
    assert 'lang="vi"' in client.get("/").content.decode()
    assert "Đơn vị hành chính" in client.get("/").content.decode()
    # an English browser still gets Vietnamese until its reader asks for English
    assert 'lang="vi"' in client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert 'lang="en"' in html
    assert "Administrative units" in html


@pytest.mark.django_db
def test_pages_tell_caches_that_their_language_follows_the_cookie_not_the_browser(client):
    # given the home page in Vietnamese, then in English for a reader who chose it
    vietnamese = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/")
    # then each names its language, and a cache keeps them apart by the cookie: the browser's
    # Accept-Language does not choose the page's language, so it is not named as if it did
    for response, language in ((vietnamese, "vi"), (english, "en")):
        assert response.headers["Content-Language"] == language
        vary = {v.strip().lower() for v in response.headers["Vary"].split(",")}
        assert "cookie" in vary and "accept-language" not in vary


@pytest.mark.django_db
def test_pages_send_a_content_security_policy_browsers_accept(client):
    from duluan.apps.accounts.demo import demo_agencies_seed, demo_users_seed
    from duluan.apps.accounts.models import User

    # given an official on the issues page, whose script carries the request's nonce
    demo_agencies_seed()
    demo_users_seed()
    client.force_login(User.objects.get(username="phantich"))
    response = client.get("/issues/")
    policy = dict(
        part.strip().split(" ", 1) for part in response.headers["Content-Security-Policy"].split(";")
    )
    nonce = policy["script-src"].split("'nonce-", 1)[1].split("'", 1)[0]
    # then scripts come from the site or carry that nonce, never the bare word 'nonce' (a source
    # browsers reject), and no inline style is allowed
    assert "'nonce'" not in policy["script-src"] and f'nonce="{nonce}"' in response.content.decode()
    assert policy["style-src"] == "'self'" and policy["object-src"] == "'none'"


@pytest.mark.django_db
def test_the_api_docs_page_works_offline_under_the_policy_and_names_every_operation_in_vietnamese(client):
    # when anyone opens the API's docs page, and its schema
    html = client.get("/api/docs").content.decode()
    schema = client.get("/api/openapi.json").json()
    # then Swagger UI comes from this site's static files, not a CDN the policy (and an
    # installation without internet) refuses
    assert "/static/ninja/swagger-ui-bundle.js" in html and "cdn." not in html
    # and every operation has a summary in Vietnamese, not one made from its function's name
    summaries = [op.get("summary", "") for ops in schema["paths"].values() for op in ops.values()]
    assert len(summaries) >= 10
    assert all(any(ord(ch) > 127 for ch in summary) for summary in summaries), summaries


@pytest.mark.django_db
def test_error_pages_speak_vietnamese_in_the_sites_layout(client):
    from django.template import loader

    from duluan.apps.accounts.demo import demo_agencies_seed, demo_users_seed
    from duluan.apps.accounts.models import User
    from duluan.apps.campaigns.services import ERROR_NOT_AUTHOR

    # when a page does not exist
    missing = client.get("/khong-co-trang-nay/")
    # then the site says so in Vietnamese, with its header to go on from
    assert missing.status_code == 404
    html = missing.content.decode()
    assert "Không tìm thấy trang" in html and 'class="topbar"' in html
    # and an official refused an action is told why, in the same layout
    demo_agencies_seed()
    demo_users_seed()
    client.force_login(User.objects.get(username="canbo.nnmt"))
    refused = client.get("/campaigns/notes/new/")
    assert refused.status_code == 403
    assert ERROR_NOT_AUTHOR in refused.content.decode() and 'class="topbar"' in refused.content.decode()
    # and the server-error page renders with no request and no database, as Django renders it
    assert "Lỗi hệ thống" in loader.get_template("500.html").render()


def test_dates_are_day_first_in_ho_chi_minh_time(settings):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    moment = datetime(2026, 2, 10, 20, 30, tzinfo=UTC)
    local = timezone.localtime(moment)
    assert date_format(local, "SHORT_DATE_FORMAT") == "11/02/2026"  # 03:30 the next day in Hà Nội


def test_submitted_text_is_nfc_before_any_view_sees_it():
    decomposed = unicodedata.normalize("NFD", "Phường Bắc Giang")
    request = RequestFactory().post("/", {"name": decomposed})
    seen = {}

    def view(req):
        seen["name"] = req.POST["name"]
        return JsonResponse({})

    NFCMiddleware(view)(request)
    assert seen["name"] == unicodedata.normalize("NFC", decomposed) != decomposed


def test_phone_numbers_and_emails_never_reach_the_logs(caplog):
    logger = logging.getLogger("duluan.test")
    logger.addFilter(RedactPersonalData())
    with caplog.at_level(logging.INFO, logger="duluan.test"):
        logger.info("Phản ánh từ %s, sđt %s", "an.nguyen@example.vn", "0912 345 678")
        logger.info("CCCD %s, SĐT%s", "001203012345", "0912345678")
        logger.info("CCCD %s, ĐT %s", "079 201 000 123", "(08) 930 5593")
        logger.info('"GET /open311/v2/requests.json?api_key=%s&start_date=x HTTP/1.1" 200', "duluan-key-2026")
    assert caplog.messages == [
        "Phản ánh từ <email>, sđt <phone>",
        "CCCD <id>, SĐT<phone>",
        "CCCD <id>, ĐT <phone>",
        '"GET /open311/v2/requests.json?api_key=<key>&start_date=x HTTP/1.1" 200',
    ]


def test_queries_codes_and_exceptions_never_carry_personal_data_to_the_logs(caplog):
    logger = logging.getLogger("duluan.test.access")
    logger.addFilter(RedactPersonalData())
    with caplog.at_level(logging.INFO, logger="duluan.test.access"):
        # given access log lines with a phone typed in a search (spaces as "+"), an e-mail
        # percent-encoded, a name searched for, and tracking and invitation codes in paths
        logger.info('"%s" 200', "GET /intake/signals/?q=0912+345+678&page=2 HTTP/1.1")
        logger.info('"%s" 200', "GET /issues/?topic=land&contact=an.nguyen%40example.vn HTTP/1.1")
        logger.info('"%s" 200', "GET /intake/signals/?q=Nguy%E1%BB%85n+V%C4%83n+An HTTP/1.1")
        logger.info('"%s" 200', "GET /intake/track/DL-7KQ2-MX9P/ HTTP/1.1")
        logger.info('"%s" 200', "GET /cases/track/bn-7kq2-mx9p/feedback/ HTTP/1.1")
        logger.info('"%s" 200', "GET /surveys/tra-loi/ABCD2345/ HTTP/1.1")
        logger.info('"%s" 200', "GET /intake/track/?code=DL-7KQ2-MX9P HTTP/1.1")
        logger.info('"%s" 200', "GET /open311/v2/requests/DL-7KQ2-MX9P.json HTTP/1.1")
        # and an error whose exception quotes a sender's phone and e-mail
        try:
            raise ValueError("duplicate key (phone)=(0912345678) email an@example.vn")
        except ValueError:
            logger.exception("could not store %s", "DL-7KQ2-MX9P")
    text = caplog.text + "".join(r.exc_text or "" for r in caplog.records)
    for secret in (
        "0912",
        "345",
        "an.nguyen",
        "example.vn",
        "Nguy",
        "An HTTP",
        "7KQ2",
        "7kq2",
        "ABCD2345",
        "0912345678",
    ):
        assert secret not in text, secret
    # while the rest of each line is kept
    assert '"GET /intake/signals/?q=<q>&page=2 HTTP/1.1" 200' in caplog.messages
    assert '"GET /intake/track/<code>/ HTTP/1.1" 200' in caplog.messages
    assert '"GET /open311/v2/requests/<code>.json HTTP/1.1" 200' in caplog.messages
    assert "topic=land&contact=<email>" in caplog.text
    assert "ValueError: duplicate key (phone)=(<phone>)" in text


def test_the_access_log_goes_through_the_filter_too():
    # given the development server's access log (Django gives it a handler of its own)
    # (pytest adds handlers of its own to capture logs: the settings' are plain stream handlers)
    handlers = [h for h in logging.getLogger("django.server").handlers if type(h) is logging.StreamHandler]
    # then every handler it writes through keeps personal data and API keys out
    assert handlers and all(any(isinstance(f, RedactPersonalData) for f in h.filters) for h in handlers)


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "duluan.config.settings.production",
        "SECRET_KEY": "k" * 20 + "9f8a7s6d5f4g3h2j1k0lqwertyuiopzxcvbnm",
        "ALLOWED_HOSTS": "duluan.bacninh.gov.vn",
        "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "deploy-check.sqlite3"),
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _production_settings(**overrides) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EMAIL_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "duluan.config.settings.production",
        "SECRET_KEY": "k" * 20 + "9f8a7s6d5f4g3h2j1k0lqwertyuiopzxcvbnm",
        "ALLOWED_HOSTS": "duluan.bacninh.gov.vn",
        **overrides,
    }
    code = "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_USE_TLS, s.EMAIL_PORT)"
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_production_sends_email_by_smtp_over_tls_and_refuses_the_console():
    # given production settings with no e-mail backend named
    default = _production_settings()
    # then e-mail goes by SMTP, over TLS, on the submission port
    assert default.returncode == 0, default.stderr
    assert default.stdout.split() == ["django.core.mail.backends.smtp.EmailBackend", "True", "587"]
    # and a console or file backend, which writes the bodies out, is refused with the reason
    for backend in ("console", "filebased"):
        refused = _production_settings(EMAIL_BACKEND=f"django.core.mail.backends.{backend}.EmailBackend")
        assert refused.returncode != 0 and "production sends e-mail by SMTP" in refused.stderr


def test_production_refuses_a_missing_secret():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "duluan.config.settings.production", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_command_line_lists_its_jobs(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "serve", "manage"):
        assert command in out


def test_the_bench_command_lists_and_refuses_unknown_benchmarks(capsys):
    assert main(["bench", "--list"]) == 0
    listed = capsys.readouterr().out
    assert "survey" in listed and "dedupe" in listed
    assert main(["bench", "no-such-bench"]) == 2
    assert "Không có bài đo: no-such-bench" in capsys.readouterr().err


def test_the_demo_stopped_by_a_signal_stops_its_task_worker(tmp_path):
    psutil = pytest.importorskip("psutil")
    # given the demo serving on its own embedded database, beside its task worker
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    # (with neither models nor shared data, so that it reads its demo data by the fallback rules:
    # 29 s; where no model was built, as on a fresh clone, it would train both first, and took
    # 143 s, 2026-12-05)
    env |= {
        "DULUAN_VAR_DIR": str(tmp_path),
        "DULUAN_MODEL_DIR": str(tmp_path / "no-models"),
        "DULUAN_DATA_DIR": str(tmp_path / "no-shared-data"),
    }
    log = tmp_path / "demo.log"
    with open(log, "wb") as out:
        demo = subprocess.Popen(
            [sys.executable, "-m", "duluan.cli", "demo", "--addr", "127.0.0.1:0"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            workers = []
            for _ in range(600):
                workers = [
                    p for p in psutil.Process(demo.pid).children(recursive=True) if _runs(p, "db_worker")
                ]
                if workers or demo.poll() is not None:
                    break
                time.sleep(0.5)
            assert workers, log.read_text(encoding="utf-8", errors="replace")[-2000:]
            # when it is stopped by SIGTERM (a kill, a timeout, a service manager)
            demo.send_signal(signal.SIGTERM)
            demo.wait(timeout=60)
        finally:
            if demo.poll() is None:
                demo.kill()
    # then the worker was stopped with it, not left running
    _, alive = psutil.wait_procs(workers, timeout=30)
    running = [p.pid for p in alive if _runs(p, "db_worker")]
    for orphan in alive:  # (not to leave them running when this fails)
        orphan.kill()
    assert running == [], log.read_text(encoding="utf-8", errors="replace")[-2000:]
    assert demo.returncode == 128 + signal.SIGTERM


def _runs(process, word: str) -> bool:
    """Whether ``process`` runs a command with ``word``; a child that has just ended (a zombie while
    its parent reaps it, or gone) runs nothing."""
    import psutil

    try:
        return word in process.cmdline()
    except psutil.Error:
        return False


def test_a_signal_while_the_demo_starts_its_worker_still_stops_the_worker(monkeypatch):
    # given a worker process whose start is interrupted by SIGTERM (a kill while Popen runs: the
    # demo then had no handle on the worker, which lived on, orphaned)
    import signal as signals

    from duluan.commands import demo

    started = []

    class Worker:
        def __init__(self, *args, **kwargs):
            os.kill(os.getpid(), signals.SIGTERM)  # arrives while the worker is being started
            started.append(self)
            self.stopped = False

        def terminate(self):
            self.stopped = True

        def wait(self, timeout=None):
            return 0

    served = []
    monkeypatch.setattr(demo.subprocess, "Popen", Worker)
    previous = signals.getsignal(signals.SIGTERM)
    try:
        # when the demo serves
        with pytest.raises(SystemExit):
            demo.serve("127.0.0.1:0", lambda *args, **kwargs: served.append(args))
    finally:
        signals.signal(signals.SIGTERM, previous)
    # then the signal stopped it once the worker's handle was kept, and the worker was stopped
    assert len(started) == 1 and started[0].stopped and not served
