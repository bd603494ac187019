"""A stock Django project (what `django-admin startproject` writes, minus
the admin and static files) whose sessions an edge-sessions server shares.

Only what a deployment sets is set here, from the environment: the keys,
the database, the cache, and the session engine under test. Every other
setting, the session, cache and CSRF ones included, is Django's default:
the cache pickles, `make_key` is ":1:" + key, the CSRF secret is in the
`csrftoken` cookie.

    SECRET_KEY, SECRET_KEY_FALLBACKS (a JSON list)
    DJANGO_DATABASE   postgres://user:password@host:port/name  (django.db.backends.postgresql)
                      mysql://user:password@host:port/name     (django.db.backends.mysql)
    REDIS_URL         redis://host:port  (RedisCache; unset: Django's default LocMemCache)
    SESSION_ENGINE    db, cache, cached_db, signed_cookies (or Django's dotted path)
"""
import json
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent

SECRET_KEY = os.environ["SECRET_KEY"]
SECRET_KEY_FALLBACKS = json.loads(os.environ.get("SECRET_KEY_FALLBACKS") or "[]")
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "urls"
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
            ],
        },
    },
]


def _database(url):
    """DATABASES["default"] from a URL, as dj-database-url would make it."""
    u = urlsplit(url)
    engine = {"postgres": "postgresql", "postgresql": "postgresql", "mysql": "mysql"}[u.scheme]
    return {
        "ENGINE": f"django.db.backends.{engine}",
        "NAME": unquote(u.path[1:]),
        "USER": unquote(u.username or ""),
        "PASSWORD": unquote(u.password or ""),
        "HOST": u.hostname,
        "PORT": str(u.port or ""),
    }


DATABASES = {"default": _database(os.environ["DJANGO_DATABASE"])}
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }

_engine = os.environ.get("SESSION_ENGINE") or "db"
SESSION_ENGINE = _engine if "." in _engine else f"django.contrib.sessions.backends.{_engine}"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
