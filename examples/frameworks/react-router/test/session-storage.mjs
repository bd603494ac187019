// React Router's own session features over the Django storage, through the
// running server: a flash message (React Router's `__flash_<name>__` key in
// the Django dict) shown once, the single-fetch data request carrying the
// same headers as the document, and with signed_cookies, the cookie read
// back as Django's signed dict. Run by support/serve.mjs (EXTRA=...).
import assert from "node:assert/strict";
import { loads } from "edge-sessions";

const keyOf = (response) => {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith("sessionid="));
  return cookie?.slice("sessionid=".length, cookie.indexOf(";"));
};
const page = (base, key) => fetch(new URL("/", base), { headers: { cookie: `sessionid=${key}` } });

export default async function check({ base, kind, secretKey }) {
  const passed = [];
  const action = await fetch(new URL("/?index", base), { // the index route's action
    method: "POST",
    redirect: "manual",
    headers: { origin: base, "content-type": "application/x-www-form-urlencoded" },
    body: "message=saved+in+Django",
  });
  assert.equal(action.status, 302);
  const key = keyOf(action);
  assert.ok(key, "the action's commitSession set the cookie");
  if (kind === "signed") {
    // The cookie is Django's signed_cookies payload: the session dict, signed with SECRET_KEY.
    const dict = loads(key, { secretKey, salt: "django.contrib.sessions.backends.signed_cookies" });
    assert.deepEqual(dict, { __flash_message__: "saved in Django" });
  }

  const shown = await page(base, key);
  const html = await shown.text();
  assert.match(html, /data-message="saved in Django"/, "the flash is shown");
  const next = keyOf(shown) ?? key;
  if (kind === "signed") assert.deepEqual(loads(next, { secretKey, salt: "django.contrib.sessions.backends.signed_cookies" }), { visits: 1 });
  const later = await (await page(base, next)).text();
  assert.doesNotMatch(later, /data-message=/, "a flash is shown once");
  assert.match(later, /data-visits="2"/);
  passed.push("flash shown once (__flash_message__ in the Django dict)");

  // Client navigation fetches /_root.data: the loader's headers are on it too.
  const dataRequest = await fetch(new URL("/_root.data", base), { headers: { cookie: `sessionid=${next}` } });
  assert.equal(dataRequest.status, 200);
  assert.ok(keyOf(dataRequest), "Set-Cookie on the data request");
  assert.match(dataRequest.headers.get("vary") ?? "", /Cookie/);
  passed.push("single-fetch data request: Set-Cookie and Vary");
  return passed;
}
