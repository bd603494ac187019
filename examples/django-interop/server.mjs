// The edge side in Node: app.mjs behind node:http, sharing Django's storage.
//   SECRET_KEY=... SESSION_ENGINE=db DB_PATH=db.sqlite3 PORT=8001 node server.mjs
// With REDIS_URL (and Django's RedisCache on the same server, settings.py),
// cached_db's cache is shared too.
import { createServer } from "node:http";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import { memoryCache } from "edge-sessions";
import { sqliteDb } from "edge-sessions/adapters/sqlite";
import { nodeFiles } from "edge-sessions/adapters/fs";
import { redisCache } from "edge-sessions/adapters/redis";
import { edgeApp, settingsFromEnv } from "./app.mjs";

/** Options for `env`: Django's SQLite file for db/cached_db, its folder for file, its Redis for cached_db's cache. */
async function storage(engine, env) {
  const short = engine.replace(/^django\.contrib\.sessions\.backends\./, "");
  const db = short === "db" || short === "cached_db" ? new Database(env.DB_PATH, { fileMustExist: true }) : null;
  let cache, redis;
  if (short === "cached_db" && env.REDIS_URL) {
    // The `redis` npm client, loaded only when used. Django's cache keys are
    // "<KEY_PREFIX>:<VERSION>:<key>", ":1:" + key with its defaults; its
    // values are the session dict's JSON through settings.py's serializer.
    const { createClient } = await import("redis");
    redis = await createClient({ url: env.REDIS_URL }).connect();
    cache = redisCache(redis, { prefix: ":1:" });
  } else if (short === "cached_db") {
    // Private to this process, as Django's LocMemCache is to its own: only
    // the db side of cached_db is shared (see docs/django-interop.md).
    cache = memoryCache();
  }
  return {
    db: db && sqliteDb(db), // Django's own django_session table
    cache,
    files: short === "file" ? nodeFiles(env.SESSION_FILE_PATH) : undefined,
    close: async () => {
      db?.close();
      await redis?.close();
    },
  };
}

/** node:http → Request, Response → node:http. */
function toNode(app) {
  return async (req, res) => {
    try {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const response = await app(new Request(`http://${req.headers.host}${req.url}`, {
        method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined,
      }));
      // Several Set-Cookie headers must stay separate: setHeader with an array.
      for (const [name, value] of response.headers) if (name !== "set-cookie") res.setHeader(name, value);
      const cookies = response.headers.getSetCookie();
      if (cookies.length) res.setHeader("set-cookie", cookies);
      res.writeHead(response.status).end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      console.error(error);
      res.writeHead(500, { "content-type": "text/plain" }).end("Server Error (500)");
    }
  };
}

/** Starts the edge server for `env` on 127.0.0.1:`port` (0 picks one). */
export async function startEdgeServer(env, { port = 0 } = {}) {
  const settings = settingsFromEnv(env);
  const { close, ...adapters } = await storage(settings.engine, env);
  const server = createServer(toNode(edgeApp({ ...settings, ...adapters })));
  await new Promise((resolve, reject) => server.once("error", reject).listen(port, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((resolve) => server.close(() => resolve(close()))).then(() => {}),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { url } = await startEdgeServer(process.env, { port: Number(process.env.PORT ?? 8001) });
  console.log(`edge-sessions (${process.env.SESSION_ENGINE || "db"}) on ${url}`);
}
