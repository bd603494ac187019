// middleware: Django's SessionMiddleware through `Sessions.handle`: a
// Request with the scenario's cookies, a view running its ops, and the
// Response's status, Vary and Set-Cookie, and the session left behind.

import { compressedEquivalent, expectEq, expectJson, fail, items, show, text } from "./check.mjs";
import { applyOp, KnownKeys, precreate } from "./ops.mjs";
import { djangoSettings, SIGNED_COOKIES_SALT } from "./oracle.mjs";
import { newStores } from "./stores.mjs";

/** A Set-Cookie header's value and its attributes. */
function splitHeader(header) {
  const semi = header.indexOf(";");
  const [first, attrs] = semi < 0 ? [header, ""] : [header.slice(0, semi), header.slice(semi + 1)];
  const eq = first.indexOf("=");
  return [eq < 0 ? "" : first.slice(eq + 1), attrs];
}

/** Set-Cookie headers equal but for another deflate's bytes in a signed_cookies value. */
function expectCookies(got, want, signed) {
  if (got.length !== want.length) fail(`set-cookie: got ${show(got)}, want ${show(want)}`);
  got.forEach((header, n) => {
    const [[gotValue, gotAttrs], [wantValue, wantAttrs]] = [splitHeader(header), splitHeader(want[n])];
    const sameValue = gotValue === wantValue || compressedEquivalent(gotValue, wantValue, signed);
    if (gotAttrs !== wantAttrs || !sameValue) fail(`set-cookie: got ${show(header)}, want ${show(want[n])}`);
  });
}

export async function scenario(oracle, v) {
  const sc = v.scenario ?? {};
  const want = v.expected ?? {};
  const backend = text(sc, "backend");
  const now = oracle.clock(sc);
  const stores = newStores(now);
  const sessions = oracle.sessions(stores, { ...djangoSettings(sc.settings), engine: backend });
  const name = sessions.settings.cookieName;
  if (want.cookie_name !== undefined) expectEq("cookie name", name, want.cookie_name);
  for (const pre of items(sc.precreate)) await precreate(sessions, stores, pre);
  stores.clock.t = now;

  const cookies = Object.entries(sc.request_cookies ?? {}).map(([n, value]) => `${n}=${value}`);
  const request = new Request("http://testserver/", { headers: cookies.length ? { cookie: cookies.join("; ") } : {} });
  const status = sc.status ?? 200;
  const results = [];
  let session;
  const response = await sessions.handle(request, async (s) => {
    session = s;
    for (const op of items(sc.view_ops)) results.push(await applyOp(sessions, s, op));
    return new Response(null, { status, headers: sc.response_headers ?? {} });
  });
  expectJson("view op results", results, want.view_ops_results ?? null);

  // handle() answers SessionInterrupted with a bare 400 (Django's exception
  // handler does the same); where Django let it propagate, that 400 is it.
  const interrupted = response.status === 400 && status !== 400;
  if (want.raises !== undefined) return expectEq("raises", interrupted ? "SessionInterrupted" : null, want.raises);

  expectEq("status", response.status, want.status_code);
  expectEq("vary", response.headers.get("vary"), want.vary ?? null);
  const known = new KnownKeys(v);
  const key = session?.sessionKey ?? null;
  const random = known.isRandom(key, backend);
  const setCookies = response.headers.getSetCookie().map((h) => (random ? h.replaceAll(key, "<random32>") : h));
  const signed = { key: oracle.secret, fallbacks: oracle.fallbacks, salt: SIGNED_COOKIES_SALT, now };
  expectCookies(setCookies, items(want.set_cookie_headers), signed);
  expectJson("session after", session?.peek() ?? null, want.session_after ?? null);
  const keyAfter = known.show(key, backend);
  const wantKey = want.session_key_after ?? null;
  if (keyAfter !== wantKey && !compressedEquivalent(keyAfter, wantKey, signed)) {
    fail(`session key after: got ${show(keyAfter)}, want ${show(wantKey)}`);
  }
}
