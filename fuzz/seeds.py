#!/usr/bin/env python3
"""Writes the seed inputs of the fuzz targets into fuzz/corpus/<target>/.

Real tokens, cookie headers and settings from tests/fixtures/vectors.json
(produced by Django itself) plus a few hostile inputs, in the input formats
fuzz/targets.rs documents. The committed corpus is these seeds after fuzzing
and `cargo fuzz cmin`; run this again only to start a corpus afresh:

    python3 fuzz/seeds.py && scripts/fuzz.sh 60
"""

import hashlib
import json
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
SEP = b"\xff"  # splits the text parts of an input; never occurs in UTF-8

# The orders of fuzz/targets.rs: SALTS, ENGINES, and the variants of Op,
# Key, Json, Scalar and ExpiryArg.
SALTS = [
    "django.core.signing",
    "django.contrib.sessions.SessionStore",
    "django.contrib.sessions.backends.signed_cookies",
    "",
]
ENGINES = ["signed_cookies", "cache", "db", "cached_db", "file"]
OPS = (
    "Get GetItem Set Delete Contains Pop PopOr SetDefault Update Keys Values "
    "Items Len Clear SetTestCookie TestCookieWorked DeleteTestCookie SetExpiry "
    "GetExpiryAge GetExpiryDate GetExpireAtBrowserClose Save SaveNew Create "
    "Exists DeleteFromStore Flush CycleKey Load ClearExpired SetFlags"
).split()
KEYS = ["Expiry", "TestCookie", "A", "Other"]
JSON = ["Scalar", "Text", "List", "Object"]
SCALARS = ["Null", "Bool", "Int", "Float", "Str"]
EXPIRY = ["Default", "Seconds", "SecondsInt", "In", "InInt", "At"]


def tag(names, name):
    """The 4 bytes `arbitrary` reads as the tag of enum variant `name`."""
    i, n = names.index(name), len(names)
    return struct.pack("<I", -(-(i << 32) // n))


def op(name, *fields):
    return tag(OPS, name) + b"".join(fields)


def dict_key(name):
    return tag(KEYS, name)


def int_value(n):
    return tag(JSON, "Scalar") + tag(SCALARS, "Int") + struct.pack("<q", n)


def cycle(engine, flags=0, stored_offset=3600, status=200, detect=False, ops=()):
    head = bytes([ENGINES.index(engine), flags])
    head += struct.pack("<iHB", stored_offset, status, int(detect))
    return head + b"".join(ops)


def loads_options(salt, flags=1, max_age=None):
    head = bytes([SALTS.index(salt) if salt in SALTS else 1, flags])
    if max_age is None:
        return head + b"\x00"
    return head + b"\x01" + struct.pack("<d", float(max_age))


def write(target, data):
    if isinstance(data, str):
        data = data.encode()
    folder = os.path.join(CORPUS, target)
    os.makedirs(folder, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def camel(django_name):
    names = {
        "SESSION_COOKIE_NAME": "cookieName",
        "SESSION_COOKIE_AGE": "cookieAge",
        "SESSION_COOKIE_DOMAIN": "cookieDomain",
        "SESSION_COOKIE_SECURE": "cookieSecure",
        "SESSION_COOKIE_HTTPONLY": "cookieHttpOnly",
        "SESSION_COOKIE_PATH": "cookiePath",
        "SESSION_COOKIE_SAMESITE": "cookieSameSite",
        "SESSION_EXPIRE_AT_BROWSER_CLOSE": "expireAtBrowserClose",
        "SESSION_SAVE_EVERY_REQUEST": "saveEveryRequest",
    }
    return names.get(django_name)


def main():
    with open(os.path.join(ROOT, "tests", "fixtures", "vectors.json")) as f:
        v = json.load(f)
    meta = v["meta"]["settings"]

    tokens = set()
    for item in v["verification"]:
        tokens.add(item["input"])
    for item in v["signing_dumps"]:
        tokens.add(item["expected"])
    for item in v["session_encode"]:
        tokens.add(item["expected"])
    for item in v["signed_cookies"]["load"]:
        tokens.add(item["cookie_value"])
    for item in v["storage"]:
        data = item["expected"].get("session_data")
        if data:
            tokens.add(data)
    tokens = sorted(tokens)

    # cookie_header: the headers browsers sent in the middleware vectors.
    headers = set()
    for item in v["middleware"]:
        cookies = item["scenario"].get("request_cookies") or {}
        headers.add("; ".join(f"{k}={val}" for k, val in cookies.items()))
        for h in item["expected"].get("set_cookie_headers") or []:
            headers.add(h)
    headers |= {
        'sessionid="\\101\\"\\377\\400\\\n"; a=1; a=2; junk',
        ' ; ;= ;;=;\x1c\x1f sessionid = \u2028x\u3000 ',
        'a="' + "\\" * 9 + '"; b="\\0"; c="\\07"; d=""; e="',
        "sessionid=" + "x;" * 200,
        "=; =a; b=; \u00e9=\u00e9; sessionid=\ufffd",
    }
    for h in sorted(headers):
        write("cookie_header", h)

    # loads: options 0xFF token, for the token as given and the payload alone.
    for item in v["verification"]:
        max_age = item["max_age"]
        if isinstance(max_age, dict):
            max_age = max_age.get("timedelta_seconds")
        opts = loads_options(item["salt"], 1, max_age)
        write("loads", opts + SEP + item["input"].encode())
    for item in v["signing_dumps"][::4]:
        opts = loads_options(item["salt"], 1 | 16)
        token = item["expected"]
        write("loads", opts + SEP + token.encode())
        write("loads", opts + SEP + token.rsplit(":", 1)[0].encode())
    for hostile in [
        ":" * 40,
        "e30:" + "z" * 40 + ":x",
        "e30:-:",
        ".:1r31eq",
        ".eJwLy0ktLgYADlYDXQ:1r31eq",
        "W1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1tbW1td:1r31eq",
        "eyJhIjoxZTQwMH0:1r31eq",
    ]:
        write("loads", loads_options(SALTS[0], 1, 1e308) + SEP + hostile.encode())

    # session_decode: stored session data, and payloads without signatures.
    for t in tokens:
        write("session_decode", t)
    for t in tokens[::5]:
        write("session_decode", t.rsplit(":", 1)[0])
    for hostile in ["", ":", "e30::", ".eJz:1r31eq", "\u00e9" * 20 + ":1r31eq"]:
        write("session_decode", hostile)

    # settings: the oracle's settings and the middleware scenarios', as options.
    base = {"secretKey": meta["SECRET_KEY"], "secretKeyFallbacks": meta["SECRET_KEY_FALLBACKS"]}
    seen = set()
    for item in v["middleware"]:
        options = dict(base)
        for name, value in (item["scenario"].get("settings") or {}).items():
            if camel(name):
                options[camel(name)] = value
        options["engine"] = item["scenario"]["backend"]
        text = json.dumps(options)
        if text not in seen:
            seen.add(text)
            write("settings", text)
    for hostile in [
        {"secretKey": "k", "cookieDomain": "a.com\r\nX: y"},
        {"secretKey": "k", "cookieName": "a b", "cookiePath": "/;"},
        {"secretKey": "k", "cookieAge": 1e400, "maxInflatedSize": -1},
        {"secretKey": "k", "cookieAge": 3155760001},
        {"secretKey": "k", "cookieSameSite": False, "filePath": None},
        {"secretKey": "k", "engine": "cached_db", "detectConflicts": True},
        {"secretKey": "", "secretKeyFallbacks": [""], "sessionClass": "a.b"},
        {"secretKey": "k", "cookieAgee": 60},
    ]:
        write("settings", json.dumps(hostile))

    # deflate_roundtrip: session JSON, compressed payloads, runs, noise.
    for item in v["signing_dumps"]:
        write("deflate_roundtrip", item["json"])
    for t in tokens:
        if t.startswith("."):
            write("deflate_roundtrip", t.split(":")[0][1:])
    write("deflate_roundtrip", b"\x00" * 3000)
    write("deflate_roundtrip", bytes(range(256)) * 4)
    write("deflate_roundtrip", b"abc" * 700 + bytes(range(200)))

    # request_cycle: a header naming a key, the stored text, the view's ops.
    # The cache engines keep JSON; db rows and files keep signed data.
    signed_data = next(item["expected"]["session_data"] for item in v["storage"]
                       if item["id"] == "storage/db/set_expiry_datetime")
    cached_json = json.dumps(next(item["expected"]["cached_value"] for item in v["storage"]
                                  if item["id"] == "storage/cache/set_expiry_300"),
                             separators=(",", ":"))
    key = "oracle0fixed0session0key00000001"
    signed = "eyJoZWxsbyI6IndvcmxkIn0:1r31ds:aSQvEiOIC2zSCczPbz692iKux_ai48gYtsCJUK5q6qE"
    views = {
        "touch": [op("Get", dict_key("A"))],
        "set": [op("Set", dict_key("A"), int_value(1))],
        "expiry": [
            op("SetExpiry", tag(EXPIRY, "SecondsInt"), struct.pack("<i", 60)),
            op("Set", dict_key("A"), int_value(2)),
            op("GetExpiryAge", b"\x00", b"\x00"),
        ],
        "expiry0": [op("SetExpiry", tag(EXPIRY, "InInt"), struct.pack("<i", 0)),
                    op("SetFlags", b"\x01", b"\x01")],
        "flush": [op("Flush")],
        "cycle": [op("Load"), op("CycleKey"), op("SetTestCookie")],
        "clear": [op("Clear"), op("Save"), op("ClearExpired")],
    }
    for engine in ENGINES:
        cookie = signed if engine == "signed_cookies" else key
        data = cached_json if engine in ("cache", "cached_db") else signed_data
        for name, ops in views.items():
            flags = {"expiry": 2, "expiry0": 1, "clear": 0b0110000}.get(name, 0)
            write("request_cycle", f"sessionid={cookie}".encode() + SEP
                  + data.encode() + SEP + cycle(engine, flags, ops=ops))
        write("request_cycle", SEP + SEP + cycle(engine, ops=views["set"]))
        write("request_cycle", f'sessionid="{key}\\073x"; sessionid={key}'.encode() + SEP
              + b"{}" + SEP + cycle(engine, 0b10000000, -5, 500, True, views["set"]))
        write("request_cycle", f"sessionid={key}".encode() + SEP
              + b'{"_session_expiry":"9999-12-31T23:59:59+00:00","a":1e999}'
              + SEP + cycle(engine, 0b1100, 2**31 - 1, 404, True, views["expiry"]))
    # cached_db with no cache entry: the row is read and the cache refilled.
    write("request_cycle", f"sessionid={key}".encode() + SEP + signed_data.encode()
          + SEP + cycle("cached_db", 0b10000000, ops=views["set"]))
    return 0

    pickle_seeds()


def pickle_seeds():
    """pickle_loads: session dicts as Django's caches pickle them (protocols
    0 to 5), shared objects, frames and batches, malformed and hostile
    pickles. The hostile ones are only written here, never loaded."""
    import os as os_module
    import pickle

    class Exploit:
        def __reduce__(self):
            return (os_module.system, ("echo pwned",))

    session = {
        "_auth_user_id": "1",
        "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
        "_session_expiry": 300,
        "cart": [{"id": 1, "qty": 2}, {"id": 2, "qty": 1}],
        "x": [1.5, float("nan"), -0.0, float("inf"), 2**64, -2**70, 65536, -1, True, None, "", "é", "😀"],
    }
    shared = [1, "s"]
    built = {"t": (1, (), (shared,), (shared, shared, {})), "s": shared, "k": {"a": "a"}}
    for protocol in range(6):
        write("pickle_loads", pickle.dumps(session, protocol))
        write("pickle_loads", pickle.dumps(built, protocol))
        write("pickle_loads", pickle.dumps({"k": Exploit()}, protocol))
    write("pickle_loads", pickle.dumps({"k%d" % i: i for i in range(1000)}, 5))
    write("pickle_loads", pickle.dumps([None] * 1001, 5))
    bomb = []
    for _ in range(40):
        bomb = [bomb, bomb]
    cycle = []
    cycle.append((cycle,))
    for hostile in [bomb, cycle, {1: 2}, {(1, 2): 3}, 10**5000, "\ud800", {1, 2}, b"x", bytearray(b"y")]:
        write("pickle_loads", pickle.dumps(hostile, 5))
    for hand in [
        b"(S'py2 \\'str\\''\nU\x03abcT\x02\x00\x00\x00hiI01\nL5L\nF1.5\nVa\\u20ac\ntp0\n0g0\n.",
        b"\x80\x02K\x012(K\x021\x86q\x07j\x07\x00\x00\x00\x85.",
        b"\x80\x04\x95\x03\x00\x00\x00\x00\x00\x00\x00\x8c\x03abc.",
        b"\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\xffN.",
        b"\x80\x02X\xff\xff\xff\xff.",
        b"\x80\x02\x8b\xff\xff\xff\x7f\xff.",
        b"\x80\x02]q\x00h\x00a.",
    ]:
        write("pickle_loads", hand)


if __name__ == "__main__":
    sys.exit(main())
