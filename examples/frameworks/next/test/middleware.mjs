// The middleware's own answers, through `next start`: a redirect for a
// session that has not been to "/" (read, not changed: Vary: Cookie and no
// cookie, as Django), and the page for one that has. Run by support/serve.mjs (EXTRA=...).
import assert from "node:assert/strict";

export default async function check({ base }) {
  const away = await fetch(new URL("/account", base), { redirect: "manual" });
  assert.equal(away.status, 307);
  assert.equal(new URL(away.headers.get("location"), base).pathname, "/");
  assert.equal(away.headers.get("vary"), "Cookie", "the session was read: Vary: Cookie on the middleware's redirect");
  assert.deepEqual(away.headers.getSetCookie(), [], "nothing changed: no cookie");

  const home = await fetch(new URL("/", base));
  const cookie = home.headers.getSetCookie()[0].split(";")[0];
  const account = await fetch(new URL("/account", base), { headers: { cookie }, redirect: "manual" });
  assert.equal(account.status, 200);
  assert.match(await account.text(), /id="account"/);
  assert.deepEqual(account.headers.getSetCookie(), [], "read, not changed: no cookie");
  return ["middleware redirect: Vary: Cookie, no cookie; the page for a session that has one"];
}
