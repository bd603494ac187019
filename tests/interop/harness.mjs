// What the interop matrix (tests/interop/matrix.mjs) runs on: a real Django
// (`manage.py runserver`) and the edge app of examples/django-interop in
// each runtime (Node, Deno, Bun: serve.mjs; workerd: worker.mjs bundled as
// wrangler would, through Miniflare with Hyperdrive bindings), a browser
// with one cookie jar for both sides, and the stores read and written
// behind both sides' backs (rows, cache entries).
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, openSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Miniflare } from "miniflare";
import { bundleWorker, MODULES_RULES, NODE_DRIVERS_DATE } from "../support/workerd.mjs";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const EXAMPLE = path.join(ROOT, "examples/django-interop");
const BIN = (name) => path.join(ROOT, "node_modules/.bin", name);

// --- processes ---------------------------------------------------------------------

const children = new Set();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill("SIGKILL"), 5000);
    child.once("exit", () => resolve(clearTimeout(kill)));
    child.kill("SIGTERM");
  }).finally(() => children.delete(child));
}

/** Spawns a server; `ready(logText)` says when it listens (a URL) or null. */
function spawnServer(command, args, { cwd, env, logFile, ready, what, timeout = 60_000 }) {
  // The log may hold an earlier start's lines (a restart): only what follows counts.
  const from = existsSync(logFile) ? statSync(logFile).size : 0;
  const log = openSync(logFile, "a");
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", log, log] });
  children.add(child);
  if (process.env.INTEROP_PIDFILE) appendFileSync(process.env.INTEROP_PIDFILE, `${child.pid}\n`); // run.sh's trap stops it too
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeout;
    const poll = async () => {
      const text = readFileSync(logFile).subarray(from).toString("utf8");
      const url = await ready(text);
      if (url) return resolve({ url, close: () => stop(child) });
      if (child.exitCode !== null) return reject(new Error(`${what} exited (${child.exitCode}):\n${text.slice(-3000)}`));
      if (Date.now() > deadline) {
        await stop(child);
        return reject(new Error(`${what} did not start in ${timeout / 1000} s:\n${text.slice(-3000)}`));
      }
      setTimeout(poll, 100);
    };
    poll();
  });
}

/** Runs a command to the end; resolves to its output, rejects with it on failure. */
export function run(command, args, { cwd = ROOT, env = process.env } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`${path.basename(command)} ${args.join(" ")}: exit ${code}\n${out.slice(-3000)}`))));
  });
}

/** Django's settings.py environment for one configuration. */
export function djangoEnv({ keys, engine, database, redis }) {
  const env = {
    ...process.env,
    PYTHONUNBUFFERED: "1",
    PYTHONDONTWRITEBYTECODE: "1",
    SECRET_KEY: keys.key,
    SECRET_KEY_FALLBACKS: JSON.stringify(keys.fallbacks ?? []),
    SESSION_ENGINE: engine,
    DJANGO_DATABASE: database,
  };
  if (redis) env.REDIS_URL = redis;
  else delete env.REDIS_URL; // Django's default cache (LocMemCache)
  return env;
}

/** `manage.py runserver` (a real Django process, the project in `cwd`) on a loopback port. */
export async function startDjango({ python, env, port, logFile, cwd = EXAMPLE }) {
  const url = `http://127.0.0.1:${port}`;
  const server = await spawnServer(python, ["manage.py", "runserver", "--noreload", "--skip-checks", `127.0.0.1:${port}`], {
    cwd,
    env,
    logFile,
    what: "Django",
    // Any answer (a 404 too) means it serves.
    ready: () => fetch(url, { redirect: "manual" }).then((r) => (r.status < 500 ? url : null), () => null),
  });
  return server;
}

const listening = (text) => /\{"url":"(http:[^"]+)"\}/.exec(text)?.[1] ?? null;

/** serve.mjs under Node, Deno or Bun. */
export function startEdgeProcess(runtime, { env, logFile }) {
  const script = path.join(EXAMPLE, "serve.mjs");
  const [command, args] = {
    node: [process.execPath, [script]],
    bun: [BIN("bun"), [script]],
    // npm: packages resolve from node_modules (the workspace's package.json).
    deno: [BIN("deno"), ["run", "--no-check", "--allow-net=127.0.0.1", "--allow-env", "--allow-read", "--allow-sys", script]],
  }[runtime];
  return spawnServer(command, args, { cwd: ROOT, env: { ...process.env, ...env, NO_COLOR: "1" }, logFile, what: `edge (${runtime})`, ready: listening });
}

let workerBundle; // bundled once per run
/** worker.mjs in workerd (Miniflare), Django's database through a Hyperdrive binding. */
export async function startEdgeWorker({ env, hyperdrive, port, logFile }) {
  workerBundle ??= bundleWorker(path.join(EXAMPLE, "worker.mjs"));
  const { modules } = await workerBundle;
  const bindings = Object.fromEntries(Object.entries(env).filter(([name, value]) => value !== undefined && !["DJANGO_DATABASE"].includes(name)));
  const mf = new Miniflare({
    modules,
    modulesRoot: EXAMPLE,
    modulesRules: MODULES_RULES,
    compatibilityDate: NODE_DRIVERS_DATE,
    compatibilityFlags: ["nodejs_compat"],
    hyperdrives: hyperdrive,
    bindings,
    host: "127.0.0.1",
    port,
    handleRuntimeStdio(stdout, stderr) {
      for (const stream of [stdout, stderr]) stream.on("data", (d) => appendFileSync(logFile, d));
    },
  });
  const url = (await mf.ready).href.replace(/\/$/, "");
  return { url, close: () => mf.dispose() };
}

// --- a browser: one cookie jar, sent to both servers (one site, as behind one domain) ---

export function parseSetCookie(header) {
  const [pair, ...attributes] = header.trim().split("; ");
  const cookie = { raw: header.trim(), name: pair.slice(0, pair.indexOf("=")), value: pair.slice(pair.indexOf("=") + 1), names: [] };
  if (cookie.value === '""') cookie.value = "";
  for (const attribute of attributes) {
    const [name, value] = attribute.split(/=(.*)/);
    cookie.names.push(name);
    if (name === "Max-Age") cookie.maxAge = Number(value);
    if (name === "expires") cookie.expires = Date.parse(value) / 1000;
  }
  return cookie;
}

export class Browser {
  /** `sessionid` (the session cookie) and any other cookie by name. */
  constructor(session = null, others = {}) {
    this.jar = new Map(Object.entries(others));
    if (session !== null) this.jar.set("sessionid", session);
  }
  get cookie() {
    return this.jar.get("sessionid") ?? null;
  }
  set cookie(value) {
    if (value === null) this.jar.delete("sessionid");
    else this.jar.set("sessionid", value);
  }
  /** A copy with the same cookies (a second tab replaying them). */
  clone() {
    return new Browser(null, Object.fromEntries(this.jar));
  }

  /**
   * A request to `server`: GET (no body), POST JSON (`body`), or POST a form
   * (`form`: fields). Returns `{ status, text, json, cookie, cookies,
   * location, servedBy }`, `cookie` the parsed sessionid Set-Cookie (or
   * null), `cookies` all by name, `servedBy` the X-Served-By header.
   */
  async request(server, route, { body, form, headers = {} } = {}) {
    const h = { ...headers };
    if (body) h["content-type"] = "application/json";
    if (form) h["content-type"] = "application/x-www-form-urlencoded";
    if (this.jar.size) h.cookie = [...this.jar].map(([name, value]) => `${name}=${value}`).join("; ");
    const response = await fetch(server.url + route, {
      method: body || form ? "POST" : "GET",
      headers: h,
      body: body ? JSON.stringify(body) : form ? new URLSearchParams(form).toString() : undefined,
      redirect: "manual",
    });
    const text = await response.text();
    const cookies = {};
    for (const header of response.headers.getSetCookie()) {
      const cookie = parseSetCookie(header);
      cookies[cookie.name] = cookie;
      if (cookie.maxAge === 0) this.jar.delete(cookie.name);
      else this.jar.set(cookie.name, cookie.value);
    }
    let json = null;
    try {
      json = JSON.parse(text);
    } catch {}
    return {
      status: response.status,
      text,
      json,
      cookie: cookies.sessionid ?? null,
      cookies,
      location: response.headers.get("location"),
      servedBy: response.headers.get("x-served-by") ?? undefined,
    };
  }

  /** GET or POST JSON; the JSON answer plus the parsed sessionid Set-Cookie; throws unless 200. */
  async call(server, route, body) {
    const answer = await this.request(server, route, { body });
    if (answer.status !== 200) throw new Error(`${server.name} ${route} answered ${answer.status}: ${answer.text.slice(0, 500)}`);
    return { ...answer.json, cookie: answer.cookie };
  }
}
