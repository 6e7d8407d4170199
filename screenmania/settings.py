"""
Settings for Screenmania, read from the environment.

The defaults suit a laptop: SQLite, a local memory cache and media on disk,
nothing to install. Production sets the variables listed in README.md.
"""

import json
import os
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_flag(name, default=False):
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_flag("DJANGO_DEBUG")
# The demo app (loaddemo, generate_articles, the drawings): on a laptop and in the
# benchmarks, left out of a production site unless asked for.
DEMO = env_flag("DJANGO_DEMO", default=DEBUG)

# A key that is in the source code is no secret: it is only good for a laptop.
INSECURE_DEV_SECRET_KEY = "django-insecure-screenmania-laptop-only"  # noqa: S105 (public on purpose)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "").strip() or INSECURE_DEV_SECRET_KEY
if not DEBUG and SECRET_KEY == INSECURE_DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off: the built-in key is public. "
        "For local development, set DJANGO_DEBUG=1 (as `make run` does)."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")

# The public origin, used wherever an absolute URL leaves the site: canonical
# links, share links, feeds and sitemaps. Never derived from the Host header.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = "Screenmania"

INSTALLED_APPS = [
    # Django's admin, with the newsroom's site (newsroom/admin_site.py).
    "newsroom.apps.NewsroomAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # django-taggit, named « Étiquettes » in the newsroom rather than « Taggit ».
    "newsroom.apps.TagsConfig",
    "simple_history",
    "csp",
    # django-axes and django-otp's devices, named in French (newsroom/security/apps.py).
    "newsroom.security.apps.LoginSecurityConfig",
    "django_otp",
    "newsroom.security.apps.AuthenticatorAppsConfig",
    "newsroom.security.apps.RecoveryCodesConfig",
    "django_countries",
    # Background work (TASKS below): Django's Tasks API, its database backend's results
    # table, and RQ's queues when there is a Redis.
    "django_tasks",
    "django_tasks_db",
    *(["django_rq"] if os.environ.get("REDIS_URL") else []),
    # Mail providers' APIs and their webhooks, for the newsletter (README, « The newsletter »).
    "anymail",
    # The project's apps, in their layers, lowest first (README, and pyproject.toml's
    # importlinter contract, which `make lint` checks).
    "markup",
    "pagecache",
    "images",
    "authors",
    "works",
    "sitepages",
    "search",
    "articles",
    "redirects",
    "frontpage",
    "newsletter",
    "reader",
    "newsroom",
    "newsroom.security",
    "wordpress",
    *(["demo"] if DEMO else []),
    # For its management command, tasks_worker.
    "screenmania",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and authentication: a cached page for an anonymous reader
    # is answered here, with no per-user work done. After the HTTPS redirect and
    # before the two that add the same headers to every page: those are stored with
    # the page (building the CSP costs as much as the rest of a cached answer).
    "pagecache.middleware.PageCacheMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "screenmania.middleware.URLLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Old addresses (redirects/): inside the page cache, which keeps their answers.
    "redirects.middleware.RedirectMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session gave a two-step verification code.
    "django_otp.middleware.OTPMiddleware",
    # Admin pages only: the two-step page first for whoever must use it and has not.
    "newsroom.security.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Records which user made each revision (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "screenmania.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reader.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "screenmania.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        # A transaction takes the write lock as it begins, so writers queue for it
        # (below) instead of failing with « database is locked » when one that
        # started as a reader tries to write.
        transaction_mode="IMMEDIATE",
        # Write-ahead log: readers never wait for a writer, nor a writer for readers.
        init_command="PRAGMA journal_mode=WAL",
        # How long a writer waits for the lock before « database is locked »: as long
        # as a request may run (gunicorn's timeout), since a write transaction lives
        # within one request. The slowest measured is an article of 180,000
        # characters saved in the admin, 5 s; an image's pixels are done before its
        # transaction begins (Image.process_file()).
        timeout=int(os.environ.get("GUNICORN_TIMEOUT", 30)),
    )

if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "screenmania.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "screenmania"),
            # A Redis that stops answering must cost a reader half a second at
            # most, once: the page cache then stays away from it for a while.
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    # Local memory is per process: `make serve` runs one process (with threads)
    # when there is no Redis, so that every request sees every invalidation.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }

# Background work, through Django's Tasks API (the django-tasks backport until Django 6):
# the database backend by default, so that a laptop needs no other server; RQ on the
# Redis of REDIS_URL when there is one, so that workers may run on other machines.
# Either way `manage.py tasks_worker` runs the queue (README, « Background work »).
TASKS_QUEUE = os.environ.get("TASKS_QUEUE", "default")
if os.environ.get("REDIS_URL"):
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": [TASKS_QUEUE]}}
    # No job timeout of RQ's own: a long import is normal work, and a stuck one is found
    # by its progress, which stops moving (TASKS_STALLED_AFTER).
    RQ_QUEUES = {TASKS_QUEUE: {"URL": os.environ["REDIS_URL"], "DEFAULT_TIMEOUT": -1}}
    # Not in the newsroom: django-rq's dashboard lets any staff account empty a queue.
    RQ_SHOW_ADMIN_LINK = False
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": [TASKS_QUEUE]}}
# A task that fails is tried this many times in all, waiting TASKS_RETRY_DELAY seconds,
# then four times as long, between tries; then it is reported failed to whoever started it.
TASKS_MAX_ATTEMPTS = int(os.environ.get("TASKS_MAX_ATTEMPTS", 3))
TASKS_RETRY_DELAY = float(os.environ.get("TASKS_RETRY_DELAY", 30))
# A running task whose progress has not moved for this many seconds is taken for one
# whose worker died (killed, machine lost): it is reported as interrupted.
TASKS_STALLED_AFTER = int(os.environ.get("TASKS_STALLED_AFTER", 5 * 60))

# Anonymous reader pages are kept whole in the cache and rebuilt exactly when
# something they show changes (pagecache/keys.py). DJANGO_PAGE_CACHE=0
# turns it off, e.g. to measure uncached pages.
PAGE_CACHE_ENABLED = env_flag("DJANGO_PAGE_CACHE", default=True)
# How long a worker serves its own copy of a page before asking the shared cache again,
# in seconds: another server's change is seen within this time, this process's at once
# (pagecache/middleware.py, LocalCopies). 0: every request asks.
PAGE_CACHE_LOCAL_SECONDS = float(os.environ.get("DJANGO_PAGE_CACHE_LOCAL_SECONDS", 1))
# How long an untouched page stays in our cache and a CDN's, in seconds. Changes
# invalidate at once; this only bounds memory and what a missed purge can cost.
PAGE_CACHE_TIMEOUT = int(os.environ.get("DJANGO_PAGE_CACHE_TIMEOUT", 60 * 60))
# How long browsers keep a public page before asking again. None by default: a
# reader's reload always reaches us (or the CDN), and costs a 304 if nothing changed.
PAGE_BROWSER_MAX_AGE = int(os.environ.get("DJANGO_PAGE_BROWSER_MAX_AGE", 0))
# A CDN may serve a page this long past its expiry while it fetches a new one.
PAGE_STALE_WHILE_REVALIDATE = int(os.environ.get("DJANGO_PAGE_STALE_WHILE_REVALIDATE", 30))
# Where changes are purged, by key, once committed (pagecache/purge.py). CDN_PURGE_URL
# takes {"tags": [...]}: Cloudflare's cache-tag purge shape; a small proxy adapts it to
# Fastly or Varnish. Unset: no CDN, nothing sent.
PAGECACHE_PURGE_BACKENDS = {}
if os.environ.get("CDN_PURGE_URL", "").strip():
    PAGECACHE_PURGE_BACKENDS["default"] = {
        "BACKEND": "pagecache.purge.HTTPPurgeBackend",
        "LOCATION": os.environ["CDN_PURGE_URL"].strip(),
        "TOKEN": os.environ.get("CDN_PURGE_TOKEN", "").strip(),
        "TIMEOUT": float(os.environ.get("CDN_PURGE_TIMEOUT", "2")),
    }

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out login is refused before its password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's, with the permissions of a user and of their groups read in one query.
    "newsroom.security.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# French first, English as the second interface language. Reader pages pick
# the language from the URL prefix (/en/...), never from a cookie.
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# What the newsroom writes in, whatever the interface language: English pages
# mark articles' text with it so that screen readers pick the right voice.
CONTENT_LANGUAGE = "fr"
USE_I18N = True
# « 12 décembre 2026 à 6 h 00 » (screenmania/formats/fr/formats.py).
FORMAT_MODULE_PATH = ["screenmania.formats"]
TIME_ZONE = "Europe/Paris"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = os.environ.get("DJANGO_MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Django serves MEDIA_ROOT itself (images/views.py, with year-long caching for
# renditions) unless a web server, a CDN or object storage does: set DJANGO_SERVE_MEDIA=0.
SERVE_MEDIA = env_flag("DJANGO_SERVE_MEDIA", default=True)

# Media go through the "default" storage only (never a path on disk), so that an
# S3-compatible store is configuration: DJANGO_MEDIA_STORAGE names the backend
# (e.g. storages.backends.s3.S3Storage, after `pip install django-storages[s3]`)
# and DJANGO_MEDIA_STORAGE_OPTIONS its options as JSON. For S3, give it
# "file_overwrite": false (two uploads of "affiche.jpg" stay two files),
# "querystring_auth": false and a "custom_domain" (pages and the page cache keep
# URLs: signed ones would expire), set DJANGO_MEDIA_URL to that origin (the CSP
# allows images from it) and DJANGO_SERVE_MEDIA=0.
STORAGES = {
    "default": {
        "BACKEND": os.environ.get("DJANGO_MEDIA_STORAGE", "images.storage.MediaStorage"),
        "OPTIONS": json.loads(os.environ.get("DJANGO_MEDIA_STORAGE_OPTIONS") or "{}"),
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
    # Files the site keeps and never serves (WordPress exports waiting to be imported):
    # outside MEDIA_ROOT, which the site and a CDN serve to anyone. Workers on other
    # machines need it shared: DJANGO_PRIVATE_STORAGE names a private bucket's backend.
    "private": {
        "BACKEND": os.environ.get(
            "DJANGO_PRIVATE_STORAGE", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": json.loads(os.environ.get("DJANGO_PRIVATE_STORAGE_OPTIONS") or "null")
        or {"location": Path(os.environ.get("PRIVATE_ROOT", BASE_DIR / "private"))},
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Uploads: anything larger is refused before Pillow is asked to decode it.
IMAGE_MAX_UPLOAD_BYTES = int(os.environ.get("IMAGE_MAX_UPLOAD_BYTES", 15 * 1024 * 1024))
IMAGE_MAX_PIXELS = int(os.environ.get("IMAGE_MAX_PIXELS", 40_000_000))
# Longest side over shortest. Beyond it an image is a sliver on any page, and its
# renditions outgrow what encoders write (WebP stops at 16,383 pixels a side): at 10,
# the tallest is 1,344 × 13,440.
IMAGE_MAX_ASPECT_RATIO = int(os.environ.get("IMAGE_MAX_ASPECT_RATIO", 10))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A WordPress export uploaded in the admin (wordpress/admin.py): a magazine's ten years
# of posts are tens of megabytes; a larger site exports by content type or period.
WORDPRESS_IMPORT_MAX_BYTES = int(os.environ.get("WORDPRESS_IMPORT_MAX_BYTES", 200 * 1024 * 1024))

# Rendition shapes and widths (images/renditions.py). The widths follow the layout: the
# article column is 42rem (672 px, 1344 at 2x), cards a full phone width down to a third
# of 72rem, avatars 96 and 160 px. After changing them, run ``manage.py renditions``.
IMAGE_RENDITIONS = {
    "full": {"widths": [360, 480, 768, 1024, 1344]},
    "wide": {"widths": [360, 480, 768, 1024, 1344], "ratio": (16, 9)},
    "square": {"widths": [96, 192, 320], "ratio": (1, 1)},
}

TAGGIT_CASE_INSENSITIVE = True
# Tag URLs in plain ASCII: « grève » is at /tags/greve/, easy to type and to share.
TAGGIT_STRIP_UNICODE_WHEN_SLUGIFYING = True

# Security headers. The CSP allows our own origin only: no inline script, no
# third-party script or font on any page. Images may also come from the media
# origin, when media are on a bucket or a CDN (DJANGO_MEDIA_URL). Frames come
# only from the privacy-enhanced players of the three video hosts trailers may
# use (markup/trailers.py), which a reader's click loads, never our own pages.
MEDIA_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)) if "//" in MEDIA_URL else None
TRAILER_PLAYER_ORIGINS = [
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
    "https://geo.dailymotion.com",
]
# Dailymotion plays new embeds only in a player of the site's own account (its id
# from the Dailymotion Studio, e.g. x9abc). Bodies store the player's address:
# after changing it, save the articles with Dailymotion trailers again.
DAILYMOTION_PLAYER_ID = os.environ.get("DAILYMOTION_PLAYER_ID", "")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        # The article body's editor (CodeMirror) writes its own rules in a <style>
        # element; a nonce lets that one element in, on the article form alone: the
        # nonce is sent only where a template asked for it (writing_tools.html).
        # Style attributes stay refused everywhere.
        "style-src": ["'self'", NONCE],
        "img-src": ["'self'", *([MEDIA_ORIGIN] if MEDIA_ORIGIN else [])],
        "font-src": ["'self'"],
        "frame-src": TRAILER_PLAYER_ORIGINS,
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Static and media files are no pages, and WhiteNoise answers before any middleware gives
# them a page's headers: should one be opened as a document (an SVG, a file a browser takes
# for HTML), it runs nothing, loads nothing and is framed by nobody.
FILE_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src 'self'; style-src 'self'; font-src 'self'; "
        "frame-ancestors 'none'; sandbox"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
}


def add_file_security_headers(headers, path, url):
    for name, value in FILE_SECURITY_HEADERS.items():
        headers[name] = value


WHITENOISE_ADD_HEADERS_FUNCTION = add_file_security_headers
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
# Powerful browser features no page of ours uses, refused to our pages and to
# anything they might embed. Fullscreen stays for our own origin, and with
# autoplay (the reader has just clicked play) and picture-in-picture it may be
# handed to a trailer's player, and to no other frame.
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": ["self", *TRAILER_PLAYER_ORIGINS],
    "browsing-topics": [],
    "camera": [],
    "display-capture": [],
    "fullscreen": ["self", *TRAILER_PLAYER_ORIGINS],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "interest-cohort": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "picture-in-picture": ["self", *TRAILER_PLAYER_ORIGINS],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

# Where the newsroom lives. Off the well-known /admin/, the bots that try
# passwords there find nothing, and robots.txt no longer names it.
ADMIN_URL = (os.environ.get("DJANGO_ADMIN_URL", "").strip().strip("/") or "admin") + "/"
# Logging in is for the newsroom: a login without a ``next``, or with one off the site,
# lands there, not on Django's /accounts/profile/, which is no page of ours.
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"

# Login throttling (django-axes, newsroom/security/throttling.py): after
# DJANGO_LOGIN_FAILURE_LIMIT failures for one username from one address, that
# pair is refused for DJANGO_LOGIN_COOLOFF_MINUTES, counted again from each new
# try. Keyed on both, so that someone elsewhere cannot lock an editor out.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", 15)))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "newsroom.security.throttling.lockout_response"
# Which address a login comes from, read by django-ipware through django-axes:
# REMOTE_ADDR alone, unless DJANGO_BEHIND_TLS_PROXY declares a proxy. Its own
# address is then the same for everybody (locking it would lock a username out
# for the whole world), and the client's is the last entry of X-Forwarded-For,
# the one the proxy appended; whatever is to its left, the client wrote. Not
# AXES_IPWARE_PROXY_COUNT: ipware wants that exact count of entries, so one
# forged entry would make it fall back to the proxy's address.
if env_flag("DJANGO_BEHIND_TLS_PROXY"):
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    AXES_IPWARE_PROXY_ORDER = "right-most"

# Two-step verification (django-otp, newsroom/security/two_factor.py).
# Members of these groups (superusers count as administrators) must enrol an
# authenticator app and give its code at login before any admin page opens.
# Off in development so that the login `make run` prints stays a password.
TWO_FACTOR_REQUIRED_GROUPS = env_list(
    "DJANGO_2FA_REQUIRED_GROUPS", "" if DEBUG else "Éditeur,Administrateur"
)
# The account's name in the authenticator app.
OTP_TOTP_ISSUER = SITE_NAME
# Nobody, administrators included, sees another person's secret in the admin.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # The header only makes the domain eligible; it enters browsers' preload
    # lists when its owner submits it. Set DJANGO_HSTS_PRELOAD=0 to opt out.
    SECURE_HSTS_PRELOAD = env_flag("DJANGO_HSTS_PRELOAD", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Only behind a TLS-terminating proxy that sets this header itself: anywhere
    # else a client could forge it and pass plain HTTP off as HTTPS.
    if env_flag("DJANGO_BEHIND_TLS_PROXY"):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", SITE_URL)

# Who hears of a server error (a 500): DJANGO_ADMINS="Inès Marchand <ines@…>, ops@…".
ADMINS = [
    (name, address)
    for name, address in getaddresses([os.environ.get("DJANGO_ADMINS", "")])
    if address
]
if any("@" not in address for _name, address in ADMINS):
    raise ImproperlyConfigured(
        "DJANGO_ADMINS must be e-mail addresses separated by commas, "
        "each alone or as Name <address>."
    )
# E-mail, under Django's own names. Error reports leave from SERVER_EMAIL, newsletters
# and their confirmations from DEFAULT_FROM_EMAIL. A laptop with no EMAIL_HOST prints
# its messages in the console rather than failing to reach a server it does not have;
# a provider's API is EMAIL_BACKEND=anymail.backends.<provider>.EmailBackend and its
# ANYMAIL_* variables below (README, « The newsletter »).
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG and not os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend"
)
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 25))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_flag("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_flag("EMAIL_USE_SSL")
# For EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: a folder of messages.
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH") or None
# An error report is sent while the reader who met the error waits for the page.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", 10))
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", "root@localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Screenmania <lettre@localhost>")
# Where readers' replies to a newsletter go (newsletter/mail.py); its sender otherwise.
NEWSLETTER_REPLY_TO = os.environ.get("NEWSLETTER_REPLY_TO", "")
# Task workers make and send each daily digest at its hour (newsletter/editions.py); off
# for workers that should only send what the desk sends.
NEWSLETTER_DAILY_DIGESTS = env_flag("NEWSLETTER_DAILY_DIGESTS", default=True)

# django-anymail's settings, each from its variable: ANYMAIL_MAILGUN_API_KEY becomes
# ANYMAIL["MAILGUN_API_KEY"], and so on for any provider. The bounce and complaint
# webhooks (/anymail/<provider>/tracking/) take ANYMAIL_WEBHOOK_SECRET as their basic
# authentication; without one set, a secret nobody knows refuses every call, since a
# forged bounce would otherwise silence any reader (newsletter/bounces.py).
ANYMAIL = {
    name.removeprefix("ANYMAIL_"): value
    for name, value in os.environ.items()
    if name.startswith("ANYMAIL_") and value
}
ANYMAIL.setdefault("WEBHOOK_SECRET", f"refused:{os.urandom(24).hex()}")

# Sending an edition (newsletter/sending.py): workers claim NEWSLETTER_BATCH_SIZE
# deliveries at a time, for NEWSLETTER_LEASE seconds, renewed while they send; a
# killed worker's claims go back to the others once that time has passed. All workers
# together send at most EMAIL_RATE_LIMIT messages a second through the backend (0: no
# limit; Amazon SES starts accounts at 1 a second, Brevo's plans at 10 or more).
# A message the server refuses for now (4xx, a dropped connection) is tried again
# NEWSLETTER_RETRY_DELAY seconds later, then four times as long, NEWSLETTER_MAX_ATTEMPTS
# times in all.
NEWSLETTER_BATCH_SIZE = int(os.environ.get("NEWSLETTER_BATCH_SIZE", 200))
NEWSLETTER_LEASE = float(os.environ.get("NEWSLETTER_LEASE", 120))
EMAIL_RATE_LIMIT = int(os.environ.get("EMAIL_RATE_LIMIT", 0))
NEWSLETTER_RETRY_DELAY = float(os.environ.get("NEWSLETTER_RETRY_DELAY", 60))
NEWSLETTER_MAX_ATTEMPTS = int(os.environ.get("NEWSLETTER_MAX_ATTEMPTS", 5))
# Tasks queued for an edition at once: as many workers as may send it side by side.
NEWSLETTER_SENDERS = int(os.environ.get("NEWSLETTER_SENDERS", 2))
# The mailto target of every newsletter's List-Unsubscribe header (newsletter/links.py).
NEWSLETTER_UNSUBSCRIBE_EMAIL = os.environ.get(
    "NEWSLETTER_UNSUBSCRIBE_EMAIL", f"desabonnement@{urlsplit(SITE_URL).hostname}"
)

LOG_LEVEL = os.environ.get("DJANGO_LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "client_errors_without_traceback": {"()": "screenmania.log.ClientErrorsWithoutTraceback"},
    },
    "handlers": {
        # Messages with their traceback, whether or not any mail goes out; a refusal (4xx)
        # without (screenmania/log.py), whichever logger it comes from.
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["client_errors_without_traceback"],
        },
        # To ADMINS, when there are any and DEBUG is off: a laptop's errors are on its screen.
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's errors, a request's 500 among them, are mailed and go on to the console.
        # Named here, so that Django's default handlers for this logger are replaced, not
        # added to: one report per error.
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL},
        # Each refusal of a request, from here on its way to every handler.
        "django.request": {"filters": ["client_errors_without_traceback"]},
        # A Host header that ALLOWED_HOSTS refuses is a stranger's doing, answered 400:
        # logged, not mailed.
        "django.security.DisallowedHost": {"handlers": ["console"], "propagate": False},
        # django-axes announces its version and mode at every start, each management
        # command included; its lockouts and logins are logged by axes.handlers.
        "axes.apps": {"level": "WARNING"},
    },
}
