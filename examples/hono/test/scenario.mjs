// One visit / log in / log out scenario, run against the app by Hono's
// app.request() in Node and by dispatchFetch inside workerd.
import assert from "node:assert/strict";

const keyOf = (response) => {
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith("sessionid="));
  return cookie && cookie.slice("sessionid=".length, cookie.indexOf(";"));
};

/** `request(path, init)` answers a Response; `stored(key)` says whether the store holds the session. */
export async function scenario(request, stored) {
  const first = await request("/");
  assert.deepEqual(await first.json(), { visits: 1, user: null });
  const key = keyOf(first);
  assert.match(key, /^[a-z0-9]{32}$/);
  assert.equal(first.headers.get("vary"), "Cookie");
  assert.ok(await stored(key));

  const cookie = (k) => ({ cookie: `sessionid=${k}` });
  const second = await request("/", { headers: cookie(key) });
  assert.deepEqual(await second.json(), { visits: 2, user: null });
  assert.equal(keyOf(second), key, "the same session");

  const login = await request("/login", { method: "POST", headers: { ...cookie(key), "content-type": "application/json" }, body: '{"user":"ada"}' });
  assert.deepEqual(await login.json(), { user: "ada" });
  const loggedIn = keyOf(login);
  assert.ok(loggedIn && loggedIn !== key, "cycleKey gave a new key");
  assert.equal(await stored(key), false, "the old key is gone");

  const third = await request("/", { headers: cookie(loggedIn) });
  assert.deepEqual(await third.json(), { visits: 3, user: "ada" });

  const logout = await request("/logout", { method: "POST", headers: cookie(loggedIn) });
  assert.equal(logout.status, 204);
  assert.match(logout.headers.getSetCookie()[0], /^sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=\/; SameSite=Lax$/);
  assert.equal(await stored(loggedIn), false);
}
