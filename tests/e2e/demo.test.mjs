// The demo end to end: demo/worker.js with the built package inside workerd
// (Miniflare, D1 on disk), driven by headless Chromium through playwright-core:
// the counter, the cart, logging in (the cart kept, the key cycled) and in as
// a second user (the session flushed: an empty cart), the inspector (the
// cookie's attributes, the stored row, the expiry explained), Django's CSRF
// refusals, a restart, logging out, a tampered cookie.
// Run: make test-e2e (Miniflare under Node 22).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { startDemo } from "../../demo/server.mjs";

const dataDir = mkdtempSync(join(tmpdir(), "edge-sessions-demo-"));
let demo, port, browser, context, page;

// Debian's Chromium; `npx playwright install` would try to download one.
const CHROMIUM = {
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
};

const url = (path) => new URL(path, demo.url).href;
const text = (selector) => page.locator(selector).innerText();
const cookieNamed = async (name) => (await context.cookies(demo.url)).find((c) => c.name === name);
const sessionCookie = () => cookieNamed("sessionid");

/** Clicks a form's button and waits for the page its POST redirects to. */
async function submit(selector) {
  const loaded = page.waitForEvent("load"); // the next document, not the current one
  await page.locator(selector).click();
  await loaded;
}

async function logIn(username, password = "demo") {
  await page.goto(url("/login"));
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await submit("main button:text('Log in'), form:has(input[name=password]) button");
}

/** What /inspect shows: the decoded dict, the key and the expiry flags. */
async function inspect() {
  await page.goto(url("/inspect"));
  return {
    data: JSON.parse(await text("#session")),
    key: await text("#key"),
    atClose: (await text("#at-close")) === "true",
    age: Number(await text("#age")),
  };
}

before(async () => {
  demo = await startDemo({ port: 0, dataDir });
  port = Number(new URL(demo.url).port);
  browser = await chromium.launch(CHROMIUM);
  context = await browser.newContext();
  page = await context.newPage();
});

after(async () => {
  await browser?.close();
  await demo?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test("the home page explains itself, with a viewport and an icon, and counts reloads", async () => {
  await page.goto(url("/"));
  assert.equal(await text("#visits"), "1");
  assert.match(await text("#intro"), /Things to try/);
  assert.equal(await page.locator("meta[name=viewport]").getAttribute("content"), "width=device-width, initial-scale=1");
  assert.match(await page.locator("link[rel=icon]").getAttribute("href"), /^data:image\/svg\+xml,/);
  await page.reload();
  assert.equal(await text("#visits"), "2");
  assert.match((await sessionCookie()).value, /^[a-z0-9]{32}$/);
  assert.equal(await cookieNamed("csrftoken"), undefined); // no form on this page, so no CSRF token yet
});

test("the cart keeps its items across reloads", async () => {
  await page.goto(url("/cart"));
  // The forms' tokens come with Django's CSRF cookie (the secret, unmasked).
  assert.match((await cookieNamed("csrftoken")).value, /^[a-zA-Z0-9]{32}$/);
  assert.match(await page.locator("input[name=csrfmiddlewaretoken]").first().inputValue(), /^[a-zA-Z0-9]{64}$/);
  for (const item of ["apple", "pear", "plum"]) {
    await page.fill("input[name=item]", item);
    await submit("button:text('Add')");
  }
  await page.reload();
  assert.deepEqual(await page.locator("#cart .item").allInnerTexts(), ["apple", "pear", "plum"]);
  await submit("#cart li:has-text('pear') button");
  await page.reload();
  assert.deepEqual(await page.locator("#cart .item").allInnerTexts(), ["apple", "plum"]);
});

test("a wrong password logs nobody in", async () => {
  const before = (await sessionCookie()).value;
  await logIn("alice", "not-the-password");
  assert.equal(await text("#login-error"), "Wrong username or password.");
  assert.equal(await page.locator("#user").count(), 0);
  assert.equal((await sessionCookie()).value, before);
});

test("logging in (Django's login()) cycles the key and keeps the cart", async () => {
  const before = (await sessionCookie()).value;
  await logIn("alice");
  assert.equal(page.url(), url("/"));
  assert.equal(await text("#user"), "alice");
  const { key, data } = await inspect();
  assert.notEqual(key, before);
  assert.equal((await sessionCookie()).value, key);
  assert.deepEqual(data.cart, ["apple", "plum"]);
  assert.equal(data._auth_user_id, "1"); // the primary key as a string, as Django stores it
  assert.equal(data._auth_user_backend, "django.contrib.auth.backends.ModelBackend");
  assert.match(data._auth_user_hash, /^[0-9a-f]{64}$/);
});

test("the inspector shows the raw cookie, its attributes, the stored row and the decoded session", async () => {
  const { data, key, atClose, age } = await inspect();
  const cookie = (await sessionCookie()).value;
  assert.equal(await text("#cookie"), cookie);
  assert.equal(key, cookie);
  assert.deepEqual(Object.keys(data), ["visits", "cart", "_auth_user_id", "_auth_user_backend", "_auth_user_hash"]);
  assert.equal(atClose, false);
  assert.equal(age, 1209600); // SESSION_COOKIE_AGE
  const expires = Date.parse(await text("#date"));
  assert.ok(Math.abs(expires - Date.now() - 1209600e3) < 60e3);
  // The Set-Cookie the demo last sent, attributes in Django's order.
  assert.match(await text("#set-cookie"), new RegExp(`^Set-Cookie: sessionid=${cookie}; expires=[^;]+ GMT; HttpOnly; Max-Age=1209600; Path=/; SameSite=Lax$`));
  assert.deepEqual(await page.locator("#cookie-attributes th").allInnerTexts(), ["sessionid", "expires", "HttpOnly", "Max-Age", "Path", "SameSite"]);
  // The row: Django's signed session data and its expire_date.
  assert.match(await text("#row-data"), /^\.?[\w-]+:[\w-]+:[\w-]{43}$/); // "." when compressed
  assert.ok(Math.abs(Date.parse(`${await text("#row-expire")}Z`.replace(" ", "T")) - expires) < 5e3);
  assert.match(await text("#expiry-explained"), /two weeks/);
});

test("logging in as another user flushes the session: an empty cart", async () => {
  const before = (await sessionCookie()).value;
  await logIn("bob");
  assert.equal(await text("#user"), "bob");
  const { key, data } = await inspect();
  assert.notEqual(key, before);
  assert.equal(data._auth_user_id, "2");
  assert.equal("cart" in data, false);
  assert.equal(data.visits, 1); // counted afresh by the page login() redirected to
  await page.goto(url("/cart"));
  assert.deepEqual(await page.locator("#cart .item").allInnerTexts(), []);
});

test("expire at browser close makes it a session cookie, the numbers explained, and back", async () => {
  assert.ok((await sessionCookie()).expires > Date.now() / 1000);
  await page.goto(url("/inspect"));
  await submit("#toggle-expiry");
  assert.equal(await text("#at-close"), "true");
  assert.equal((await sessionCookie()).expires, -1); // no Expires / Max-Age
  assert.equal(await text("#age"), "1209600"); // get_expiry_age() still SESSION_COOKIE_AGE, as Django answers
  assert.match(await text("#expiry-explained"), /ends when the browser closes.*SESSION_COOKIE_AGE/s);
  assert.doesNotMatch(await text("#set-cookie"), /expires=|Max-Age=/);
  assert.equal((await inspect()).data._session_expiry, 0);

  await submit("#toggle-expiry");
  assert.equal(await text("#at-close"), "false");
  assert.ok((await sessionCookie()).expires > Date.now() / 1000 + 1209000);
  assert.equal("_session_expiry" in (await inspect()).data, false);
});

test("a restart on the same data keeps the session and the login", async () => {
  const before = await inspect();
  await demo.close();
  demo = await startDemo({ port, dataDir }); // same port: same cookie jar entry
  const after = await inspect();
  assert.equal(after.key, before.key);
  assert.deepEqual(after.data, before.data);
  assert.equal(await text("#user"), "bob");
});

test("CSRF: a POST without the token, with a wrong one, or without the cookie is refused with Django's reason", async () => {
  const cookies = (await context.cookies(demo.url)).map((c) => `${c.name}=${c.value}`).join("; ");
  const post = (body, cookie = cookies) =>
    fetch(url("/cart"), {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: new URL(demo.url).origin },
      body: new URLSearchParams(body),
    });
  let response = await post({ action: "add", item: "forged" });
  assert.equal(response.status, 403);
  assert.match(await response.text(), /CSRF token missing\./);
  response = await post({ action: "add", item: "forged", csrfmiddlewaretoken: "a".repeat(64) });
  assert.equal(response.status, 403);
  assert.match(await response.text(), /CSRF token from POST incorrect\./);
  response = await post({ action: "add", item: "forged", csrfmiddlewaretoken: "a".repeat(64) }, cookies.replace(/csrftoken=[^;]*(; )?/, ""));
  assert.equal(response.status, 403);
  assert.match(await response.text(), /CSRF cookie not set\./);
  response = await fetch(url("/cart"), {
    method: "POST", redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookies, origin: "https://evil.example" },
    body: "action=add&item=forged",
  });
  assert.equal(response.status, 403);
  assert.match(await response.text(), /Origin checking failed - https:\/\/evil\.example does not match any trusted origins\./);
  // Nothing got in; the page's own form (with its token) still works.
  await page.goto(url("/cart"));
  assert.deepEqual(await page.locator("#cart .item").allInnerTexts(), []);
  await page.fill("input[name=item]", "fig");
  await submit("button:text('Add')");
  assert.deepEqual(await page.locator("#cart .item").allInnerTexts(), ["fig"]);
});

test("logging out deletes the cookie and the stored row", async () => {
  const old = await sessionCookie();
  await page.goto(url("/"));
  await submit("button:text('Log out')");
  assert.equal(page.url(), url("/login"));
  assert.equal(await sessionCookie(), undefined);
  // Presenting the old key again finds nothing: logout() deleted the row too.
  await context.addCookies([old]);
  const { data, key } = await inspect();
  assert.deepEqual(data, {});
  assert.equal(key, "none"); // no session key
  assert.equal(await text("#row-data"), "none");
  assert.equal(await sessionCookie(), undefined); // and the stale cookie is deleted
  assert.equal(await page.locator("#user").count(), 0);
});

test("a tampered cookie gives a fresh empty session", async () => {
  await page.goto(url("/"));
  await page.reload();
  assert.equal(await text("#visits"), "2");
  const cookie = await sessionCookie();
  const tampered = cookie.value.slice(0, -1) + (cookie.value.endsWith("a") ? "b" : "a");
  await context.clearCookies();
  await context.addCookies([{ ...cookie, value: tampered }]);
  assert.deepEqual((await inspect()).data, {});
  await page.goto(url("/"));
  assert.equal(await text("#visits"), "1");
  const fresh = (await sessionCookie()).value;
  assert.notEqual(fresh, tampered); // Django never adopts a key it did not issue
  assert.notEqual(fresh, cookie.value);
});
