// The Worker (src/worker.js) in workerd, through Miniflare with wrangler's
// bundling and its Hyperdrive binding pointed at a local PostgreSQL, in
// front of a real Django (django/, `manage.py runserver`) on the same
// PostgreSQL and Redis. A browser talks to the Worker only.
//
//   node --test examples/django-edge/test/
//
// DJANGO_PYTHON: a Python with Django 5.2, psycopg and redis-py (default:
// examples/django-interop/.venv, which `make interop` fills). DATABASE_URL,
// REDIS_URL: the servers (tests/support/services.mjs starts them if unset).
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import pg from "pg";
import { createClient, RESP_TYPES } from "redis";
import { serviceUrls } from "../../../tests/support/services.mjs";
import { bundleWorker, freePort, MODULES_RULES } from "../../../tests/support/workerd.mjs";
import { Browser, run, startDjango } from "../../../tests/interop/harness.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const EXAMPLE = path.resolve(HERE, "..");
const ROOT = path.resolve(EXAMPLE, "../..");
const PYTHON = process.env.DJANGO_PYTHON ?? path.join(ROOT, "examples/django-interop/.venv/bin/python");
const SECRET_KEY = `django-edge-test-${Math.random().toString(36).slice(2)}-secret-key-of-some-length`;
const PASSWORD = `pw-${Math.random().toString(36).slice(2)}`;
const WRANGLER = readFileSync(path.join(EXAMPLE, "wrangler.toml"), "utf8");
/** A wrangler.toml setting, read as written (the test runs the Worker as wrangler.toml configures it). */
const setting = (name) => new RegExp(`^${name} = (.*)$`, "m").exec(WRANGLER)?.[1];

let django;
let worker;
let edge; // { name, url } of the Worker
let redis;
let database;
const cleanups = [];

before(async () => {
  assert.ok(existsSync(PYTHON), `no Django venv at ${PYTHON}: run make interop (or tests/interop/run.sh --prepare) first`);
  const { DATABASE_URL, REDIS_URL } = serviceUrls(["postgres", "redis"]);
  // A database of its own, migrated by Django, with one user.
  const name = `django_edge_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  database = Object.assign(new URL(DATABASE_URL), { pathname: `/${name}` }).href;
  cleanups.push(async () => {
    const c = new pg.Client({ connectionString: DATABASE_URL });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
  });
  const env = {
    ...process.env,
    PYTHONDONTWRITEBYTECODE: "1",
    PYTHONUNBUFFERED: "1",
    SECRET_KEY,
    DATABASE_URL: database,
    REDIS_URL,
    ALLOWED_HOSTS: "127.0.0.1,localhost",
  };
  const cwd = path.join(EXAMPLE, "django");
  await run(PYTHON, ["manage.py", "migrate", "--verbosity", "0"], { cwd, env });
  await run(PYTHON, ["manage.py", "shell", "--verbosity", "0", "-c", `from django.contrib.auth.models import User; User.objects.create_user("alice", password=${JSON.stringify(PASSWORD)})`], { cwd, env });
  const logFile = path.join(ROOT, "target", `django-edge-${name}.log`);
  django = await startDjango({ python: PYTHON, env, port: await freePort(), logFile, cwd });
  cleanups.push(() => django.close());

  // The Worker as wrangler would run it: its bundle, its compatibility
  // settings, its Hyperdrive binding (local PostgreSQL), its vars and secrets.
  const { modules } = await bundleWorker(path.join(EXAMPLE, "src/worker.js"));
  assert.match(WRANGLER, /\[\[hyperdrive\]\]\nbinding = "HYPERDRIVE"/);
  worker = new Miniflare({
    modules,
    modulesRoot: EXAMPLE,
    modulesRules: MODULES_RULES,
    compatibilityDate: JSON.parse(setting("compatibility_date")),
    compatibilityFlags: JSON.parse(setting("compatibility_flags")),
    hyperdrives: { HYPERDRIVE: database },
    bindings: { DJANGO_ORIGIN: django.url, SECRET_KEY, REDIS_URL },
    host: "127.0.0.1",
    port: await freePort(),
  });
  edge = { name: "worker", url: (await worker.ready).href.replace(/\/$/, "") };
  cleanups.push(() => worker.dispose());
  redis = await createClient({ url: REDIS_URL }).withTypeMapping({ [RESP_TYPES.BLOB_STRING]: Buffer }).connect();
  cleanups.push(() => redis.close());
});

after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

const tokenIn = (html) => /name="csrfmiddlewaretoken" value="([^"]+)"/.exec(html)?.[1];
const servedBy = (answer) => answer.headers?.["x-served-by"];

/** GET or POST (a form) through the Worker, with the browser's cookies and the Worker's Origin. */
async function visit(browser, route, form) {
  const answer = await browser.request(edge, route, form ? { form, headers: { origin: edge.url } } : {});
  return answer;
}

const browser = new Browser(); // one visitor, through the whole story

test("an anonymous visitor is sent to Django's login page by the Worker", async () => {
  const answer = await visit(browser, "/account/");
  assert.equal(answer.status, 302);
  assert.equal(answer.location, "/accounts/login/?next=%2Faccount%2F");
  assert.equal(answer.servedBy, "edge", "answered at the edge, Django never asked");
});

test("Django's pages come through the Worker, its CSRF cookie with them", async () => {
  const home = await visit(browser, "/");
  assert.equal(home.status, 200);
  assert.equal(home.servedBy, undefined, "Django's answer");
  assert.match(home.text, /<h1>Pears<\/h1>/);
  assert.ok(tokenIn(home.text), "a {% csrf_token %} form");
  assert.ok(browser.jar.get("csrftoken"), "Django's csrftoken cookie");
});

test("Django's form posts to the Worker, which checks its token and fills the cart", async () => {
  const token = tokenIn((await visit(browser, "/")).text);
  const added = await visit(browser, "/cart/add", { csrfmiddlewaretoken: token, item: "pear" });
  assert.equal(added.status, 303, added.text);
  assert.equal(added.servedBy, "edge");
  assert.ok(browser.cookie, "a session, made by the Worker");
  const cart = await visit(browser, "/cart");
  assert.deepEqual(cart.json, { items: ["pear"], count: 1 });
  // Django reads what the edge wrote: its home page shows the cart.
  assert.match((await visit(browser, "/")).text, /<span class="cart">pear<\/span>/);
  // The cache entry is Django's own: a pickle under ":1:django.contrib.sessions.cached_db<key>".
  const entry = await redis.get(`:1:django.contrib.sessions.cached_db${browser.cookie}`);
  assert.equal(entry?.[0], 0x80, "a pickle");
});

test("a tampered or missing token, or another origin, is refused by the Worker as Django would", async () => {
  const token = tokenIn((await visit(browser, "/")).text);
  const tampered = await visit(browser, "/cart/add", { csrfmiddlewaretoken: `${token.slice(0, -1)}${token.endsWith("a") ? "b" : "a"}`, item: "x" });
  assert.equal(tampered.status, 403);
  assert.match(tampered.text, /CSRF token from POST incorrect\./); // Django's reason, word for word
  const missing = await visit(browser, "/cart/add", { item: "x" });
  assert.match(missing.text, /CSRF token missing\./);
  const elsewhere = await browser.request(edge, "/cart/add", { form: { csrfmiddlewaretoken: token, item: "x" }, headers: { origin: "https://evil.example" } });
  assert.equal(elsewhere.status, 403);
  assert.match(elsewhere.text, /Origin checking failed - https:\/\/evil\.example does not match any trusted origins\./);
  assert.deepEqual((await visit(browser, "/cart")).json.items, ["pear"], "nothing added");
});

test("logging in on Django (through the Worker): the Worker's badge shows the user, the cart is kept", async () => {
  const login = await visit(browser, "/accounts/login/?next=/account/");
  assert.equal(login.status, 200);
  const before = browser.cookie;
  const posted = await visit(browser, "/accounts/login/?next=/account/", {
    csrfmiddlewaretoken: tokenIn(login.text),
    username: "alice",
    password: PASSWORD,
    next: "/account/",
  });
  assert.equal(posted.status, 302, posted.text.slice(0, 400));
  assert.equal(posted.location, "/account/");
  assert.notEqual(browser.cookie, before, "Django cycled the session key at login");
  const badge = await visit(browser, "/badge");
  assert.equal(badge.servedBy, "edge");
  assert.match(badge.text, /<span class="badge">alice \(1 in the cart\)<\/span>/);
  const account = await visit(browser, "/account/");
  assert.equal(account.status, 200, "the Worker lets a logged-in user through to Django");
  assert.match(account.text, /<span class="username">alice<\/span>/);
  assert.match(account.text, /<span class="cart">pear<\/span>/);
});

test("a token minted by the Worker (csrf.getToken) is accepted by the Worker; Django still reads the cart", async () => {
  const badge = await visit(browser, "/badge");
  const added = await visit(browser, "/cart/add", { csrfmiddlewaretoken: tokenIn(badge.text), item: "apple" });
  assert.equal(added.status, 303);
  assert.match((await visit(browser, "/account/")).text, /<span class="cart">pear, apple<\/span>/);
});

test("logging out on Django ends the session for the Worker too", async () => {
  const home = await visit(browser, "/");
  const token = tokenIn(home.text);
  const out = await visit(browser, "/accounts/logout/", { csrfmiddlewaretoken: token });
  assert.equal(out.status, 302);
  assert.equal(browser.cookie, null, "Django deleted the session cookie");
  assert.match((await visit(browser, "/badge")).text, /Log in/);
  assert.equal((await visit(browser, "/account/")).status, 302);
});

test("a password changed on Django logs the user out at the Worker", async () => {
  const other = new Browser();
  const login = await visit(other, "/accounts/login/");
  await visit(other, "/accounts/login/", { csrfmiddlewaretoken: tokenIn(login.text), username: "alice", password: PASSWORD, next: "/" });
  assert.match((await visit(other, "/badge")).text, /alice/);
  const key = other.cookie;
  await run(PYTHON, ["manage.py", "shell", "--verbosity", "0", "-c", `from django.contrib.auth.models import User; u = User.objects.get(username="alice"); u.set_password("changed"); u.save()`], {
    cwd: path.join(EXAMPLE, "django"),
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1", SECRET_KEY, DATABASE_URL: database, REDIS_URL: serviceUrls(["redis"]).REDIS_URL },
  });
  const refused = await visit(other, "/account/");
  assert.equal(refused.status, 302, "redirected to log in");
  assert.equal(refused.servedBy, "edge");
  assert.equal(refused.cookie?.maxAge, 0, "the stale session's cookie is deleted");
  assert.equal(await redis.exists(`:1:django.contrib.sessions.cached_db${key}`), 0, "and the session with it");
});
