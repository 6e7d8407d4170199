"""
Every test starts with an empty cache and in French, whatever the test before it did.

The checks that need a real tool (Chromium, the Nu Html Checker, axe-core) get
its path from a fixture here; `bash scripts/services.sh all` installs them. On
a laptop without them those tests are skipped with the reason; in CI (CI=true)
a missing tool is a failure, so a green run always means the checks ran.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core.cache import cache
from django.utils import translation

from pagecache import forget_local_copies
from tests.factories import ADMINISTRATOR, CONTRIBUTOR, EDITOR, make_member
from tests.servers import collect_static, migrate

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


class OneRoundPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """
    The production hasher at one round: hashing a password the production way takes a
    third of a second, and the suite makes and checks hundreds. The hashes keep the
    production format, round count included, so the servers that tests start in
    another process, with the production settings, check them all the same.
    """

    iterations = 1


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
def shared_renditions(tmp_path_factory):
    return tmp_path_factory.mktemp("renditions")


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
def collected_static(tmp_path_factory):
    """
    The static files collected once for every production process the tests start:
    collecting the same files again for each took seconds. Nothing writes to them.
    """
    return collect_static(tmp_path_factory.mktemp("collected") / "static")


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """An SQLite file migrated once, for the servers' own databases to start as copies of."""
    return migrate(tmp_path_factory.mktemp("migrated") / "db.sqlite3")


@pytest.fixture(autouse=True)
def default_language():
    """A request to /en/ leaves English active in this thread; the next test starts in French."""
    yield
    translation.deactivate()


@pytest.fixture
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
