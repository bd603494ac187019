"""
auth_vectors.json: django.contrib.auth's session protocol (Django 5.2).

Real User rows in an in-memory SQLite database, real password hashes made by
Django's hashers (fixed salts), the real db session engine, and the real
get_user / login / logout / update_session_auth_hash functions.  Session
flush() and cycle_key() calls are observed through thin wrappers that call
the real methods.
"""

import copy

import oracle_common as O

MODEL = "django.contrib.auth.backends.ModelBackend"
ALLOW_ALL = "django.contrib.auth.backends.AllowAllUsersModelBackend"
REMOTE = "django.contrib.auth.backends.RemoteUserBackend"
MISSING_BACKEND = "oracle_missing_module.NoSuchBackend"
KEY_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"

ALT_SECRET = "\u043a\u043b\u044e\u0447-\U0001F511-oracle2-unicode-secret"
LONG_SECRET = "L" * 200

# (id, username, plaintext or None, hasher, salt, is_active)
USER_SPECS = [
    (1, "alice", "correct horse battery staple", "pbkdf2_sha256", "oraclesaltAlice0000000", True),
    (2, "bob", "hunter2", "pbkdf2_sha256", "oraclesaltBob000000000", True),
    (3, "carol", "carol-pass", "pbkdf2_sha256", "oraclesaltCarol0000000", False),
    (4, "dave", None, None, None, True),  # unusable password (make_password(None))
    (5, "erin", "", "raw", None, True),  # password field is the empty string
    (6, "frank", "p\u00e4ssw\u00f6rd-\U0001F511", "pbkdf2_sha256", "oraclesaltFrank0000000", True),
    (7, "grace", "grace-pass", "scrypt", "oraclesaltGrace0000000", True),
    (8, "heidi", "heidi-pass", "pbkdf2_sha1", "oraclesaltHeidi0000000", True),
]

USERS = []  # filled by make_users(): list of dict rows


def make_users():
    from django.contrib.auth.hashers import make_password

    rows = []
    with O.controlled_random(1001) as rnd:
        for uid, name, pw, hasher, salt, active in USER_SPECS:
            if pw is None:
                enc = make_password(None)
                how = "make_password(None)"
            elif hasher == "raw":
                enc = pw
                how = "password field set directly to %r" % pw
            else:
                enc = make_password(pw, salt=salt, hasher=hasher)
                how = "make_password(%r, salt=%r, hasher=%r)" % (pw, salt, hasher)
            rows.append({"id": uid, "username": name, "password": enc, "is_active": active,
                         "plaintext": pw, "made_with": how})
    USERS[:] = rows
    return rnd.draws


def reset_db(extra_users=()):
    from django.contrib.auth.models import User
    from django.contrib.sessions.models import Session

    Session.objects.all().delete()
    User.objects.all().delete()
    for r in USERS + list(extra_users):
        User.objects.create(id=r["id"], username=r["username"], password=r["password"], is_active=r["is_active"])


def user_row(uid):
    return next(r for r in USERS if r["id"] == uid)


def hash_for(password, secret=None):
    """The real AbstractBaseUser._get_session_auth_hash for a password string."""
    from django.contrib.auth.models import User

    return User(password=password)._get_session_auth_hash(secret=secret)


# ---------------------------------------------------------------------------
def gen_session_auth_hash():
    from django.contrib.auth.models import User
    from django.test import override_settings

    pwds = [("alice_pbkdf2", user_row(1)["password"]),
            ("frank_unicode_plaintext_pbkdf2", user_row(6)["password"]),
            ("grace_scrypt", user_row(7)["password"]),
            ("heidi_pbkdf2_sha1", user_row(8)["password"]),
            ("dave_unusable", user_row(4)["password"]),
            ("empty", ""),
            ("unusable_bare", "!"),
            ("raw_unicode_field", "\u043f\u0430\u0440\u043e\u043b\u044c-\u00e9-\U0001F600"),
            ("long_1000", "x" * 1000),
            ("legacy_md5_format", "md5$oraclesalt$0123456789abcdef0123456789abcdef")]
    secrets = [("settings", O.SECRET_KEY, O.SECRET_KEY_FALLBACKS),
               ("unicode_secret", ALT_SECRET, []),
               ("long_secret", LONG_SECRET, ["fallback-one", O.SECRET_KEY])]
    out = []
    for pid, pw in pwds:
        for sid, sk, fb in secrets:
            with override_settings(SECRET_KEY=sk, SECRET_KEY_FALLBACKS=fb):
                u = User(password=pw)
                out.append({
                    "id": "%s/%s" % (pid, sid), "password": pw, "SECRET_KEY": sk,
                    "SECRET_KEY_FALLBACKS": fb,
                    "get_session_auth_hash": O.outcome(u.get_session_auth_hash),
                    "get_session_auth_fallback_hash": O.outcome(lambda: list(u.get_session_auth_fallback_hash())),
                })
    # errors
    with override_settings(SECRET_KEY="", SECRET_KEY_FALLBACKS=[]):
        u = User(password=user_row(1)["password"])
        out.append({"id": "alice_pbkdf2/empty_SECRET_KEY", "password": u.password, "SECRET_KEY": "",
                    "SECRET_KEY_FALLBACKS": [],
                    "get_session_auth_hash": O.outcome(u.get_session_auth_hash),
                    "get_session_auth_fallback_hash": O.outcome(lambda: list(u.get_session_auth_fallback_hash()))})
    with override_settings(SECRET_KEY=O.SECRET_KEY, SECRET_KEY_FALLBACKS=[""]):
        u = User(password=user_row(1)["password"])
        out.append({"id": "alice_pbkdf2/empty_fallback", "password": u.password, "SECRET_KEY": O.SECRET_KEY,
                    "SECRET_KEY_FALLBACKS": [""],
                    "get_session_auth_hash": O.outcome(u.get_session_auth_hash),
                    "get_session_auth_fallback_hash": O.outcome(lambda: list(u.get_session_auth_fallback_hash()))})
    return out


# ---------------------------------------------------------------------------
# scenario machinery
# ---------------------------------------------------------------------------
class Calls:
    """Record flush()/cycle_key() calls on a session while calling the real methods."""

    def __init__(self, session):
        self.calls = []
        for name in ("flush", "cycle_key"):
            real = getattr(session, name)

            def wrapper(*a, _real=real, _name=name, **kw):
                self.calls.append(_name)
                return _real(*a, **kw)

            setattr(session, name, wrapper)


def precreate(key, data):
    from django.contrib.sessions.backends.db import SessionStore

    s = SessionStore(key)
    s.save(must_create=True)
    s.update(data)
    s.save()
    assert s.session_key == key


def session_state(s):
    try:
        cache = copy.deepcopy(s._session_cache)
        loaded = True
    except AttributeError:
        cache, loaded = None, False
    return {"session_key": s.session_key, "data": cache, "loaded": loaded,
            "accessed": s.accessed, "modified": s.modified}


def user_result(u):
    from django.contrib.auth.models import AnonymousUser

    if isinstance(u, AnonymousUser):
        return {"anonymous": True}
    return {"user_id": u.pk, "username": u.username, "is_authenticated": u.is_authenticated}


def settings_of(sc):
    s = {"SECRET_KEY": O.SECRET_KEY, "SECRET_KEY_FALLBACKS": O.SECRET_KEY_FALLBACKS,
         "AUTHENTICATION_BACKENDS": [MODEL]}
    s.update(sc.get("settings", {}))
    return s


def resolve_hash(spec, settings):
    """Session hash values are computed by the real User method, then recorded
    literally in the vector."""
    if not isinstance(spec, dict):
        return spec
    pw = user_row(spec["user"])["password"] if "user" in spec else spec["password"]
    if spec.get("secret") == "fallback":
        h = hash_for(pw, secret=settings["SECRET_KEY_FALLBACKS"][spec.get("index", 0)])
    elif "secret" in spec:
        h = hash_for(pw, secret=spec["secret"])
    else:
        h = hash_for(pw)
    if spec.get("upper"):
        h = h.upper()
    if spec.get("truncate"):
        h = h[: spec["truncate"]]
    return h


def build_session(sc, settings):
    data = {}
    for k, v in sc.get("session", {}).items():
        data[k] = resolve_hash(v, settings) if k == "_auth_user_hash" else v
    return data


def run_get_user(sc, seed):
    from django.contrib import auth
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.test import RequestFactory, override_settings

    settings = settings_of(sc)
    with override_settings(**settings), O.frozen(), O.controlled_random(seed) as rnd:
        reset_db()
        data = build_session(sc, settings)
        precreate(O.FIXED_KEY_1, data)
        request = RequestFactory().get("/")
        request.session = SessionStore(O.FIXED_KEY_1)
        calls = Calls(request.session)
        res = O.outcome(lambda: auth.get_user(request), user_result)
        after = session_state(request.session)
        rows = sorted(Session.objects.values_list("session_key", flat=True))
    return {
        "id": sc["id"], "description": sc.get("description", ""),
        "settings": settings,
        "session_before": data, "session_key_before": O.FIXED_KEY_1,
        "expected": {
            "result": res,
            "session_calls": calls.calls,
            "flushed": "flush" in calls.calls,
            "cycled": "cycle_key" in calls.calls,
            "session_after": after,
            "db_session_keys_after": rows,
            "random_draws": rnd.draws,
        },
    }


GU = []


def gu(id_, session, description="", **kw):
    d = {"id": id_, "session": session, "description": description}
    d.update(kw)
    GU.append(d)


def get_user_scenarios():
    GU.clear()
    A = {"user": 1}
    gu("no_keys", {}, "empty session")
    gu("unrelated_keys_only", {"cart": [1, 2], "theme": "dark"})
    gu("ok_alice", {"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": A}, "hash matches")
    gu("ok_alice_extra_data", {"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": A, "cart": [101, 205]})
    gu("missing_backend_key", {"_auth_user_id": "1", "_auth_user_hash": A}, "KeyError on _auth_user_backend is swallowed")
    gu("missing_user_id_key", {"_auth_user_backend": MODEL, "_auth_user_hash": A})
    gu("backend_not_in_settings", {"_auth_user_id": "1", "_auth_user_backend": ALLOW_ALL, "_auth_user_hash": A}, "backend path not in AUTHENTICATION_BACKENDS: anonymous, session untouched")
    gu("backend_unknown_string", {"_auth_user_id": "1", "_auth_user_backend": "myapp.backends.Nope", "_auth_user_hash": A})
    gu("backend_not_a_string", {"_auth_user_id": "1", "_auth_user_backend": 1, "_auth_user_hash": A})
    gu("backend_in_settings_but_missing_module", {"_auth_user_id": "1", "_auth_user_backend": MISSING_BACKEND, "_auth_user_hash": A},
       "import error propagates", settings={"AUTHENTICATION_BACKENDS": [MODEL, MISSING_BACKEND]})
    gu("backend_second_in_list", {"_auth_user_id": "1", "_auth_user_backend": ALLOW_ALL, "_auth_user_hash": A},
       settings={"AUTHENTICATION_BACKENDS": [MODEL, ALLOW_ALL]})
    gu("user_missing", {"_auth_user_id": "99", "_auth_user_backend": MODEL, "_auth_user_hash": A}, "no such row: anonymous, no flush")
    gu("user_inactive_modelbackend", {"_auth_user_id": "3", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 3}}, "ModelBackend.user_can_authenticate refuses is_active=False")
    gu("user_inactive_allowall", {"_auth_user_id": "3", "_auth_user_backend": ALLOW_ALL, "_auth_user_hash": {"user": 3}},
       settings={"AUTHENTICATION_BACKENDS": [ALLOW_ALL]})
    gu("user_inactive_allowall_bad_hash", {"_auth_user_id": "3", "_auth_user_backend": ALLOW_ALL, "_auth_user_hash": A},
       settings={"AUTHENTICATION_BACKENDS": [ALLOW_ALL]})
    gu("hash_missing", {"_auth_user_id": "1", "_auth_user_backend": MODEL}, "no hash key: flush")
    gu("hash_empty", {"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": ""})
    gu("hash_none", {"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": None})
    gu("hash_mismatch_other_user", {"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 2}}, "flush, anonymous")
    gu("hash_mismatch_uppercase", {"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 1, "upper": True}}, "comparison is case-sensitive")
    gu("hash_mismatch_truncated", {"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 1, "truncate": 63}})
    gu("hash_not_a_string", {"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": 12345}, "constant_time_compare on an int")
    gu("hash_password_changed", {"_auth_user_id": "2", "_auth_user_backend": MODEL, "_auth_user_hash": {"password": "pbkdf2_sha256$1000000$oldsalt$oldhash="}}, "hash of the old password field")
    gu("hash_fallback_0", {"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 1, "secret": "fallback", "index": 0}}, "made under SECRET_KEY_FALLBACKS[0]: cycle_key and hash renewed")
    gu("hash_fallback_1", {"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 1, "secret": "fallback", "index": 1}, "cart": [1]})
    gu("hash_old_secret_not_in_fallbacks", {"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 1, "secret": "some-retired-secret"}})
    gu("hash_fallback_but_fallbacks_empty", {"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 1, "secret": "edge-oracle2-old-key-A"}},
       settings={"SECRET_KEY_FALLBACKS": []})
    gu("rotated_secret_key", {"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 1, "secret": O.SECRET_KEY}},
       "SECRET_KEY rotated; the old one is now a fallback", settings={"SECRET_KEY": "edge-oracle2-NEW-secret-key", "SECRET_KEY_FALLBACKS": [O.SECRET_KEY]})
    gu("unusable_password_user", {"_auth_user_id": "4", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 4}})
    gu("empty_password_user", {"_auth_user_id": "5", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 5}})
    gu("unicode_password_user", {"_auth_user_id": "6", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 6}})
    gu("scrypt_user", {"_auth_user_id": "7", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 7}})
    # _auth_user_id forms (AutoField.to_python = int(value), ValidationError otherwise)
    for label, val in [("int_1", 1), ("space_1", " 1"), ("1_space_newline", "1\n"), ("plus_1", "+1"), ("leading_zero", "01"),
                       ("underscore_0_1", "0_1"), ("arabic_indic_1", "\u0661"), ("fullwidth_1", "\uff11"),
                       ("float_1.0", 1.0), ("float_1.5", 1.5), ("true", True), ("false", False), ("negative", "-1"),
                       ("zero", "0"), ("abc", "abc"), ("str_1.0", "1.0"), ("empty", ""), ("none", None),
                       ("huge", "99999999999999999999"), ("int64_max", "9223372036854775807"),
                       ("int64_max_plus_1", "9223372036854775808"), ("list", [1]), ("dict", {"id": 1}),
                       ("hex", "0x1"), ("exp", "1e0")]:
        gu("user_id_" + label, {"_auth_user_id": val, "_auth_user_backend": MODEL, "_auth_user_hash": A})
    return GU


# ---------------------------------------------------------------------------
def run_login(sc, seed):
    from django.contrib import auth
    from django.contrib.auth.models import AnonymousUser, User
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.test import RequestFactory, override_settings

    settings = settings_of(sc)
    with override_settings(**settings), O.frozen(), O.controlled_random(seed) as rnd:
        reset_db()
        data = build_session(sc, settings)
        key = O.FIXED_KEY_1 if sc.get("has_session_row", True) else None
        if key:
            precreate(key, data)
        request = RequestFactory().get("/")
        request.session = SessionStore(key)
        if sc.get("request_user", "anonymous") == "anonymous":
            request.user = AnonymousUser()
        elif isinstance(sc.get("request_user"), int):
            request.user = User.objects.get(pk=sc["request_user"])
        if "csrf_cookie_before" in sc:
            request.META["CSRF_COOKIE"] = sc["csrf_cookie_before"]
        calls = Calls(request.session)
        op = sc.get("op", "login")
        user = None
        if op in ("login", "update_session_auth_hash"):
            user = User.objects.get(pk=sc["user"]) if sc.get("user") is not None else None
            if user is not None and "user_backend_attr" in sc:
                user.backend = sc["user_backend_attr"]
            if user is not None and "user_password_now" in sc:
                user.password = sc["user_password_now"]
                user.save(update_fields=["password"])
        import warnings

        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            if op == "login":
                kwargs = {"backend": sc["backend"]} if "backend" in sc else {}
                res = O.outcome(lambda: auth.login(request, user, **kwargs))
            elif op == "logout":
                res = O.outcome(lambda: auth.logout(request))
            elif op == "update_session_auth_hash":
                res = O.outcome(lambda: auth.update_session_auth_hash(request, user))
        warns = [str(x.message) for x in w]
        after = session_state(request.session)
        rows = sorted(Session.objects.values_list("session_key", flat=True))
        ru = getattr(request, "user", None)
        out = {
            "result": res,
            "session_calls": calls.calls,
            "flushed": "flush" in calls.calls,
            "cycled": "cycle_key" in calls.calls,
            "session_after": after,
            "db_session_keys_after": rows,
            "request_user_after": None if ru is None else user_result(ru),
            "csrf": {
                "CSRF_COOKIE": request.META.get("CSRF_COOKIE"),
                "CSRF_COOKIE_NEEDS_UPDATE": request.META.get("CSRF_COOKIE_NEEDS_UPDATE"),
                "rotated": request.META.get("CSRF_COOKIE") != sc.get("csrf_cookie_before"),
            },
            "warnings": warns,
            "random_draws": rnd.draws,
        }
        if user is not None:
            ll = User.objects.get(pk=user.pk).last_login
            out["user_last_login_after"] = None if ll is None else ll.isoformat()
    return {
        "id": sc["id"], "op": op, "description": sc.get("description", ""),
        "settings": settings,
        "session_before": data if key else None, "session_key_before": key,
        "request_user_before": sc.get("request_user", "anonymous"),
        "user": sc.get("user"), "backend_arg": sc.get("backend", "<not passed>"),
        "user_backend_attr": sc.get("user_backend_attr"),
        "csrf_cookie_before": sc.get("csrf_cookie_before"),
        "expected": out,
    }


CSRF_BEFORE = "Kq3sTn8ZpW2xYb7LmV4cR9dF6gH1jE5u"


def login_scenarios():
    A = {"user": 1}
    L = []

    def add(id_, **kw):
        d = {"id": id_}
        d.update(kw)
        L.append(d)

    add("anonymous_with_data", session={"cart": [101, 205], "theme": "dark"}, user=1, csrf_cookie_before=CSRF_BEFORE,
        description="no _auth_user_id: cycle_key keeps the data under a new key")
    add("anonymous_no_session_row", has_session_row=False, session={}, user=1,
        description="SessionStore(None): cycle_key creates a key")
    add("anonymous_empty_session", session={}, user=1)
    add("same_user_matching_hash", session={"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": A, "cart": [1]}, user=1,
        request_user=1, description="same user, same hash: neither flush nor cycle_key (key kept)")
    add("same_user_int_id_matching_hash", session={"_auth_user_id": 1, "_auth_user_backend": MODEL, "_auth_user_hash": A}, user=1)
    add("same_user_stale_hash", session={"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 2}, "cart": [1]}, user=1,
        description="same user, different hash: flush")
    add("same_user_missing_hash", session={"_auth_user_id": "1", "_auth_user_backend": MODEL, "cart": [1]}, user=1)
    add("same_user_fallback_hash", session={"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 1, "secret": "fallback"}}, user=1,
        description="login() does not consult SECRET_KEY_FALLBACKS: flush")
    add("other_user", session={"_auth_user_id": "2", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 2}, "cart": [1]}, user=1, request_user=2,
        description="a different user was logged in: flush")
    add("other_user_string_compare", session={"_auth_user_id": " 1", "_auth_user_backend": MODEL, "_auth_user_hash": A}, user=1,
        description="' 1' converts to 1 (int()), so it is the same user")
    add("bad_user_id_in_session", session={"_auth_user_id": "abc", "_auth_user_backend": MODEL}, user=1,
        description="to_python raises ValidationError, login raises")
    add("backend_explicit_allowall_not_in_settings", session={}, user=1, backend=ALLOW_ALL,
        description="any dotted path string is stored, even one not in AUTHENTICATION_BACKENDS")
    add("backend_explicit_model", session={}, user=2, backend=MODEL)
    add("backend_from_user_attr", session={}, user=2, user_backend_attr=ALLOW_ALL, settings={"AUTHENTICATION_BACKENDS": [MODEL, ALLOW_ALL]},
        description="user.backend (set by authenticate()) wins when backend is not passed")
    add("backend_arg_beats_user_attr", session={}, user=2, user_backend_attr=ALLOW_ALL, backend=MODEL,
        settings={"AUTHENTICATION_BACKENDS": [MODEL, ALLOW_ALL]})
    add("multiple_backends_no_backend", session={}, user=2, settings={"AUTHENTICATION_BACKENDS": [MODEL, ALLOW_ALL]},
        description="ValueError; note the session was already cycled")
    add("backend_not_a_string", session={}, user=2, backend=1)
    add("inactive_user", session={}, user=3, description="login() does not check is_active")
    add("unusable_password_user", session={}, user=4)
    add("empty_password_user", session={}, user=5, description="empty password field: hash of ''")
    add("user_none_falls_back_to_request_user", session={"cart": [1]}, user=None, request_user=2,
        description="deprecated: user=None uses request.user (RemovedInDjango61Warning)")
    add("no_request_user_attr", session={}, user=1, request_user=None)
    add("rotated_secret", session={}, user=1, settings={"SECRET_KEY": "edge-oracle2-NEW-secret-key", "SECRET_KEY_FALLBACKS": [O.SECRET_KEY]})
    # logout
    add("logout_logged_in", op="logout", session={"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": A, "cart": [1]},
        request_user=1, csrf_cookie_before=CSRF_BEFORE, description="flush; CSRF not rotated")
    add("logout_anonymous_with_data", op="logout", session={"cart": [1], "theme": "dark"})
    add("logout_no_request_user", op="logout", session={"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": A}, request_user=None)
    add("logout_no_session_row", op="logout", has_session_row=False, session={})
    # update_session_auth_hash (password change view)
    add("update_session_auth_hash_same_user", op="update_session_auth_hash",
        session={"_auth_user_id": "2", "_auth_user_backend": MODEL, "_auth_user_hash": {"user": 2}}, user=2, request_user=2,
        user_password_now="pbkdf2_sha256$1000000$newsalt$newhash=",
        description="cycle_key, then the hash of the new password")
    add("update_session_auth_hash_other_user", op="update_session_auth_hash",
        session={"_auth_user_id": "1", "_auth_user_backend": MODEL, "_auth_user_hash": A}, user=2, request_user=1,
        description="request.user != user: cycle_key only")
    return L


# ---------------------------------------------------------------------------
def gen_roundtrip():
    """login() on one request, SessionStore.save(), then get_user() on the next
    request carrying the same session key; then a password change."""
    from django.contrib import auth
    from django.contrib.auth.models import AnonymousUser, User
    from django.contrib.sessions.backends.db import SessionStore
    from django.test import RequestFactory, override_settings

    out = []
    settings = settings_of({})
    with override_settings(**settings), O.frozen(), O.controlled_random(7001) as rnd:
        reset_db()
        r1 = RequestFactory().get("/")
        r1.session = SessionStore(None)
        r1.user = AnonymousUser()
        auth.login(r1, User.objects.get(pk=1))
        r1.session.save()
        key = r1.session.session_key
        stored = dict(SessionStore(key).load())
        r2 = RequestFactory().get("/")
        r2.session = SessionStore(key)
        u2 = user_result(auth.get_user(r2))
        u = User.objects.get(pk=1)
        u.set_password("new password")  # real hasher, salt from the controlled random source
        u.save()
        r3 = RequestFactory().get("/")
        r3.session = SessionStore(key)
        calls = Calls(r3.session)
        u3 = user_result(auth.get_user(r3))
        out.append({
            "id": "login_save_get_user_then_password_change",
            "settings": settings,
            "stored_session_after_login": stored,
            "session_key": key,
            "get_user_next_request": u2,
            "new_password_field": u.password,
            "get_user_after_password_change": u3,
            "session_calls_after_password_change": calls.calls,
            "session_after_password_change": session_state(r3.session),
            "random_draws": rnd.draws,
        })
    return out


def gen_all():
    from django.conf import global_settings

    draws = make_users()
    gus = [run_get_user(sc, 2000 + i) for i, sc in enumerate(get_user_scenarios())]
    logins = [run_login(sc, 3000 + i) for i, sc in enumerate(login_scenarios())]
    return {
        "meta": None,
        "constants": {
            "SESSION_KEY": "_auth_user_id",
            "BACKEND_SESSION_KEY": "_auth_user_backend",
            "HASH_SESSION_KEY": "_auth_user_hash",
            "session_auth_hash_key_salt": KEY_SALT,
            "session_auth_hash_algorithm": "sha256 (salted_hmac(...).hexdigest(), 64 lower-case hex chars)",
            "default_AUTHENTICATION_BACKENDS": list(global_settings.AUTHENTICATION_BACKENDS),
            "default_AUTH_USER_MODEL": global_settings.AUTH_USER_MODEL,
            "default_PASSWORD_HASHERS": list(global_settings.PASSWORD_HASHERS),
            "user_pk_field": "AutoField (to_python = int(value); TypeError/ValueError -> ValidationError)",
        },
        "users": [{k: v for k, v in r.items()} for r in USERS],
        "users_random_draws": draws,
        "session_auth_hash": gen_session_auth_hash(),
        "get_user": gus,
        "login_logout": logins,
        "roundtrip": gen_roundtrip(),
    }


def meta_extra():
    return {"session_engine": "django.contrib.sessions.backends.db",
            "request": "django.test.RequestFactory().get('/') with request.session = SessionStore(key)"}
