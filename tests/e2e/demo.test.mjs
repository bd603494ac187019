// The demo end to end: demo/worker.js with the built package inside workerd
// (Miniflare, D1 on disk), driven by headless Chromium through playwright-core.
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
const sessionCookie = async () => (await context.cookies(demo.url)).find((c) => c.name === "sessionid");

/** Clicks a form's button and waits for the page its POST redirects to. */
async function submit(selector) {
  const loaded = page.waitForEvent("load"); // the next document, not the current one
  await page.locator(selector).click();
  await loaded;
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

test("the visit counter counts reloads", async () => {
  await page.goto(url("/"));
  assert.equal(await text("#visits"), "1");
  await page.reload();
  assert.equal(await text("#visits"), "2");
  assert.match((await sessionCookie()).value, /^[a-z0-9]{32}$/);
});

test("logging in cycles the session key and keeps the data", async () => {
  const before = (await sessionCookie()).value;
  await page.goto(url("/login"));
  await page.fill("input[name=username]", "alice");
  await submit("button:text('Log in')");
  assert.equal(page.url(), url("/"));
  assert.equal(await text("#user"), "alice");
  assert.equal(await text("#visits"), "3"); // cycle_key carries the dict over
  const { key, data } = await inspect();
  assert.notEqual(key, before);
  assert.equal((await sessionCookie()).value, key);
  assert.equal(data._auth_user_id, "alice");
  assert.equal(data._auth_user_backend, "django.contrib.auth.backends.ModelBackend");
});

test("the cart keeps its items across reloads", async () => {
  await page.goto(url("/cart"));
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

test("the inspector shows the raw cookie, the key and the decoded session", async () => {
  const { data, key, atClose, age } = await inspect();
  assert.equal(await text("#cookie"), (await sessionCookie()).value);
  assert.equal(key, (await sessionCookie()).value);
  assert.deepEqual(Object.keys(data), ["visits", "_auth_user_id", "_auth_user_backend", "_auth_user_hash", "cart"]);
  assert.deepEqual(data.cart, ["apple", "plum"]);
  assert.equal(atClose, false);
  assert.equal(age, 1209600); // SESSION_COOKIE_AGE
  const expires = Date.parse(await text("#date"));
  assert.ok(Math.abs(expires - Date.now() - 1209600e3) < 60e3);
});

test("expire at browser close makes it a session cookie, and back", async () => {
  assert.ok((await sessionCookie()).expires > Date.now() / 1000);
  await page.goto(url("/inspect"));
  await submit("#toggle-expiry");
  assert.equal(await text("#at-close"), "true");
  assert.equal((await sessionCookie()).expires, -1); // no Expires / Max-Age
  assert.equal((await inspect()).data._session_expiry, 0);

  await submit("#toggle-expiry");
  assert.equal(await text("#at-close"), "false");
  assert.ok((await sessionCookie()).expires > Date.now() / 1000 + 1209000);
  assert.equal("_session_expiry" in (await inspect()).data, false);
});

test("a restart on the same data keeps the session", async () => {
  const before = await inspect();
  await demo.close();
  demo = await startDemo({ port, dataDir }); // same port: same cookie jar entry
  const after = await inspect();
  assert.equal(after.key, before.key);
  assert.deepEqual(after.data, before.data);
});

test("logging out deletes the cookie and the stored data", async () => {
  const old = await sessionCookie();
  await page.goto(url("/"));
  await submit("button:text('Log out')");
  assert.equal(page.url(), url("/login"));
  assert.equal(await sessionCookie(), undefined);
  // Presenting the old key again finds nothing: flush() deleted the row too.
  await context.addCookies([old]);
  const { data, key } = await inspect();
  assert.deepEqual(data, {});
  assert.equal(key, "");
  assert.equal(await sessionCookie(), undefined); // and the stale cookie is deleted
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
