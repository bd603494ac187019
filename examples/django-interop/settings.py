"""A minimal Django project whose sessions an edge-sessions server shares.

Everything both sides must agree on comes from the environment, so the tests
can switch engines and rotate keys by restarting with other values:
SECRET_KEY, SECRET_KEY_FALLBACKS (a JSON list), SESSION_ENGINE (a short name
or Django's dotted path), DB_PATH (the SQLite file), SESSION_FILE_PATH, and
REDIS_URL (the cache both sides share; unset: a cache private to this process).
"""
import json
import os

SECRET_KEY = os.environ["SECRET_KEY"]
SECRET_KEY_FALLBACKS = json.loads(os.environ.get("SECRET_KEY_FALLBACKS", "[]"))
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
USE_TZ = True
TIME_ZONE = "UTC"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
]
# No CsrfViewMiddleware: the views are a JSON API for the test client only.
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "urls"
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["DB_PATH"]}
}
DEFAULT_AUTO_FIELD = "django.db.models.AutoField"

_engine = os.environ.get("SESSION_ENGINE", "db")
SESSION_ENGINE = _engine if "." in _engine else f"django.contrib.sessions.backends.{_engine}"
SESSION_FILE_PATH = os.environ.get("SESSION_FILE_PATH") or None
if os.environ.get("REDIS_URL"):
    # One Redis for both sides, its values JSON (json_cache.py) rather than
    # pickles: cached_db's cache is shared too. The edge uses the same server
    # with redisCache(client, { prefix: ":1:" }), Django's KEY_PREFIX ("")
    # and VERSION (1) as make_key() joins them.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "OPTIONS": {"serializer": "json_cache.JSONSerializer"},
        }
    }
else:
    # Private to this process, as is the edge's memoryCache(): only the db
    # side of cached_db is shared (see docs/django-interop.md).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The SESSION_COOKIE_* settings keep Django's defaults, as the edge side does.
