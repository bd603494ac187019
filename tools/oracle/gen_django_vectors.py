#!/usr/bin/env python
"""
Generate tests/fixtures/{pickle,auth,csrf}_vectors.json from REAL Django 5.2
and CPython.

Every expected value is the return value (or raised exception) of a Django or
CPython API call made under a frozen clock, fixed secrets and a seeded,
recorded stand-in for django.utils.crypto.get_random_string.  See README.md
beside this file.

Usage:
    python tools/oracle/gen_django_vectors.py            # write the fixtures
    python tools/oracle/gen_django_vectors.py --check    # regenerate in memory, compare
    python tools/oracle/gen_django_vectors.py --only pickle,csrf
"""

import argparse
import os
import platform
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
REPO = os.path.dirname(os.path.dirname(HERE))
FIXTURES = os.path.join(REPO, "tests", "fixtures")

import oracle_common as O  # noqa: E402

O.configure()

import django  # noqa: E402

PARTS = {
    "pickle": "pickle_vectors.json",
    "auth": "auth_vectors.json",
    "csrf": "csrf_vectors.json",
}


def base_meta(generator_part):
    import pickle
    import sqlite3

    meta = {
        "generator": "tools/oracle/gen_django_vectors.py (%s; real Django + CPython)" % generator_part,
        "django_version": django.get_version(),
        "python_version": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "NOW": O.NOW,
        "NOW_iso": "2023-11-14T22:13:20+00:00",
        "settings": O.settings_for_meta(),
        "randomness": (
            "django.utils.crypto.get_random_string (and the copies imported by "
            "django.middleware.csrf, django.contrib.sessions.backends.base and "
            "django.contrib.auth.hashers) is replaced per vector by a seeded "
            "random.Random stand-in; every string it returned is listed in the "
            "vector's random_draws, in call order, so a replay can inject them"
        ),
        "conventions": {
            "outcome": "{'outcome':'ok','value':...} or {'outcome':'error','exception':...,'message':...}",
        },
    }
    if generator_part == "pickle":
        try:
            import django_redis
            import redis

            meta["django_redis_version"] = django_redis.__version__
            meta["redis_py_version"] = redis.__version__
        except ImportError:
            meta["django_redis_version"] = None
        meta["pickle_format_version"] = pickle.format_version
        meta["pickle.HIGHEST_PROTOCOL"] = pickle.HIGHEST_PROTOCOL
        meta["pickle.DEFAULT_PROTOCOL"] = pickle.DEFAULT_PROTOCOL
        meta["conventions"]["typed_values"] = (
            "null/true/false; int as JSON integer if |n| < 2**53 else {'int': decimal}; "
            "{'float': repr(x)} (+'bits' hex for NaN); str as JSON string, or "
            "{'str_surrogatepass_utf8': hex} if it holds lone surrogates; list as array; "
            "{'tuple': [...]}; {'dict': [[key, value], ...]} in insertion order; "
            "{'bytes'|'bytearray': hex}; {'cyclic': true}"
        )
        meta["conventions"]["hex"] = "all pickle bytes are lower-case hex"
    else:
        meta["sqlite_version"] = sqlite3.sqlite_version
    return meta


def build(part):
    if part == "pickle":
        import pickle_vectors as M
    elif part == "auth":
        import auth_vectors as M
    elif part == "csrf":
        import csrf_vectors as M
    data = M.gen_all()
    data["meta"] = base_meta(part)
    if hasattr(M, "meta_extra"):
        data["meta"].update(M.meta_extra())
    data["meta"]["counts"] = O.count_entries(data)
    return O.render_fixture(data)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="compare with the files on disk instead of writing")
    ap.add_argument("--only", default=",".join(PARTS), help="comma-separated subset of: " + ",".join(PARTS))
    ap.add_argument("--out", default=FIXTURES, help="output directory (default tests/fixtures)")
    args = ap.parse_args()
    failed = False
    for part in args.only.split(","):
        text = build(part)
        path = os.path.join(args.out, PARTS[part])
        if args.check:
            with open(path, encoding="utf-8") as f:
                same = f.read() == text
            print("%-22s %s" % (PARTS[part], "identical" if same else "DIFFERS"))
            failed |= not same
        else:
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            print("wrote %s (%d bytes)" % (path, len(text.encode("utf-8"))))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
