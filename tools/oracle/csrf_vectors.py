"""
csrf_vectors.json: django.middleware.csrf (Django 5.2).

Requests are built with django.test.RequestFactory and run through the real
CsrfViewMiddleware in the order Django's BaseHandler uses:
process_request -> process_view(view) -> view (if not rejected) ->
process_response.  The rejection reason is captured by wrapping the
middleware instance's _reject (the real method still runs and renders the real
403 failure view) and from the 'django.security.csrf' log record.  Masks and
new secrets come from the controlled get_random_string stand-in (see
oracle_common.controlled_random); every string drawn is recorded.
"""

import copy

import oracle_common as O

SEC = "Kq3sTn8ZpW2xYb7LmV4cR9dF6gH1jE5u"  # the cookie secret of most cases
OTHER = "Xy7wVu6tSr5qPo4nMl3kJi2hGf1eDc0b"  # another valid secret
MASK_1 = "Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0Fe"
MASK_2 = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
MASK_3 = "99999999999999999999999999999999"


def mask_with(secret, mask):
    """Real _mask_cipher_secret with the mask forced through the random stand-in."""
    from django.middleware import csrf

    with O.controlled_random(0, forced=[mask]):
        return csrf._mask_cipher_secret(secret)


# ---------------------------------------------------------------------------
# primitives
# ---------------------------------------------------------------------------
def gen_mask():
    from django.middleware import csrf

    secrets = [SEC, OTHER, "a" * 32, "9" * 32, "Z" * 32, "abcdefghijklmnopqrstuvwxyzABCDEF", "GHIJKLMNOPQRSTUVWXYZ012345678901"]
    masks = [MASK_1, MASK_2, MASK_3, "A" * 32, "0" * 32, "z" * 32]
    out = []
    for i, s in enumerate(secrets):
        for m in masks[: 3 if i > 1 else 6]:
            with O.controlled_random(0, forced=[m]) as rnd:
                tok = csrf._mask_cipher_secret(s)
            out.append({"secret": s, "mask": m, "token": tok, "random_draws": rnd.draws,
                        "unmask_roundtrip": csrf._unmask_cipher_token(tok)})
    # seeded masks
    for seed in range(6):
        with O.controlled_random(100 + seed) as rnd:
            tok = csrf._mask_cipher_secret(SEC)
        out.append({"secret": SEC, "mask": rnd.draws[0]["value"], "token": tok, "random_draws": rnd.draws,
                    "unmask_roundtrip": csrf._unmask_cipher_token(tok)})
    return out


def gen_unmask():
    from django.middleware import csrf

    toks = [mask_with(SEC, MASK_1), mask_with(SEC, MASK_2), mask_with(OTHER, MASK_3),
            "a" * 64, "9" * 64, MASK_1 + MASK_1, "A" * 32 + "a" * 32,
            "a" * 40, "a" * 32, "a" * 31 + "-" + "a" * 32, "", "a" * 70]
    return [{"token": t, "result": O.outcome(lambda: csrf._unmask_cipher_token(t))} for t in toks]


def gen_does_token_match():
    from django.middleware import csrf

    m1 = mask_with(SEC, MASK_1)
    cases = [
        (m1, SEC), (mask_with(SEC, MASK_2), SEC), (m1, OTHER), (SEC, SEC), (OTHER, SEC),
        (SEC.lower(), SEC), (m1[:-1] + ("a" if m1[-1] != "a" else "b"), SEC),
        ("b" + m1[1:], SEC), (mask_with(OTHER, MASK_1), OTHER), (m1, SEC.lower()),
        (m1[:33], SEC), ("a" * 31, SEC),
    ]
    return [{"request_csrf_token": t, "csrf_secret": s, "result": O.outcome(lambda: csrf._does_token_match(t, s))}
            for t, s in cases]


def gen_check_token_format():
    from django.middleware import csrf

    base = SEC + SEC
    toks = ["", "a", "a" * 31, "a" * 32, "a" * 33, "a" * 63, "a" * 64, "a" * 65, base, SEC,
            SEC[:-1] + "-", SEC[:-1] + "_", SEC[:-1] + " ", " " + SEC[1:], SEC[:-1] + "\u00e9", SEC[:-1] + "\u0661",
            SEC[:-1] + "=", base[:-1] + "+", base[:-1] + "/", "-" * 40, "\u00e9" * 32, SEC[:-1] + "\n"]
    out = []
    for t in toks:
        try:
            csrf._check_token_format(t)
            r = {"outcome": "ok"}
        except csrf.InvalidTokenFormat as e:
            r = {"outcome": "error", "exception": "InvalidTokenFormat", "reason": e.reason}
        out.append({"token": t, "length": len(t), "result": r})
    return out


def gen_bad_token_message():
    from django.middleware.csrf import CsrfViewMiddleware

    mw = CsrfViewMiddleware(lambda r: None)
    out = []
    for src in ["POST", "HTTP_X_CSRFTOKEN", "HTTP_X_XSRF_TOKEN", "HTTP_X_CSRF_TOKEN", "X_CSRF", "HTTP_", "CONTENT_TYPE"]:
        for reason in ["has incorrect length", "has invalid characters", "incorrect"]:
            out.append({"token_source": src, "reason": reason, "message": mw._bad_token_message(reason, src)})
    return out


# ---------------------------------------------------------------------------
# request runner
# ---------------------------------------------------------------------------
META_KEYS = ("REQUEST_METHOD", "PATH_INFO", "QUERY_STRING", "SERVER_NAME", "SERVER_PORT",
             "wsgi.url_scheme", "CONTENT_TYPE", "CONTENT_LENGTH")


def response_cookies(resp):
    return {
        "set_cookie_headers": [m.OutputString() for m in resp.cookies.values()],
        "wsgi_set_cookie_values": [m.output(header="") for m in resp.cookies.values()],
        "set_cookie_header_lines": [m.output() for m in resp.cookies.values()],
        "morsels": {name: {k: v for k, v in m.items() if v != ""} for name, m in resp.cookies.items()},
    }


def build_request(sc):
    from django.test import RequestFactory
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    rf = RequestFactory()
    method = sc.get("method", "POST")
    body = b""
    ctype = sc.get("content_type")
    if "form" in sc:
        kind = sc.get("form_encoding", "urlencoded")
        if kind == "multipart":
            body = encode_multipart(BOUNDARY, dict(sc["form"]))
            ctype = ctype or MULTIPART_CONTENT
        else:
            from urllib.parse import urlencode

            body = urlencode(sc["form"]).encode("ascii")
            ctype = ctype or "application/x-www-form-urlencoded"
    elif "body" in sc:
        body = sc["body"].encode("utf-8")
        ctype = ctype or "application/octet-stream"
    extra = dict(sc.get("meta", {}))
    if "cookie_header" in sc:
        extra["HTTP_COOKIE"] = sc["cookie_header"]
    path = sc.get("path", "/")
    if body:
        req = rf.generic(method, path, data=body, content_type=ctype, secure=sc.get("secure", False), **extra)
    else:
        req = rf.generic(method, path, secure=sc.get("secure", False), **extra)
    return req, body, ctype


def run_process(sc, seed):
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.http import HttpResponse
    from django.middleware import csrf
    from django.test import override_settings

    settings = dict(sc.get("settings", {}))
    with override_settings(**settings), O.frozen(), O.controlled_random(seed) as rnd, \
            O.capture_logs("django.security.csrf") as cap:
        req, body, ctype = build_request(sc)
        if "session" in sc:
            Session.objects.all().delete()
            s = SessionStore(O.FIXED_KEY_2)
            s.save(must_create=True)
            s.update(sc["session"])
            s.save()
            req.session = SessionStore(O.FIXED_KEY_2)
        if sc.get("dont_enforce"):
            req._dont_enforce_csrf_checks = True
        view_log = []

        def view(request):
            view_log.append("called")
            for action in sc.get("view_actions", []):
                if action == "get_token":
                    view_log.append({"get_token": csrf.get_token(request)})
                elif action == "rotate_token":
                    csrf.rotate_token(request)
                    view_log.append("rotate_token")
            resp = HttpResponse("ok")
            for k, v in sc.get("response_headers", {}).items():
                resp.headers[k] = v
            return resp

        if sc.get("csrf_exempt"):
            view.csrf_exempt = True
        mw = csrf.CsrfViewMiddleware(view)
        reasons = []
        real_reject = mw._reject

        def reject(request, reason):
            reasons.append(reason)
            return real_reject(request, reason)

        mw._reject = reject
        stage = "process_request"
        try:
            resp = mw.process_request(req)
            meta_after_request = {k: req.META.get(k) for k in ("CSRF_COOKIE", "CSRF_COOKIE_NEEDS_UPDATE")}
            stage = "process_view"
            if resp is None:
                resp = mw.process_view(req, view, (), {})
            accepted = resp is None
            stage = "view"
            if resp is None:
                resp = view(req)
            stage = "process_response"
            resp = mw.process_response(req, resp)
        except Exception as e:  # noqa: BLE001
            err = {"outcome": "error", "stage": stage}
            err.update(O.exc_info(e))
            return finish(sc, settings, req, body, ctype, {"raised": err, "random_draws": rnd.draws,
                                                            "logged": O.log_records(cap)})
        exp = {
            "accepted": accepted,
            "status_code": resp.status_code,
            "reason": reasons[0] if reasons else None,
            "logged": O.log_records(cap),
            "view_called": bool(view_log),
            "view_results": [x for x in view_log if x != "called"],
            "csrf_processing_done": getattr(req, "csrf_processing_done", False),
            "META_after_process_request": meta_after_request,
            "META_after_response": {k: req.META.get(k) for k in ("CSRF_COOKIE", "CSRF_COOKIE_NEEDS_UPDATE")},
            "vary": resp.headers.get("Vary"),
        }
        exp.update(response_cookies(resp))
        if "session" in sc:
            exp["session_after"] = copy.deepcopy(getattr(req.session, "_session_cache", None))
            exp["session_modified"] = req.session.modified
        exp["random_draws"] = rnd.draws
        return finish(sc, settings, req, body, ctype, exp)


def finish(sc, settings, req, body, ctype, exp):
    meta = {k: req.META[k] for k in META_KEYS if k in req.META}
    meta.update({k: v for k, v in sorted(req.META.items()) if k.startswith("HTTP_") or k in sc.get("meta", {})})
    for k in ("CSRF_COOKIE", "CSRF_COOKIE_NEEDS_UPDATE"):
        meta.pop(k, None)
    derived = {
        "is_secure": req.is_secure(),
        "get_host": O.outcome(req.get_host),
        "get_port": req.get_port(),
        "COOKIES": dict(req.COOKIES),
    }
    if req.method == "POST":
        try:
            derived["POST_csrfmiddlewaretoken"] = req.POST.get("csrfmiddlewaretoken")
            derived["POST_keys"] = list(req.POST.keys())
        except Exception as e:  # noqa: BLE001
            derived["POST_error"] = O.exc_info(e)
    entry = {
        "id": sc["id"],
        "description": sc.get("description", ""),
        "request": {
            "method": sc.get("method", "POST"),
            "path": sc.get("path", "/"),
            "secure": sc.get("secure", False),
            "meta": meta,
            "cookie_header": sc.get("cookie_header"),
            "content_type": ctype if body else None,
            "body": body.decode("utf-8") if body else None,
            "body_hex": body.hex() if body else None,
            "csrf_exempt_view": bool(sc.get("csrf_exempt")),
            "dont_enforce_csrf_checks": bool(sc.get("dont_enforce")),
            "view_actions": sc.get("view_actions", []),
            "view_response_headers": sc.get("response_headers", {}),
        },
        "settings": settings,
        "request_derived": derived,
        "expected": exp,
    }
    if "session" in sc:
        entry["session_before"] = sc["session"]
        entry["session_key"] = O.FIXED_KEY_2
    return entry


# ---------------------------------------------------------------------------
# get_token cases
# ---------------------------------------------------------------------------
def get_token_cases():
    legacy = mask_with(SEC, MASK_1)
    G = []

    def g(id_, **kw):
        d = {"id": "get_token/" + id_, "method": "GET", "view_actions": ["get_token"]}
        d.update(kw)
        G.append(d)

    g("no_cookie")
    g("cookie_ok", cookie_header="csrftoken=" + SEC)
    g("cookie_legacy_masked_64", cookie_header="csrftoken=" + legacy, description="pre-4.0 masked cookie: unmasked and re-sent as the 32-char secret")
    g("cookie_bad_length", cookie_header="csrftoken=abc", description="InvalidTokenFormat in process_request: a new secret")
    g("cookie_bad_chars", cookie_header="csrftoken=" + SEC[:-1] + "-")
    g("cookie_ok_called_twice", cookie_header="csrftoken=" + SEC, view_actions=["get_token", "get_token"], description="same secret, two masks")
    g("no_cookie_called_twice", view_actions=["get_token", "get_token"])
    g("cookie_ok_not_called", cookie_header="csrftoken=" + SEC, view_actions=[], description="cookie present, token unused: no Set-Cookie")
    g("no_cookie_not_called", view_actions=[])
    g("rotate_then_get", cookie_header="csrftoken=" + SEC, view_actions=["rotate_token", "get_token"])
    g("get_then_rotate", cookie_header="csrftoken=" + SEC, view_actions=["get_token", "rotate_token"])
    settings_variants = [
        ("name_custom", {"CSRF_COOKIE_NAME": "XSRF-TOKEN"}),
        ("age_none", {"CSRF_COOKIE_AGE": None}),
        ("age_0", {"CSRF_COOKIE_AGE": 0}),
        ("age_3600", {"CSRF_COOKIE_AGE": 3600}),
        ("age_negative", {"CSRF_COOKIE_AGE": -1}),
        ("age_float", {"CSRF_COOKIE_AGE": 3600.7}),
        ("domain", {"CSRF_COOKIE_DOMAIN": ".example.com"}),
        ("path", {"CSRF_COOKIE_PATH": "/app/"}),
        ("secure", {"CSRF_COOKIE_SECURE": True}),
        ("httponly", {"CSRF_COOKIE_HTTPONLY": True}),
        ("samesite_strict", {"CSRF_COOKIE_SAMESITE": "Strict"}),
        ("samesite_none", {"CSRF_COOKIE_SAMESITE": "None"}),
        ("samesite_lax_lowercase", {"CSRF_COOKIE_SAMESITE": "lax"}),
        ("samesite_false", {"CSRF_COOKIE_SAMESITE": False}),
        ("samesite_python_none", {"CSRF_COOKIE_SAMESITE": None}),
        ("samesite_invalid", {"CSRF_COOKIE_SAMESITE": "Bogus"}),
        ("all_set", {"CSRF_COOKIE_NAME": "__Host-csrf", "CSRF_COOKIE_AGE": 7200, "CSRF_COOKIE_DOMAIN": "example.com",
                     "CSRF_COOKIE_PATH": "/", "CSRF_COOKIE_SECURE": True, "CSRF_COOKIE_HTTPONLY": True,
                     "CSRF_COOKIE_SAMESITE": "None"}),
        ("secure_httponly_strict_no_age", {"CSRF_COOKIE_AGE": None, "CSRF_COOKIE_SECURE": True, "CSRF_COOKIE_HTTPONLY": True,
                                           "CSRF_COOKIE_SAMESITE": "Strict"}),
        ("domain_path_age", {"CSRF_COOKIE_DOMAIN": "sub.example.com", "CSRF_COOKIE_PATH": "/a b/", "CSRF_COOKIE_AGE": 60}),
    ]
    for label, st in settings_variants:
        name = st.get("CSRF_COOKIE_NAME", "csrftoken")
        g("settings_" + label, settings=st)
        g("settings_" + label + "_with_cookie", settings=st, cookie_header="%s=%s" % (name, SEC))
    g("vary_existing", cookie_header="csrftoken=" + SEC, response_headers={"Vary": "Accept-Encoding"},
      description="patch_vary_headers appends Cookie to the view's Vary")
    g("vary_existing_cookie_lowercase", cookie_header="csrftoken=" + SEC, response_headers={"Vary": "accept-encoding, cookie"})
    g("vary_star", response_headers={"Vary": "*"})
    g("sessions_no_secret", settings={"CSRF_USE_SESSIONS": True}, session={"cart": [1]})
    g("sessions_with_secret", settings={"CSRF_USE_SESSIONS": True}, session={"_csrftoken": SEC})
    g("sessions_legacy_64", settings={"CSRF_USE_SESSIONS": True}, session={"_csrftoken": legacy})
    g("sessions_ignore_cookie", settings={"CSRF_USE_SESSIONS": True}, session={}, cookie_header="csrftoken=" + SEC)
    g("sessions_not_called", settings={"CSRF_USE_SESSIONS": True}, session={"_csrftoken": SEC}, view_actions=[])
    return G


# ---------------------------------------------------------------------------
# process cases
# ---------------------------------------------------------------------------
def process_cases():
    P = []
    M1 = mask_with(SEC, MASK_1)
    M2 = mask_with(SEC, MASK_2)
    MO = mask_with(OTHER, MASK_1)
    TAMP = M1[:-1] + ("A" if M1[-1] != "A" else "B")
    LEGACY = mask_with(SEC, MASK_3)
    CK = "csrftoken=" + SEC

    def p(id_, **kw):
        d = {"id": id_}
        d.update(kw)
        P.append(d)

    tokens = [
        ("masked", M1), ("masked_mask_a", M2), ("unmasked", SEC), ("masked_other_secret", MO),
        ("tampered", TAMP), ("unmasked_other", OTHER), ("len31", SEC[:31]), ("len33", SEC + "a"),
        ("len63", M1[:63]), ("len65", M1 + "a"), ("bad_chars", M1[:-1] + "-"), ("empty", ""),
        ("space_padded", " " + SEC), ("lowercased", M1.lower()),
    ]
    # 1. safe methods
    for m in ("GET", "HEAD", "OPTIONS", "TRACE"):
        p("safe/%s/no_cookie" % m, method=m)
        p("safe/%s/cookie_ok" % m, method=m, cookie_header=CK)
        p("safe/%s/cookie_bad" % m, method=m, cookie_header="csrftoken=short",
          description="malformed cookie: replaced by a new secret even on GET")
        p("safe/%s/cookie_legacy" % m, method=m, cookie_header="csrftoken=" + LEGACY)
    p("safe/GET/with_origin_evil", method="GET", secure=True, meta={"HTTP_ORIGIN": "https://evil.com"}, cookie_header=CK)
    # 2. POST urlencoded field
    for label, t in tokens:
        p("post_form/" + label, cookie_header=CK, form=[("csrfmiddlewaretoken", t), ("a", "1")])
    # 3. POST multipart field
    for label, t in tokens[:8] + [("bad_chars", M1[:-1] + "-")]:
        p("post_multipart/" + label, cookie_header=CK, form=[("csrfmiddlewaretoken", t), ("a", "1")], form_encoding="multipart")
    # 4. POST header
    for label, t in tokens:
        p("post_header/" + label, cookie_header=CK, meta={"HTTP_X_CSRFTOKEN": t})
    # 5. other unsafe methods with header / form
    for m in ("PUT", "DELETE", "PATCH"):
        for label, t in (("masked", M1), ("unmasked", SEC), ("tampered", TAMP), ("len31", SEC[:31])):
            p("%s_header/%s" % (m.lower(), label), method=m, cookie_header=CK, meta={"HTTP_X_CSRFTOKEN": t})
        p("%s_form_only" % m.lower(), method=m, cookie_header=CK, form=[("csrfmiddlewaretoken", M1)],
          description="request.POST is only parsed for POST: the form field is ignored")
        p("%s_no_token" % m.lower(), method=m, cookie_header=CK)
    p("post_no_token", cookie_header=CK)
    p("post_unknown_method_FOO", method="FOO", cookie_header=CK, description="any method not in GET/HEAD/OPTIONS/TRACE is checked")
    p("post_lowercase_method_get", method="get", cookie_header=CK, description="WSGIRequest upper-cases REQUEST_METHOD: 'get' is GET")
    # 6. cookie states (POST + masked header token)
    for label, ch in [
        ("none", None), ("empty_value", "csrftoken="), ("len31", "csrftoken=" + SEC[:31]), ("len33", "csrftoken=" + SEC + "a"),
        ("len63", "csrftoken=" + LEGACY[:63]), ("len65", "csrftoken=" + LEGACY + "a"), ("bad_chars", "csrftoken=" + SEC[:-1] + "-"),
        ("legacy_masked_64", "csrftoken=" + LEGACY), ("legacy_bad_char", "csrftoken=" + LEGACY[:-1] + "_"),
        ("other_secret", "csrftoken=" + OTHER), ("duplicate_names_last_good", "csrftoken=" + OTHER + "; csrftoken=" + SEC),
        ("duplicate_names_first_good", "csrftoken=" + SEC + "; csrftoken=" + OTHER), ("quoted", 'csrftoken="%s"' % SEC),
        ("spaces_around", "  csrftoken =  %s  " % SEC), ("other_cookies_too", "sessionid=abc; csrftoken=%s; theme=dark" % SEC),
        ("wrong_name", "csrf_token=" + SEC), ("case_name", "CSRFTOKEN=" + SEC),
    ]:
        kw = {"meta": {"HTTP_X_CSRFTOKEN": M1}}
        if ch is not None:
            kw["cookie_header"] = ch
        p("cookie/" + label, **kw)
    p("cookie/legacy_with_unmasked_header", cookie_header="csrftoken=" + LEGACY, meta={"HTTP_X_CSRFTOKEN": SEC})
    p("cookie/legacy_with_same_token", cookie_header="csrftoken=" + LEGACY, meta={"HTTP_X_CSRFTOKEN": LEGACY})
    p("cookie/bad_and_no_token", cookie_header="csrftoken=bad")
    # 7. token source precedence and body parsing
    p("body/field_wrong_header_right", cookie_header=CK, form=[("csrfmiddlewaretoken", TAMP)], meta={"HTTP_X_CSRFTOKEN": M1},
      description="a non-empty form field wins over the header")
    p("body/field_empty_header_right", cookie_header=CK, form=[("csrfmiddlewaretoken", "")], meta={"HTTP_X_CSRFTOKEN": M1})
    p("body/field_right_header_wrong", cookie_header=CK, form=[("csrfmiddlewaretoken", M1)], meta={"HTTP_X_CSRFTOKEN": TAMP})
    p("body/repeated_field_last_good", cookie_header=CK, form=[("csrfmiddlewaretoken", TAMP), ("csrfmiddlewaretoken", M1)])
    p("body/repeated_field_last_bad", cookie_header=CK, form=[("csrfmiddlewaretoken", M1), ("csrfmiddlewaretoken", TAMP)])
    p("body/field_in_query_string_only", cookie_header=CK, path="/?csrfmiddlewaretoken=" + M1, body="a=1",
      content_type="application/x-www-form-urlencoded")
    p("body/json_with_header", cookie_header=CK, body='{"csrfmiddlewaretoken": "%s"}' % M1, content_type="application/json",
      meta={"HTTP_X_CSRFTOKEN": M1})
    p("body/json_field_only", cookie_header=CK, body='{"csrfmiddlewaretoken": "%s"}' % M1, content_type="application/json")
    p("body/text_plain_form_looking", cookie_header=CK, body="csrfmiddlewaretoken=" + M1, content_type="text/plain")
    p("body/urlencoded_charset", cookie_header=CK, body="csrfmiddlewaretoken=%s&x=%%C3%%A9" % M1,
      content_type="application/x-www-form-urlencoded; charset=utf-8")
    p("body/urlencoded_uppercase_ctype", cookie_header=CK, body="csrfmiddlewaretoken=" + M1,
      content_type="APPLICATION/X-WWW-FORM-URLENCODED")
    p("body/percent_encoded_name_and_value", cookie_header=CK,
      body="csrf%%6Diddlewaretoken=%s%%%02X" % (M1[:-1], ord(M1[-1])), content_type="application/x-www-form-urlencoded")
    p("body/plus_in_value", cookie_header=CK, body="csrfmiddlewaretoken=" + M1[:-1] + "+", content_type="application/x-www-form-urlencoded",
      description="'+' decodes to a space: invalid characters")
    p("body/semicolon_separator", cookie_header=CK, body="a=1;csrfmiddlewaretoken=" + M1, content_type="application/x-www-form-urlencoded")
    p("body/multipart_as_file", cookie_header=CK, content_type="multipart/form-data; boundary=BoUnDaRyStRiNg",
      body=("--BoUnDaRyStRiNg\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"; filename=\"t.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n%s\r\n--BoUnDaRyStRiNg--\r\n") % M1,
      description="the token as a file part goes to request.FILES, not request.POST")
    p("body/multipart_handwritten", cookie_header=CK, content_type="multipart/form-data; boundary=xYzZY",
      body=("--xYzZY\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n%s\r\n--xYzZY--\r\n") % M1)
    p("body/multipart_bad_boundary", cookie_header=CK, content_type="multipart/form-data; boundary=nope",
      body="--xYzZY\r\nContent-Disposition: form-data; name=\"csrfmiddlewaretoken\"\r\n\r\n%s\r\n--xYzZY--\r\n" % M1,
      meta={"HTTP_X_CSRFTOKEN": M1})
    p("body/multipart_no_boundary", cookie_header=CK, content_type="multipart/form-data", body="garbage",
      meta={"HTTP_X_CSRFTOKEN": M1}, description="MultiPartParserError while reading request.POST")
    # 8. header name / cookie name settings
    X = {"CSRF_HEADER_NAME": "HTTP_X_XSRF_TOKEN"}
    p("header_name/custom_ok", settings=X, cookie_header=CK, meta={"HTTP_X_XSRF_TOKEN": M1})
    p("header_name/custom_default_header_sent", settings=X, cookie_header=CK, meta={"HTTP_X_CSRFTOKEN": M1})
    p("header_name/custom_bad_length", settings=X, cookie_header=CK, meta={"HTTP_X_XSRF_TOKEN": "abc"})
    p("header_name/custom_incorrect", settings=X, cookie_header=CK, meta={"HTTP_X_XSRF_TOKEN": TAMP})
    p("header_name/not_http_prefixed", settings={"CSRF_HEADER_NAME": "X_CSRF"}, cookie_header=CK, meta={"X_CSRF": "abc"},
      description="HttpHeaders.parse_header_name returns None for a non-HTTP_ name")
    Y = {"CSRF_COOKIE_NAME": "XSRF-TOKEN"}
    p("cookie_name/custom_ok", settings=Y, cookie_header="XSRF-TOKEN=" + SEC, meta={"HTTP_X_CSRFTOKEN": M1})
    p("cookie_name/custom_default_sent", settings=Y, cookie_header=CK, meta={"HTTP_X_CSRFTOKEN": M1})
    p("cookie_name/custom_both", settings=Y, cookie_header="csrftoken=%s; XSRF-TOKEN=%s" % (OTHER, SEC), meta={"HTTP_X_CSRFTOKEN": M1})
    # 9. HTTPS origin checks (cookie + header token are always good here)
    good = {"HTTP_X_CSRFTOKEN": M1}

    def o(id_, origin, secure=True, settings=None, meta=None, **kw):
        mm = dict(good)
        if origin is not None:
            mm["HTTP_ORIGIN"] = origin
        mm.update(meta or {})
        p("origin/" + id_, secure=secure, cookie_header=CK, meta=mm, settings=settings or {}, **kw)

    o("same", "https://testserver")
    o("http_scheme_on_https", "http://testserver")
    o("null", "null")
    o("evil", "https://evil.com")
    o("explicit_default_port", "https://testserver:443")
    o("trailing_slash", "https://testserver/")
    o("uppercase_host", "https://TESTSERVER")
    o("empty", "")
    o("unicode_host", "https://t\u00e9stserver", description="the logged message escapes non-ASCII (log_response)")
    o("http_same", "http://testserver", secure=False)
    o("http_request_https_origin", "https://testserver", secure=False)
    o("http_evil", "http://evil.com", secure=False, description="Origin is checked on plain HTTP too")
    o("host_header_example", "https://example.com", meta={"HTTP_HOST": "example.com"})
    o("host_header_subdomain", "https://www.example.com", meta={"HTTP_HOST": "www.example.com"})
    o("host_disallowed", "https://evil.com", meta={"HTTP_HOST": "evil.com"}, description="get_host() raises DisallowedHost: falls through to CSRF_TRUSTED_ORIGINS")
    o("host_disallowed_but_trusted", "https://evil.com", meta={"HTTP_HOST": "evil.com"}, settings={"CSRF_TRUSTED_ORIGINS": ["https://evil.com"]})
    o("allowed_hosts_star", "https://anything.test", meta={"HTTP_HOST": "anything.test"}, settings={"ALLOWED_HOSTS": ["*"]})
    o("port_8443_same", "https://example.com:8443", meta={"HTTP_HOST": "example.com:8443", "SERVER_PORT": "8443"})
    o("port_8443_origin_without_port", "https://example.com", meta={"HTTP_HOST": "example.com:8443", "SERVER_PORT": "8443"})
    o("server_name_port_8000", "http://testserver:8000", secure=False, meta={"SERVER_PORT": "8000"})
    T = {"CSRF_TRUSTED_ORIGINS": ["https://trusted.com"]}
    o("trusted_exact", "https://trusted.com", settings=T)
    o("trusted_exact_subdomain", "https://sub.trusted.com", settings=T)
    o("trusted_exact_http", "http://trusted.com", settings=T)
    o("trusted_exact_with_port", "https://trusted.com:443", settings=T)
    W = {"CSRF_TRUSTED_ORIGINS": ["https://*.example.com"]}
    o("wildcard_sub", "https://a.example.com", settings=W)
    o("wildcard_deep", "https://a.b.example.com", settings=W)
    o("wildcard_bare_domain", "https://example.com", settings=W, description="'*.example.com' also matches example.com itself")
    o("wildcard_suffix_trick", "https://evilexample.com", settings=W)
    o("wildcard_http", "http://a.example.com", settings=W)
    o("wildcard_port", "https://a.example.com:8443", settings=W)
    o("wildcard_uppercase", "https://A.EXAMPLE.COM", settings=W)
    o("wildcard_with_port_setting", "https://a.example.com:8443", settings={"CSRF_TRUSTED_ORIGINS": ["https://*.example.com:8443"]})
    o("wildcard_malformed_origin", "https://[::1", settings=W, description="urlsplit raises ValueError: not verified")
    o("trusted_http_scheme", "http://trusted.com", secure=False, settings={"CSRF_TRUSTED_ORIGINS": ["http://trusted.com"]})
    o("origin_and_bad_referer", "https://testserver", meta={"HTTP_REFERER": "https://evil.com/"},
      description="with an Origin header the Referer is not checked")
    o("x_forwarded_host", "https://example.com", meta={"HTTP_X_FORWARDED_HOST": "example.com"}, settings={"USE_X_FORWARDED_HOST": True})
    o("x_forwarded_host_ignored", "https://example.com", meta={"HTTP_X_FORWARDED_HOST": "example.com"})
    o("proxy_ssl_header", "https://testserver", secure=False, meta={"HTTP_X_FORWARDED_PROTO": "https"},
      settings={"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")},
      description="is_secure() is True but SERVER_PORT is 80, so get_host() is 'testserver:80' and the expected origin 'https://testserver:80'")
    o("proxy_ssl_header_port_443", "https://testserver", secure=False, meta={"HTTP_X_FORWARDED_PROTO": "https", "SERVER_PORT": "443"},
      settings={"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")})
    o("origin_good_token_bad", "https://testserver", meta={"HTTP_X_CSRFTOKEN": TAMP}, description="Origin passes, token still checked")
    o("origin_bad_token_bad", "https://evil.com", meta={"HTTP_X_CSRFTOKEN": TAMP}, description="Origin is checked first")

    # 10. HTTPS referer checks (no Origin header)
    def r(id_, referer, settings=None, meta=None, **kw):
        mm = dict(good)
        if referer is not None:
            mm["HTTP_REFERER"] = referer
        mm.update(meta or {})
        p("referer/" + id_, secure=kw.pop("secure", True), cookie_header=kw.pop("cookie_header", CK), meta=mm,
          settings=settings or {}, **kw)

    r("missing", None)
    r("same_host", "https://testserver/some/path?q=1")
    r("same_host_root", "https://testserver")
    r("insecure", "http://testserver/")
    r("not_a_url", "not a url")
    r("scheme_only", "https://")
    r("no_scheme", "//testserver/")
    r("bad_ipv6", "https://[::1/")
    r("evil", "https://evil.com/")
    r("evil_path_lookalike", "https://evil.com/https://testserver/")
    r("explicit_default_port", "https://testserver:443/")
    r("uppercase", "https://TESTSERVER/")
    r("userinfo", "https://user:pass@testserver/")
    r("ftp_scheme", "ftp://testserver/")
    r("unicode", "https://t\u00e9stserver/")
    r("http_request_no_referer", None, secure=False, description="plain HTTP: referer not checked")
    r("http_request_bad_referer", "https://evil.com/", secure=False)
    r("trusted_exact", "https://trusted.com/x", settings=T)
    r("trusted_scheme_ignored", "https://trusted.com/x", settings={"CSRF_TRUSTED_ORIGINS": ["http://trusted.com"]},
      description="for the Referer check only the netloc of CSRF_TRUSTED_ORIGINS is used")
    r("trusted_wildcard", "https://a.example.com/", settings=W)
    r("trusted_wildcard_bare", "https://example.com/", settings=W)
    r("trusted_wildcard_evil", "https://evilexample.com/", settings=W)
    D = {"CSRF_COOKIE_DOMAIN": ".example.com"}
    hm = {"HTTP_HOST": "www.example.com"}
    r("cookie_domain_sibling", "https://other.example.com/", settings=D, meta=hm)
    r("cookie_domain_bare", "https://example.com/", settings=D, meta=hm)
    r("cookie_domain_evil", "https://evil.com/", settings=D, meta=hm)
    r("cookie_domain_host_itself", "https://www.example.com/", settings=D, meta=hm)
    r("cookie_domain_no_dot", "https://sub.example.com/", settings={"CSRF_COOKIE_DOMAIN": "example.com"}, meta=hm)
    r("cookie_domain_no_dot_exact", "https://example.com/", settings={"CSRF_COOKIE_DOMAIN": "example.com"}, meta=hm)
    pm = {"HTTP_HOST": "www.example.com:8443", "SERVER_PORT": "8443"}
    r("cookie_domain_port_ok", "https://a.example.com:8443/", settings=D, meta=pm)
    r("cookie_domain_port_missing", "https://a.example.com/", settings=D, meta=pm)
    r("cookie_domain_port_80", "https://a.example.com/", settings=D, meta={"HTTP_HOST": "www.example.com", "SERVER_PORT": "80"})
    r("host_port_ok", "https://example.com:8443/", meta={"HTTP_HOST": "example.com:8443", "SERVER_PORT": "8443"})
    r("host_port_missing", "https://example.com/", meta={"HTTP_HOST": "example.com:8443", "SERVER_PORT": "8443"})
    r("host_disallowed", "https://evil.com/", meta={"HTTP_HOST": "evil.com"})
    r("host_disallowed_referer_same", "https://evil.com/", meta={"HTTP_HOST": "evil.com"}, settings={"ALLOWED_HOSTS": ["*"]})
    S = {"CSRF_USE_SESSIONS": True, "SESSION_COOKIE_DOMAIN": ".example.com"}
    r("sessions_session_cookie_domain", "https://other.example.com/", settings=S, meta=hm, session={"_csrftoken": SEC})
    r("sessions_ignore_csrf_cookie_domain", "https://other.example.com/", settings={"CSRF_USE_SESSIONS": True, "CSRF_COOKIE_DOMAIN": ".example.com"},
      meta=hm, session={"_csrftoken": SEC})
    r("proxy_ssl_header_no_referer", None, secure=False, meta={"HTTP_X_FORWARDED_PROTO": "https"},
      settings={"SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https")})
    r("referer_ok_token_missing", "https://testserver/", meta={"HTTP_X_CSRFTOKEN": None})
    # 11. CSRF_USE_SESSIONS
    U = {"CSRF_USE_SESSIONS": True}
    p("sessions/ok_header", settings=U, session={"_csrftoken": SEC}, meta={"HTTP_X_CSRFTOKEN": M1})
    p("sessions/ok_form", settings=U, session={"_csrftoken": SEC}, form=[("csrfmiddlewaretoken", SEC)])
    p("sessions/no_secret", settings=U, session={"cart": [1]}, meta={"HTTP_X_CSRFTOKEN": M1})
    p("sessions/legacy_64", settings=U, session={"_csrftoken": LEGACY}, meta={"HTTP_X_CSRFTOKEN": M1})
    p("sessions/short_secret", settings=U, session={"_csrftoken": "short"}, meta={"HTTP_X_CSRFTOKEN": M1},
      description="the session secret is not format-checked")
    p("sessions/bad_chars_64", settings=U, session={"_csrftoken": "-" * 64}, meta={"HTTP_X_CSRFTOKEN": M1},
      description="a 64-char session secret is unmasked without a format check: ValueError escapes")
    p("sessions/cookie_ignored", settings=U, session={}, cookie_header=CK, meta={"HTTP_X_CSRFTOKEN": M1})
    p("sessions/get_with_get_token", settings=U, method="GET", session={}, view_actions=["get_token"])
    p("sessions/get_with_get_token_existing", settings=U, method="GET", session={"_csrftoken": SEC}, view_actions=["get_token"])
    p("sessions/non_string_secret", settings=U, session={"_csrftoken": 12345}, meta={"HTTP_X_CSRFTOKEN": M1})
    # 12. exempt / test flags / rotation
    p("exempt/post_no_token", csrf_exempt=True, cookie_header=CK)
    p("exempt/post_bad_cookie", csrf_exempt=True, cookie_header="csrftoken=bad")
    p("exempt/dont_enforce", dont_enforce=True, cookie_header=CK)
    p("exempt/dont_enforce_no_cookie", dont_enforce=True)
    p("rotate/accepted_then_rotate", cookie_header=CK, meta={"HTTP_X_CSRFTOKEN": M1}, view_actions=["rotate_token"])
    p("rotate/accepted_then_get_token", cookie_header=CK, meta={"HTTP_X_CSRFTOKEN": M1}, view_actions=["get_token"])
    p("rotate/rejected_bad_cookie", cookie_header="csrftoken=bad", meta={"HTTP_X_CSRFTOKEN": M1},
      description="the 403 response still carries the new cookie")
    # clean up None header values (used to drop the default good token)
    for d in P:
        if "meta" in d:
            d["meta"] = {k: v for k, v in d["meta"].items() if v is not None}
    return P


def gen_all():
    from django.conf import global_settings
    from django.middleware import csrf

    consts = {k: getattr(csrf, k) for k in dir(csrf) if k.startswith("REASON_")}
    consts.update({
        "CSRF_SECRET_LENGTH": csrf.CSRF_SECRET_LENGTH,
        "CSRF_TOKEN_LENGTH": csrf.CSRF_TOKEN_LENGTH,
        "CSRF_ALLOWED_CHARS": csrf.CSRF_ALLOWED_CHARS,
        "CSRF_SESSION_KEY": csrf.CSRF_SESSION_KEY,
        "invalid_token_chars_re": csrf.invalid_token_chars_re.pattern,
        "log_format": "Forbidden (%s): %s  (reason, request.path; args escaped with unicode_escape)",
        "logger": "django.security.csrf",
        "defaults": {k: getattr(global_settings, k) for k in dir(global_settings) if k.startswith("CSRF_")},
    })
    gt = [run_process(sc, 5000 + i) for i, sc in enumerate(get_token_cases())]
    pr = [run_process(sc, 6000 + i) for i, sc in enumerate(process_cases())]
    return {
        "meta": None,
        "constants": consts,
        "fixed_values": {"SEC": SEC, "OTHER": OTHER, "MASK_1": MASK_1, "MASK_2": MASK_2, "MASK_3": MASK_3},
        "mask": gen_mask(),
        "unmask": gen_unmask(),
        "does_token_match": gen_does_token_match(),
        "check_token_format": gen_check_token_format(),
        "bad_token_message": gen_bad_token_message(),
        "get_token": gt,
        "process": pr,
    }


def meta_extra():
    return {
        "request_factory": "django.test.RequestFactory().generic(method, path, data=body, content_type=..., secure=..., **meta); "
                           "SERVER_NAME 'testserver', SERVER_PORT '80' ('443' when secure), REMOTE_ADDR 127.0.0.1",
        "middleware_order": "process_request -> process_view(view) -> view (only if not rejected) -> process_response",
        "failure_view": "default CSRF_FAILURE_VIEW django.views.csrf.csrf_failure (403)",
        "session_engine_for_CSRF_USE_SESSIONS": "django.contrib.sessions.backends.db, key " + O.FIXED_KEY_2,
    }
