// Starts server.js as a real process on a free port, makes two requests
// with the cookie, and finds the session's file (Django's name) in the
// directory. Run: node --test examples/node/test/
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

const directory = mkdtempSync(path.join(tmpdir(), "edge-sessions-node-example-"));
let server, url;

before(async () => {
  server = spawn(process.execPath, ["server.js"], {
    cwd: new URL("..", import.meta.url),
    env: { ...process.env, SECRET_KEY: randomBytes(32).toString("hex"), SESSION_FILE_PATH: directory, PORT: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  server.stdout.setEncoding("utf8");
  for await (const chunk of server.stdout) {
    out += chunk;
    if (out.includes("\n")) break;
  }
  url = out.match(/listening on (\S+)/)?.[1];
  assert.ok(url, `server.js did not start: ${out}`);
});

after(async () => {
  if (server && server.exitCode === null) {
    server.kill("SIGTERM");
    await once(server, "exit");
  }
  rmSync(directory, { recursive: true, force: true });
});

test("two requests keep the session, stored as Django's session file", async () => {
  const first = await fetch(url);
  assert.deepEqual(await first.json(), { visits: 1, note: null });
  const cookie = first.headers.getSetCookie()[0];
  assert.match(cookie, /^sessionid=[a-z0-9]{32}; expires=.*; HttpOnly; Max-Age=1209600; Path=\/; SameSite=Lax$/);
  const key = cookie.slice("sessionid=".length, cookie.indexOf(";"));

  // A request body crosses the IncomingMessage -> Request conversion.
  const note = await fetch(new URL("/note", url), { method: "POST", headers: { cookie: `sessionid=${key}` }, body: "héllo" });
  assert.equal(note.status, 204);

  const second = await fetch(url, { headers: { cookie: `sessionid=${key}` } });
  assert.deepEqual(await second.json(), { visits: 2, note: "héllo" });
  assert.ok(second.headers.getSetCookie()[0].startsWith(`sessionid=${key};`));
  assert.equal(second.headers.get("vary"), "Cookie");

  assert.deepEqual(readdirSync(directory), [`sessionid${key}`]);

  const out = await fetch(new URL("/logout", url), { headers: { cookie: `sessionid=${key}` } });
  assert.match(out.headers.getSetCookie()[0], /^sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0/);
  assert.equal(existsSync(path.join(directory, `sessionid${key}`)), false);
});
