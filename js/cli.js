#!/usr/bin/env node
// `npx edge-sessions clearsessions`: Django's `manage.py clearsessions`
// over the package's own adapters. The command only wires settings and
// storage together and calls `Sessions.clearExpired()`; what an engine
// clears (rows by date, files by their decoded expiry, nothing for caches
// and signed cookies) is the core's decision, as it is Django's engines'.
// Like Django's command it prints nothing on success; errors go to stderr
// as `CommandError: ...` (exit 1), usage mistakes as in argparse (exit 2).

import { stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { parseArgs } from "node:util";
import { Sessions, memoryCache } from "./node.js";

const USAGE = `usage: edge-sessions clearsessions [--engine ENGINE] [--sqlite PATH | --postgres URL]
                                   [--table NAME] [--file-path DIR] [--secret-key KEY]
                                   [--secret-key-fallback KEY]... [--cookie-name NAME] [--cookie-age SECONDS]

Removes expired sessions, as Django's \`manage.py clearsessions\`.

  --engine ENGINE        db, cached_db, file, cache or signed_cookies (or Django's
                         dotted path); default $SESSION_ENGINE or db, as Django
  --sqlite PATH          db/cached_db: the SQLite file (better-sqlite3, or node:sqlite)
  --postgres URL         db/cached_db: a PostgreSQL URL (pg); default $DATABASE_URL
  --table NAME           db/cached_db: the table; default django_session
  --file-path DIR        file: SESSION_FILE_PATH; default $SESSION_FILE_PATH or the temp dir
  --secret-key KEY       file: SECRET_KEY, needed to read each file's expiry; default $SECRET_KEY
  --secret-key-fallback  file: an entry of SECRET_KEY_FALLBACKS (repeatable)
  --cookie-name NAME     file: SESSION_COOKIE_NAME, the file prefix; default sessionid
  --cookie-age SECONDS   file: SESSION_COOKIE_AGE; default 1209600

cache and signed_cookies have nothing to clear (their stores expire
entries themselves): the command succeeds without touching anything.`;

const PREFIX = "django.contrib.sessions.backends.";

// What each engine needs from the command line. The cache given to cache
// and cached_db is a stand-in: Django's clear_expired never reads a cache
// (cached_db clears its table only), and neither does the core's.
const ENGINES = {
  db: { db: true },
  cached_db: { db: true, cache: true },
  file: { files: true },
  cache: { cache: true },
  signed_cookies: {},
};

class CommandError extends Error {
  name = "CommandError";
}

class UsageError extends Error {}

function options(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      engine: { type: "string" },
      sqlite: { type: "string" },
      postgres: { type: "string" },
      table: { type: "string" },
      "file-path": { type: "string" },
      "secret-key": { type: "string" },
      "secret-key-fallback": { type: "string", multiple: true },
      "cookie-name": { type: "string" },
      "cookie-age": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  return { values, positionals };
}

/** The db adapter named on the command line, and how to close it. */
async function openDb({ sqlite, postgres, table }) {
  if (sqlite !== undefined && postgres !== undefined) throw new UsageError("give --sqlite or --postgres, not both");
  if (sqlite !== undefined) {
    // Clearing must not create an empty database where the path is wrong.
    await stat(sqlite).catch(() => {
      throw new CommandError(`no SQLite database at ${sqlite}`);
    });
    const { sqliteDb } = await import("./adapters/sqlite.js");
    const database = await openSqlite(sqlite);
    return { db: sqliteDb(database, { table }), close: () => database.close() };
  }
  const url = postgres ?? process.env.DATABASE_URL;
  if (url === undefined) throw new UsageError("the db and cached_db engines need --sqlite PATH or --postgres URL (or $DATABASE_URL)");
  const pg = await importOr("pg", "--postgres needs the pg package (npm install pg)");
  const { postgresDb } = await import("./adapters/postgres.js");
  const client = new (pg.default ?? pg).Client({ connectionString: url });
  await client.connect();
  return { db: postgresDb(client, { table }), close: () => client.end() };
}

async function openSqlite(path) {
  try {
    const { default: Database } = await import("better-sqlite3");
    return new Database(path, { fileMustExist: true });
  } catch (error) {
    if (error?.code !== "ERR_MODULE_NOT_FOUND") throw error;
  }
  const { DatabaseSync } = await importOr(
    "node:sqlite",
    "--sqlite needs better-sqlite3 (npm install better-sqlite3) or a runtime with node:sqlite (Node 22.5+)",
  );
  return new DatabaseSync(path);
}

async function importOr(name, message) {
  try {
    return await import(name);
  } catch (error) {
    if (error?.code === "ERR_MODULE_NOT_FOUND" || error?.code === "ERR_UNKNOWN_BUILTIN_MODULE") throw new CommandError(message);
    throw error;
  }
}

async function clearsessions(values) {
  const engineSetting = values.engine ?? process.env.SESSION_ENGINE ?? "db";
  const engine = engineSetting.startsWith(PREFIX) ? engineSetting.slice(PREFIX.length) : engineSetting;
  const needs = Object.hasOwn(ENGINES, engine) ? ENGINES[engine] : null;
  if (!needs) throw new UsageError(`unknown engine ${JSON.stringify(engineSetting)} (db, cached_db, file, cache or signed_cookies)`);

  const settings = { engine };
  if (values["secret-key-fallback"]) settings.secretKeyFallbacks = values["secret-key-fallback"];
  if (values["cookie-name"] !== undefined) settings.cookieName = values["cookie-name"];
  if (values["cookie-age"] !== undefined) {
    const age = Number(values["cookie-age"]);
    if (!/^\d+$/.test(values["cookie-age"]) || !Number.isSafeInteger(age)) throw new UsageError("--cookie-age takes a whole number of seconds");
    settings.cookieAge = age;
  }
  settings.secretKey = values["secret-key"] ?? process.env.SECRET_KEY;
  if (!settings.secretKey) {
    // The file engine decodes every file to find its `_session_expiry`;
    // with a wrong key each would count as unexpired-until-mtime+age.
    if (needs.files) throw new CommandError("the file engine reads each session's expiry from its signed content: pass --secret-key or set SECRET_KEY");
    settings.secretKey = "edge-sessions clearsessions: no secret needed"; // never used to sign or verify
  }

  const stores = {};
  const closers = [];
  try {
    if (needs.db) {
      const { db, close } = await openDb({ sqlite: values.sqlite, postgres: values.postgres, table: values.table ?? "django_session" });
      closers.push(close);
      stores.db = db;
    }
    if (needs.cache) stores.cache = memoryCache();
    if (needs.files) {
      const directory = values["file-path"] ?? process.env.SESSION_FILE_PATH ?? tmpdir();
      // Django: ImproperlyConfigured when SESSION_FILE_PATH is not a directory.
      const info = await stat(directory).catch(() => null);
      if (!info?.isDirectory()) throw new CommandError(`SESSION_FILE_PATH ${directory} is not a directory`);
      const { nodeFiles } = await import("./adapters/fs.js");
      stores.files = nodeFiles(directory);
    }
    await new Sessions({ ...settings, ...stores }).clearExpired();
  } finally {
    for (const close of closers) await close();
  }
}

async function main(argv) {
  let parsed;
  try {
    parsed = options(argv);
  } catch (error) {
    throw new UsageError(error.message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, ...extra] = positionals;
  if (command !== "clearsessions")
    throw new UsageError(command === undefined ? "a command is required: clearsessions" : `unknown command ${JSON.stringify(command)}`);
  if (extra.length) throw new UsageError(`unrecognized arguments: ${extra.join(" ")}`);
  await clearsessions(values);
}

try {
  await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`${USAGE.split("\n\n")[0]}\nedge-sessions clearsessions: error: ${error.message}`);
    process.exitCode = 2;
  } else {
    console.error(`${error?.name ?? "Error"}: ${error?.message ?? error}`);
    process.exitCode = 1;
  }
}
