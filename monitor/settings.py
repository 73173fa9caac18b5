"""Settings for the Monitor platform, read from environment variables.

Local runs work with no configuration at all: SQLite under var/ and a secret key generated
once and kept in var/secret_key. Production (MONITOR_ENV=production) refuses to start
without its secrets and is configured so that `monitor check --deploy` passes.

Variables (all documented in README.md, "Configuration"):
    MONITOR_ENV            development (default) | production
    DATABASE_URL           e.g. postgres://user@host:5432/db; default sqlite:///var/monitor.sqlite3
    MONITOR_SECRET_KEY     required in production (or MONITOR_SECRET_KEY_FILE)
    MONITOR_DEBUG          true/false; default true in development, always false in production
    MONITOR_ALLOWED_HOSTS  comma-separated; required in production
    MONITOR_VAR_DIR        where local state lives; default ./var
    MONITOR_CACHE_URL      page cache: locmem:// (default), redis://host:6379/0, rediss://...,
                           file:///absolute/dir, or dummy:// (no caching)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from monitor.env import ConfigError, env_bool, env_choice, env_list, env_secret

BASE_DIR = Path(__file__).resolve().parent


def _configure() -> dict:
    env = env_choice("MONITOR_ENV", ("development", "production"), "development")
    production = env == "production"
    var_dir = Path(os.environ.get("MONITOR_VAR_DIR") or Path.cwd() / "var").resolve()

    secret_key = env_secret("MONITOR_SECRET_KEY")
    if production:
        missing = [
            name
            for name, value in (
                ("MONITOR_SECRET_KEY", secret_key),
                ("MONITOR_ALLOWED_HOSTS", os.environ.get("MONITOR_ALLOWED_HOSTS", "").strip()),
                ("DATABASE_URL", os.environ.get("DATABASE_URL", "").strip()),
            )
            if not value
        ]
        if missing:
            raise ConfigError(f"MONITOR_ENV=production requires {', '.join(missing)}")
        if len(secret_key) < 50:
            raise ConfigError("MONITOR_SECRET_KEY must be at least 50 characters in production")
    elif not secret_key:
        secret_key = _local_secret_key(var_dir)

    debug = env_bool("MONITOR_DEBUG", default=not production)
    if production and debug:
        raise ConfigError("MONITOR_DEBUG cannot be true when MONITOR_ENV=production")

    allowed_hosts = env_list(
        "MONITOR_ALLOWED_HOSTS", default=[] if production else ["127.0.0.1", "localhost", "[::1]"]
    )
    database_url = os.environ.get("DATABASE_URL", "").strip()
    if database_url:
        try:
            database = dj_database_url.parse(database_url, conn_max_age=60)
        except Exception as exc:  # dj_database_url raises bare ValueError/KeyError
            raise ConfigError(f"DATABASE_URL cannot be parsed: {exc}") from exc
    else:
        var_dir.mkdir(parents=True, exist_ok=True)
        database = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(var_dir / "monitor.sqlite3"),
        }
    if database["ENGINE"] == "django.db.backends.sqlite3":
        database.setdefault("OPTIONS", {})
        database["OPTIONS"].update({"init_command": "PRAGMA journal_mode=WAL;", "timeout": 20})
    return {
        "cache": _cache_config(os.environ.get("MONITOR_CACHE_URL", "").strip()),
        "env": env,
        "production": production,
        "var_dir": var_dir,
        "secret_key": secret_key,
        "debug": debug,
        "allowed_hosts": allowed_hosts,
        "database": database,
    }


# Public pages are cached for at most this long even if nothing bumps the data version
# (a write made by another process is only seen at once when the cache is shared: Redis).
PAGE_CACHE_SECONDS = 300

# Requests per client IP to /api/ (N/second|minute|hour|day); see docs/api.md.
MONITOR_API_RATE = os.environ.get("MONITOR_API_RATE", "120/minute")


def _cache_config(url: str) -> dict:
    """The default cache from MONITOR_CACHE_URL; anything not understood is an error."""
    common = {"TIMEOUT": PAGE_CACHE_SECONDS, "KEY_PREFIX": "monitor"}
    if not url:
        url = "locmem://"
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a non-numeric port
    except ValueError as exc:
        raise ConfigError(f"MONITOR_CACHE_URL={url!r} cannot be parsed: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme in ("locmem", "dummy"):
        if parts.netloc or parts.path.strip("/") or parts.query or parts.fragment:
            raise ConfigError(f"MONITOR_CACHE_URL={url!r}: {scheme}:// takes no host or path")
        if scheme == "dummy":
            return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "monitor-pages",
            "OPTIONS": {"MAX_ENTRIES": 2000},
            **common,
        }
    if scheme in ("redis", "rediss"):
        if not parts.hostname:
            raise ConfigError(f"MONITOR_CACHE_URL={url!r}: a Redis URL needs a host")
        db = parts.path.strip("/") or "0"
        if not db.isdigit():
            raise ConfigError(f"MONITOR_CACHE_URL={url!r}: the Redis database must be a number")
        if parts.fragment:
            raise ConfigError(f"MONITOR_CACHE_URL={url!r}: unexpected fragment")
        if port is not None and not 0 < port < 65536:
            raise ConfigError(f"MONITOR_CACHE_URL={url!r}: port out of range")
        try:
            import redis  # noqa: F401
        except ImportError:
            raise ConfigError(
                "MONITOR_CACHE_URL is a Redis URL but the redis package is not installed "
                "(pip install 'monitor[redis]')"
            ) from None
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url, **common}
    if scheme == "file":
        if parts.netloc or not parts.path.startswith("/") or parts.query or parts.fragment:
            raise ConfigError(f"MONITOR_CACHE_URL={url!r}: use file:///absolute/directory")
        return {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": parts.path,
            **common,
        }
    raise ConfigError(
        f"MONITOR_CACHE_URL={url!r}: the scheme must be locmem, redis, rediss, file or dummy"
    )


def _email_config(url: str) -> dict:
    """EMAIL_* settings from MONITOR_EMAIL_URL: console:// (default), smtp://user:pass@host:port
    or smtps:// (implicit TLS); smtp+starttls:// upgrades with STARTTLS."""
    if not url or url == "console://":
        return {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigError(f"MONITOR_EMAIL_URL={url!r} cannot be parsed: {exc}") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("smtp", "smtps", "smtp+starttls") or not parts.hostname:
        raise ConfigError(
            f"MONITOR_EMAIL_URL={url!r}: use console://, smtp://host:port, smtps://... "
            "or smtp+starttls://..."
        )
    from urllib.parse import unquote

    return {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "HOST": parts.hostname,
        "PORT": port or (465 if scheme == "smtps" else 587 if scheme == "smtp+starttls" else 25),
        "HOST_USER": unquote(parts.username or ""),
        "HOST_PASSWORD": unquote(parts.password or ""),
        "USE_SSL": scheme == "smtps",
        "USE_TLS": scheme == "smtp+starttls",
        "TIMEOUT": 20,
    }


def _local_secret_key(var_dir: Path) -> str:
    """Generate a key once per checkout and keep it, so sessions survive restarts."""
    path = var_dir / "secret_key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(key)
    return key


try:
    _cfg = _configure()
except ConfigError as exc:
    raise ImproperlyConfigured(str(exc)) from exc

MONITOR_ENV = _cfg["env"]
VAR_DIR = _cfg["var_dir"]
SECRET_KEY = _cfg["secret_key"]
DEBUG = _cfg["debug"]
ALLOWED_HOSTS = _cfg["allowed_hosts"]
DATABASES = {"default": _cfg["database"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": _cfg["cache"]}

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "monitor.countries",
    "monitor.treaties",
    "monitor.research",
    "monitor.web",
    "monitor.search",
    "monitor.audit",
    "monitor.editorial",
    "monitor.strategy",
    "monitor.publishing",
    "django.contrib.admin",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "ninja",
    "django_tasks",
    "django_tasks_db",
]

# Background tasks (django-tasks): queued in the database, run by `monitor worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "monitor.api.middleware.ApiMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: locks out after repeated failed sign-ins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "monitor.urls"
WSGI_APPLICATION = "monitor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# The public site in English (default), French and Spanish. The language comes from the
# django_language cookie (set by the switcher, POST /i18n/setlang/) or Accept-Language.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
if MONITOR_ENV != "production":
    # WhiteNoise warns about a missing STATIC_ROOT even when it serves from the app folders.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# In development WhiteNoise serves straight from the app folders, so no collectstatic step.
WHITENOISE_USE_FINDERS = DEBUG or MONITOR_ENV != "production"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if MONITOR_ENV == "production"
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# --- Accounts (editorial workflow) ---------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out clients
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/editorial/"
LOGOUT_REDIRECT_URL = "/"
# django-axes: 5 failed sign-ins for a username from one address lock it for an hour.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "editorial/locked_out.html"
OTP_TOTP_ISSUER = "Monitor"
SESSION_COOKIE_AGE = 60 * 60 * 12  # a working day
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# E-mail: printed to the console unless MONITOR_EMAIL_URL names an SMTP server.
MONITOR_SITE_URL = os.environ.get("MONITOR_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = os.environ.get("MONITOR_EMAIL_FROM", "monitor@localhost")
_email = _email_config(os.environ.get("MONITOR_EMAIL_URL", "").strip())
EMAIL_BACKEND = _email.pop("BACKEND")
for _name, _value in _email.items():
    globals()[f"EMAIL_{_name}"] = _value

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if MONITOR_ENV == "production":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("MONITOR_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
