"""JSON views over request.session, mirrored one for one by app.mjs (the edge)."""
import json
from datetime import datetime

from django.contrib import auth
from django.core import signing
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST


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


@require_POST
def set_keys(request):
    request.session.update(_body(request))
    return JsonResponse(_state(request.session))


@require_POST
def cart_add(request):
    cart = request.session.get("cart", [])
    cart.append(_body(request)["item"])
    request.session["cart"] = cart
    return JsonResponse(_state(request.session))


@require_POST
def expiry(request):
    """{"seconds": n} (0 = at browser close) or {"date": "<ISO 8601>"}."""
    body = _body(request)
    if "date" in body:
        request.session.set_expiry(datetime.fromisoformat(body["date"]))
    else:
        request.session.set_expiry(body["seconds"])
    return JsonResponse(_state(request.session))


@require_POST
def flush(request):
    request.session.flush()
    return JsonResponse(_state(request.session))


@require_POST
def login(request):
    body = _body(request)
    user = auth.authenticate(request, username=body["username"], password=body["password"])
    if user is None:
        return JsonResponse({"error": "bad credentials"}, status=403)
    auth.login(request, user)
    return JsonResponse(_state(request.session))


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


@require_POST
def verify(request):
    """Whether a token verifies under exactly one key (no fallbacks)."""
    body = _body(request)
    try:
        signing.loads(body["token"], key=body["key"], salt=body["salt"], fallback_keys=[])
    except signing.BadSignature:
        return JsonResponse({"ok": False})
    return JsonResponse({"ok": True})
