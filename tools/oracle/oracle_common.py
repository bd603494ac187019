"""
Shared set-up for gen_django_vectors.py (pickle / auth / csrf oracle).

Everything that produces an *expected* value in the fixtures goes through the
real, installed Django 5.2.x or CPython.  This module only:
  * configures settings in code (one settings.configure() for the whole run),
  * freezes the clock (time.time via django.test.utils.freeze_time, and
    django.utils.timezone.now, which reads datetime.now() and is therefore
    not affected by patching time.time),
  * replaces Django's randomness (django.utils.crypto.get_random_string and
    the names modules imported from it) by a seeded, recorded source so that
    CSRF masks/secrets, session keys and password salts are deterministic,
  * captures log records,
  * encodes Python values into an unambiguous JSON form ("typed" values),
  * writes fixtures in a compact, line-per-record, deterministic layout.
"""

import contextlib
import datetime
import json
import logging
import math
import random
import struct
import sys
import types

# Fixed secrets, deliberately different from the first oracle's
# ("oracle-secret-key-0123456789-...").
SECRET_KEY = "edge-oracle2-secret-key-QRSTUVWXYZ-0123456789-~!@#$%^&*()-qrstuvwxyz"
SECRET_KEY_FALLBACKS = ["edge-oracle2-old-key-A", "edge-oracle2-old-key-B"]

# Fixed "now": 2023-11-14T22:13:20Z (same instant as the first oracle).
NOW = 1700000000
UTC = datetime.timezone.utc

# Fixed, valid session keys (32 chars of [a-z0-9]).
FIXED_KEY_1 = "oracle2fixed0session0key00000001"
FIXED_KEY_2 = "oracle2fixed0session0key00000002"

ALLOWED_HOSTS = [
    "testserver",
    "example.com",
    ".example.com",
    "localhost",
    "127.0.0.1",
    "[::1]",
]

REDIS_LOCATION = "redis://127.0.0.1:6379/0"  # never connected to


def custom_key_func(key, key_prefix, version):
    """A KEY_FUNCTION for the cache_keys vectors (imported by dotted path
    'oracle_common.custom_key_func' and also passed as a callable)."""
    return "%s|v%s|%s" % (key_prefix, version, key)


def custom_key_func_src():
    return 'lambda key, key_prefix, version: "%s|v%s|%s" % (key_prefix, version, key)'


def _caches():
    def redis(**params):
        d = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_LOCATION}
        d.update(params)
        return d

    def djredis(**params):
        d = {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": REDIS_LOCATION}
        d.update(params)
        return d

    return {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "oracle2"},
        "redis_default": redis(),
        "redis_prefix": redis(KEY_PREFIX="myapp"),
        "redis_version2": redis(VERSION=2),
        "redis_prefix_version2": redis(KEY_PREFIX="myapp", VERSION=2),
        "redis_prefix_colon": redis(KEY_PREFIX="myapp:sessions"),
        "redis_version_str": redis(VERSION="v3"),
        "redis_keyfunc_dotted": redis(KEY_PREFIX="myapp", VERSION=2, KEY_FUNCTION="oracle_common.custom_key_func"),
        "redis_keyfunc_callable": redis(KEY_FUNCTION=custom_key_func),
        "redis_protocol4": redis(OPTIONS={"serializer": "oracle_common.Protocol4Serializer"}),
        "locmem_prefix_version2": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "oracle2b",
            "KEY_PREFIX": "myapp",
            "VERSION": 2,
        },
        "djredis_default": djredis(),
        "djredis_prefix_version2": djredis(KEY_PREFIX="myapp", VERSION=2),
        "djredis_pickle_version_5": djredis(OPTIONS={"PICKLE_VERSION": 5}),
        "djredis_pickle_version_minus1": djredis(OPTIONS={"PICKLE_VERSION": -1}),
    }


def __getattr__(name):
    # Lazily defined so that importing this module does not import Django.
    if name == "Protocol4Serializer":
        from django.core.cache.backends.redis import RedisSerializer

        class Protocol4Serializer(RedisSerializer):
            def __init__(self):
                super().__init__(protocol=4)

        Protocol4Serializer.__module__ = __name__
        globals()["Protocol4Serializer"] = Protocol4Serializer
        return Protocol4Serializer
    raise AttributeError(name)


SETTINGS = dict(
    DEBUG=False,
    SECRET_KEY=SECRET_KEY,
    SECRET_KEY_FALLBACKS=SECRET_KEY_FALLBACKS,
    USE_TZ=True,
    TIME_ZONE="UTC",
    ALLOWED_HOSTS=ALLOWED_HOSTS,
    INSTALLED_APPS=[
        "django.contrib.contenttypes",
        "django.contrib.auth",
        "django.contrib.sessions",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    SESSION_ENGINE="django.contrib.sessions.backends.db",
    ROOT_URLCONF="oracle2_urls",
    MIDDLEWARE=[],
    TEMPLATES=[],
    LOGGING_CONFIG=None,
    DEFAULT_AUTO_FIELD="django.db.models.AutoField",
)

_configured = False


def configure():
    global _configured
    if _configured:
        return
    import django
    from django.conf import settings

    urls = types.ModuleType("oracle2_urls")
    urls.urlpatterns = []
    sys.modules["oracle2_urls"] = urls
    sys.modules.setdefault("oracle_common", sys.modules[__name__])
    import copy

    # deep copies: Django fills in defaults inside DATABASES etc. in place
    settings.configure(CACHES=_caches(), **copy.deepcopy(SETTINGS))
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    logging.getLogger("django").addHandler(logging.NullHandler())
    logging.getLogger("django").propagate = False
    _configured = True


def settings_for_meta():
    """The settings as recorded in each fixture's meta (callables named)."""
    out = {}
    for k, v in SETTINGS.items():
        out[k] = v
    caches = {}
    for alias, conf in _caches().items():
        c = dict(conf)
        if callable(c.get("KEY_FUNCTION")):
            c["KEY_FUNCTION"] = "<callable> " + custom_key_func_src()
        caches[alias] = c
    out["CACHES"] = caches
    return out


# ---------------------------------------------------------------------------
# Clock
# ---------------------------------------------------------------------------
@contextlib.contextmanager
def frozen(t=NOW):
    from django.test.utils import freeze_time
    from django.utils import timezone

    real_now = timezone.now
    dt = datetime.datetime.fromtimestamp(t, tz=UTC)
    timezone.now = lambda: dt
    try:
        with freeze_time(t):
            yield
    finally:
        timezone.now = real_now


# ---------------------------------------------------------------------------
# Controlled randomness
# ---------------------------------------------------------------------------
RANDOM_PATCH_TARGETS = [
    "django.utils.crypto",
    "django.middleware.csrf",
    "django.contrib.sessions.backends.base",
    "django.contrib.auth.hashers",
]


class RandomSource:
    """Stand-in for django.utils.crypto.get_random_string(length, allowed_chars).

    Returns the strings in `forced` first (each must have the requested
    length and alphabet), then strings drawn from random.Random(seed).
    Every returned string is recorded in `draws` in call order, so a
    replaying implementation can inject exactly the same values."""

    def __init__(self, seed, forced=()):
        self.rng = random.Random(seed)
        self.forced = list(forced)
        self.draws = []

    def __call__(self, length, allowed_chars=None):
        from django.utils.crypto import RANDOM_STRING_CHARS

        if allowed_chars is None:
            allowed_chars = RANDOM_STRING_CHARS
        if self.forced:
            v = self.forced.pop(0)
            assert len(v) == length and set(v) <= set(allowed_chars), (v, length, allowed_chars)
        else:
            v = "".join(self.rng.choice(allowed_chars) for _ in range(length))
        self.draws.append({"length": length, "alphabet": alphabet_name(allowed_chars), "value": v})
        return v


def alphabet_name(chars):
    import string

    if chars == string.ascii_letters + string.digits:
        return "a-zA-Z0-9"
    if chars == string.ascii_lowercase + string.digits:
        return "a-z0-9"
    return chars


@contextlib.contextmanager
def controlled_random(seed, forced=()):
    import importlib

    src = RandomSource(seed, forced)
    saved = []
    for modname in RANDOM_PATCH_TARGETS:
        mod = importlib.import_module(modname)
        saved.append((mod, mod.get_random_string))
        mod.get_random_string = src
    try:
        yield src
    finally:
        for mod, fn in saved:
            mod.get_random_string = fn


# ---------------------------------------------------------------------------
# Logs
# ---------------------------------------------------------------------------
class LogCapture(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@contextlib.contextmanager
def capture_logs(*names):
    cap = LogCapture()
    loggers = [logging.getLogger(n) for n in names]
    saved = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.addHandler(cap)
        lg.setLevel(logging.DEBUG)
    try:
        yield cap
    finally:
        for lg, lvl in saved:
            lg.removeHandler(cap)
            lg.setLevel(lvl)


def log_records(cap):
    return [
        {"logger": r.name, "level": r.levelname, "message": r.getMessage()}
        for r in cap.records
    ]


# ---------------------------------------------------------------------------
# Outcomes and typed values
# ---------------------------------------------------------------------------
def exc_info(e):
    d = {"exception": type(e).__name__, "exception_module": type(e).__module__}
    msg = str(e)
    d["message"] = msg
    # Django's ValidationError keeps the list of messages
    if hasattr(e, "messages"):
        d["messages"] = list(e.messages)
    return d


def outcome(fn, enc=None):
    try:
        v = fn()
    except Exception as e:  # noqa: BLE001
        d = {"outcome": "error"}
        d.update(exc_info(e))
        return d
    return {"outcome": "ok", "value": enc(v) if enc else v}


SAFE_INT = 2**53


def typed(v, _stack=None):
    """Unambiguous, strictly-JSON, order-preserving encoding of a Python value.

    None/True/False -> null/true/false
    int             -> JSON integer if |n| < 2**53, else {"int": "<decimal>"}
                       ({"int_hex": "0x..."} beyond 14000 bits)
    float           -> {"float": repr(x)}  (nan/inf/-inf spelled as by repr;
                       nan additionally carries "bits")
    str             -> JSON string; a str holding lone surrogates (invalid
                       Unicode) -> {"str_surrogatepass_utf8": "<hex>"}
    list            -> JSON array
    tuple           -> {"tuple": [...]}
    dict            -> {"dict": [[key, value], ...]}  (insertion order)
    bytes/bytearray/set/frozenset -> {"bytes"|"bytearray": hex} / {"set"|"frozenset": [...]}
    """
    if _stack is None:
        _stack = []
    if v is None or v is True or v is False:
        return v
    t = type(v)
    if t is int:
        if -SAFE_INT < v < SAFE_INT:
            return v
        if v.bit_length() > 14000:
            # str(int) is limited to 4300 digits (CPython >= 3.11); hex is not
            return {"int_hex": hex(v)}
        return {"int": str(v)}
    if t is float:
        d = {"float": repr(v)}
        if math.isnan(v):
            d["bits"] = struct.pack(">d", v).hex()
        return d
    if t is str:
        try:
            v.encode("utf-8")
            return v
        except UnicodeEncodeError:
            return {"str_surrogatepass_utf8": v.encode("utf-8", "surrogatepass").hex()}
    if t in (bytes, bytearray):
        return {t.__name__: bytes(v).hex()}
    if id(v) in _stack:
        raise ValueError("cyclic value")
    _stack.append(id(v))
    try:
        if t is list:
            return [typed(x, _stack) for x in v]
        if t is tuple:
            return {"tuple": [typed(x, _stack) for x in v]}
        if t is dict:
            return {"dict": [[typed(k, _stack), typed(x, _stack)] for k, x in v.items()]}
        if t in (set, frozenset):
            return {t.__name__: [typed(x, _stack) for x in sorted(v, key=repr)]}
    finally:
        _stack.pop()
    raise TypeError("no typed form for %r" % (t,))


def plain(v):
    """Session dicts in the auth/csrf fixtures are plain JSON (they only hold
    str/int/float/bool/None/list/dict values that are exact in JSON)."""
    json.dumps(v, allow_nan=False)
    return v


# ---------------------------------------------------------------------------
# Fixture writer
# ---------------------------------------------------------------------------
def _dump(v):
    return json.dumps(v, ensure_ascii=True, allow_nan=False, separators=(", ", ": "))


def _render(v, indent):
    pad = " " * indent
    if isinstance(v, list) and v and all(isinstance(x, dict) for x in v):
        inner = (",\n").join(pad + " " + _dump(x) for x in v)
        return "[\n" + inner + "\n" + pad + "]"
    if isinstance(v, dict) and indent < 4 and any(
        isinstance(x, (dict, list)) and x for x in v.values()
    ):
        items = []
        for k, x in v.items():
            items.append(pad + " " + _dump(k) + ": " + _render(x, indent + 1))
        return "{\n" + ",\n".join(items) + "\n" + pad + "}"
    return _dump(v)


def render_fixture(data):
    return _render(data, 0) + "\n"


def count_entries(data):
    counts = {}
    for k, v in data.items():
        if k in ("meta", "constants"):
            continue
        if isinstance(v, list):
            counts[k] = len(v)
        elif isinstance(v, dict):
            sub = {kk: len(vv) for kk, vv in v.items() if isinstance(vv, list)}
            if sub:
                counts[k] = sub
    return counts
