// Runs the Worker inside workerd (Miniflare, bundled as wrangler would) with
// real local KV and D1: a session survives a round trip, and the cron's
// scheduled run clears an expired row. Run: node --test examples/cloudflare-worker/test/
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { resolveEntry } from "../../../tests/runtime/exports.mjs";
import { WORKERD_CONDITIONS, startExample } from "../../support/workerd.mjs";

const DIR = fileURLToPath(new URL("..", import.meta.url));
let mf, config, inputs;

before(async () => {
  ({ mf, config, inputs } = await startExample(DIR, { bindings: { SECRET_KEY: randomBytes(32).toString("hex") } }));
  // `wrangler d1 migrations apply`: the statements of each migration file.
  const db = await mf.getD1Database("DB");
  const sql = readFileSync(new URL("../migrations/0001_django_session.sql", import.meta.url), "utf8");
  const statements = sql.replace(/--.*$/gm, "").split(";").map((s) => s.trim()).filter(Boolean);
  await db.batch(statements.map((s) => db.prepare(s)));
});
after(() => mf?.dispose());

const sessionCookie = (response) => response.headers.getSetCookie().find((c) => c.startsWith("sessionid="));

test("the bundle resolves edge-sessions to the package's workerd entry", () => {
  assert.ok(inputs.includes(resolveEntry(WORKERD_CONDITIONS)), inputs.join(", "));
  assert.ok(!inputs.includes(resolveEntry(["node"])) && !inputs.includes(resolveEntry(["browser"])));
});

test("a session survives a round trip, in KV and in D1", async () => {
  const first = await mf.dispatchFetch("http://localhost/");
  assert.deepEqual(await first.json(), { visits: 1 });
  const cookie = sessionCookie(first);
  assert.match(cookie, /^sessionid=[a-z0-9]{32}; expires=.*; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/);
  const key = cookie.slice("sessionid=".length, cookie.indexOf(";"));

  const second = await mf.dispatchFetch("http://localhost/", { headers: { cookie: `sessionid=${key}` } });
  assert.deepEqual(await second.json(), { visits: 2 });
  assert.equal(second.headers.get("vary"), "Cookie");
  assert.ok(sessionCookie(second).startsWith(`sessionid=${key};`), "same session key");

  const db = await mf.getD1Database("DB");
  const row = await db.prepare("SELECT session_key FROM django_session WHERE session_key = ?").bind(key).first();
  assert.equal(row?.session_key, key, "the row is in D1");
  const kv = await mf.getKVNamespace("SESSIONS");
  assert.ok((await kv.get(`:1:django.contrib.sessions.cached_db${key}`)) !== null, "the cached copy is in KV");

  const out = await mf.dispatchFetch("http://localhost/logout", { headers: { cookie: `sessionid=${key}` } });
  assert.match(sessionCookie(out), /^sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=\/; SameSite=Lax$/);
  assert.equal(await db.prepare("SELECT 1 FROM django_session WHERE session_key = ?").bind(key).first(), null);
});

test("the cron's scheduled run clears expired rows and keeps live ones", async () => {
  assert.ok(config.crons.length > 0, "wrangler.toml has a cron trigger");
  const live = sessionCookie(await mf.dispatchFetch("http://localhost/")).split(/[=;]/)[1];
  const db = await mf.getD1Database("DB");
  await db.prepare("INSERT INTO django_session (session_key, session_data, expire_date) VALUES (?, ?, ?)")
    .bind("expired0000000000000000000000000", "e30:1r0000:x", "2001-02-03 04:05:06").run();

  const worker = await mf.getWorker();
  const result = await worker.scheduled({ cron: config.crons[0] });
  assert.equal(result.outcome, "ok");

  const { results } = await db.prepare("SELECT session_key FROM django_session ORDER BY session_key").all();
  assert.deepEqual(results.map((r) => r.session_key), [live]);
});
