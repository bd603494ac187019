"""JSON views over request.session and request.user, mirrored one for one
by app.mjs (the edge), plus what only the tests need (under /test/).

The JSON views are csrf_exempt: they are the test client's API. /form is
not: its GET renders {% csrf_token %}, its POST goes through Django's
CsrfViewMiddleware as any form does.
"""
import json
import logging
import pickle
import threading
from datetime import datetime

from django.contrib import auth
from django.contrib.auth import get_user_model
from django.core import signing
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST


def _body(request):
    return json.loads(request.body or b"{}")


def _state(session):
    # "data" first: loading may drop an unknown key, so read the key after it.
    data = dict(session.items())
    return {
        "data": data,
        "key": session.session_key,
        "expiry_age": session.get_expiry_age(),
        "expiry_date": session.get_expiry_date().isoformat(),
        "browser_close": session.get_expire_at_browser_close(),
    }


@require_GET
def session(request):
    return JsonResponse(_state(request.session))


@csrf_exempt
@require_POST
def set_keys(request):
    request.session.update(_body(request))
    return JsonResponse(_state(request.session))


@csrf_exempt
@require_POST
def cart_add(request):
    cart = request.session.get("cart", [])
    cart.append(_body(request)["item"])
    request.session["cart"] = cart
    return JsonResponse(_state(request.session))


@csrf_exempt
@require_POST
def expiry(request):
    """{"seconds": n} (0 = at browser close) or {"date": "<ISO 8601>"}."""
    body = _body(request)
    if "date" in body:
        request.session.set_expiry(datetime.fromisoformat(body["date"]))
    else:
        request.session.set_expiry(body["seconds"])
    return JsonResponse(_state(request.session))


@csrf_exempt
@require_POST
def flush(request):
    request.session.flush()
    return JsonResponse(_state(request.session))


@csrf_exempt
@require_POST
def login(request):
    """{"username", "password"}: authenticate() then login(); {"username"}
    alone: login() without the password check (no hashing: the tests log in
    often), as the edge's /login does."""
    body = _body(request)
    if "password" in body:
        user = auth.authenticate(request, username=body["username"], password=body["password"])
        if user is None:
            return JsonResponse({"error": "bad credentials"}, status=403)
        auth.login(request, user)
    else:
        user = get_user_model().objects.get(username=body["username"])
        auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return JsonResponse(_state(request.session))


@csrf_exempt
@require_POST
def logout(request):
    auth.logout(request)
    return JsonResponse(_state(request.session))


@require_GET
def whoami(request):
    # request.user runs auth.get_user: it checks _auth_user_hash against the
    # user's password hash (and SECRET_KEY_FALLBACKS), flushing on a mismatch.
    user = request.user
    return JsonResponse({
        "authenticated": user.is_authenticated,
        "id": str(user.pk) if user.is_authenticated else None,
        "username": user.get_username() if user.is_authenticated else None,
        **_state(request.session),
    })


@require_http_methods(["GET", "POST"])
def form(request):
    """GET: a form with {% csrf_token %}; POST: accepted once CsrfViewMiddleware let it through."""
    if request.method == "POST":
        return JsonResponse({"accepted": True, "note": request.POST.get("note")})
    return render(request, "form.html")


# --- what only the tests need ------------------------------------------------------------


@csrf_exempt
@require_POST
def verify(request):
    """Whether a token verifies under exactly one key (no fallbacks)."""
    body = _body(request)
    try:
        signing.loads(body["token"], key=body["key"], salt=body["salt"], fallback_keys=[])
    except signing.BadSignature:
        return JsonResponse({"ok": False})
    return JsonResponse({"ok": True})


@csrf_exempt
@require_POST
def pickled(request):
    """The bytes RedisCache stores for a JSON value: pickle.dumps(value, 5), as hex."""
    return JsonResponse({"hex": pickle.dumps(_body(request)["value"], pickle.HIGHEST_PROTOCOL).hex()})


@csrf_exempt
@require_POST
def create_user(request):
    """A user with the password of `template` (its stored hash copied: no hashing)."""
    body = _body(request)
    User = get_user_model()
    template = User.objects.get(username=body["template"])
    user, _ = User.objects.update_or_create(username=body["username"], defaults={"password": template.password, "is_active": True})
    return JsonResponse({"id": str(user.pk), "password": user.password})


@csrf_exempt
@require_POST
def set_password(request):
    """user.set_password() and save(), as a password change form does: every session's hash goes stale."""
    body = _body(request)
    user = get_user_model().objects.get(username=body["username"])
    user.set_password(body["password"])
    user.save(update_fields=["password"])
    return JsonResponse({"id": str(user.pk), "password": user.password})


# CsrfViewMiddleware logs each refusal's reason (logger django.security.csrf,
# "Forbidden (<reason>): <path>"); DEBUG = False keeps it out of the 403 page.
# Recorded here per X-Probe header, so the tests compare Django's reason with
# the edge's without any setting changed.
_reasons = {}
_reasons_lock = threading.Lock()


class _ReasonRecorder(logging.Handler):
    def emit(self, record):
        request = getattr(record, "request", None)
        probe = request.headers.get("X-Probe") if request is not None else None
        if probe and record.args:
            with _reasons_lock:
                _reasons[probe] = record.args[0]


logging.getLogger("django.security.csrf").addHandler(_ReasonRecorder(level=logging.WARNING))


@require_GET
def csrf_reason(request, probe):
    with _reasons_lock:
        return JsonResponse({"reason": _reasons.pop(probe, None)})
