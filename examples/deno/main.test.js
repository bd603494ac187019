// Starts main.js as a real `deno run` process on a free port, fetches twice
// with the cookie, checks the session is in the KV file, stops the server.
// Run from the repo root:
//   deno test --unstable-kv --allow-run --allow-env --allow-read --allow-write --allow-net=127.0.0.1 examples/deno/main.test.js
import { assert, assertEquals, assertMatch } from "./test-assert.js";

Deno.test("Deno.serve keeps the session across requests, in Deno KV", async () => {
  const dir = await Deno.makeTempDir();
  const kvPath = `${dir}/kv.sqlite3`;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "--unstable-kv", "--allow-net=127.0.0.1", "--allow-env", "--allow-read", "--allow-write", "main.js"],
    cwd: new URL(".", import.meta.url),
    env: { SECRET_KEY: crypto.randomUUID(), PORT: "0", KV_PATH: kvPath },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  try {
    // The first line main.js prints is its address.
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let out = "";
    while (!out.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`main.js exited before listening: ${out}${await new Response(child.stderr).text()}`);
      out += value;
    }
    reader.releaseLock();
    const url = out.match(/listening on (\S+)/)?.[1];
    assert(url, out);

    const first = await fetch(url);
    assertEquals(await first.json(), { visits: 1 });
    const cookie = first.headers.getSetCookie()[0];
    assertMatch(cookie, /^sessionid=[a-z0-9]{32}; expires=/);
    const key = cookie.slice("sessionid=".length, cookie.indexOf(";"));

    const second = await fetch(url, { headers: { cookie: `sessionid=${key}` } });
    assertEquals(await second.json(), { visits: 2 });
    assert(second.headers.getSetCookie()[0].startsWith(`sessionid=${key};`));

    // The entry the server wrote, read from the same KV file.
    const kv = await Deno.openKv(kvPath);
    try {
      const entry = await kv.get(["edge-sessions", `:1:django.contrib.sessions.cache${key}`]);
      assert(entry.value !== null, "the session is in Deno KV");
    } finally {
      kv.close();
    }
  } finally {
    child.kill("SIGTERM");
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
    await child.status;
    await Deno.remove(dir, { recursive: true });
  }
});
