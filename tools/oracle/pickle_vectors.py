"""
pickle_vectors.json: CPython's pickle as used by Django's Redis cache backend.

Every expected byte string is the return value of CPython's pickle.dumps (the
C _pickle module, which is what Django calls) or of Django's / django-redis's
own serializer objects; every expected value is what pickle.loads (C and
pure-Python unpicklers) returns for those bytes.  Pickles that carry code are
only ever *written* here (pickle.dumps / hand-assembled bytes) and inspected
with pickletools.genops; they are never loaded.
"""

import collections
import copyreg
import datetime
import decimal
import io
import json
import os
import pickle
import pickletools
import random
import struct
import sys
import uuid
import warnings

import oracle_common as O

PROTOCOLS = [2, 3, 4, 5]
MEDIUM = 4 * 1024  # pickles bigger than this are only written for protocols 2 and 5
BIG = 2048  # json_roundtrip: identical pickles bigger than this refer to the loads entry
JSON_INLINE_MAX = 16384  # json_roundtrip: longer JSON texts refer to the loads entry

# ---------------------------------------------------------------------------
# Opcode classification (a policy for a data-only reader, not an oracle
# output): "data" opcodes build only None/bool/int/float/str/list/tuple/dict
# values and memo references; everything else must be refused.
# ---------------------------------------------------------------------------
DATA_OPCODES = [
    "PROTO", "FRAME", "STOP", "MARK", "POP", "POP_MARK", "DUP",
    "NONE", "NEWTRUE", "NEWFALSE",
    "INT", "BININT", "BININT1", "BININT2", "LONG", "LONG1", "LONG4",
    "FLOAT", "BINFLOAT",
    "UNICODE", "SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8",
    "EMPTY_LIST", "LIST", "APPEND", "APPENDS",
    "EMPTY_TUPLE", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3",
    "EMPTY_DICT", "DICT", "SETITEM", "SETITEMS",
    "PUT", "BINPUT", "LONG_BINPUT", "MEMOIZE", "GET", "BINGET", "LONG_BINGET",
]
NON_JSON_DATA_OPCODES = [
    "STRING", "BINSTRING", "SHORT_BINSTRING",  # Python 2 str (decoded with encoding=ASCII by default)
    "SHORT_BINBYTES", "BINBYTES", "BINBYTES8", "BYTEARRAY8",
    "EMPTY_SET", "ADDITEMS", "FROZENSET",
    "NEXT_BUFFER", "READONLY_BUFFER",
]
CODE_OPCODES = [
    "GLOBAL", "STACK_GLOBAL", "REDUCE", "BUILD", "INST", "OBJ", "NEWOBJ",
    "NEWOBJ_EX", "EXT1", "EXT2", "EXT4", "PERSID", "BINPERSID",
]
assert sorted(DATA_OPCODES + NON_JSON_DATA_OPCODES + CODE_OPCODES) == sorted(
    o.name for o in pickletools.opcodes
)


def opclass(name):
    if name in DATA_OPCODES:
        return "data"
    if name in NON_JSON_DATA_OPCODES:
        return "data_not_json"
    return "code"


def genops_names(b):
    """Opcode names in stream order (pickletools.genops); stops at STOP."""
    return [op.name for op, _arg, _pos in pickletools.genops(b)]


def genops_outcome(b):
    names = []
    try:
        for op, _arg, _pos in pickletools.genops(b):
            names.append(op.name)
    except Exception as e:  # noqa: BLE001
        return {"outcome": "error", "opcodes": names, **O.exc_info(e)}
    return {"outcome": "ok", "opcodes": names}


def op_summary(b):
    seen = []
    for n in genops_names(b):
        if n not in seen:
            seen.append(n)
    return " ".join(seen)


def safe_to_load(b):
    """True if no code opcode occurs before genops stops (at STOP or at the
    first undecodable byte).  The unpickler never gets further than genops."""
    try:
        for op, _arg, _pos in pickletools.genops(b):
            if opclass(op.name) == "code":
                return False
    except Exception:  # noqa: BLE001
        pass
    return True


def load_c(b):
    assert safe_to_load(b), b
    return pickle.loads(b)


def load_py(b):
    assert safe_to_load(b), b
    return pickle._loads(b)


def typed_or_cycle(v):
    try:
        return O.typed(v)
    except ValueError:
        return {"cyclic": True}


# ---------------------------------------------------------------------------
# Objects
# ---------------------------------------------------------------------------
def fresh(s):
    """A new str object equal to s (defeats compile-time constant sharing)."""
    return "".join(list(s)) if len(s) > 1 else s


REALISTIC = {
    "user_id": 12345,
    "cart": [
        {"id": 101, "qty": 2, "price": 19.99},
        {"id": 205, "qty": 1, "price": 5.49},
        {"id": 333, "qty": 3, "price": 120.5},
    ],
    "csrf": "a3f9c2e1b7d64f08a9e2c5b1d3f7e6a4",
    "theme": "dark",
    "visits": 7,
}


def auth_hash_example():
    from django.contrib.auth.models import User

    u = User(password="pbkdf2_sha256$1000000$oraclesalt0000000000AA$" + "A" * 43 + "=")
    return u.get_session_auth_hash()


def int_cases():
    vals = [
        0, 1, -1, 2, 127, 128, 255, 256, -128, -129, -255, -256, -257,
        32767, 32768, 65535, 65536, -32768, -32769, -65535, -65536, -65537,
        2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**32 - 1, 2**32, -2**32,
        2**53 - 1, 2**53, 2**53 + 1, -2**53, -2**53 - 1,
        2**63 - 1, 2**63, -2**63, -2**63 - 1, 2**64 - 1, 2**64, 2**64 + 1, -2**64, -2**64 - 1,
    ]
    for k in range(1, 10):
        vals += [256**k - 1, 256**k, -(256**k), -(256**k) + 1, -(256**k) - 1,
                 2**(8 * k - 1) - 1, 2**(8 * k - 1), -2**(8 * k - 1), -2**(8 * k - 1) - 1]
    # LONG1 holds at most 255 bytes of two's complement; beyond that LONG4.
    vals += [2**(8 * 255 - 1) - 1, 2**(8 * 255 - 1), -2**(8 * 255 - 1), -2**(8 * 255 - 1) - 1]
    thousand = int("1234567890" * 100)
    vals += [thousand, -thousand, 10**999, -(10**999)]
    out, seen = [], set()
    for v in vals:
        if v not in seen:
            seen.add(v)
            out.append(v)
    return out


def int_id(v):
    if abs(v) < 10**20:
        return str(v)
    s = "-" if v < 0 else ""
    return "%s%d-digit:%s...%s" % (s, len(str(abs(v))), str(abs(v))[:4], str(abs(v))[-4:])


FLOATS = [
    0.0, -0.0, 1.0, -1.0, 0.1, 0.5, -1.5, 3.141592653589793, 1e16, 1e22, 1e100,
    1e-7, 123456789.12345679, 2.0**53, 9007199254740993.0, 5e-324, -5e-324,
    2.2250738585072014e-308, 2.225073858507201e-308, 1.7976931348623157e308,
    -1.7976931348623157e308, float("nan"), -float("nan"), float("inf"), float("-inf"),
]


def curated():
    """(id, obj, options) for the `loads` category."""
    C = []

    def add(id_, obj, **opts):
        C.append((id_, obj, opts))

    add("realistic_session", REALISTIC)
    h = auth_hash_example()
    add("auth_keys", {
        "_auth_user_id": "1",
        "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
        "_auth_user_hash": h,
    })
    add("auth_keys_and_more", {
        "_auth_user_id": "1",
        "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
        "_auth_user_hash": h,
        "_csrftoken": "Kq3sTn8ZpW2xYb7LmV4cR9dF6gH1jE5u",
        "_session_expiry": 1209600,
        "cart": REALISTIC["cart"],
    })
    add("session_expiry_int", {"_session_expiry": 1209600})
    add("session_expiry_zero", {"_session_expiry": 0})
    add("session_expiry_iso", {"_session_expiry": "2023-11-28T22:13:20+00:00"})
    add("session_expiry_iso_micro", {"_session_expiry": "2023-11-28T22:13:20.123456+00:00"})
    add("session_expiry_float", {"_session_expiry": 300.5})
    add("test_cookie", {"testcookie": "worked"})
    add("empty_dict", {})
    add("empty_strings", {"a": "", "b": "", "": ""})
    add("empty_key_only", {"": 1})
    add("one_char_strings", {"a": "a", "b": "a", "c": "\u00e9", "d": "\u00e9", "e": "\u20ac", "f": "\u20ac", "g": "\U0001F600"})
    add("one_char_keys", {"a": 1, "b": {"a": 2}, "\u00ff": 3, "\u0100": 4})
    add("unicode_bmp", {"ja": "\u65e5\u672c\u8a9e\u30c6\u30ad\u30b9\u30c8", "ru": "\u043f\u0440\u0438\u0432\u0435\u0442", "he": "\u05e9\u05dc\u05d5\u05dd"})
    add("unicode_astral", {"emoji": "\U0001F600\U0001F389", "math": "\U0001D54F", "cjk_ext_b": "\U00020000", "max": "\U0010FFFF"})
    add("unicode_combining", {"nfd": "e\u0301", "nfc": "\u00e9", "stack": "a\u0300\u0301\u0302\u0303", "zwj": "\U0001F469\u200D\U0001F4BB"})
    add("unicode_keys", {"\u043a\u043b\u044e\u0447": "v", "\U0001F511": "k", "e\u0301": "nfd key"})
    add("controls_and_escapes", {"nul": "\x00", "ctl": "\t\n\r\x1f\x7f", "quote": "\"'\\", "del_c1": "\x80\x9f\u00a0", "bom": "\ufeff", "nonchar": "\uffff\ufffe", "ls_ps": "\u2028\u2029"})
    add("backslash_u", {"s": "\\u0041 not an escape"})
    add("bools_none", {"t": True, "f": False, "n": None})
    add("bool_in_list", {"l": [True, False, None, 0, 1, 0.0]})
    for v in int_cases():
        add("int:" + int_id(v), {"v": v})
    for f in FLOATS:
        add("float:" + repr(f) + ("(neg)" if repr(f) == "nan" and struct.pack(">d", f)[0] & 0x80 else ""), {"v": f})
    add("float_list", {"prices": [19.99, 5.49, 120.5, 0.1 + 0.2, 1 / 3]})
    # nesting
    nl = [1]
    for _ in range(49):
        nl = [nl]
    add("nested_lists_50", {"deep": nl})
    nd = {"leaf": True}
    for i in range(49):
        nd = {"a": nd}
    add("nested_dicts_50", nd)
    mixed = "end"
    for i in range(50):
        mixed = [mixed] if i % 2 else {"k": mixed}
    add("nested_mixed_50", {"m": mixed})
    # strings around opcode / frame boundaries (lengths are UTF-8 bytes)
    add("str_ascii_255", {"s": "a" * 255})
    add("str_ascii_256", {"s": "b" * 256})
    add("str_2byte_254", {"s": "\u00e9" * 127})
    add("str_2byte_256", {"s": "\u00e9" * 128})
    add("str_3byte_255", {"s": "\u20ac" * 85})
    add("str_3byte_258", {"s": "\u20ac" * 86})
    add("str_4byte_256", {"s": "\U0001F600" * 64})
    add("str_mixed_4096", {"s": ("a\u00e9\u20ac\U0001F600" * 410)[:4096]})
    add("str_ascii_65535", {"s": "c" * 65535}, big=True, protocols=[5])
    add("str_ascii_70000", {"s": "d" * 70000}, big=True, protocols=[5])
    # tuples
    add("tuple_0", {"t": ()})
    add("tuple_1", {"t": (1,)})
    add("tuple_2", {"t": (1, "a")})
    add("tuple_3", {"t": (1, "a", None)})
    add("tuple_4", {"t": (1, 2, 3, 4)})
    add("tuple_nested", {"t": ((), ((1,),), [(), (2, 3)])})
    add("tuple_of_dicts", {"t": ({"a": 1}, {"a": 2})})
    add("tuple_1000", {"t": tuple(range(1000))})
    # lists (APPENDS batches of 1000)
    add("list_0", {"l": []})
    add("list_1", {"l": [1]})
    add("list_1000", {"l": list(range(1000))})
    add("list_1001", {"l": list(range(1001))})
    # shared sub-objects
    shared_list = [1, 2, 3]
    add("shared_list", {"a": shared_list, "b": shared_list})
    shared_dict = {"x": 1}
    add("shared_dict", {"a": shared_dict, "b": [shared_dict, shared_dict]})
    shared_str = fresh("shared-string-value")
    add("shared_str", {"a": shared_str, "b": [shared_str, shared_str]})
    shared_tuple = (fresh("tu"), 2)
    add("shared_tuple", {"a": shared_tuple, "b": shared_tuple})
    add("repeated_equal_not_shared", {"a": fresh("same-value"), "b": fresh("same-value")})
    add("interned_literals", {"k1": "v", "k2": "v", "list": ["v", "v"]})
    # big dicts (SETITEMS batches of 1000, > 256 memo entries)
    add("dict_1000", {"k%04d" % i: i for i in range(1000)})
    add("dict_1001", {"k%04d" % i: i for i in range(1001)})
    keys = [fresh("key-%04d" % i) for i in range(600)]
    add("dict_600_then_refs", {"d": {k: i for i, k in enumerate(keys)}, "again": keys[250:262] + keys[-5:]})
    rng = random.Random(4242)
    multi = {fresh("key%05d" % i): "".join(rng.choice("abcdefghij") for _ in range(640)) for i in range(110)}
    add("dict_110_multi_frame", multi, big=True, protocols=[5])
    # top-level non-dict values (the cache can store anything)
    add("top_list", [1, "a", None])
    add("top_str", "just a string")
    add("top_int", 42)
    add("top_none", None)
    add("top_true", True)
    add("top_float", 1.5)
    add("top_tuple", (1, "a"))
    add("top_empty_list", [])
    return C


# random JSON-able session dicts -------------------------------------------
WORDS = ["user", "cart", "theme", "lang", "next", "id", "qty", "price", "items",
         "name", "flags", "prefs", "token", "page", "filters", "sort", "a", "b", ""]
UNI = ["\u00e9", "\u00fc", "\u00df", "\u0416", "\u05d0", "\u0627", "\u4e2d", "\u6587", "\u3042",
       "\U0001F600", "\U0001F680", "\U00010348", "\u0301", "\u200d", "\ufeff", "\x00", "\n", "\"", "\\", "/"]


def rand_str(rng):
    k = rng.random()
    if k < 0.35:
        return rng.choice(WORDS)
    if k < 0.6:
        n = rng.randrange(0, 20)
        return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789-_ ") for _ in range(n))
    if k < 0.85:
        n = rng.randrange(1, 12)
        return "".join(rng.choice(UNI + list("abc")) for _ in range(n))
    if k < 0.98:
        return rng.choice(["a", "b", "x", "\u00e9", "", "0"])
    n = rng.choice([200, 255, 256, 300])
    return "".join(rng.choice("abcdef\u00e9\u4e2d") for _ in range(n))


def rand_float(rng):
    k = rng.random()
    if k < 0.3:
        return round(rng.uniform(-1000, 1000), rng.randrange(0, 4))
    if k < 0.5:
        return rng.uniform(-1, 1)
    if k < 0.6:
        return float(rng.randrange(-10**6, 10**6))
    while True:
        f = struct.unpack(">d", rng.getrandbits(64).to_bytes(8, "big"))[0]
        if f == f and f not in (float("inf"), float("-inf")):
            return f


def rand_int(rng):
    k = rng.random()
    if k < 0.4:
        return rng.randrange(-10, 300)
    if k < 0.6:
        return rng.randrange(-70000, 70000)
    if k < 0.8:
        return rng.randrange(-2**31 - 10, 2**31 + 10)
    if k < 0.95:
        return rng.randrange(-2**64 - 10, 2**64 + 10)
    return rng.randrange(-10**60, 10**60)


def rand_value(rng, depth):
    k = rng.random()
    if depth < 4 and k < 0.12:
        return [rand_value(rng, depth + 1) for _ in range(rng.randrange(0, 6))]
    if depth < 4 and k < 0.24:
        return rand_dict(rng, depth + 1, rng.randrange(0, 6))
    k = rng.random()
    if k < 0.05:
        return None
    if k < 0.12:
        return rng.random() < 0.5
    if k < 0.4:
        return rand_int(rng)
    if k < 0.55:
        return rand_float(rng)
    return rand_str(rng)


def rand_dict(rng, depth, n):
    d = {}
    for _ in range(n):
        d[rand_str(rng) if rng.random() < 0.7 else rng.choice(WORDS)] = rand_value(rng, depth)
    return d


def random_sessions(n, seed=20240601):
    rng = random.Random(seed)
    out = []
    for i in range(n):
        d = rand_dict(rng, 0, rng.randrange(1, 10))
        if rng.random() < 0.2:
            d["_auth_user_id"] = str(rng.randrange(1, 10**6))
            d["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
            d["_auth_user_hash"] = "%064x" % rng.getrandbits(256)
        out.append(("random:%03d" % i, d, {}))
    return out


# ---------------------------------------------------------------------------
def django_json(obj):
    from django.contrib.sessions.serializers import JSONSerializer

    return JSONSerializer().dumps(obj).decode("latin-1")


def django_json_loads(text):
    from django.contrib.sessions.serializers import JSONSerializer

    return JSONSerializer().loads(text.encode("latin-1"))


PY_PICKLER_DIFFS = []


def dumps_checked(obj, proto, id_):
    b = pickle.dumps(obj, proto)
    p = pickle._dumps(obj, proto)
    if b != p:
        i = next((k for k in range(min(len(b), len(p))) if b[k] != p[k]), min(len(b), len(p)))
        lo = max(0, i - 8)
        PY_PICKLER_DIFFS.append({
            "id": id_, "protocol": proto, "c_len": len(b), "python_len": len(p),
            "first_difference_at": i,
            "c_bytes_from_%d" % lo: b[lo:i + 12].hex(), "python_bytes_from_%d" % lo: p[lo:i + 12].hex(),
        })
    return b


def gen_loads(objs):
    entries = []
    for id_, obj, opts in objs:
        protos = opts.get("protocols")
        if protos is None:
            protos = PROTOCOLS if len(pickle.dumps(obj, 5)) <= MEDIUM else [2, 5]
        pickles, ops = {}, {}
        expected = None
        for p in protos:
            b = dumps_checked(obj, p, id_)
            pickles[str(p)] = b.hex()
            ops[str(p)] = op_summary(b)
            tv = O.typed(load_c(b))
            tp = O.typed(load_py(b))
            assert tv == tp
            if expected is None:
                expected = tv
            assert tv == expected, id_
        assert expected == O.typed(obj), id_
        e = {"id": id_, "value": expected}
        try:
            e["json"] = django_json(obj)
        except Exception as ex:  # noqa: BLE001
            e["json_error"] = O.exc_info(ex)
        e["pickles"] = pickles
        e["opcodes"] = ops
        if len(protos) != len(PROTOCOLS):
            e["protocols_note"] = "big pickle: only protocols %s recorded" % protos
        entries.append(e)
    return entries


def gen_json_roundtrip(loads_entries):
    from django.core.cache.backends.redis import RedisSerializer

    out = []
    for e in loads_entries:
        if "json" not in e:
            continue
        obj = django_json_loads(e["json"])
        stored = RedisSerializer().dumps(obj)
        b = pickle.dumps(obj, 5)
        assert b == pickle.dumps(json.loads(e["json"]), 5)
        r = {"id": e["id"]}
        if not isinstance(stored, bytes):
            # RedisSerializer does not pickle plain ints (type(obj) is int)
            r["redis_serializer_dumps_returns"] = type(stored).__name__
        else:
            assert stored == b
        if len(e["json"]) > JSON_INLINE_MAX:
            r["json_same_as_loads_id"] = e["id"]
        else:
            r["json"] = e["json"]
        p5 = e["pickles"].get("5")
        r["identical_to_loads_protocol5"] = (p5 == b.hex()) if p5 is not None else None
        if len(b) > BIG and r["identical_to_loads_protocol5"]:
            r["pickle5_same_as_loads_id"] = e["id"]
        else:
            r["pickle5"] = b.hex()
            r["value"] = O.typed(load_c(b))
        r["opcodes"] = op_summary(b)
        out.append(r)
    return out


def gen_surrogates():
    texts = ['{"s":"\\ud800"}', '{"s":"\\udfff"}', '{"s":"a\\udc00\\ud800b"}',
             '{"\\ud83d":"lone high surrogate key"}', '{"ok":"\\ud83d\\ude00"}']
    out = []
    for t in texts:
        obj = django_json_loads(t)
        pk = {}
        for p in PROTOCOLS:
            b = dumps_checked(obj, p, t)
            pk[str(p)] = b.hex()
            assert O.typed(load_c(b)) == O.typed(obj)
        out.append({"id": "surrogates:" + t, "json_input": t, "value": O.typed(obj),
                    "json": django_json(obj), "pickles": pk,
                    "protocol0": pickle.dumps(obj, 0).hex()})
    return out


def gen_cyclic():
    cases = []
    a = []
    a.append(a)
    cases.append(("list_contains_itself", a, "x = []; x.append(x)", lambda r: r[0] is r))
    d = {}
    d["self"] = d
    cases.append(("dict_contains_itself", d, "d = {}; d['self'] = d", lambda r: r["self"] is r))
    t = ([],)
    t[0].append(t)
    cases.append(("tuple_list_cycle", {"t": t}, "t = ([],); t[0].append(t)", lambda r: r["t"][0][0] is r["t"]))
    x, y = [], []
    x.append(y)
    y.append(x)
    cases.append(("two_lists_cycle", {"x": x}, "x=[]; y=[]; x.append(y); y.append(x)", lambda r: r["x"][0][0] is r["x"]))
    out = []
    for id_, obj, src, check in cases:
        pk, ops = {}, {}
        for p in PROTOCOLS:
            b = dumps_checked(obj, p, id_)
            pk[str(p)] = b.hex()
            ops[str(p)] = " ".join(genops_names(b))
            r = load_c(b)
            assert check(r)
            assert check(load_py(b))
        try:
            json.dumps(load_c(bytes.fromhex(pk["5"])))
            jerr = None
        except Exception as e:  # noqa: BLE001
            jerr = O.exc_info(e)
        out.append({
            "id": id_, "python_source": src, "pickles": pk, "opcodes": ops,
            "cpython_loads": "ok: pickle.loads rebuilds the cycle (checked by identity)",
            "json_dumps_of_loaded_value": jerr,
            "expected_reader_outcome": "refuse: the value is cyclic and has no JSON / session-dict form",
        })
    return out


def gen_protocol_0_1(objs):
    out = []
    for id_, obj, opts in objs:
        if opts.get("big") or len(pickle.dumps(obj, 0)) > 1500:
            continue
        if id_.startswith("random:") and int(id_.split(":")[1]) >= 60:
            continue
        pk, ops, vals = {}, {}, {}
        for p in (0, 1):
            b = dumps_checked(obj, p, id_)
            pk[str(p)] = b.hex()
            ops[str(p)] = op_summary(b)
            vals[str(p)] = O.typed(load_c(b))
            assert vals[str(p)] == O.typed(load_py(b))
        e = {"id": id_, "value": O.typed(obj), "pickles": pk, "opcodes": ops}
        for p in ("0", "1"):
            if vals[p] != e["value"]:
                # e.g. protocol 0 writes floats as repr text: -nan comes back as +nan
                e.setdefault("loaded_value_differs", {})[p] = vals[p]
        if len(pk["0"]) < 400:
            e["protocol0_text"] = bytes.fromhex(pk["0"]).decode("latin-1")
        out.append(e)
    return out


# ---------------------------------------------------------------------------
# hand-assembled pickles (data opcodes only, so they are safe to load)
# ---------------------------------------------------------------------------
def P(*parts):
    b = b""
    for x in parts:
        b += x if isinstance(x, bytes) else x.encode("latin-1")
    return b


def u32(n):
    return struct.pack("<I", n)


def u64(n):
    return struct.pack("<Q", n)


def both_unpicklers(b):
    return {
        "c_unpickler": O.outcome(lambda: load_c(b), typed_or_cycle),
        "python_unpickler": O.outcome(lambda: load_py(b), typed_or_cycle),
    }


HANDMADE = [
    ("binunicode8_small", P(b"\x80\x04", b"\x8d", u64(3), b"abc", b"."), "BINUNICODE8 with a small length (CPython only emits it for >= 4 GiB strings)"),
    ("long4_small", P(b"\x80\x02", b"\x8b", u32(1), b"\x05", b"."), "LONG4 holding 5"),
    ("long1_empty", P(b"\x80\x02", b"\x8a\x00", b"."), "LONG1 with 0 bytes = 0"),
    ("long1_nonminimal", P(b"\x80\x02", b"\x8a\x02\x01\x00", b"."), "LONG1 with a redundant high zero byte"),
    ("long1_negative_nonminimal", P(b"\x80\x02", b"\x8a\x02\xff\xff", b"."), "LONG1 ff ff = -1"),
    ("binint_small", P(b"\x80\x02", b"J", struct.pack("<i", 5), b"."), "BININT for 5"),
    ("binint_negative", P(b"\x80\x02", b"J", struct.pack("<i", -5), b"."), "BININT for -5"),
    ("binint2_small", P(b"\x80\x02", b"M\x01\x00", b"."), "BININT2 for 1"),
    ("int_text_true", P(b"I01\n."), "protocol 0 INT '01' = True"),
    ("int_text_false", P(b"I00\n."), "protocol 0 INT '00' = False"),
    ("int_text_plus", P(b"I+5\n."), "INT '+5'"),
    ("int_text_big", P(b"I99999999999999999999\n."), "INT beyond 32 bits"),
    ("long_text_suffix", P(b"L12L\n."), "LONG with trailing L"),
    ("long_text_nosuffix", P(b"L12\n."), "LONG without trailing L"),
    ("float_text", P(b"F1.5\n."), "FLOAT text"),
    ("float_text_nan", P(b"Fnan\n."), "FLOAT text nan"),
    ("binfloat_snan", P(b"\x80\x02G", bytes.fromhex("7ff0000000000001"), b"."), "BINFLOAT signalling-NaN bit pattern"),
    ("binfloat_neg_zero", P(b"\x80\x02G", bytes.fromhex("8000000000000000"), b"."), "BINFLOAT -0.0"),
    ("memoize_in_protocol2", P(b"\x80\x02]\x94h\x00."), "MEMOIZE (protocol 4 opcode) inside a PROTO 2 stream, then BINGET 0"),
    ("memoize_after_long_binput", P(b"\x80\x02]r", u32(5), b"X\x01\x00\x00\x00s\x94h\x05h\x01\x86."), "LONG_BINPUT 5 then MEMOIZE: MEMOIZE stores at index len(memo) = 1 (not 6); BINGET 1 is the string"),
    ("memoize_index_gap_error", P(b"\x80\x02]r", u32(5), b"X\x01\x00\x00\x00s\x94h\x06."), "same, but BINGET 6 (there is no index 6)"),
    ("put_get_text_in_binary", P(b"\x80\x02X\x01\x00\x00\x00sp7\n0g7\n."), "text PUT 7 / POP / GET 7 in a binary stream"),
    ("binput_overwrite", P(b"\x80\x02K\x01q\x00K\x02q\x00\x86h\x00\x86."), "BINPUT 0 twice; BINGET 0 returns the second object"),
    ("dup", P(b"\x80\x02]2\x86."), "DUP duplicates the top of stack (same list object twice)"),
    ("pop", P(b"\x80\x02K\x01K\x020."), "POP discards the 2"),
    ("pop_mark", P(b"\x80\x02K\x07(K\x01K\x021."), "POP_MARK discards everything back to the MARK"),
    ("no_proto", P(b"}q\x00(X\x01\x00\x00\x00aK\x01u."), "binary opcodes with no PROTO at all"),
    ("proto_0_opcode", P(b"\x80\x00N."), "PROTO 0 is accepted"),
    ("proto_1_opcode", P(b"\x80\x01N."), "PROTO 1 is accepted"),
    ("frame_in_protocol2", P(b"\x80\x02\x95", u64(2), b"N."), "FRAME inside a PROTO 2 stream"),
    ("frame_zero_length", P(b"\x80\x04\x95", u64(0), b"N."), "FRAME of length 0"),
    ("frame_short", P(b"\x80\x04\x95", u64(1), b"]\x94."), "FRAME length 1 but opcodes continue past the frame"),
    ("two_frames", P(b"\x80\x04\x95", u64(2), b"]\x94", b"\x95", u64(1), b"."), "two consecutive frames"),
    ("setitems_duplicate_keys", P(b"\x80\x02}(X\x01\x00\x00\x00aK\x01X\x01\x00\x00\x00aK\x02u."), "SETITEMS with a repeated key: last one wins"),
    ("setitems_empty", P(b"\x80\x02}(u."), "SETITEMS with no items"),
    ("appends_empty", P(b"\x80\x02](e."), "APPENDS with no items"),
    ("dict_int_key", P(b"\x80\x02}K\x01K\x02s."), "dict with an int key"),
    ("dict_tuple_key", P(b"\x80\x02}K\x01K\x02\x86K\x03s."), "dict with a tuple key"),
    ("dict_text_opcode", P(b"(S'a'\nI1\nd."), "protocol 0 DICT with a STRING key"),
    ("list_text_opcode", P(b"(I1\nI2\nl."), "protocol 0 LIST"),
    ("tuple_text_opcode", P(b"(I1\nt."), "TUPLE from MARK"),
    ("setitem_on_list", P(b"\x80\x02]K\x01aK\x00X\x01\x00\x00\x00zs."), "SETITEM with an int key on a list: list[0] = 'z'"),
    ("unicode_text_escape", P(b"V\\u00e9\\U0001f600\n."), "UNICODE raw-unicode-escape text"),
    ("unicode_text_latin1_byte", P(b"V\xe9\n."), "UNICODE with a raw Latin-1 byte"),
    ("binunicode_surrogatepass", P(b"\x80\x02X\x03\x00\x00\x00\xed\xa0\x80."), "BINUNICODE holding an encoded lone surrogate (CPython decodes with surrogatepass)"),
    ("binunicode_invalid_utf8", P(b"\x80\x02X\x01\x00\x00\x00\xff."), "BINUNICODE holding invalid UTF-8"),
    ("binunicode_overlong_utf8", P(b"\x80\x02X\x02\x00\x00\x00\xc0\xaf."), "BINUNICODE holding an overlong UTF-8 sequence"),
    ("short_binstring_ascii", P(b"\x80\x02U\x03abc."), "SHORT_BINSTRING (py2 str) decoded as ASCII"),
    ("short_binstring_nonascii", P(b"\x80\x02U\x02\xc3\xa9."), "SHORT_BINSTRING with non-ASCII bytes"),
    ("stop_with_extra_stack", P(b"NN."), "STOP with two items on the stack"),
    ("trailing_bytes_after_stop", P(b"\x80\x02N.garbage"), "bytes after STOP"),
    ("list_unhashable_key", P(b"\x80\x02}]K\x01s."), "dict key that is a list"),
    ("append_to_dict", P(b"\x80\x02}K\x01a."), "APPEND onto a dict"),
    ("setitem_on_tuple", P(b"\x80\x02K\x01\x85K\x00K\x02s."), "SETITEM on a tuple"),
]

MALFORMED = [
    ("empty", b"", "empty input"),
    ("only_proto", b"\x80\x05", "PROTO and nothing else"),
    ("no_stop", b"\x80\x02}q\x00", "no STOP opcode"),
    ("stop_on_empty_stack", b"\x80\x02.", "STOP with an empty stack"),
    ("proto_6", b"\x80\x06N.", "PROTO 6 (unsupported)"),
    ("proto_255", b"\x80\xffN.", "PROTO 255"),
    ("bad_memo_index", b"\x80\x02h\x05.", "BINGET of an index never stored"),
    ("bad_long_memo_index", b"\x80\x02j\x00\x01\x00\x00.", "LONG_BINGET 256, never stored"),
    ("stack_underflow_append", b"\x80\x02a.", "APPEND with an empty stack"),
    ("stack_underflow_setitem", b"\x80\x02}K\x01s.", "SETITEM with only 2 items"),
    ("stack_underflow_tuple2", b"\x80\x02K\x01\x86.", "TUPLE2 with one item"),
    ("mark_unmatched_stop", b"\x80\x02(.", "MARK never closed"),
    ("mark_unmatched_stop2", b"\x80\x02(K\x01.", "MARK then an item, then STOP"),
    ("appends_without_mark", b"\x80\x02]K\x01e.", "APPENDS with no MARK"),
    ("setitems_odd", b"\x80\x02}(K\x01u.", "SETITEMS with an odd number of items"),
    ("tuple_without_mark", b"\x80\x02K\x01t.", "TUPLE with no MARK"),
    ("unknown_opcode", b"\x80\x02\xff.", "opcode byte 0xff"),
    ("unknown_opcode_first", b"\xff", "opcode byte 0xff first"),
    ("truncated_binint", b"\x80\x02J\x01\x00", "BININT argument cut short"),
    ("truncated_binunicode", b"\x80\x02X\x05\x00\x00\x00ab", "BINUNICODE payload cut short"),
    ("truncated_frame_header", b"\x80\x04\x95\x01\x00", "FRAME header cut short"),
    ("frame_too_long", b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00N.", "FRAME length 16 > remaining 2 bytes"),
    ("frame_huge", b"\x80\x04\x95\xff\xff\xff\xff\xff\xff\xff\x7fN.", "FRAME length near 2**63"),
    ("binunicode_huge_length", b"\x80\x02X\xff\xff\xff\x7fab.", "BINUNICODE claiming 2 GiB"),
    ("long4_negative_length", b"\x80\x02\x8b\xff\xff\xff\xff.", "LONG4 with a negative length"),
    ("int_text_garbage", b"I12x\n.", "INT with a non-digit"),
    ("float_text_garbage", b"Fx\n.", "FLOAT with garbage"),
    ("unicode_text_no_newline", b"Vabc", "UNICODE without its newline"),
    ("get_text_bad", b"(g99\n.", "GET of an unknown memo key"),
]


def truncations():
    full = pickle.dumps(REALISTIC, 5)
    out = []
    for cut in (1, 2, 11, 12, 20, len(full) // 2, len(full) - 2, len(full) - 1):
        out.append(("truncated_realistic_p5_at_%d" % cut, full[:cut],
                    "pickle.dumps(realistic_session, 5) cut to its first %d of %d bytes" % (cut, len(full))))
    full2 = pickle.dumps(REALISTIC, 2)
    for cut in (2, len(full2) - 1):
        out.append(("truncated_realistic_p2_at_%d" % cut, full2[:cut],
                    "pickle.dumps(realistic_session, 2) cut to its first %d of %d bytes" % (cut, len(full2))))
    return out


def gen_handmade(cases):
    out = []
    for id_, b, desc in cases:
        assert safe_to_load(b), id_
        e = {"id": id_, "description": desc, "hex": b.hex(), "genops": genops_outcome(b)}
        e.update(both_unpicklers(b))
        out.append(e)
    return out


# ---------------------------------------------------------------------------
# refuse: code-carrying and non-JSON pickles (never loaded)
# ---------------------------------------------------------------------------
class EvilReduce:
    def __reduce__(self):
        return (os.system, ("echo",))


class PlainObject:
    def __init__(self):
        self.a = 1
        self.b = "two"


class WithNewargsEx:
    def __new__(cls, *args, **kwargs):
        return super().__new__(cls)

    def __getnewargs_ex__(self):
        return ((1,), {"flag": True})


class SlotsState:
    __slots__ = ("x",)

    def __init__(self):
        self.x = 1


for _cls in (EvilReduce, PlainObject, WithNewargsEx, SlotsState):
    _cls.__module__ = "oracle_pickle_classes"
    _cls.__qualname__ = _cls.__name__
_mod = type(sys)("oracle_pickle_classes")
for _cls in (EvilReduce, PlainObject, WithNewargsEx, SlotsState):
    setattr(_mod, _cls.__name__, _cls)
sys.modules["oracle_pickle_classes"] = _mod


class PersistentPickler(pickle.Pickler):
    def persistent_id(self, obj):
        return "pid-1" if obj == "persist-me" else None


def persid_dumps(proto):
    f = io.BytesIO()
    PersistentPickler(f, proto).dump(["persist-me"])
    return f.getvalue()


def ext_dumps(code, proto):
    copyreg.add_extension("collections", "OrderedDict", code)
    try:
        return pickle.dumps(collections.OrderedDict, proto)
    finally:
        copyreg.remove_extension("collections", "OrderedDict", code)


def refuse_cases():
    R = []

    def add(id_, b, desc, how):
        R.append((id_, b, desc, how))

    for p in (0, 2, 3):
        add("global_os_system_p%d" % p, pickle.dumps(os.system, p), "reference to os.system (module is 'posix' on Linux)", "pickle.dumps(os.system, %d)" % p)
    for p in (4, 5):
        add("stack_global_os_system_p%d" % p, pickle.dumps(os.system, p), "reference to os.system", "pickle.dumps(os.system, %d)" % p)
    add("global_class_p2", pickle.dumps(collections.OrderedDict, 2), "a class reference", "pickle.dumps(collections.OrderedDict, 2)")
    for p in range(0, 6):
        add("reduce_os_system_p%d" % p, pickle.dumps(EvilReduce(), p), "__reduce__ -> (os.system, ('echo',))", "pickle.dumps(EvilReduce(), %d)" % p)
    add("reduce_in_session_dict_p5", pickle.dumps({"user": 1, "evil": EvilReduce()}, 5), "code object nested inside an ordinary session dict", "pickle.dumps({'user': 1, 'evil': EvilReduce()}, 5)")
    for p in (0, 1, 2, 4):
        add("object_with_state_p%d" % p, pickle.dumps(PlainObject(), p), "instance with a __dict__ (BUILD)", "pickle.dumps(PlainObject(), %d)" % p)
    add("slots_state_p2", pickle.dumps(SlotsState(), 2), "instance with __slots__ state", "pickle.dumps(SlotsState(), 2)")
    add("newobj_ex_p4", pickle.dumps(WithNewargsEx(), 4), "__getnewargs_ex__ with kwargs", "pickle.dumps(WithNewargsEx(), 4)")
    add("ordered_dict_p5", pickle.dumps(collections.OrderedDict(a=1), 5), "OrderedDict instance", "pickle.dumps(OrderedDict(a=1), 5)")
    add("persid_p0", persid_dumps(0), "persistent id (text)", "Pickler subclass with persistent_id, protocol 0")
    add("binpersid_p2", persid_dumps(2), "persistent id (binary)", "Pickler subclass with persistent_id, protocol 2")
    add("ext1", ext_dumps(200, 2), "extension registry code 200", "copyreg.add_extension('collections','OrderedDict',200); pickle.dumps(OrderedDict, 2)")
    add("ext2", ext_dumps(300, 2), "extension registry code 300", "copyreg.add_extension(...,300); pickle.dumps(OrderedDict, 2)")
    add("ext4", ext_dumps(70000, 2), "extension registry code 70000", "copyreg.add_extension(...,70000); pickle.dumps(OrderedDict, 2)")
    add("set_p4", pickle.dumps({1, 2, 3}, 4), "set (EMPTY_SET/ADDITEMS)", "pickle.dumps({1,2,3}, 4)")
    add("set_p2", pickle.dumps({1, 2, 3}, 2), "set in protocol 2 (GLOBAL builtins set + REDUCE)", "pickle.dumps({1,2,3}, 2)")
    add("frozenset_p4", pickle.dumps(frozenset({1, 2}), 4), "frozenset (FROZENSET)", "pickle.dumps(frozenset({1,2}), 4)")
    add("set_in_session_p5", pickle.dumps({"tags": {1, 2}}, 5), "a set inside a session dict", "pickle.dumps({'tags': {1,2}}, 5)")
    add("bytes_short_p3", pickle.dumps(b"abc", 3), "bytes (SHORT_BINBYTES)", "pickle.dumps(b'abc', 3)")
    add("bytes_long_p3", pickle.dumps(b"x" * 300, 3), "bytes > 255 (BINBYTES)", "pickle.dumps(b'x'*300, 3)")
    add("bytes_p2", pickle.dumps(b"abc", 2), "bytes in protocol 2 (_codecs.encode REDUCE)", "pickle.dumps(b'abc', 2)")
    add("bytes_in_session_p5", pickle.dumps({"blob": b"\x00\x01"}, 5), "bytes inside a session dict", "pickle.dumps({'blob': b'\\x00\\x01'}, 5)")
    add("bytearray_p5", pickle.dumps(bytearray(b"abc"), 5), "bytearray (BYTEARRAY8)", "pickle.dumps(bytearray(b'abc'), 5)")
    add("bytearray_p4", pickle.dumps(bytearray(b"abc"), 4), "bytearray in protocol 4 (GLOBAL + REDUCE)", "pickle.dumps(bytearray(b'abc'), 4)")
    add("next_buffer_readonly", pickle.dumps(pickle.PickleBuffer(b"abc"), 5, buffer_callback=lambda b: False), "out-of-band read-only buffer", "pickle.dumps(PickleBuffer(b'abc'), 5, buffer_callback=lambda b: False)")
    add("next_buffer", pickle.dumps(pickle.PickleBuffer(bytearray(b"abc")), 5, buffer_callback=lambda b: False), "out-of-band writable buffer", "pickle.dumps(PickleBuffer(bytearray(b'abc')), 5, buffer_callback=lambda b: False)")
    dt = datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.timezone.utc)
    for p in (2, 5):
        add("datetime_aware_p%d" % p, pickle.dumps(dt, p), "aware datetime", "pickle.dumps(datetime(2023,11,14,22,13,20,tzinfo=timezone.utc), %d)" % p)
    add("datetime_naive_p5", pickle.dumps(datetime.datetime(2023, 11, 14, 22, 13, 20), 5), "naive datetime", "pickle.dumps(datetime(2023,11,14,22,13,20), 5)")
    add("date_p5", pickle.dumps(datetime.date(2023, 11, 14), 5), "date", "pickle.dumps(date(2023,11,14), 5)")
    add("timedelta_p5", pickle.dumps(datetime.timedelta(days=14), 5), "timedelta", "pickle.dumps(timedelta(days=14), 5)")
    add("session_with_datetime_p5", pickle.dumps({"_session_expiry": dt, "user": 1}, 5), "what a PickleSerializer-era session may hold", "pickle.dumps({'_session_expiry': dt, 'user': 1}, 5)")
    add("decimal_p5", pickle.dumps(decimal.Decimal("19.99"), 5), "Decimal", "pickle.dumps(Decimal('19.99'), 5)")
    add("uuid_p5", pickle.dumps(uuid.UUID("12345678-1234-5678-1234-567812345678"), 5), "UUID", "pickle.dumps(UUID('12345678-1234-5678-1234-567812345678'), 5)")
    add("complex_p5", pickle.dumps(1 + 2j, 5), "complex", "pickle.dumps(1+2j, 5)")
    # hand-assembled: CPython 3 never emits these, or emits them only after a GLOBAL
    add("inst_handmade", b"(Vecho\niposix\nsystem\n.", "INST (protocol 0 class call)", "hand-assembled")
    add("obj_handmade", b"(cposix\nsystem\nVecho\no.", "OBJ (protocol 1 class call) with a GLOBAL class", "hand-assembled")
    add("obj_without_global", b"(]Vecho\no.", "OBJ whose 'class' is a plain list", "hand-assembled")
    add("reduce_without_global", b"\x80\x02])R.", "REDUCE applied to a plain list (no GLOBAL before it)", "hand-assembled")
    add("build_without_global", b"\x80\x02}}b.", "BUILD on a plain dict", "hand-assembled")
    add("newobj_without_global", b"\x80\x02])\x81.", "NEWOBJ on a plain list", "hand-assembled")
    add("binbytes8_handmade", b"\x80\x05\x8e" + u64(3) + b"abc.", "BINBYTES8", "hand-assembled")
    add("binstring_handmade", b"\x80\x02T" + u32(3) + b"abc.", "BINSTRING (py2 str)", "hand-assembled")
    add("string_text_handmade", b"S'abc'\n.", "STRING (py2 str, protocol 0)", "hand-assembled")
    add("global_after_data", b"\x80\x02}q\x00X\x01\x00\x00\x00aq\x01cposix\nsystem\nq\x02s.", "valid data opcodes, then a GLOBAL as a dict value", "hand-assembled")
    add("global_after_stop", b"\x80\x02N.cposix\nsystem\n.", "a GLOBAL after STOP (never reached by the unpickler)", "hand-assembled")
    return R


def gen_refuse():
    out = []
    for id_, b, desc, how in refuse_cases():
        go = genops_outcome(b)
        names = go["opcodes"]
        first = next((n for n in names if opclass(n) != "data"), None)
        e = {
            "id": id_, "description": desc, "built_with": how, "hex": b.hex(),
            "opcodes": names,
            "genops": go["outcome"] if go["outcome"] == "ok" else {k: v for k, v in go.items() if k != "opcodes"},
            "first_forbidden_opcode": first,
            "first_forbidden_class": opclass(first) if first else None,
            "forbidden_opcodes": sorted({n for n in names if opclass(n) != "data"}),
        }
        if first is None:
            e["note"] = "no forbidden opcode before STOP; CPython stops at STOP and never sees what follows"
        out.append(e)
    return out


# ---------------------------------------------------------------------------
# Django cache serializers and cache keys
# ---------------------------------------------------------------------------
BIG_5000 = 7 * (10**5000 - 1) // 9  # 5000 sevens, built without str->int (which is limited to 4300 digits)


def cache_values():
    return [
        ("dict_realistic", REALISTIC),
        ("dict_empty", {}),
        ("int_0", 0), ("int_1", 1), ("int_-1", -1), ("int_12345", 12345),
        ("int_2**63", 2**63), ("int_2**64", 2**64), ("int_-2**64", -2**64), ("int_10**100", 10**100),
        ("int_5000_digits", BIG_5000),
        ("bool_true", True), ("bool_false", False),
        ("none", None), ("float_1.5", 1.5), ("float_1.0", 1.0), ("float_nan", float("nan")),
        ("str", "hello"), ("str_digits", "12"), ("list", [1, 2]), ("tuple", (1, 2)),
    ]


def redis_wire(v):
    import redis

    enc = redis.connection.Encoder("utf-8", "strict", False)
    return enc.encode(v)


def gen_django_cache():
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisSerializer

    rs = RedisSerializer()
    dumps = []
    for id_, v in cache_values():
        r = O.outcome(lambda: rs.dumps(v))
        e = {"id": id_, "value": O.typed(v), "python_type": type(v).__name__}
        if r["outcome"] == "ok":
            out = r["value"]
            if isinstance(out, bytes):
                e["dumps_returns"] = "bytes"
                e["dumps_hex"] = out.hex()
                e["opcodes"] = op_summary(out)
            else:
                e["dumps_returns"] = type(out).__name__
                e["dumps_value"] = O.typed(out)
            w = O.outcome(lambda: redis_wire(out))
            if w["outcome"] == "ok":
                e["redis_py_encoded_hex"] = w["value"].hex()
                if isinstance(out, int):
                    e["redis_py_encoded_text"] = w["value"].decode("ascii")
            else:
                e["redis_py_encoded"] = w
        else:
            e["dumps_error"] = r
        dumps.append(e)

    loads_inputs = [
        b"12", b" 12 ", b"\t12\n", b"-7", b"+5", b"0", b"-0", b"007", b"1_000", b"1__000", b"_1",
        b"12a", b"", b" ", b"0x10", b"1e3", b"12.0", b"\xd9\xa1",
        b"9" * 4300, b"9" * 4301, b"18446744073709551616",
        pickle.dumps(REALISTIC, 5), pickle.dumps(True, 5), pickle.dumps(12, 5), pickle.dumps(None, 5),
        b"N.", b"K\x0c.",
    ]
    loads = []
    for b in loads_inputs:
        assert safe_to_load(b)
        r = O.outcome(lambda: rs.loads(b), O.typed)
        if r["outcome"] == "ok" and isinstance(r["value"], int) and len(str(r["value"])) > 100:
            pass
        int_r = O.outcome(lambda: int(b), lambda x: O.typed(x))
        e = {"input_hex": b.hex()}
        if len(b) < 64:
            e["input_repr"] = repr(b)
        else:
            e["input_repr"] = repr(b[:16]) + "... (%d bytes)" % len(b)
        e["int_of_input"] = shorten_outcome(int_r)
        e["loads"] = shorten_outcome(r)
        loads.append(e)

    # django-redis
    djr = {}
    try:
        import django_redis
        from django_redis.serializers.pickle import PickleSerializer

        dc = caches["djredis_default"]
        client = dc.client
        djr["installed"] = True
        djr["django_redis_version"] = django_redis.__version__
        djr["client_class"] = type(client).__module__ + "." + type(client).__name__
        djr["serializer_class"] = type(client._serializer).__module__ + "." + type(client._serializer).__name__
        djr["compressor_class"] = type(client._compressor).__module__ + "." + type(client._compressor).__name__
        djr["default_pickle_protocol"] = client._serializer._pickle_version
        djr["pickle.DEFAULT_PROTOCOL"] = pickle.DEFAULT_PROTOCOL
        djr["pickle.HIGHEST_PROTOCOL"] = pickle.HIGHEST_PROTOCOL
        djr["PICKLE_VERSION_5_protocol"] = caches["djredis_pickle_version_5"].client._serializer._pickle_version
        djr["PICKLE_VERSION_-1_protocol"] = caches["djredis_pickle_version_minus1"].client._serializer._pickle_version
        enc = []
        for id_, v in cache_values():
            r = O.outcome(lambda: client.encode(v))
            e = {"id": id_, "value": O.typed(v)}
            if r["outcome"] == "ok":
                out = r["value"]
                if isinstance(out, bytes):
                    e["encode_returns"] = "bytes"
                    e["encode_hex"] = out.hex()
                    e["opcodes"] = op_summary(out)
                else:
                    e["encode_returns"] = type(out).__name__
                    e["encode_value"] = O.typed(out)
            else:
                e["encode_error"] = r
            enc.append(e)
        djr["encode"] = enc
        dec = []
        for b in loads_inputs:
            r = O.outcome(lambda: client.decode(b), O.typed)
            dec.append({"input_hex": b.hex(), "decode": shorten_outcome(r)})
        djr["decode"] = dec
        djr["PickleSerializer_PICKLE_VERSION_7"] = O.outcome(lambda: PickleSerializer({"PICKLE_VERSION": 7}))
        djr["PickleSerializer_PICKLE_VERSION_7"].pop("value", None)
    except ImportError as e:
        djr = {"installed": False, "error": str(e)}

    p4 = caches["redis_protocol4"]._cache._serializer
    return {
        "redis_serializer_dumps": dumps,
        "redis_serializer_loads": loads,
        "django_redis": djr,
        "notes": {
            "RedisSerializer.default_protocol": rs.protocol,
            "OPTIONS serializer protocol=4 example": p4.dumps(REALISTIC).hex(),
        },
    }


def shorten_outcome(r):
    if r.get("outcome") == "ok":
        v = r["value"]
        if isinstance(v, dict) and "int" in v and len(v["int"]) > 60:
            r = dict(r)
            r["value"] = {"int_digits": len(v["int"].lstrip("-")), "int_prefix": v["int"][:12]}
    return r


def gen_cache_keys():
    from django.conf import settings
    from django.contrib.sessions.backends import cache as scache
    from django.contrib.sessions.backends import cached_db as scached_db
    from django.core.cache import caches
    from django.core.cache.backends.base import CacheKeyWarning

    out = []
    session_keys = [O.FIXED_KEY_1, "abcdefgh", "x" * 300]
    aliases = ["redis_default", "redis_prefix", "redis_version2", "redis_prefix_version2",
               "redis_prefix_colon", "redis_version_str", "redis_keyfunc_dotted",
               "redis_keyfunc_callable", "locmem_prefix_version2", "djredis_default",
               "djredis_prefix_version2"]
    for sk in session_keys:
        for engine, mod in (("cache", scache), ("cached_db", scached_db)):
            store = mod.SessionStore(sk)
            ck = store.cache_key
            for alias in aliases:
                if sk != O.FIXED_KEY_1 and alias not in ("redis_default", "djredis_default", "redis_prefix_version2"):
                    continue
                c = caches[alias]
                conf = {k: v for k, v in settings.CACHES[alias].items() if k in ("BACKEND", "KEY_PREFIX", "VERSION", "KEY_FUNCTION")}
                if callable(conf.get("KEY_FUNCTION")):
                    conf["KEY_FUNCTION"] = "<callable> " + O.custom_key_func_src()
                versions = (None, 3) if sk == O.FIXED_KEY_1 and engine == "cache" else (None,)
                for version in versions:
                    if alias.startswith("djredis"):
                        made = c.client.make_key(ck, version=version)
                        made_type = type(made).__module__ + "." + type(made).__name__
                        made = str(made)
                        warns = None
                    else:
                        made = c.make_key(ck, version=version)
                        made_type = type(made).__name__
                        with warnings.catch_warnings(record=True) as w:
                            warnings.simplefilter("always")
                            c.make_and_validate_key(ck, version=version)
                        warns = [str(x.message) for x in w if issubclass(x.category, CacheKeyWarning)]
                    e = {"id": "%s/%s/%s/v=%s" % (engine, alias, sk[:12] + ("..." if len(sk) > 12 else ""), version),
                         "session_engine": engine, "session_key": sk, "session_cache_key": ck,
                         "cache_alias": alias, "cache_config": conf, "version_arg": version,
                         "made_key": made, "made_key_type": made_type}
                    if warns is not None:
                        e["validate_key_warnings"] = warns
                    out.append(e)
    return out


# ---------------------------------------------------------------------------
def gen_all():
    objs = curated() + random_sessions(110)
    loads = gen_loads(objs)
    data = {
        "meta": None,
        "opcode_classes": {
            "data": DATA_OPCODES,
            "data_not_json": NON_JSON_DATA_OPCODES,
            "code": CODE_OPCODES,
        },
        "loads": loads,
        "loads_surrogates": gen_surrogates(),
        "cyclic": gen_cyclic(),
        "json_roundtrip": gen_json_roundtrip(loads),
        "loads_protocol_0_1": gen_protocol_0_1(objs),
        "handmade": gen_handmade(HANDMADE),
        "malformed": gen_handmade(MALFORMED + truncations()),
        "refuse": gen_refuse(),
        "django_cache": gen_django_cache(),
        "cache_keys": gen_cache_keys(),
        "c_vs_python_pickler_differences": list(PY_PICKLER_DIFFS),
    }
    cov = collections.Counter()
    for e in loads:
        for p, s in e["opcodes"].items():
            for n in s.split():
                cov[n] += 1
    data["opcode_coverage_in_loads"] = dict(sorted(cov.items()))
    return data
