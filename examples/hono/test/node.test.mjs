// The Hono app in Node through Hono's own test helper, app.request(), with
// a Map standing in for the KV binding. Run: node --test examples/hono/test/
import { randomBytes } from "node:crypto";
import { test } from "node:test";
import app from "../src/index.js";
import { scenario } from "./scenario.mjs";

test("app.request(): visit, log in, log out", async () => {
  const kv = new Map();
  const env = {
    SECRET_KEY: randomBytes(32).toString("hex"),
    // The three KV methods kvCache calls.
    SESSIONS: { get: async (k) => kv.get(k) ?? null, put: async (k, v) => void kv.set(k, v), delete: async (k) => void kv.delete(k) },
  };
  await scenario(
    (path, init) => app.request(path, init, env),
    async (key) => kv.has(`:1:django.contrib.sessions.cache${key}`),
  );
});
