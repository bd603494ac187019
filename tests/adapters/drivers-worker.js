// The driver adapters' contract inside workerd (tests/adapters/drivers.run.mjs
// bundles this as wrangler would): PostgreSQL through a Hyperdrive binding
// (PG) with pg and with postgres.js, MySQL through one (MY) with mysql2
// (disableEval: workerd forbids code generation from strings), Redis over
// TCP with node-redis (nodejs_compat). Each request opens its clients and
// ends them before answering: a client kept at module scope hangs the next
// request.
//
//   GET /list                  [adapter or check names]
//   GET /run/<name>            [{ name, ok, error, ms }] for that adapter's cases, or that check

import * as lib from "edge-sessions";
import * as mysqlAdapter from "edge-sessions/adapters/mysql";
import * as postgresAdapter from "edge-sessions/adapters/postgres";
import * as redisAdapter from "edge-sessions/adapters/redis";
import mysql from "mysql2/promise";
import pg from "pg";
import postgres from "postgres";
import { createClient } from "redis";
import { conflictCases, contract, runContract } from "./contract.js";
import { driverStores } from "./drivers.mjs";

const adapters = { redis: redisAdapter, postgres: postgresAdapter, mysql: mysqlAdapter };

async function connect(env) {
  const clients = {};
  const closers = [];
  clients.redis = await createClient({ url: env.REDIS_URL, socket: { reconnectStrategy: false } }).connect();
  closers.push(() => clients.redis.close());
  clients.pg = new pg.Client({ connectionString: env.PG.connectionString });
  await clients.pg.connect();
  closers.push(() => clients.pg.end());
  clients.sql = postgres(env.PG.connectionString, { max: 1, onnotice: () => {} });
  closers.push(() => clients.sql.end());
  const { host, port, user, password, database } = env.MY;
  clients.mysql = await mysql.createConnection({ host, port, user, password, database, disableEval: true });
  closers.push(() => clients.mysql.end());
  return { clients, close: () => Promise.all(closers.map((close) => close().catch(() => {}))) };
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const [, route, raw] = url.pathname.split("/");
    const { clients, close } = await connect(env);
    const stores = driverStores({ adapters, clients, tag: "w" });
    try {
      if (route === "list") return Response.json([...stores.list, ...stores.extras].map((a) => a.name));
      const name = decodeURIComponent(raw ?? "");
      const adapter = stores.list.find((a) => a.name === name);
      const extra = stores.extras.find((a) => a.name === name);
      let cases;
      if (adapter) cases = [...contract({ lib, ...adapter }), ...(adapter.cas ? conflictCases({ lib, ...adapter }) : [])];
      else if (extra) cases = [extra];
      else return new Response(`no such adapter: ${name}`, { status: 404 });
      const results = [];
      for (const c of cases) {
        const start = Date.now();
        const [result] = await runContract([c]);
        results.push({ ...result, ms: Date.now() - start });
      }
      return Response.json(results);
    } finally {
      await stores.close();
      await close();
    }
  },
};
