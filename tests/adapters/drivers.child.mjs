// The driver adapters' contract in this process's runtime (Node, Bun or
// Deno), against the servers in REDIS_URL, DATABASE_URL and MYSQL_URL;
// started by tests/adapters/drivers.run.mjs. Prints one JSON line per
// result: { adapter, name, ok, error, ms }.
import process from "node:process";
import * as lib from "edge-sessions";
import * as mysqlAdapter from "edge-sessions/adapters/mysql";
import * as postgresAdapter from "edge-sessions/adapters/postgres";
import * as redisAdapter from "edge-sessions/adapters/redis";
import mysql from "mysql2/promise";
import pg from "pg";
import postgres from "postgres";
import * as redis from "redis";
import { conflictCases, contract, runContract } from "./contract.js";
import { connectDrivers, driverStores } from "./drivers.mjs";

const { clients, close } = await connectDrivers(process.env, { redis, pg: pg, postgres, mysql });
const stores = driverStores({ adapters: { redis: redisAdapter, postgres: postgresAdapter, mysql: mysqlAdapter }, clients, tag: "c" });
try {
  const runs = [
    ...stores.list.map((adapter) => [adapter.name, [...contract({ lib, ...adapter }), ...(adapter.cas ? conflictCases({ lib, ...adapter }) : [])]]),
    ...stores.extras.map((extra) => [extra.name, [extra]]),
  ];
  for (const [adapter, cases] of runs) {
    for (const c of cases) {
      const start = Date.now();
      const [result] = await runContract([c]);
      console.log(JSON.stringify({ adapter, ...result, ms: Date.now() - start }));
    }
  }
} finally {
  await stores.close();
  await close();
}
