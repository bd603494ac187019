#!/usr/bin/env python3
"""Writes the seed inputs of the django_* fuzz targets into fuzz/corpus/<target>/.

Request bodies, content types, Origin/Referer/Host values, tokens, cookies
and session user ids from tests/fixtures/csrf_vectors.json and
auth_vectors.json (produced by Django itself), plus a few hostile inputs,
in the input formats fuzz/targets.rs documents (parts split on 0xFF).

    python3 fuzz/django_seeds.py
"""

import hashlib
import json
import os

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "fuzz", "corpus")
SEP = b"\xff"


def load(name):
    with open(os.path.join(ROOT, "tests", "fixtures", name), encoding="utf-8") as f:
        return json.load(f)


def write(target, data):
    directory = os.path.join(CORPUS, target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)


def enc(text):
    return (text or "").encode("utf-8", "surrogatepass")


csrf = load("csrf_vectors.json")
auth = load("auth_vectors.json")
requests = [v for v in csrf["process"] + csrf["get_token"]]

bodies = set()
for v in requests:
    r = v["request"]
    body = bytes.fromhex(r["body_hex"]) if r.get("body_hex") else enc(r.get("body"))
    ctype = r["meta"].get("CONTENT_TYPE", "")
    if body or ctype:
        bodies.add((ctype, body))
hostile_forms = [
    ("multipart/form-data; boundary=B", b"--B\r\n" + b"x" * 1100 + b"\r\n--B--"),
    ("multipart/form-data; boundary=B", b"--B\r\nContent-Disposition: form-data; name*=utf-8''%C3%A9\r\n\r\nv\r\n--B"),
    ("multipart/form-data; boundary=B", b"--B\r\nContent-Disposition: form-data; name=\"a\"\r\nContent-Transfer-Encoding: base64\r\n\r\nYW=Jj\r\n--B--"),
    ("multipart/form-data; boundary=B", b"--B--B--B\n\r\n\r\n"),
    ("multipart/form-data; boundary=\"a;b\"; charset=latin-1", b"--a;b\r\nContent-Disposition: form-data; name=\"f\"; filename=\"/\"\r\n\r\n\xff\xfe\r\n--a;b--"),
    ("application/x-www-form-urlencoded", b"%zz%C3=%%&&=&a+b=%E2%82%AC;x" + b"&" * 10),
    ("application/x-www-form-urlencoded; charset=utf8", b"a=1"),
    ("multipart/form-data; boundary=" + "b" * 201, b"--b"),
]
for ctype, body in sorted(bodies) + hostile_forms:
    write("django_form", enc(ctype) + SEP + body)

urls, hosts = set(), set()
for v in requests:
    meta = v["request"]["meta"]
    for key in ("HTTP_ORIGIN", "HTTP_REFERER"):
        if key in meta:
            urls.add(meta[key])
    if "HTTP_HOST" in meta:
        hosts.add(meta["HTTP_HOST"])
    for origin in v["settings"].get("CSRF_TRUSTED_ORIGINS", []):
        urls.add(origin)
hostile_urls = ["https://[v1.x]/", "https://[::1%eth0]:8/", "https://a\uff0fb/", "\x00 https://x/?#", "HTTPS://User:P@Ex.COM:99/p?q#f", "//x", "x:y"]
hostile_hosts = ["[::1]:80", "EXAMPLE.com.", "a..b", "[1.2.3.4]", "host:", "h\u212a.com"]
patterns = [".example.com", "testserver", "", "*"]
for i, url in enumerate(sorted(urls) + hostile_urls):
    hostlist = sorted(hosts) + hostile_hosts
    write("django_host", enc(url) + SEP + enc(hostlist[i % len(hostlist)]) + SEP + enc(patterns[i % len(patterns)]))

tokens = set()
for section in ("mask", "unmask", "does_token_match", "check_token_format"):
    for v in csrf[section]:
        for key in ("token", "secret", "request_csrf_token", "csrf_secret", "mask"):
            if isinstance(v.get(key), str):
                tokens.add(v[key])
secrets = sorted(csrf["fixed_values"].values())
for i, token in enumerate(sorted(tokens)):
    write("django_tokens", enc(token) + SEP + enc(secrets[i % len(secrets)]))
for v in auth["get_user"]:
    user_id = v["session_before"].get("_auth_user_id")
    if user_id is not None:
        write("django_tokens", enc(json.dumps(user_id)) + SEP + enc(secrets[0]))

for i, v in enumerate(requests):
    r, s = v["request"], v["settings"]
    meta = r["meta"]
    flags = (1 if s.get("CSRF_USE_SESSIONS") else 0) | (2 if s.get("CSRF_TRUSTED_ORIGINS") else 0) \
        | (4 if s.get("CSRF_COOKIE_DOMAIN") else 0) | (8 if i % 2 else 0) | (16 if r["secure"] else 0) \
        | (32 if r["csrf_exempt_view"] else 0)
    body = bytes.fromhex(r["body_hex"]) if r.get("body_hex") else enc(r.get("body"))
    fields = [r["method"], meta.get("HTTP_COOKIE", ""), meta.get("HTTP_ORIGIN", ""), meta.get("HTTP_REFERER", ""),
              meta.get("HTTP_HOST", ""), meta.get("HTTP_X_CSRFTOKEN", ""), meta.get("CONTENT_TYPE", "")]
    write("django_csrf_request", bytes([flags]) + SEP.join(enc(f) for f in fields) + SEP + body)
