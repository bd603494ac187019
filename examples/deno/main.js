// @ts-check
// Deno.serve with Django sessions in Deno KV (the cache engine). Run:
//   SECRET_KEY=... deno run --unstable-kv --allow-net --allow-env --allow-read --allow-write main.js
// On Deno Deploy, Deno.openKv() with no path is the project's own KV.
import { withSession } from "edge-sessions";
import { denoKvCache } from "edge-sessions/adapters/deno-kv";

const kv = await Deno.openKv(Deno.env.get("KV_PATH")); // a local SQLite file, or Deploy's KV

const handler = withSession(async (request, session) => {
  if (new URL(request.url).pathname === "/logout") {
    await session.flush(); // Django's logout()
    return new Response("logged out\n");
  }
  const visits = Number(await session.get("visits", 0)) + 1;
  await session.set("visits", visits);
  return Response.json({ visits });
}, {
  secretKey: Deno.env.get("SECRET_KEY") ?? "", // empty: InvalidSetting at start, not a forgeable session
  engine: "cache",
  // Reads are strongly consistent, and TTLs hold to the ms (see the adapter).
  cache: denoKvCache(kv),
});

Deno.serve({
  hostname: "127.0.0.1",
  port: Number(Deno.env.get("PORT") ?? 8000), // 0: any free port
  onListen: ({ hostname, port }) => console.log(`listening on http://${hostname}:${port}/`),
  // withSession's handler has a Worker's (request, env, ctx) shape; Deno passes (request, info).
}, (request) => handler(request, undefined, undefined));
