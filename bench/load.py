"""
Load test of the reader pages in the production configuration: requests a second, median
and 99th-percentile latency, with the page cache on and off, on SQLite and on PostgreSQL
with 100,000 generated articles, against a floor.

Run by ``make bench-load``. For each database engine:

1. a fresh database (SQLite: a file in a temporary directory; PostgreSQL: a database
   ``screenmania_bench``, or --database, on the server DATABASE_URL names, dropped at the
   end) gets ``manage.py generate_articles N``, media in the temporary directory;
2. bench/article_build.py requests the article page in one warm process, the caches off
   and no Redis: what the page costs built from nothing (median and p99 in process);
3. gunicorn serves it with screenmania/gunicorn.conf.py on a free loopback port: DEBUG
   off, Redis as the cache (REDIS_URL, under a key prefix of this run, removed at the end),
   static files collected into the temporary directory. Settings are bench.settings: the
   site's plus ``/__floor__/``, a view returning the article page's bytes (saved from the
   first run) and nothing else, measured through the same server and middleware;
4. in MODES: page cache on, each page measured, with beside the article page a project
   fresh from ``django-admin startproject`` serving the same bytes through the same gunicorn
   settings (the startproject floor); the spike, readers on the home and article pages
   while bench/publisher.py publishes a draft every PUBLISH_EVERY seconds, with the
   per-worker copy of pages and then without it (LAYERS); page cache off, every page built
   on every request. Each page gets one
   request (which fills the caches, and times the page built alone), a short wrk warm-up,
   then a measured wrk run, with a pause for gunicorn to serve what wrk left queued
   before the next one; without the page cache, a second run with one connection gives
   the page's own latency. Then, a page slower than SLOW_PAGE_SECONDS alone is reported,
   not loaded. The peak memory of the workers (VmHWM) is polled throughout.

Writes bench/load.md and bench/load.json. Exit status: 1 if a page answered anything but a
200, or nothing (its numbers would be those of an error), 2 if wrk, Redis or PostgreSQL is
missing. A missed target is printed as FAIL, not an error: this is a measurement.
"""

import argparse
import http.client
import json
import os
import platform
import re
import runpy
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench import magazine  # noqa: E402 (needs the checkout on the path)

HERE = Path(__file__).resolve().parent
REPORT, RESULTS = HERE / "load.md", HERE / "load.json"
GUNICORN = REPO / ".venv" / "bin" / "gunicorn"
DJANGO_ADMIN = REPO / ".venv" / "bin" / "django-admin"
GUNICORN_CONF = REPO / "screenmania" / "gunicorn.conf.py"
DATABASE = "screenmania_bench"
HOST = "127.0.0.1"
ENGINES = ("sqlite", "postgresql")
PAGES = (
    *("home", "article", "section", "tag", "author", "search", "feed", "sitemap"),
    *("shell", "floor", "startproject"),
)
# A page of the site's own in every mode; the startproject floor is another server.
SITE_PAGES = PAGES[:-1]
LIST_PAGES = ("home", "section", "tag", "author")
# cached: the page cache answers. spike: the same, readers on the home and article pages
# at once while the desk publishes an article every PUBLISH_EVERY seconds
# (bench/publisher.py), once as configured and once without each of LAYERS.
# uncached: every page is built on every request (DJANGO_PAGE_CACHE=0).
CACHED = {"DJANGO_PAGE_CACHE": "1"}
# What remains on top of the page cache, with the switch that turns it off: whether it
# earns its keep under the spike. The layers removed are in BEFORE.
LAYERS = {
    "spike-no-copies": ("per-worker copy of pages", {"DJANGO_PAGE_CACHE_LOCAL_SECONDS": "0"}),
}
SPIKE_MODES = ("spike", *LAYERS)
MODES = ("cached", *SPIKE_MODES, "uncached")
SWITCHES = {
    "cached": CACHED,
    "spike": CACHED,
    **{mode: {**CACHED, **switch} for mode, (_layer, switch) in LAYERS.items()},
    "uncached": {"DJANGO_PAGE_CACHE": "0"},
}
# A newsroom's pace: a publication every few minutes, not every half second.
PUBLISH_EVERY = 120
SPIKE_PAGES = ("home", "article")
# A layer earns its keep when, without it, the workers spend this much more time a request.
LAYER_CPU_GAIN = 1.10
# Modes whose pages are also measured with one reader at a time.
SOLO_MODES = ("uncached",)
FLOOR_PATH = "/__floor__/"
SHELL_PATH = "/__shell__/"
STARTPROJECT_PATH = "/article/"

# The targets of the issue. List pages are held to theirs on PostgreSQL at this size.
# Against the startproject floor; Wagtail's bakerydemo behind Django's per-site cache
# reached 0.84 on the same machine.
CACHED_ARTICLE_RATIO = 0.9
UNCACHED_ARTICLE_RATIO = 0.25
# The article page built from nothing, median in process (bench/article_build.py).
ARTICLE_BUILD_MS = 10
LIST_P99_MS = 50
LIST_TARGET_ARTICLES = 100_000
WORKER_PEAK_MIB = 150
# Uncached, a page slower than this alone is not loaded (see measure_page()).
SLOW_PAGE_SECONDS = 2
# robots.txt answered faster than this: no request is waiting for a worker.
IDLE_PROBE_SECONDS = 0.05


class BenchError(Exception):
    """Something that makes the measurement meaningless: stop, say why."""


@dataclass
class Measure:
    """One page under load, or why it was not loaded (``problem``)."""

    path: str
    bytes: int = 0
    # The request before the load: a cache miss, so what building the page costs alone.
    first_request_ms: float = 0.0
    requests: int = 0
    requests_per_second: float | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    non_2xx: int = 0
    timeouts: int = 0
    other_socket_errors: int = 0
    # Uncached only: one connection, each request sent when the last is answered. What a
    # page costs to build at this size, without the queueing of 16 connections on 2 cores.
    solo_requests_per_second: float | None = None
    solo_p50_ms: float | None = None
    solo_p99_ms: float | None = None
    # The largest VmHWM among the workers alive while this page was measured: a jump from
    # the page before is this page's doing.
    worker_peak_mib: float = 0.0
    problem: str | None = None
    # An error voids the run (exit status 1); a page only too slow to load is reported.
    error: bool = False


def main():
    args = parse_args()
    problem = missing_tool()
    if problem:
        print(problem, file=sys.stderr)
        return 2
    # A plain `kill` stops the run the way Ctrl-C does: servers and database go too.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    results = {
        "date": datetime.now().astimezone().isoformat(timespec="seconds"),
        "articles": args.articles,
        "wrk": {
            "threads": args.threads,
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "solo_s": args.solo_duration,
            "spike_s": args.spike_duration,
            "publish_every_s": args.publish_every,
        },
        "article_build_requests": args.build_requests,
        "engines": {},
    }
    key_prefix = f"screenmania-bench-{secrets.token_hex(4)}"
    started = time.perf_counter()
    try:
        with tempfile.TemporaryDirectory(prefix="screenmania-load-") as workdir:
            workdir = Path(workdir)
            port = free_port()
            env = server_environment(workdir, port, key_prefix)
            results["machine"] = machine(env)
            print("Collecting static files…", flush=True)
            magazine.manage(env, "collectstatic", "--no-input", "--verbosity", "0")
            for engine in args.engines:
                results["engines"][engine] = bench_engine(engine, env, port, workdir, args)
    finally:
        forget_cache_keys(key_prefix)
    results["seconds"] = round(time.perf_counter() - started)
    results["targets"] = check_targets(results)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    report = render_report(results)
    REPORT.write_text(report, encoding="utf-8")
    print(report)
    return 1 if report_errors(results) else 0


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="per database")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per page")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per page")
    parser.add_argument(
        "--solo-duration",
        type=int,
        default=5,
        help="seconds measured per page uncached with one connection",
    )
    parser.add_argument(
        "--spike-duration",
        type=int,
        default=150,
        help="seconds of each spike run (two publications at the default pace)",
    )
    parser.add_argument(
        "--publish-every", type=float, default=PUBLISH_EVERY, help="seconds, during a spike"
    )
    parser.add_argument(
        "--build-requests",
        type=int,
        default=500,
        help="requests timed for the article page built from nothing, in process",
    )
    parser.add_argument("--modes", nargs="+", choices=MODES, default=list(MODES))
    parser.add_argument(
        "--database",
        default=DATABASE,
        help="the PostgreSQL database created and dropped (on DATABASE_URL's server)",
    )
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    return parser.parse_args()


def missing_tool():
    """What is missing to run, and how to get it, or None."""
    if shutil.which("wrk") is None:
        return "wrk not found: run `bash scripts/services.sh wrk` (Debian's package)."
    services = (
        'bash scripts/services.sh postgres redis, then eval "$(bash scripts/services.sh env)"'
    )
    if not os.environ.get("REDIS_URL"):
        return f"REDIS_URL is not set: {services}."
    if magazine.postgresql_server_url() is None:
        return f"DATABASE_URL must name a PostgreSQL server: {services}."
    return None


def server_environment(workdir, port, key_prefix):
    """The production configuration on the loopback, as `make serve` sets it, plus the bench's."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": HOST,
        # Plain HTTP on the loopback: no redirect to HTTPS.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "SITE_URL": f"http://{HOST}:{port}",
        "GUNICORN_BIND": f"{HOST}:{port}",
        "BENCH_STATIC_ROOT": str(workdir / "static"),
        "CACHE_KEY_PREFIX": key_prefix,
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    # Set per engine; never the developer's database.
    env.pop("DATABASE_URL", None)
    return env


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


# ----------------------------------------------------------------------------- one engine


def bench_engine(engine, env, port, workdir, args):
    with database(engine, workdir, args.database) as url:
        env = {**env, "DATABASE_URL": url, "MEDIA_ROOT": str(workdir / f"media-{engine}")}
        print(f"{engine}: generating {args.articles:,} articles…", flush=True)
        # Generation writes nothing to the cache: Redis is left out until the server starts.
        build_env = {key: value for key, value in env.items() if key != "REDIS_URL"}
        seconds = magazine.build(build_env, args.articles)
        pages = pick_pages(build_env)
        print(f"{engine}: the article page built from nothing, in process…", flush=True)
        article_build = measure_article_build(build_env, pages["article"]["path"], args)
        print(f"  {article_build}", flush=True)
        floor_file = workdir / f"floor-{engine}.html"
        runs = {}
        for mode in args.modes:
            server_env = {
                **env,
                **SWITCHES[mode],
                "CACHE_KEY_PREFIX": f"{env['CACHE_KEY_PREFIX']}-{engine}-{mode}",
                "BENCH_FLOOR_FILE": str(floor_file),
            }
            log = workdir / f"gunicorn-{engine}-{mode}.log"
            # Anything else busy on the machine shows here, and in the numbers.
            load_average = round(os.getloadavg()[0], 2)
            with gunicorn(server_env, port, log) as server:
                if not floor_file.exists():
                    # The floors serve these bytes in every run: the article as first served.
                    floor_file.write_bytes(get(port, pages["article"]["path"])[1])
                print(f"{engine}, {mode}:", flush=True)
                if mode in SPIKE_MODES:
                    runs[mode] = measure_spike(server, port, pages, args, server_env)
                elif mode == "cached":
                    # The startproject floor side by side, measured just after the article.
                    with startproject_floor(workdir, server_env, floor_file) as floor_port:
                        measured = {name: pages[name] for name in SITE_PAGES}
                        measured = (
                            {"article": measured.pop("article")}
                            | {"startproject": pages["startproject"]}
                            | measured
                        )
                        ports = {"startproject": floor_port}
                        runs[mode] = measure_pages(server, port, measured, args, False, ports)
                else:
                    measured = {name: pages[name] for name in SITE_PAGES}
                    runs[mode] = measure_pages(server, port, measured, args, mode in SOLO_MODES)
                runs[mode]["load_average_before"] = load_average
    return {
        "generation_s": round(seconds, 1),
        "pages": pages,
        "article_build": article_build,
        "runs": runs,
    }


def measure_article_build(env, path, args):
    """bench/article_build.py against this magazine: {requests, median_ms, p99_ms, queries}."""
    return run_bench_module(
        env, "bench.article_build", path, "--host", HOST, "--requests", str(args.build_requests)
    )


def run_bench_module(env, module, *args):
    """What ``python -m module *args`` prints, as JSON, run with ``env``."""
    output = subprocess.run(  # noqa: S603 (this Python, our module)
        [sys.executable, "-m", module, *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


STARTPROJECT_VIEW = """

# Added by bench/load.py: the article page's bytes, and nothing else.
from django.http import HttpResponse  # noqa: E402

with open({floor_file!r}, "rb") as page:
    ARTICLE = page.read()


def article(request):
    return HttpResponse(ARTICLE)


urlpatterns.append(path("article/", article))
"""


@contextmanager
def startproject_floor(workdir, env, floor_file):
    """
    The floor a Django project cannot beat: a project as ``django-admin startproject``
    writes it (its settings and middleware, DEBUG off and ALLOWED_HOSTS set), one view
    returning the article page's bytes, no database, served by the same gunicorn with
    the worker settings of screenmania/gunicorn.conf.py. Yields its port.
    """
    root = workdir / "startproject"
    if not root.exists():
        root.mkdir()
        subprocess.run(  # noqa: S603 (the venv's django-admin, no shell)
            [str(DJANGO_ADMIN), "startproject", "floorsite", str(root)], check=True
        )
        settings = root / "floorsite" / "settings.py"
        text = settings.read_text()
        text = text.replace("DEBUG = True", "DEBUG = False")
        text = text.replace("ALLOWED_HOSTS = []", f"ALLOWED_HOSTS = [{HOST!r}]")
        settings.write_text(text)
        with open(root / "floorsite" / "urls.py", "a") as urls:
            urls.write(STARTPROJECT_VIEW.format(floor_file=str(floor_file)))
    conf = gunicorn_configuration(env)
    port = free_port()
    command = [
        str(GUNICORN),
        "floorsite.wsgi:application",
        *("--chdir", str(root), "--bind", f"{HOST}:{port}"),
        *("--workers", str(conf["workers"]), "--threads", str(conf["threads"])),
        *("--keep-alive", str(conf["keepalive"]), "--timeout", str(conf["timeout"])),
        *("--max-requests", str(conf["max_requests"])),
        *("--max-requests-jitter", str(conf["max_requests_jitter"])),
        *(["--preload"] if conf["preload_app"] else []),
    ]
    # Nothing of the site's environment: its settings module, its secret key.
    floor_env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "floorsite.settings"}
    with gunicorn(floor_env, port, workdir / "gunicorn-startproject.log", command):
        yield port


def measure_spike(server, port, pages, args, env):
    """
    The spike: wrk on the home and the article page at once, each with half the
    connections, while bench/publisher.py publishes an article every --publish-every
    seconds (the first as the readers arrive).
    """
    measures = {name: Measure(path=pages[name]["path"]) for name in SPIKE_PAGES}
    for measure in measures.values():
        status, body = get(port, measure.path)
        measure.bytes = len(body)
        if status != 200:
            measure.problem, measure.error = f"answered {status}, not 200", True
            return spike_result(measures, set(), None)
    connections = max(1, args.connections // len(SPIKE_PAGES))
    cpu_before = workers_cpu_seconds(server.pid)
    with WorkerPeaks(server.pid) as peaks, newsroom(env, args.publish_every) as published:
        with ThreadPoolExecutor(len(SPIKE_PAGES)) as pool:
            loads = {
                name: pool.submit(
                    run_wrk,
                    f"http://{HOST}:{port}{measure.path}",
                    args,
                    args.spike_duration,
                    threads=1,
                    connections=connections,
                )
                for name, measure in measures.items()
            }
            for name, load in loads.items():
                for field, value in load.result().items():
                    setattr(measures[name], field, value)
        peak = round(peaks.page_peak_kib() / 1024, 1)
    wait_until_idle(port)
    cpu_seconds = workers_cpu_seconds(server.pid) - cpu_before
    for name, measure in measures.items():
        measure.worker_peak_mib = peak
        check_load(measure)
        print(f"  {name:8} {describe(measure)}", flush=True)
    requests = sum(measure.requests for measure in measures.values())
    cpu_ms = round(cpu_seconds * 1000 / requests, 3) if requests else None
    print(
        f"  {published['count']} published in {published['seconds']} s; "
        f"workers' CPU {cpu_ms} ms a request",
        flush=True,
    )
    return spike_result(measures, peaks.workers_seen, published, cpu_ms)


def spike_result(measures, workers_seen, published, cpu_ms=None):
    return {
        "pages": {name: asdict(measure) for name, measure in measures.items()},
        "worker_peak_mib": max(measure.worker_peak_mib for measure in measures.values()),
        "workers_seen": len(workers_seen),
        "published": published,
        "worker_cpu_ms_per_request": cpu_ms,
    }


def workers_cpu_seconds(master_pid):
    """
    The processor time the workers have used: the live ones', and the master's count of
    the workers it reaped (its children's time), since gunicorn recycles them meanwhile.
    Unlike requests a second, it does not change with what else the machine is running.
    """
    ticks = os.sysconf("SC_CLK_TCK")

    def stat_fields(pid):
        # After the command's closing parenthesis, the third field of proc(5) comes first.
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()

    master = stat_fields(master_pid)
    total = int(master[13]) + int(master[14])  # cutime, cstime
    for pid in worker_peaks_kib(master_pid):
        with suppress(OSError):
            fields = stat_fields(pid)
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


@contextmanager
def newsroom(env, every):
    """bench/publisher.py publishing meanwhile; yields a dict given its count at the end."""
    published = {"count": None, "seconds": None}
    publisher = subprocess.Popen(  # noqa: S603 (this Python, our module)
        [sys.executable, "-m", "bench.publisher", "--every", str(every)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        yield published
    finally:
        publisher.terminate()
        output, _errors = publisher.communicate(timeout=60)
    if publisher.returncode != 0:
        raise BenchError(f"bench/publisher.py failed (status {publisher.returncode}).")
    count, seconds = output.split()[-2:]
    published.update(count=int(count), seconds=float(seconds))


@contextmanager
def database(engine, workdir, name):
    if engine == "sqlite":
        yield f"sqlite:///{workdir / 'bench.sqlite3'}"
        return
    with magazine.postgresql_database(magazine.postgresql_server_url(), name) as url:
        yield url


def pick_pages(env):
    pages = run_bench_module(env, "bench.targets")
    pages["shell"] = {"path": SHELL_PATH, "articles": None}
    pages["floor"] = {"path": FLOOR_PATH, "articles": None}
    pages["startproject"] = {"path": STARTPROJECT_PATH, "articles": None}
    return {name: pages[name] for name in PAGES}


@contextmanager
def gunicorn(env, port, log_path, command=None):
    """The server in a process group of its own, stopped (and killed if need be) on the way out."""
    with open(log_path, "wb") as log:
        server = subprocess.Popen(  # noqa: S603 (the venv's gunicorn, no shell)
            command or [str(GUNICORN), "-c", str(GUNICORN_CONF)],
            cwd=REPO,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Ctrl-C reaches this script only, which then stops the server in order.
            start_new_session=True,
        )
        try:
            wait_until_serving(server, port, log_path)
            yield server
        finally:
            stop(server)


def wait_until_serving(server, port, log_path, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise BenchError(f"gunicorn exited with {server.returncode}:\n{tail(log_path)}")
        try:
            get(port, "/robots.txt")
            return
        except OSError:
            time.sleep(0.2)
    raise BenchError(f"gunicorn not answering on port {port} after {timeout} s:\n{tail(log_path)}")


def stop(server):
    if server.poll() is None:
        # SIGTERM is gunicorn's graceful shutdown; the group holds the master and its workers.
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    # A worker that outlived its master would still be in the group.
    with suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)


def tail(path, lines=30):
    return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])


def get(port, path):
    """(status, body) of one GET on the loopback, redirects not followed."""
    # Longer than gunicorn's timeout: a page too slow to build is a worker killed, answered
    # by a closed connection, not a client giving up first.
    connection = http.client.HTTPConnection(HOST, port, timeout=45)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# ----------------------------------------------------------------------------- measuring


def measure_pages(server, port, pages, args, solo, ports=None):
    """``ports``: the pages served by another server than the site's, by name."""
    measures = {}
    with WorkerPeaks(server.pid) as peaks:
        for name, page in pages.items():
            peaks.new_page()
            measure = measure_page((ports or {}).get(name, port), page["path"], args, solo)
            measure.worker_peak_mib = round(peaks.page_peak_kib() / 1024, 1)
            measures[name] = measure
            print(f"  {name:8} {describe(measure)}", flush=True)
    return {
        "pages": {name: asdict(measure) for name, measure in measures.items()},
        "worker_peak_mib": max(measure.worker_peak_mib for measure in measures.values()),
        "workers_seen": len(peaks.workers_seen),
    }


class WorkerPeaks:
    """
    The largest VmHWM of the workers, read four times a second in a thread. Reading it
    only after each page would miss the peak of a worker recycled meanwhile (gunicorn's
    max_requests): it leaves with its process.
    """

    INTERVAL = 0.25

    def __init__(self, master_pid):
        self.master_pid = master_pid
        self.workers_seen = set()
        self.page_peak = 0
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.poll, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc_info):
        self.stopped.set()
        self.thread.join()

    def poll(self):
        while not self.stopped.wait(self.INTERVAL):
            self.sample()

    def sample(self):
        peaks = worker_peaks_kib(self.master_pid)
        with self.lock:
            self.workers_seen |= peaks.keys()
            self.page_peak = max(self.page_peak, *peaks.values(), 0)

    def new_page(self):
        with self.lock:
            self.page_peak = 0

    def page_peak_kib(self):
        """The largest VmHWM since new_page(), the workers alive now included."""
        self.sample()
        with self.lock:
            return self.page_peak


def measure_page(port, path, args, solo):
    measure = Measure(path=path)
    # One request first: a page that is not a 200 here would make the numbers those of an
    # error or a redirect. It also fills the page cache when it is on.
    started = time.perf_counter()
    try:
        status, body = get(port, path)
    except OSError as error:
        measure.problem, measure.error = f"no answer ({error})", True
        return measure
    measure.first_request_ms = round((time.perf_counter() - started) * 1000, 1)
    measure.bytes = len(body)
    if status != 200:
        measure.problem, measure.error = f"answered {status}, not 200", True
        return measure
    if solo and path != FLOOR_PATH and measure.first_request_ms > SLOW_PAGE_SECONDS * 1000:
        # Under 16 connections such a page would queue past any useful latency, and hold
        # every worker while the next pages are measured.
        measure.problem = f"not loaded: one request alone took {measure.first_request_ms:,.0f} ms"
        return measure
    url = f"http://{HOST}:{port}{path}"
    run_wrk(url, args, args.warmup)
    wait_until_idle(port)
    for field, value in run_wrk(url, args, args.duration).items():
        setattr(measure, field, value)
    wait_until_idle(port)
    if solo:
        alone = run_wrk(url, args, args.solo_duration, threads=1, connections=1)
        measure.solo_requests_per_second = alone["requests_per_second"]
        measure.solo_p50_ms, measure.solo_p99_ms = alone["p50_ms"], alone["p99_ms"]
    check_load(measure)
    return measure


def check_load(measure):
    """Sets ``measure.problem`` (and ``error``) from what wrk counted."""
    if measure.requests == 0:
        measure.problem, measure.error = "no request completed under load", True
    elif measure.non_2xx:
        measure.problem, measure.error = f"{measure.non_2xx:,} responses not 2xx", True
    elif measure.timeouts or measure.other_socket_errors:
        measure.problem = (
            f"{measure.timeouts:,} timeouts, {measure.other_socket_errors:,} socket errors"
        )


def wait_until_idle(port, timeout=120):
    """
    Waits for the requests wrk left queued to be served. wrk closes its connections when
    its time is up, but gunicorn still answers every request it had accepted: the next
    measurement would start behind them. A cheap page answered at once means the queue
    is empty.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        started = time.perf_counter()
        with suppress(OSError):
            get(port, "/robots.txt")
        if time.perf_counter() - started < IDLE_PROBE_SECONDS:
            return
    raise BenchError(f"the server was still busy {timeout} s after wrk stopped.")


def describe(measure):
    if measure.requests_per_second is None:
        return f"{measure.problem}  {measure.path}"
    line = (
        f"{measure.requests_per_second:8.1f} req/s  p50 {measure.p50_ms:8.1f} ms  "
        f"p99 {measure.p99_ms:8.1f} ms  peak {measure.worker_peak_mib:5.0f} MiB  {measure.path}"
    )
    return f"{line}  ({measure.problem})" if measure.problem else line


def run_wrk(url, args, seconds, threads=None, connections=None):
    command = [
        shutil.which("wrk"),
        f"-t{threads or args.threads}",
        f"-c{connections or args.connections}",
        f"-d{seconds}s",
        # gunicorn's own limit: a slower response is a worker killed, not a slow page.
        "--timeout",
        "30s",
        "--latency",
        url,
    ]
    output = subprocess.run(  # noqa: S603 (wrk from PATH, resolved, no shell)
        command, capture_output=True, text=True, check=True, timeout=seconds + 60
    ).stdout
    return parse_wrk(output)


_DURATION_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def parse_wrk(output):
    """Requests, req/s, p50 and p99 in ms (from --latency's distribution), errors."""

    def groups(pattern):
        match = re.search(pattern, output, re.MULTILINE)
        return [int(number) for number in match.groups()] if match else None

    percentiles = {
        int(percent): float(value) * _DURATION_MS[unit]
        for percent, value, unit in re.findall(
            r"^\s+(\d+)%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE
        )
    }
    (requests,) = groups(r"^\s+(\d+) requests in ")
    rate = float(re.search(r"^Requests/sec:\s+([\d.]+)", output, re.MULTILINE).group(1))
    # wrk counts what is neither 2xx nor 3xx; the request before the load proved a 200.
    non_2xx = groups(r"Non-2xx or 3xx responses: (\d+)") or [0]
    connect, read, write, timeout = groups(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)"
    ) or [0, 0, 0, 0]
    return {
        "requests": requests,
        "requests_per_second": rate,
        "p50_ms": round(percentiles[50], 3),
        "p99_ms": round(percentiles[99], 3),
        "non_2xx": non_2xx[0],
        "timeouts": timeout,
        "other_socket_errors": connect + read + write,
    }


def worker_peaks_kib(master_pid):
    """{pid: VmHWM in KiB} of the master's children, the workers."""
    peaks = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue  # gone since the listing
        if int(fields.get("PPid", "0")) == master_pid and "VmHWM" in fields:
            peaks[int(fields["Pid"])] = int(fields["VmHWM"].split()[0])
    return peaks


def forget_cache_keys(prefix):
    """Removes every key this run left in Redis: Django's keys start with the prefix."""
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
    for key in client.scan_iter(match=f"{prefix}*", count=1000):
        client.delete(key)


# ----------------------------------------------------------------------------- reporting


def machine(env):
    import psycopg
    import redis

    conf = gunicorn_configuration(env)
    with psycopg.connect(
        magazine.with_database(magazine.postgresql_server_url(), "postgres")
    ) as pg:
        (postgresql,) = pg.execute("SHOW server_version").fetchone()
    wrk_version = subprocess.run(  # noqa: S603 (wrk from PATH, resolved, no shell)
        [shutil.which("wrk"), "-v"], capture_output=True, text=True, check=False
    ).stdout.split(" Copyright")[0]
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "ram_gib": round(meminfo_kib("MemTotal") / 1024**2, 1),
        "kernel": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "django": metadata.version("django"),
        "gunicorn": metadata.version("gunicorn"),
        "postgresql": postgresql.split()[0],
        "redis": redis.Redis.from_url(os.environ["REDIS_URL"]).info("server")["redis_version"],
        "wrk": wrk_version.strip(),
        "gunicorn_workers": conf["workers"],
        "gunicorn_threads": conf["threads"],
        "gunicorn_max_requests": conf["max_requests"],
    }


def gunicorn_configuration(env):
    """The configuration file's values with the server's environment, as gunicorn reads it."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        return runpy.run_path(str(GUNICORN_CONF))
    finally:
        os.environ.clear()
        os.environ.update(saved)


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def meminfo_kib(name):
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return int(line.split()[1])
    return 0


def check_targets(results):
    """[(target, engine, measured, passed)] for the issue's targets, of the modes run."""
    checks = []
    for engine, result in results["engines"].items():
        runs = result["runs"]
        if "cached" in runs:
            ratio = ratio_to_floor(runs["cached"]["pages"], "article", "startproject")
            measured = "not measured" if ratio is None else f"{ratio:.2f} × startproject"
            target = f"cached article ≥ {CACHED_ARTICLE_RATIO} × the startproject floor"
            checks.append(
                (target, engine, measured, ratio is not None and ratio >= CACHED_ARTICLE_RATIO)
            )
        built = result["article_build"]
        target = f"article built from nothing, median ≤ {ARTICLE_BUILD_MS} ms in process"
        measured = f"{built['median_ms']:.1f} ms (p99 {built['p99_ms']:.1f} ms)"
        checks.append((target, engine, measured, built["median_ms"] <= ARTICLE_BUILD_MS))
        for mode in [mode for mode in SPIKE_MODES if mode in runs]:
            errors = sum(spike_errors(page) for page in runs[mode]["pages"].values())
            target = f"{mode}: no 5xx (nor any other error) while the desk publishes"
            checks.append((target, engine, f"{errors:,} errors", errors == 0))
        for mode in [mode for mode in SOLO_MODES if mode in runs]:
            ratio = ratio_to_floor(runs[mode]["pages"], "article")
            measured = "not measured" if ratio is None else f"{ratio:.2f} × floor"
            target = f"{mode} article ≥ {UNCACHED_ARTICLE_RATIO} × floor"
            checks.append(
                (target, engine, measured, ratio is not None and ratio >= UNCACHED_ARTICLE_RATIO)
            )
            if engine != "postgresql":
                continue
            for page in LIST_PAGES:
                # With one reader at a time: under 16 connections on 2 cores, p99 is
                # mostly the queue (both are in the report).
                p99 = runs[mode]["pages"][page]["solo_p99_ms"]
                target = f"{mode} {page} p99 < {LIST_P99_MS} ms, one reader at a time"
                if results["articles"] < LIST_TARGET_ARTICLES:
                    target += f" (set for {LIST_TARGET_ARTICLES:,} articles)"
                measured = "not measured" if p99 is None else f"{p99:.1f} ms"
                passed = p99 is not None and p99 < LIST_P99_MS
                checks.append((target, engine, measured, passed))
        peak = max(run["worker_peak_mib"] for run in runs.values())
        target = f"worker peak < {WORKER_PEAK_MIB} MiB"
        checks.append((target, engine, f"{peak:.0f} MiB", peak < WORKER_PEAK_MIB))
    return checks


def spike_errors(page):
    """Responses that were not a 2xx (every 5xx among them), and requests never answered."""
    return page["non_2xx"] + page["timeouts"] + page["other_socket_errors"]


def ratio_to_floor(pages, name, floor="floor"):
    if floor not in pages:
        return None
    rate, floor = pages[name]["requests_per_second"], pages[floor]["requests_per_second"]
    return None if rate is None or not floor else rate / floor


def report_errors(results):
    """Prints every page that could not be measured for an error; True if there was one."""
    errors = [
        (engine, mode, name, page)
        for engine, result in results["engines"].items()
        for mode, run in result["runs"].items()
        for name, page in run["pages"].items()
        if page["error"]
    ]
    for engine, mode, name, page in errors:
        print(
            f"ERROR: {engine}, {mode}, {name} ({page['path']}): {page['problem']}. "
            "No number of this page is its own.",
            file=sys.stderr,
        )
    return bool(errors)


def render_report(results):
    m = results["machine"]
    wrk = results["wrk"]
    date = results["date"][:16].replace("T", " ")
    lines = [
        "# Load test of the reader pages",
        "",
        f"Generated by `make bench-load` (`bench/load.py`) on {date}, "
        f"in {results['seconds'] // 60} min {results['seconds'] % 60} s: "
        f"{results['articles']:,} generated articles per database.",
        "",
        "## Machine",
        "",
        f"- {m['cpu']}, {m['cores']} cores, {m['ram_gib']} GiB of RAM, {m['kernel']}",
        f"- Python {m['python']}, Django {m['django']}, gunicorn {m['gunicorn']}, "
        f"PostgreSQL {m['postgresql']}, Redis {m['redis']}, {m['wrk']}",
        f"- gunicorn as screenmania/gunicorn.conf.py configures it with Redis: "
        f"{m['gunicorn_workers']} sync workers × {m['gunicorn_threads']} thread, each recycled "
        f"after about {m['gunicorn_max_requests']:,} requests",
        "",
        "## Method",
        "",
        f"- wrk on the loopback, {wrk['threads']} threads and {wrk['connections']} connections, "
        f"{wrk['warmup_s']} s of warm-up then {wrk['duration_s']} s measured per page. wrk runs "
        "on the same cores as the server and the database: the numbers compare pages with "
        "each other and with the floor, on this machine.",
        "- Production configuration: `DEBUG` off, whitenoise, Redis cache. Cached: the page "
        "cache on (the default), each page requested once before. Uncached: "
        "`DJANGO_PAGE_CACHE=0`, so every request builds its page, nothing kept between "
        "requests.",
        f"- Spike: the page cache on, wrk on the home and the article page at once "
        f"({wrk['connections'] // len(SPIKE_PAGES)} connections each) for "
        f"{wrk['spike_s']} s, while bench/publisher.py publishes a draft every "
        f"{wrk['publish_every_s']:g} s through the newsroom's workflow, the first as the "
        "readers arrive. Then the same without the per-worker copy of pages "
        "(`DJANGO_PAGE_CACHE_LOCAL_SECONDS=0`: every request asks Redis).",
        "- Startproject floor: a project made by `django-admin startproject` (its settings "
        "and middleware, DEBUG off, ALLOWED_HOSTS set), one view returning the article "
        "page's bytes, no database, served by the same gunicorn with the workers and "
        "threads of screenmania/gunicorn.conf.py, measured just after the cached article "
        "page in the same run: what Django itself costs for these bytes.",
        "- Floor: `/__floor__/`, a view returning the article page's bytes and doing nothing "
        "else, through the same server and middleware (bench/settings.py, bench/urls.py): "
        "what our own middleware costs, against the startproject floor.",
        f"- Built from nothing: the article page requested {results['article_build_requests']} "
        "times in one warm process through Django's test client (bench/article_build.py), "
        "the page cache off, no Redis: the median and p99 of one "
        "request, without the network and wrk.",
        "- Shell: `/__shell__/`, base.html built around an empty main (head, header with the "
        "sections, footer with the languages), never cached, in every mode: what the "
        "cheapest page the site builds costs, a ceiling for any page built on request.",
        "- Latencies are wrk's distribution (`--latency`); p50 and p99 in milliseconds.",
        "- Worker peak: the largest VmHWM of a gunicorn worker, read four times a second.",
        f"- Uncached, each page is also measured with one connection for "
        f"{wrk['solo_s']} s (wrk -t1 -c1): one reader at a time, what building the page "
        "costs without the queue. The list pages' p99 target is checked on it.",
        f"- Uncached, a page that takes more than {SLOW_PAGE_SECONDS} s alone is not "
        'loaded: 16 connections would queue behind it for the whole run. "Alone, first" is '
        "the request before the uncached load, on an idle server.",
    ]
    for engine, result in results["engines"].items():
        lines += engine_section(engine, result)
    lines += [
        "",
        "## Targets",
        "",
        "| Target | Engine | Measured | Result |",
        "| --- | --- | --- | --- |",
    ]
    for target, engine, measured, passed in results["targets"]:
        lines.append(f"| {target} | {engine} | {measured} | {'PASS' if passed else 'FAIL'} |")
    return "\n".join([*lines, *BEFORE]) + "\n"


# The layers on top of the page cache before they were removed: the spike with each on,
# then off (the workers' CPU a request), measured on commit fb7d95e with 100,000 articles
# on PostgreSQL, publishing every 120 s. Kept as the record of why each went.
BEFORE = [
    "",
    "## Before: the layers on top of the page cache (commit fb7d95e)",
    "",
    "The spike as above with each layer on, then off, on the code of commit fb7d95e "
    "(100,000 articles, PostgreSQL, a publication every 120 s). Cached article "
    "941 req/s ÷ startproject floor 1,719 req/s = 0.55 then.",
    "",
    "| Layer | Workers' CPU a request, on → off (ms) | Verdict |",
    "| --- | --- | --- |",
    "| card fragments | 1.11 → 1.05 | removed: cheaper without, a card is cheap to build |",
    "| article parts | 1.11 → 1.40 | removed: they act only on the two rebuilds after a "
    "publication, so the difference is the machine's noise |",
    "| build lock | 1.11 → 1.26 | removed: same, it acts only on rebuilds; noise |",
    "| per-process memo | 1.11 → 1.31 | kept in another form: it saves a Redis round trip "
    "on every cached answer. The per-worker copy of pages "
    "(`DJANGO_PAGE_CACHE_LOCAL_SECONDS`) keeps this gain: measured on/off in the spike "
    "above |",
]


MODE_TITLES = {
    "cached": "Cached: the page cache answers",
    "uncached": "Uncached: every page built on every request",
}


def engine_section(engine, result):
    runs = result["runs"]
    name = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}[engine]
    built = result["article_build"]
    lines = [
        "",
        f"## {name}",
        "",
        f"`generate_articles` took {result['generation_s']:.0f} s.",
        "",
        f"The article page built from nothing, in process: median {built['median_ms']:.1f} ms, "
        f"p99 {built['p99_ms']:.1f} ms, {built['queries']} queries.",
    ]
    for mode in [mode for mode in ("cached", "uncached") if mode in runs]:
        run = runs[mode]
        solo = mode in SOLO_MODES
        header = ["Page", "req/s", "Ratio to floor", "p50", "p99"]
        if solo:
            header += ["One reader: req/s", "p50", "p99"]
        lines += ["", f"### {MODE_TITLES[mode]}", "", "| " + " | ".join(header) + " |"]
        lines.append("|" + " --- |" * len(header))
        for page in [page for page in PAGES if page in run["pages"]]:
            measure = run["pages"][page]
            row = [page]
            if measure["requests_per_second"] is None:
                row += ["—"] * (len(header) - 1)
            else:
                ratio = ratio_to_floor(run["pages"], page)
                row += [
                    f"{measure['requests_per_second']:,.0f}",
                    "—" if ratio is None else f"{ratio:.2f}",
                    f"{measure['p50_ms']:.1f}",
                    f"{measure['p99_ms']:.1f}",
                ]
                if solo:
                    row += (
                        ["—"] * 3
                        if measure.get("solo_requests_per_second") is None
                        else [
                            f"{measure['solo_requests_per_second']:,.0f}",
                            f"{measure['solo_p50_ms']:.1f}",
                            f"{measure['solo_p99_ms']:.1f}",
                        ]
                    )
            lines.append("| " + " | ".join(row) + " |")
        if mode == "cached":
            ratio = ratio_to_floor(run["pages"], "article", "startproject")
            if ratio is not None:
                lines += ["", f"Cached article ÷ startproject floor: **{ratio:.2f}**."]
        if mode == "cached" and any(mode in runs for mode in SPIKE_MODES):
            # The spike is the page cache at work too: its tables follow.
            lines += spike_section(runs)
    problems = [
        f"- {mode}, {page}: {'**error**: ' if measure['error'] else ''}{measure['problem']}."
        for mode, run in runs.items()
        for page, measure in run["pages"].items()
        if measure["problem"]
    ]
    if problems:
        lines += ["", *problems]
    if "cached" not in runs and any(mode in runs for mode in SPIKE_MODES):
        lines += spike_section(runs)
    if "uncached" in runs:
        lines += uncached_table(result, runs["uncached"])
    peaks = ", ".join(f"{run['worker_peak_mib']} MiB {mode}" for mode, run in runs.items())
    seen = ", ".join(str(run["workers_seen"]) for run in runs.values())
    loads = ", ".join(str(run["load_average_before"]) for run in runs.values())
    return [
        *lines,
        "",
        f"Worker peak memory: {peaks} ({seen} worker processes seen, recycling included). "
        f"Load average before the runs: {loads}.",
    ]


def uncached_table(result, uncached):
    lines = [
        "",
        "| Page | Path | Bytes | Articles listed | Alone, first | Worker peak by then |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for page in SITE_PAGES:
        listed = result["pages"][page]["articles"]
        measure = uncached["pages"][page]
        lines.append(
            f"| {page} | `{result['pages'][page]['path']}` | {measure['bytes']:,} | "
            f"{'' if listed is None else f'{listed:,}'} | {measure['first_request_ms']:,.0f} ms | "
            f"{measure['worker_peak_mib']:.0f} MiB |"
        )
    return lines


def spike_section(runs):
    """The spike with every layer, then without each: the table that says which to keep."""
    spikes = {mode: runs[mode] for mode in SPIKE_MODES if mode in runs}
    header = ["Run", "Published"]
    for page in SPIKE_PAGES:
        header += [f"{page} req/s", f"{page} p50", f"{page} p99"]
    header += ["Workers' CPU a request (ms)", "Errors (5xx included)"]
    lines = [
        "",
        "### Spike: readers on the home and article pages while the desk publishes",
        "",
        "| " + " | ".join(header) + " |",
        "|" + " --- |" * len(header),
    ]
    for mode, run in spikes.items():
        title = "as configured" if mode == "spike" else f"without {LAYERS[mode][0]}"
        published = run["published"]
        row = [title, "—" if published is None else f"{published['count']}"]
        for page in SPIKE_PAGES:
            measure = run["pages"][page]
            if measure["requests_per_second"] is None:
                row += ["—"] * 3
            else:
                row += [
                    f"{measure['requests_per_second']:,.0f}",
                    f"{measure['p50_ms']:.1f}",
                    f"{measure['p99_ms']:.1f}",
                ]
        cpu_ms = run.get("worker_cpu_ms_per_request")
        row.append("—" if cpu_ms is None else f"{cpu_ms:.2f}")
        row.append(f"{sum(spike_errors(page) for page in run['pages'].values()):,}")
        lines.append("| " + " | ".join(row) + " |")
    if "spike" not in spikes or len(spikes) == 1:
        return lines
    lines += [
        "",
        "What remains on top of the page cache, the spike with it → without it. What decides is "
        "the workers' processor time a request (their user and system time over the spike, "
        "recycled workers included, divided by the requests served): unlike requests a "
        "second and p99, it does not move with whatever else shares the 2 cores (see the "
        "load averages). A layer earns its keep when the workers spend "
        f"{LAYER_CPU_GAIN - 1:.0%} more a request without it. Read it with the count of "
        "publications: a layer that acts only when a page is built again, after one, "
        "cannot save more than a couple of rebuilds' worth; the per-worker copy acts on "
        "every cached answer.",
        "",
        "| Layer | Switch off | Workers' CPU a request (ms) | "
        + " | ".join(f"{page} req/s | {page} p99" for page in SPIKE_PAGES)
        + " | Verdict |",
        "| --- | --- | --- |" + " --- | --- |" * len(SPIKE_PAGES) + " --- |",
    ]
    every = spikes["spike"]
    for mode, (layer, switch) in LAYERS.items():
        if mode not in spikes:
            continue
        without = spikes[mode]
        cpu_on = every.get("worker_cpu_ms_per_request")
        cpu_off = without.get("worker_cpu_ms_per_request")
        if cpu_on is None or cpu_off is None:
            cells, verdict = ["—"], "not measured"
        else:
            cells = [f"{cpu_on:.2f} → {cpu_off:.2f} ({cpu_off / cpu_on - 1:+.0%})"]
            verdict = (
                "keep: it saves the workers' time"
                if cpu_off >= LAYER_CPU_GAIN * cpu_on
                else "remove: no saving measured"
            )
        for page in SPIKE_PAGES:
            on, off = every["pages"][page], without["pages"][page]
            if on["requests_per_second"] is None or off["requests_per_second"] is None:
                cells += ["—", "—"]
                continue
            cells += [
                f"{on['requests_per_second']:,.0f} → {off['requests_per_second']:,.0f}",
                f"{on['p99_ms']:.1f} → {off['p99_ms']:.1f}",
            ]
        switches = ", ".join(f"`{name}={value}`" for name, value in switch.items())
        lines.append(f"| {layer} | {switches} | " + " | ".join(cells) + f" | {verdict} |")
    return lines


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        sys.exit(1)
