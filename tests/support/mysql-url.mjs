// A MySQL URL as connection options, in a module of its own with no
// imports, so the runtime-agnostic driver list (tests/adapters/drivers.mjs,
// also run in Deno, Bun and workerd) and the Node-only services.mjs share it.

/** `mysql://u:p@host:port/db` as the options mysql2 and Django take (also what a Hyperdrive binding gives a Worker). */
export function mysqlOptionsOf(url) {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: u.pathname.slice(1),
  };
}
