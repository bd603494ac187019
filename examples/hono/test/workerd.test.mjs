// The Hono app inside workerd (Miniflare, bundled as wrangler would) with a
// real local KV namespace. Run: node --test examples/hono/test/
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { resolveEntry } from "../../../tests/runtime/exports.mjs";
import { WORKERD_CONDITIONS, startExample } from "../../support/workerd.mjs";
import { scenario } from "./scenario.mjs";

let mf, inputs;
before(async () => {
  ({ mf, inputs } = await startExample(fileURLToPath(new URL("..", import.meta.url)), {
    bindings: { SECRET_KEY: randomBytes(32).toString("hex") },
  }));
});
after(() => mf?.dispose());

test("workerd: visit, log in, log out", async () => {
  assert.ok(inputs.includes(resolveEntry(WORKERD_CONDITIONS)), "edge-sessions/hono uses the workerd entry");
  assert.ok(!inputs.includes(resolveEntry(["node"])));
  const kv = await mf.getKVNamespace("SESSIONS");
  await scenario(
    (path, init) => mf.dispatchFetch(new URL(path, "http://localhost").href, init),
    async (key) => (await kv.get(`:1:django.contrib.sessions.cache${key}`)) !== null,
  );
});
