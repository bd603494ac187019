// @ts-check
// A Hono app on Cloudflare Workers with Django sessions in Workers KV
// (the cache engine), through the package's Hono middleware.
import { Hono } from "hono";
import { sessionMiddleware } from "edge-sessions/hono";
import { kvCache } from "edge-sessions/adapters/kv";

/** @typedef {{ Bindings: { SECRET_KEY: string, SESSIONS: KVNamespace } }} AppEnv */

/** @type {Hono<AppEnv>} */
const app = new Hono();

/**
 * Bindings and secrets live on c.env; the middleware calls this once per env.
 * @param {import("hono").Context<AppEnv>} c
 * @returns {import("edge-sessions").SessionOptions}
 */
const sessionOptions = (c) => ({ secretKey: c.env.SECRET_KEY, engine: "cache", cache: kvCache(c.env.SESSIONS) });

app.use(sessionMiddleware(sessionOptions));

app.get("/", async (c) => {
  const session = c.get("session"); // typed: Session
  const visits = Number(await session.get("visits", 0)) + 1;
  await session.set("visits", visits);
  return c.json({ visits, user: await session.get("user", null) });
});

app.post("/login", async (c) => {
  const { user } = await c.req.json();
  const session = c.get("session");
  await session.cycleKey(); // Django's login(): a new key against session fixation
  await session.set("user", String(user));
  return c.json({ user });
});

app.post("/logout", async (c) => {
  await c.get("session").flush(); // Django's logout(): data, stored copy and cookie go
  return c.body(null, 204);
});

export default app;
