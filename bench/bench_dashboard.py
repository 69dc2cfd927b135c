"""Dashboard and issue-page latency with many signals and issues, on PostgreSQL.

    url=$(bash scripts/pg-throwaway.sh start /tmp/pg-bench 55431)
    DATABASE_URL=$url .venv/bin/python bench/bench_dashboard.py --signals 1000000 --issues 50000
    bash scripts/pg-throwaway.sh stop /tmp/pg-bench

Steps (each timed and printed):
1. migrate, load the administrative units;
2. synthetic but realistic rows with COPY: issues with a topic and a life span, signals spread
   over them (a few big issues, many small), over 365 days, in Bắc Ninh's 2025 communes and the
   pre-2025 communes of Bắc Giang and Bắc Ninh, with channels and sentiments;
3. the precomputed aggregates (Issue counters, IssueDay, issue units) in SQL, then the issues
   app's own ``issues_update_mix`` and ``issues_refresh_hotness`` on the ``--refresh`` most
   recently active issues (the scheduled job's real code);
4. real HTTP servers (``--workers`` ``manage.py runserver`` processes, threaded, DEBUG off) and
   a simple threaded client: ``--users`` concurrent logged-in analysts for ``--seconds``, each
   pausing ``--think`` seconds (±50 %) between requests (0 = back to back), looping over
   dashboard variants (no filter, topic, pre-2025 commune, 2025 commune, search, period,
   channel + sentiment, page 2) and issue pages. Prints p50/p95/max per page kind and overall.
5. ``--open311`` Open311 clients POSTing reports to the servers, with the task worker beside them
   (``--open311-think`` pauses between a client's POSTs; 0 = back to back): p50/p95/max of the
   POSTs, CPU per POST of the servers and the worker, and the lag until ``tokens/<token>`` gives
   the service_request_id.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "duluan.config.settings.local")

TOPIC_WORDS = {
    "land": "bồi thường giải phóng mặt bằng đất đai chậm",
    "environment": "ô nhiễm khói bụi mùi hôi rác thải",
    "construction": "xây dựng trái phép lấn chiếm vỉa hè",
    "transport": "đường hỏng ổ gà ngập úng ùn tắc",
    "admin_procedures": "thủ tục hành chính chậm trễ hồ sơ",
    "reorganisation": "sáp nhập tỉnh đổi địa chỉ giấy tờ con dấu",
    "health": "bệnh viện quá tải thuốc bảo hiểm y tế",
    "education": "trường học thu phí sĩ số lớp",
    "labour_social": "lương trợ cấp việc làm công nhân",
    "security_order": "trộm cắp đánh nhau an ninh trật tự",
    "utilities": "mất điện nước sạch sinh hoạt",
    "economy": "giá cả tăng cao chợ doanh nghiệp",
    "agriculture": "lúa ngô dịch bệnh gia súc thủy lợi",
    "other": "ý kiến khác đề nghị",
}
CHANNELS = ["web", "open311", "hotline", "voter_meeting", "news", "social", "email"]
CHANNEL_WEIGHTS = [20, 5, 15, 5, 15, 35, 5]
SENTIMENTS = ["negative", "neutral", "positive"]


def say(msg: str) -> None:
    print(msg, flush=True)


def setup_django():
    import django

    django.setup()


def generate(n_signals: int, n_issues: int, seed: int = 7) -> None:
    from django.db import connection
    from django.utils import timezone

    from duluan.apps.core.text import search_key
    from duluan.apps.geo.models import AdminUnit, Level

    rng = random.Random(seed)
    now = timezone.now()
    new_units = list(
        AdminUnit.objects.filter(scheme="2025", province_code="24", level=Level.COMMUNE).values_list(
            "pk", flat=True
        )
    )
    old_units = list(
        AdminUnit.objects.filter(
            scheme="pre2025", province_code__in=["24", "27"], level=Level.COMMUNE
        ).values_list("pk", flat=True)
    )
    topics = list(TOPIC_WORDS)
    t0 = time.perf_counter()
    # issues: a life span inside the last 365 days; sizes Zipf-like so a few issues are big
    issues = []
    for _ in range(n_issues):
        topic = rng.choice(topics)
        start = rng.uniform(0, 365)
        span = min(start, rng.expovariate(1 / 20))
        home = rng.choice(new_units) if rng.random() < 0.8 else rng.choice(old_units)
        issues.append((topic, start, span, home))
    weights = [1 / (k + 1) ** 0.8 for k in range(n_issues)]
    rng.shuffle(weights)
    buf = io.StringIO()
    for i, (topic, _start, _span, _home) in enumerate(issues):
        title = f"Vấn đề {i} {TOPIC_WORDS[topic]}"
        buf.write(
            "\t".join(
                [
                    title,
                    "f",
                    f"bench:{i}",
                    topic,
                    "0",
                    "0",
                    "0",
                    "0",
                    "0",
                    "0",
                    "normal",
                    "[]",
                    "{}",
                    "[]",
                    search_key(title),
                    now.isoformat(),
                    "",
                    "{}",
                    "",
                    "{}",  # channel_counts, unit_counts: filled by issues_update_mix below
                    "{}",
                    "{}",  # title_vector
                ]
            )
            + "\n"
        )
    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(max(id), 0) FROM issues_issue")
        first_id = cur.fetchone()[0] + 1
        with cur.connection.cursor().copy(
            "COPY issues_issue (title, title_confirmed, cluster_key, topic, signal_count, negative_share, "
            "intensity, source_count, place_count, hotness, hotness_level, hotness_components, forecast, "
            "summary_terms, search_key, updated_at, channels, sentiment_counts, dominant_sentiment, "
            "channel_counts, unit_counts, title_vector) "
            "FROM STDIN"
        ) as copy:
            copy.write(buf.getvalue())
    say(f"  {n_issues} issues written in {time.perf_counter() - t0:.1f} s")

    t0 = time.perf_counter()
    chosen = rng.choices(range(n_issues), weights=weights, k=n_signals)
    cols = (
        "channel, external_id, content_hash, source, title, text, text_masked, search_key, created_at, "
        "received_at, unit_id, place_text, topic, topic_terms, topic_confirmed, sentiment, intensity, "
        "places, near_duplicate_group, tracking_code, extra, issue_id"
    )
    batch = 100_000
    with connection.cursor() as cur:
        for start in range(0, n_signals, batch):
            buf = io.StringIO()
            for k in range(start, min(start + batch, n_signals)):
                i = chosen[k]
                topic, begin, span, home = issues[i]
                ago = begin - rng.uniform(0, span)
                created = now - timedelta(days=ago, seconds=rng.uniform(0, 3600))
                unit = (
                    home
                    if rng.random() < 0.7
                    else (rng.choice(new_units) if rng.random() < 0.8 else rng.choice(old_units))
                )
                sentiment = rng.choices(SENTIMENTS, weights=[55, 35, 10])[0]
                channel = rng.choices(CHANNELS, weights=CHANNEL_WEIGHTS)[0]
                text = f"Người dân phản ánh {TOPIC_WORDS[topic]} số {k} vấn đề {i}"
                group = f"bench:g{i}:{k % 7}" if k % 3 == 0 else ""
                buf.write(
                    f"{channel}\tb{k}\th{k}\tnguon-{k % 50}\t\t{text}\t{text}\t{search_key(text)}\t"
                    f"{created.isoformat()}\t{created.isoformat()}\t{unit}\t\t{topic}\t[]\tf\t{sentiment}\t"
                    f"{rng.random():.3f}\t[]\t{group}\t\t{{}}\t{first_id + i}\n"
                )
            with cur.connection.cursor().copy(f"COPY intake_signal ({cols}) FROM STDIN") as copy:
                copy.write(buf.getvalue())
            done = min(start + batch, n_signals)
            say(f"  signals {done:,} / {n_signals:,} ({time.perf_counter() - t0:.0f} s)")
    say(f"  {n_signals} signals written in {time.perf_counter() - t0:.1f} s")


AGGREGATES = [
    """UPDATE issues_issue i SET signal_count = s.n, first_seen = s.f, last_seen = s.l,
         negative_share = s.neg, intensity = s.inten, source_count = s.src, place_count = s.plc
       FROM (SELECT issue_id, count(*) n, min(created_at) f, max(created_at) l,
                    avg((sentiment = 'negative')::int) neg, avg(coalesce(intensity, 0)) inten,
                    count(DISTINCT channel || ':' || source) src, count(DISTINCT unit_id) plc
             FROM intake_signal WHERE issue_id IS NOT NULL GROUP BY issue_id) s
       WHERE s.issue_id = i.id""",
    """INSERT INTO issues_issueday (issue_id, day, count, negative, intensity_sum, sources, places)
       SELECT issue_id, (created_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, count(*),
              sum((sentiment = 'negative')::int), sum(coalesce(intensity, 0)),
              count(DISTINCT channel || ':' || source), count(DISTINCT unit_id)
       FROM intake_signal WHERE issue_id IS NOT NULL GROUP BY 1, 2
       ON CONFLICT (issue_id, day) DO NOTHING""",
    """INSERT INTO issues_issue_units (issue_id, adminunit_id)
       SELECT DISTINCT issue_id, unit_id FROM intake_signal WHERE issue_id IS NOT NULL AND unit_id IS NOT NULL
       ON CONFLICT DO NOTHING""",
    "ANALYZE",
]


def aggregates(refresh: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from duluan.apps.issues.models import Issue
    from duluan.apps.issues.services import issues_refresh_hotness, issues_update_mix

    t0 = time.perf_counter()
    with connection.cursor() as cur:
        for sql in AGGREGATES:
            cur.execute(sql)
    say(f"  SQL aggregates (Issue counters, IssueDay, issue units) in {time.perf_counter() - t0:.1f} s")
    t0 = time.perf_counter()
    ids = list(Issue.objects.values_list("pk", flat=True))
    issues_update_mix(ids)
    say(f"  issues_update_mix over {len(ids)} issues in {time.perf_counter() - t0:.1f} s")
    recent = list(Issue.objects.order_by("-last_seen").values_list("pk", flat=True)[:refresh])
    t0 = time.perf_counter()
    result = issues_refresh_hotness(now=timezone.now(), issue_ids=recent)
    took = time.perf_counter() - t0
    say(
        f"  issues_refresh_hotness on the {len(recent)} most recently active issues: {took:.1f} s "
        f"({1000 * took / max(len(recent), 1):.1f} ms/issue) — {result.summary()}"
    )


def session_cookie(username: str) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from duluan.apps.accounts.models import User

    user = User.objects.get(username=username)
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    return s.session_key


def start_servers(
    port: int, workers: int, env: dict[str, str] | None = None
) -> tuple[list[subprocess.Popen], list[str]]:
    """Start ``workers`` web servers on ports ``port``… and wait until each answers."""
    env = {**os.environ, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1,localhost", **(env or {})}
    # One `runserver` process per worker (threaded): gunicorn is not a dependency of the platform,
    # so N processes on N ports stand in for N web workers behind a balancer.
    servers = [
        subprocess.Popen(
            [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port + w}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for w in range(workers)
    ]
    bases = [f"http://127.0.0.1:{port + w}" for w in range(workers)]
    for base in bases:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
    return servers, bases


def stop_servers(servers: list[subprocess.Popen]) -> None:
    for server in servers:
        server.terminate()
        server.wait(timeout=20)


def print_latencies(timings: dict[str, list[float]], errors: list[str]) -> None:
    """Print p50/p95/max/mean per kind of request and over all of them."""

    def pct(xs, q):
        return 1000 * _pct(xs, q)

    everything = [x for xs in timings.values() for x in xs]
    for kind, xs in [*sorted(timings.items()), ("all", everything)]:
        if xs:
            say(
                f"  {kind:9s} n={len(xs):5d}  p50={pct(xs, 0.5):6.0f} ms  p95={pct(xs, 0.95):6.0f} ms  "
                f"max={1000 * max(xs):6.0f} ms  mean={1000 * statistics.mean(xs):6.0f} ms"
            )
    say(f"  errors: {len(errors)}" + (f" e.g. {errors[0]}" if errors else ""))


def load_test(users: int, seconds: float, port: int, workers: int, think: float) -> None:
    from duluan.apps.issues.models import Issue

    servers, bases = start_servers(port, workers)
    try:
        cookie = session_cookie("phantich")
        hot = list(
            Issue.objects.filter(merged_into__isnull=True)
            .order_by("-hotness")
            .values_list("pk", flat=True)[:200]
        )
        big = list(Issue.objects.order_by("-signal_count").values_list("pk", flat=True)[:50])
        pages = [
            ("dashboard", "/issues/"),
            ("dashboard", "/issues/?topic=land"),
            ("dashboard", "/issues/?place=pre2025:07201"),
            ("dashboard", "/issues/?place=2025:07210"),
            ("dashboard", "/issues/?q=ngap+ung"),
            ("dashboard", "/issues/?period=30"),
            ("dashboard", "/issues/?channel=social&sentiment=negative"),
            ("dashboard", "/issues/?topic=transport&period=7&page=2"),
        ]
        timings: dict[str, list[float]] = {}
        errors = []
        lock = threading.Lock()

        opener = urllib.request.build_opener()
        opener.addheaders = [("Cookie", f"sessionid={cookie}")]
        for base in bases:  # warm up every worker on every page kind (imports, caches)
            for _, path in [*pages, ("issue", f"/issues/{hot[0]}/")] if hot else pages:
                opener.open(base + path, timeout=60).read()
        stop = time.perf_counter() + seconds

        def worker(n: int):
            rng = random.Random(n)
            base = bases[n % len(bases)]
            while time.perf_counter() < stop:
                if think:
                    time.sleep(rng.uniform(0.5 * think, 1.5 * think))
                if rng.random() < 0.5:
                    kind, path = rng.choice(pages)
                else:
                    kind, path = "issue", f"/issues/{rng.choice(hot if rng.random() < 0.7 else big)}/"
                t = time.perf_counter()
                try:
                    with opener.open(base + path, timeout=30) as r:
                        r.read()
                        ok = r.status == 200
                except Exception as exc:
                    ok = False
                    errors.append(f"{path}: {exc}")
                took = time.perf_counter() - t
                with lock:
                    if ok:
                        timings.setdefault(kind, []).append(took)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(users)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
    finally:
        stop_servers(servers)
    say(
        f"load: {users} concurrent users (threaded urllib client, think time {think:g} s ±50 %), "
        f"{workers} runserver process(es), {wall:.0f} s, {sum(map(len, timings.values()))} requests"
    )
    print_latencies(timings, errors)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (robust to other load on the machine)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def _open311_lag(tokens: list[str], end: float, wait: float) -> None:
    """Wait for the worker to process the run's requests; print the lag from POST to done.

    The lag is the pending row's ``updated_at - created_at``: from the POST's insert (just
    before its answer) to the row being marked done with its signal (just before that commit).
    """
    try:
        from duluan.apps.intake.models import PendingRequest
    except ImportError:
        return  # a platform that answers POSTs synchronously: no lag to measure
    from django.db import close_old_connections

    rows = PendingRequest.objects.filter(token__in=tokens)
    while time.perf_counter() < end + wait and rows.filter(status="pending").exists():
        time.sleep(0.2)
        close_old_connections()
    left = rows.filter(status="pending").count()
    drained = time.perf_counter() - end
    lags = [
        (done - created).total_seconds()
        for created, done in rows.filter(status="done").values_list("created_at", "updated_at")
    ]
    if lags:
        say(
            f"  lag POST → service_request_id (database, {len(lags)} requests): "
            f"p50={1000 * _pct(lags, 0.5):6.0f} ms  p95={1000 * _pct(lags, 0.95):6.0f} ms  "
            f"max={1000 * max(lags):6.0f} ms; queue empty {drained:.1f} s after the last POST"
            + (f", {left} still pending after {wait:.0f} s" if left else "")
        )


def open311_test(clients: int, seconds: float, port: int, workers: int, think: float = 0.0) -> None:
    """``clients`` concurrent Open311 clients POST new requests (back to back, or pausing
    ``think`` seconds ±50 % between two); print latencies.

    Each request is a distinct report (a topic's words, a running number, a point in Bắc Ninh).
    A POST is answered with a token once the request is stored for the task worker, which
    analyses, places and clusters it (and refreshes hotness) beside the servers, as in
    production. Besides the POST latencies this prints the CPU time the servers and the worker
    used per request, and the lag until ``tokens/<token>`` gives the service_request_id: as a
    citizen's app sees it (one poller, every 50 ms, on a sample of the requests) and for every
    request from the database. The demo API key is created if missing.
    """
    import json
    import urllib.parse

    from duluan.apps.intake.demo import _api_client

    key = _api_client()
    # runserver handles each request in a new thread; with persistent connections (the
    # default CONN_MAX_AGE=60) a dead thread's connection stays open until the garbage collector
    # finds it: about 1 in 10 requests under load left one open (measured with
    # pg_stat_activity), and after a thousand or so POSTs PostgreSQL refused new clients
    # (HTTP 500). So the servers close their connection after each request here.
    servers, bases = start_servers(port, workers, env={"CONN_MAX_AGE": "0"})
    # The task worker runs beside the servers, as in production: it stores the requests.
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload"],
        cwd=ROOT,
        env={**os.environ, "DEBUG": "false"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    servers.append(worker)
    timings: dict[str, list[float]] = {}
    errors: list[str] = []
    tokens: list[str] = []
    polled: list[float] = []
    lock = threading.Lock()
    codes = list(TOPIC_WORDS)

    def post(base: str, fields: dict) -> dict:
        body = urllib.parse.urlencode({"api_key": key, **fields}).encode()
        with urllib.request.urlopen(base + "/open311/v2/requests.json", data=body, timeout=30) as r:
            if r.status not in (200, 201):
                raise RuntimeError(f"HTTP {r.status}")
            return json.loads(r.read())[0]

    def request_id(base: str, token: str) -> str:
        with urllib.request.urlopen(f"{base}/open311/v2/tokens/{token}.json", timeout=30) as r:
            return json.loads(r.read())[0]["service_request_id"]

    try:
        for n, base in enumerate(bases):  # warm up: each server loads the models on its first report
            first = post(
                base,
                {
                    "service_code": codes[0],
                    "lat": "21.2",
                    "long": "106.1",
                    "description": f"{TOPIC_WORDS[codes[0]]} — khởi động máy chủ {n}",
                },
            )
            if "token" in first and not first.get("service_request_id"):
                for _ in range(600):  # and the worker on the first request it stores
                    if request_id(base, first["token"]):
                        break
                    time.sleep(0.1)
        cpu0 = {p.pid: _cpu_seconds(p.pid) for p in servers}
        client_cpu0 = time.process_time()
        start = time.perf_counter()
        stop = start + seconds

        def client(n: int) -> None:
            rng = random.Random(1000 + n)
            base = bases[n % len(bases)]
            i = 0
            while time.perf_counter() < stop:
                if think:
                    time.sleep(rng.uniform(0.5 * think, 1.5 * think))
                i += 1
                code = rng.choice(codes)
                fields = {
                    "service_code": code,
                    "lat": f"{21.0 + rng.random() * 0.4:.5f}",
                    "long": f"{105.9 + rng.random() * 0.4:.5f}",
                    "description": f"{TOPIC_WORDS[code]} — phản ánh số {n}-{i} của người dân, "
                    f"đề nghị chính quyền xem xét giải quyết sớm ({rng.randrange(10**6)}).",
                }
                t = time.perf_counter()
                try:
                    answer = post(base, fields)
                except Exception as exc:
                    with lock:
                        errors.append(str(exc))
                    continue
                took = time.perf_counter() - t
                with lock:
                    timings.setdefault("post", []).append(took)
                    if answer.get("token"):
                        tokens.append(answer["token"])

        def poller() -> None:
            # A citizen's app: take the newest token, read tokens/<token> every 50 ms until the
            # id is there; then the next newest. One poller, so the servers' load barely grows.
            base = bases[0]
            while time.perf_counter() < stop:
                with lock:
                    token = tokens[-1] if tokens else None
                if token is None:
                    time.sleep(0.05)
                    continue
                t = time.perf_counter()
                while not request_id(base, token) and time.perf_counter() - t < 120:
                    time.sleep(0.05)
                polled.append(time.perf_counter() - t)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        polling = threading.Thread(target=poller)
        for t in [*threads, polling]:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        cpu = {p.pid: _cpu_seconds(p.pid) - cpu0[p.pid] for p in servers}
        client_cpu = time.process_time() - client_cpu0
        polling.join()
        posts = len(timings.get("post", []))
        say(
            f"open311: {clients} concurrent clients POSTing "
            f"{f'with {think:g} s pauses' if think else 'back to back'}, {workers} runserver "
            f"process(es) and a task worker, {wall:.0f} s, {posts} requests accepted ({posts / wall:.1f}/s)"
        )
        print_latencies(timings, errors)
        web_cpu = sum(cpu[p.pid] for p in servers if p is not worker)
        say(
            f"  CPU during the run: servers {web_cpu:.1f} s ({1000 * web_cpu / max(posts, 1):.1f} ms/POST), "
            f"worker {cpu[worker.pid]:.1f} s, this benchmark's clients {client_cpu:.1f} s; "
            f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
        if polled:
            say(
                f"  lag POST → service_request_id (client polling tokens/<token>, {len(polled)} requests): "
                f"p50={1000 * _pct(polled, 0.5):6.0f} ms  p95={1000 * _pct(polled, 0.95):6.0f} ms  "
                f"max={1000 * max(polled):6.0f} ms"
            )
        worker_cpu0 = _cpu_seconds(worker.pid)
        _open311_lag(tokens, time.perf_counter(), wait=600)
        worker_cpu = cpu[worker.pid] + _cpu_seconds(worker.pid) - worker_cpu0
        if tokens:
            say(
                f"  worker CPU until its queue was empty: {worker_cpu:.1f} s "
                f"({1000 * worker_cpu / len(tokens):.1f} ms/request)"
            )
    finally:
        stop_servers(servers)


def _peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def export_test(port: int) -> None:
    """Download every signal as CSV, then as XLSX, from a fresh server; print time, size, peak RSS."""
    for fmt in ("csv", "xlsx"):
        servers, (base,) = start_servers(port, 1)
        server = servers[0]
        try:
            opener = urllib.request.build_opener()
            opener.addheaders = [("Cookie", f"sessionid={session_cookie('phantich')}")]
            opener.open(base + "/issues/", timeout=60).read()
            before = _peak_rss_mb(server.pid)
            t0 = time.perf_counter()
            size = lines = 0
            first_byte = None
            with opener.open(base + f"/issues/export.{fmt}", timeout=3600) as r:
                while chunk := r.read(1 << 16):
                    if first_byte is None:
                        first_byte = time.perf_counter() - t0
                    size += len(chunk)
                    lines += chunk.count(b"\n")
            took = time.perf_counter() - t0
            rows = f", {lines - 1:,} rows" if fmt == "csv" else ""
            after = _peak_rss_mb(server.pid)
            say(
                f"export {fmt}: {size / 1e6:.0f} MB{rows} in {took:.0f} s "
                f"(first byte after {first_byte:.1f} s); "
                f"server peak RSS {before:.0f} MB before, {after:.0f} MB after"
            )
        finally:
            stop_servers(servers)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--signals", type=int, default=1_000_000)
    parser.add_argument("--issues", type=int, default=50_000)
    parser.add_argument("--refresh", type=int, default=2000, help="issues scored by the real refresh service")
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2, help="web server processes (one per core)")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a user's requests (s)")
    parser.add_argument("--reuse", action="store_true", help="keep the rows already generated")
    parser.add_argument("--export", action="store_true", help="also time full CSV and XLSX exports")
    parser.add_argument(
        "--open311", type=int, default=20, metavar="CLIENTS", help="concurrent Open311 POST clients (0: skip)"
    )
    parser.add_argument("--open311-seconds", type=float, default=30)
    parser.add_argument(
        "--open311-think", type=float, default=0.0, help="mean pause between a client's POSTs (s; 0: none)"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        say("This benchmark needs PostgreSQL: DATABASE_URL=postgres://… (scripts/pg-throwaway.sh)")
        return 2
    setup_django()
    from django.core.management import call_command

    from duluan.apps.accounts.demo import demo_agencies_seed, demo_users_seed
    from duluan.apps.geo.models import AdminUnit
    from duluan.apps.geo.services import units_load
    from duluan.apps.intake.models import Signal

    say(
        f"bench_dashboard: {args.signals:,} signals, {args.issues:,} issues ({datetime.now():%Y-%m-%d %H:%M})"
    )
    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not AdminUnit.objects.exists():
        units_load()
    demo_agencies_seed()
    demo_users_seed()
    say(f"  migrate, units, agencies and users in {time.perf_counter() - t0:.1f} s")
    if not (args.reuse and Signal.objects.exists()):
        generate(args.signals, args.issues)
        aggregates(args.refresh)
    say(f"rows: {Signal.objects.count():,} signals")
    if args.seconds > 0:
        load_test(args.users, args.seconds, args.port, args.workers, args.think)
    if args.open311 and args.open311_seconds > 0:
        open311_test(args.open311, args.open311_seconds, args.port + 50, args.workers, args.open311_think)
    if args.export:
        export_test(args.port + 100)
    return 0


if __name__ == "__main__":
    sys.exit(main())
