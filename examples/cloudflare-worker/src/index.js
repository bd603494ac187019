// @ts-check
// Sessions on Cloudflare Workers with Django's cached_db engine: reads come
// from Workers KV near the user, D1 holds the record (Django's
// django_session table). A cron trigger clears expired rows.
import { Sessions, withSession } from "edge-sessions";
import { kvCache } from "edge-sessions/adapters/kv";
import { d1Db } from "edge-sessions/adapters/d1";

/** @typedef {{ SECRET_KEY: string, SESSIONS: KVNamespace, DB: D1Database }} Env */

/**
 * Bindings and secrets live on `env`, so the options are a function of it.
 * @param {Env} env
 * @returns {import("edge-sessions").SessionOptions}
 */
const options = (env) => ({
  secretKey: env.SECRET_KEY,
  engine: "cached_db",
  // KV is eventually consistent (~60 s between locations): a log-out may be
  // seen late elsewhere. See edge-sessions/adapters/kv for the trade-offs.
  cache: kvCache(env.SESSIONS),
  db: d1Db(env.DB),
});

/** @type {import("edge-sessions").SessionHandler<import("edge-sessions").Session, Env, ExecutionContext>} */
async function app(request, session) {
  if (new URL(request.url).pathname === "/logout") {
    await session.flush(); // Django's logout(): row, cache entry and cookie go
    return new Response("logged out\n");
  }
  const visits = Number(await session.get("visits", 0)) + 1;
  await session.set("visits", visits);
  return Response.json({ visits });
}

/** @type {ExportedHandler<Env>} */
export default {
  // Django's SessionMiddleware around `app`: saves, Set-Cookie, Vary.
  fetch: withSession(app, options),

  // Django's `manage.py clearsessions` on the cron in wrangler.toml. KV
  // entries expire by themselves (TTL); D1 rows need deleting.
  async scheduled(controller, env) {
    await new Sessions(options(env)).clearExpired();
  },
};
