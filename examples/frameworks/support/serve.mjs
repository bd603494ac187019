// Starts an example's server on a free port (its own production or dev
// server command), waits until it answers, runs the HTTP scenario against
// it, prints one pass/fail line, and stops the server.
//   node support/serve.mjs <label> <dir> <kind> <page> <logout> -- <command...>
// PAGE_VARY=0: the page's Vary is the framework's own (Next's App Router pages).
// EXTRA=<module> adds that example's own checks: its default export is called
// with { base, kind, secretKey } after the scenario and answers what passed.
// Extra environment for the server: SECRET_KEY (fresh), PORT, HOST, ORIGIN (adapter-node); more with ENV_<NAME>=value.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { drive } from "./drive.mjs";

const [label, dir, kind, page, logout, dashes, ...command] = process.argv.slice(2);
if (dashes !== "--" || command.length === 0) {
  console.error("usage: serve.mjs <label> <dir> <kind> <page> <logout> -- <command...>");
  process.exit(2);
}

const port = await new Promise((resolve) => {
  const probe = createServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address();
    probe.close(() => resolve(port));
  });
});
const base = `http://127.0.0.1:${port}`;
const extra = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith("ENV_")).map(([k, v]) => [k.slice(4), v]));
const secretKey = randomBytes(32).toString("hex");
const server = spawn(command[0], command.slice(1), {
  cwd: dir,
  env: { ...process.env, SECRET_KEY: secretKey, ORIGIN: base, PORT: String(port), HOST: "127.0.0.1", HOSTNAME: "127.0.0.1", NODE_ENV: "production", ...extra },
  stdio: ["ignore", "pipe", "pipe"],
  detached: true, // its own process group: npx/next spawn children
});
let output = "";
let spawnError;
server.on("error", (error) => (spawnError = error));
server.stdout.on("data", (d) => (output += d));
server.stderr.on("data", (d) => (output += d));
const stop = () => {
  try { process.kill(-server.pid, "SIGTERM"); } catch {}
};

const started = Date.now();
let result;
try {
  // Up to 60 s for the server to answer anything.
  for (;;) {
    if (spawnError) throw new Error(`the server did not start: ${spawnError.message}`);
    if (server.exitCode !== null) throw new Error(`the server exited (${server.exitCode})`);
    try {
      await fetch(base, { redirect: "manual", signal: AbortSignal.timeout(2000) });
      break;
    } catch {
      if (Date.now() - started > 60_000) throw new Error("the server did not answer within 60 s");
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const ready = Date.now() - started;
  const passed = await drive(base, { page, logout, kind, pageVary: process.env.PAGE_VARY !== "0" });
  if (process.env.EXTRA) {
    const { default: extra } = await import(new URL(process.env.EXTRA, `file://${process.cwd()}/`).href);
    passed.push(...(await extra({ base, kind, secretKey })));
  }
  result = `pass: ${label} (server up in ${ready} ms; ${passed.join("; ")})`;
} catch (error) {
  result = `FAIL: ${label}: ${error.message}\n--- server output ---\n${output.slice(-4000)}`;
  process.exitCode = 1;
} finally {
  stop();
}
console.log(result);
