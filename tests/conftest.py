"""
Every test starts with an empty cache and in French, whatever the test before it did.

The checks that need a real tool (Chromium, the Nu Html Checker, axe-core) get
its path from a fixture here; `bash scripts/services.sh all` installs them. On
a laptop without them those tests are skipped with the reason; in CI (CI=true)
a missing tool is a failure, so a green run always means the checks ran.
"""

import contextlib
import fcntl
import functools
import gc
import hashlib
import importlib.metadata
import json
import os
import shutil
import sqlite3
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.management.commands.migrate import Command as MigrateCommand
from django.db import connection, connections, transaction
from django.db.models.signals import post_migrate
from django.utils import translation

import images.renditions
from pagecache import forget_local_copies
from tests.factories import ADMINISTRATOR, CONTRIBUTOR, EDITOR, ensure_starting_data, make_member
from tests.mail_server import smtp_server  # noqa: F401 (a real SMTP server on loopback)
from tests.servers import BASE_DIR, collect_static, migrate
from tests.workers import private_root, worker_database  # noqa: F401 (fixtures of the task tests)

TOOLS_DIR = Path(os.environ.get("SCREENMANIA_TOOLS_DIR", "/opt/screenmania-tools"))


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require_file(path, what):
    """The path of a tool the test needs, or a skip (a failure in CI) that says how to get it."""
    path = Path(path)
    if path.is_file():
        return path
    message = f"{what} not found at {path}: run `bash scripts/services.sh all`"
    if in_ci():
        pytest.fail(f"{message} (CI=true: this check may not be skipped)", pytrace=False)
    pytest.skip(message)


# The slowest modules, by their seconds in a whole run (`make test`, 1,629 s at load 10,
# --durations=0 summed per module; the two killed imports as since made shorter).
# `make test` hands the modules out slowest first (--no-loadscope-reorder), so that no
# long module starts when the others are nearly done and keeps one process busy alone:
# xdist's own order, by number of tests, left the few-test ones (servers, browsers,
# walks) for last. The others follow by number of tests, as xdist orders them.
SLOWEST_MODULES = {
    "test_admin_permissions.py": 466,
    "test_hostile_requests.py": 228,
    "test_hostile_text.py": 204,
    "browser/test_admin_accessibility_browser.py": 152,
    "browser/test_reading.py": 147,
    "browser/test_body_editor_browser.py": 146,
    "test_loaddemo.py": 129,
    "browser/test_image_upload_browser.py": 118,
    "test_production_server.py": 115,
    "browser/test_calendar_browser.py": 108,
    "browser/test_working_copy_browser.py": 103,
    "browser/test_newsroom_day.py": 97,
    "test_task_worker.py": 98,
    "newsletter/test_sending_workers.py": 95,
    "browser/test_library_browser.py": 96,
    "test_slow_upload_blocks_no_one.py": 76,
    "wordpress/test_import_again.py": 69,
    "test_query_counts.py": 72,
    "browser/test_desk_browser.py": 72,
    "test_admin_french.py": 64,
    "browser/test_newsroom_browser.py": 60,
    "test_renditions.py": 60,
    "browser/test_wordpress_import_browser.py": 58,
    "browser/test_trailers_browser.py": 58,
    "browser/test_page_weight.py": 58,
    "test_publishing.py": 57,
    "test_concurrent_edits.py": 55,
    "test_generate_articles.py": 55,
    "test_search.py": 54,
    "test_request_time_limit.py": 54,
    "browser/test_body_syntax_browser.py": 51,
    "test_page_cache.py": 48,
    "browser/test_editorial_flow.py": 48,
    "test_desk.py": 45,
    "test_html_valid.py": 44,
    "browser/test_redirects_browser.py": 43,
    "browser/test_newsletter_admin_browser.py": 42,
    "browser/test_newsletter_browser.py": 40,
    "test_calendar.py": 40,
}


def pytest_collection_modifyitems(items):
    """The modules in the order xdist should hand them out: see SLOWEST_MODULES."""
    tests_dir = Path(__file__).parent
    modules = {}
    for item in items:
        modules.setdefault(item.path, []).append(item)

    def cost(path):
        module = path.relative_to(tests_dir).as_posix() if path.is_relative_to(tests_dir) else ""
        # Listed modules first, by their seconds; then by number of tests, as xdist does.
        return (module not in SLOWEST_MODULES, -SLOWEST_MODULES.get(module, len(modules[path])))

    items[:] = [item for path in sorted(modules, key=cost) for item in modules[path]]


def pytest_configure(config):
    """
    The garbage collector's young passes every 10,000 allocations rather than 700. A test
    process keeps far more objects alive than a server does (every test collected, the
    modules' fixtures, the servers they run in threads), and at Python's default pace its
    passes over them took about a tenth of the processor time of the admin and cache
    tests (6 s of 56; 3 s at this pace). Nothing a test checks depends on when they run:
    those that do set their own (test_hostile_text.py).
    """
    gc.set_threshold(10_000, 10, 10)


class OneRoundPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """
    The production hasher at one round: hashing a password the production way takes a
    third of a second, and the suite makes and checks hundreds. The hashes keep the
    production format, round count included, so the servers that tests start in
    another process, with the production settings, check them all the same.
    """

    iterations = 1


@pytest.fixture(scope="session", autouse=True)
def starting_data_after_every_flush():
    """
    The roles, the footer's pages and the home page made again at the end of every flush.
    A transactional test (the browser tests, a module's served demo) ends with one, which
    gives back only what post_migrate makes (content types, permissions): whichever test
    of the process came next would otherwise find no role, no legal notice and no home
    page, and pass or fail by the order xdist hands the modules out.
    """
    # The last app's signal comes after every app's permissions, which the roles take;
    # an app without models sends none.
    last_app = [app for app in apps.get_app_configs() if app.models_module is not None][-1]

    def restore(using, **kwargs):
        ensure_starting_data()

    post_migrate.connect(restore, sender=last_app, dispatch_uid="starting_data_after_flush")
    yield
    post_migrate.disconnect(sender=last_app, dispatch_uid="starting_data_after_flush")


@pytest.fixture(autouse=True)
def quick_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["tests.conftest.OneRoundPBKDF2PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache, even when the cache is a shared Redis."""
    cache.clear()
    forget_local_copies()
    yield
    cache.clear()
    forget_local_copies()


@pytest.fixture
def page_cache_off(settings):
    """Every request builds its page: for tests that count what building one costs."""
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture(scope="session")
def shared_renditions(request, tmp_path_factory):
    """
    This process's renditions, started from those kept by earlier runs and handed back
    to them at the end. Names derive from the pixels and the recipe, so a kept file is
    always the right one: a run after the first (CI's second database, the next
    `make test`) draws only what changed. Each process keeps its own folder while it
    runs, so that no test reads a file another process is still writing; the kept
    files are hard links, written once and never opened for writing again.

    An original's renditions are also handed over as soon as they are drawn, one
    process at a time: the other processes of the run, which load the same demo,
    wait for them rather than draw them too (a minute of processor time each, on a
    first run).
    """
    renditions = tmp_path_factory.mktemp("renditions")
    kept = kept_folder(request.config, "renditions")
    if kept is None:
        yield renditions
        return
    link_missing_files(kept, renditions)
    locks = kept_folder(request.config, "renditions-locks")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            images.renditions,
            "generate",
            generate_once_per_run(images.renditions.generate, renditions, kept, locks),
        )
        yield renditions
    link_missing_files(renditions, kept)


def generate_once_per_run(generate, own, kept, locks):
    """
    ``generate``, taking the renditions another process already drew, and handing back
    at once those it draws, for the originals whose renditions go to ``own``.
    """

    @functools.wraps(generate)
    def shared(image):
        try:
            folder = Path(image.file.storage.path(images.renditions.folder(image))).resolve()
        except NotImplementedError:  # An object storage, which the tests make their own.
            return generate(image)
        if not folder.is_relative_to(own.resolve()):  # A test's own_renditions.
            return generate(image)
        relative = folder.relative_to(own.resolve())
        with held(locks / f"{image.file_digest}.lock"):
            link_missing_files(kept / relative, own / relative)
            result = generate(image)
            link_missing_files(own / relative, kept / relative)
        return result

    return shared


@contextlib.contextmanager
def held(lock_file):
    """``lock_file`` locked against every other process, until the block ends."""
    with open(lock_file, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield  # Closing the file lets the next process in.


@pytest.fixture(scope="session", autouse=True)
def kept_demo_drawings(request):
    """
    The demo's drawings, kept between runs as its renditions are: drawing them takes
    each process about ten seconds, and they depend only on their arguments and on the
    drawing code, whose digest is part of each file's name.
    """
    from demo import art

    kept = kept_folder(request.config, "demo-drawings")
    if kept is None:
        yield
        return
    code = hashlib.sha256(Path(art.__file__).read_bytes()).hexdigest()[:12]
    with pytest.MonkeyPatch.context() as patch:
        for name in ("featured_image", "avatar", "poster"):
            patch.setattr(art, name, kept_drawing(getattr(art, name), kept, code))
        yield


def kept_drawing(draw, folder, code):
    """``draw``, whose (bytes, alt text) are read from ``folder`` once drawn there."""

    @functools.wraps(draw)
    def kept(*args, **kwargs):
        call = json.dumps(
            [draw.__name__, code, args, kwargs],
            sort_keys=True,
        )
        file = folder / hashlib.sha256(call.encode()).hexdigest()
        # One process draws; the others of the run, loading the same demo, wait for it.
        with held(file.with_suffix(".lock")):
            if file.exists():
                alt_text, _, data = file.read_bytes().partition(b"\0")
                return data, alt_text.decode()
            data, alt_text = draw(*args, **kwargs)
            # Written whole, then renamed: a run stopped midway leaves no half drawing.
            partial = file.with_suffix(f".{os.getpid()}")
            partial.write_bytes(alt_text.encode() + b"\0" + data)
            partial.replace(file)
            return data, alt_text

    return kept


def kept_folder(config, name):
    """A folder in pytest's cache that outlives the run, or None with the cache off."""
    cache = getattr(config, "cache", None)
    return cache.mkdir(name) if cache is not None else None


def link_missing_files(source, target):
    """Hard-links into ``target`` every file of ``source`` it lacks, folders included."""
    for file in source.rglob("*"):
        if file.is_dir():
            continue
        destination = target / file.relative_to(source)
        if destination.exists():
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        # Another process may hand back the same file first: same name, same bytes.
        with contextlib.suppress(FileExistsError):
            os.link(file, destination)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path, shared_renditions):
    """
    Uploads go to a directory of the test's own, never to the checkout. Renditions are
    named after their content, so the same name always holds the same bytes: tests
    share one directory of them, and the demo's illustrations are drawn once per run
    rather than once per test. Tests about drawing or pruning take ``own_renditions``.
    """
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    (settings.MEDIA_ROOT / "renditions").symlink_to(shared_renditions, target_is_directory=True)
    return settings.MEDIA_ROOT


@pytest.fixture
def own_renditions(media_root):
    """An empty renditions directory for this test alone."""
    (media_root / "renditions").unlink()
    (media_root / "renditions").mkdir()
    return media_root / "renditions"


@pytest.fixture(scope="session")
def collected_static(request, tmp_path_factory):
    """
    The static files collected once for every production process the tests start:
    collecting them (hashing, then compressing each in gzip and Brotli) takes ten
    seconds of processor time. They are kept between runs under the digest of what
    they are made from, and a run's processes share them. Nothing writes to them.
    """
    kept = kept_folder(request.config, "collected-static")
    if kept is None:
        return collect_static(tmp_path_factory.mktemp("collected") / "static")
    digest = static_sources_digest()
    root = kept / digest
    with held(kept / "lock"):
        if not root.exists():
            for older in kept.iterdir():
                if older.is_dir():
                    shutil.rmtree(older)
            # Collected aside, then renamed: a run stopped midway leaves no half collection.
            aside = kept / f"collecting-{os.getpid()}"
            collect_static(aside / "static").rename(root)
            shutil.rmtree(aside)
    return root


def static_sources_digest():
    """Changes whenever collectstatic's output could: a static file, the settings, a library."""
    digest = hashlib.sha256()
    for package in ("django", "whitenoise", "brotli"):
        digest.update(importlib.metadata.version(package).encode())
    digest.update((BASE_DIR / "screenmania" / "settings.py").read_bytes())
    for finder in finders.get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            digest.update(path.encode())
            with storage.open(path) as file:
                digest.update(hashlib.sha256(file.read()).digest())
    return digest.hexdigest()[:16]


@pytest.fixture(scope="session", autouse=True)
def migrated_once_per_run(request):
    """
    On SQLite, the test database migrated by one process of the run and copied into the
    others', as Django's own parallel runner clones it: its hundred migrations take each
    process 6 s of processor time, three processes at once on two cores. Only a process's
    first migrate, the one that makes its test database, is shared; those a test runs
    itself are run as written. The copy lives as long as the run (its id names it), so
    that no run starts from another's.
    """
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    kept = kept_folder(request.config, "migrated-databases")
    if run is None or kept is None:
        yield
        return
    file = kept / f"{run}.sqlite3"
    migrate_once = MigrateCommand.handle

    def handle(command, *args, **options):
        MigrateCommand.handle = migrate_once  # Whatever happens, only the first call.
        database = connections[options["database"]]
        if database.vendor != "sqlite" or not database.is_in_memory_db():
            return migrate_once(command, *args, **options)
        with held(kept / "lock"):
            database.ensure_connection()
            if file.exists():
                with sqlite3.connect(file) as source:
                    source.backup(database.connection)
                source.close()
                return None
            result = migrate_once(command, *args, **options)
            # Written whole, then renamed: a process never reads half a database.
            partial = file.with_suffix(f".{os.getpid()}")
            with sqlite3.connect(partial) as target:
                database.connection.backup(target)
            target.close()
            partial.replace(file)
            return result

    MigrateCommand.handle = handle
    yield
    MigrateCommand.handle = migrate_once
    # Each process made its test database with its first tests: the first to end removes
    # the copy, and any left by a run that was stopped goes the next day.
    file.unlink(missing_ok=True)
    for older in kept.glob("*.sqlite3"):
        if time.time() - older.stat().st_mtime > 24 * 3600:
            older.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, tmp_path_factory):
    """
    The test database as pytest-django makes it, and on SQLite a copy of it as its
    migrations left it, before any test writes to it: see ``migrated_database``.
    """
    # In memory: the test database, made only when some test of this process asks for one.
    if connection.vendor != "sqlite" or not connection.is_in_memory_db():
        return None
    copy = tmp_path_factory.mktemp("migrated") / "db.sqlite3"
    with django_db_blocker.unblock(), sqlite3.connect(copy) as target:
        connection.ensure_connection()
        connection.connection.backup(target)
    target.close()
    return copy


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory, django_db_setup):
    """
    An SQLite file migrated once, for the servers' own databases to start as copies of:
    the test database's copy when it is SQLite, which spares running every migration
    again in a process of its own.
    """
    if django_db_setup is not None:
        return django_db_setup
    return migrate(tmp_path_factory.mktemp("migrated") / "db.sqlite3")


@contextlib.contextmanager
def made_once(django_db_blocker, make):
    """
    What ``make()`` returns, made once for a module whose tests only read it, as Django's
    TestCase.setUpTestData() does: inside a transaction that each test's own is nested
    in, rolled back at the module's end with whatever the tests left.
    """
    with django_db_blocker.unblock():
        made = transaction.atomic()
        made.__enter__()
        try:
            result = make()
        except BaseException:
            transaction.set_rollback(True)
            made.__exit__(None, None, None)
            raise
    try:
        yield result
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            made.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def default_language():
    """A request to /en/ leaves English active in this thread; the next test starts in French."""
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def chromium_path():
    return require_file(os.environ.get("CHROMIUM", "/usr/bin/chromium"), "Debian's Chromium")


@pytest.fixture
def vnu_jar():
    default = TOOLS_DIR / "node_modules/vnu-jar/build/dist/vnu.jar"
    return require_file(os.environ.get("VNU_JAR", default), "The Nu Html Checker (vnu.jar)")


@pytest.fixture
def axe_js():
    default = TOOLS_DIR / "node_modules/axe-core/axe.min.js"
    return require_file(os.environ.get("AXE_JS", default), "axe-core (axe.min.js)")


@pytest.fixture
def sitemap_xsd():
    """The sitemaps.org schema for a urlset, as sitemap.js ships it."""
    default = TOOLS_DIR / "node_modules/sitemap/schema/sitemap.xsd"
    return require_file(os.environ.get("SITEMAP_XSD", default), "The sitemaps.org schema")


@pytest.fixture
def contributor(db):
    return make_member(CONTRIBUTOR, "camille")


@pytest.fixture
def editor(db):
    return make_member(EDITOR, "ines")


@pytest.fixture
def administrator(db):
    return make_member(ADMINISTRATOR, "sacha")
