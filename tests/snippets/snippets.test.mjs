// Every code block of README.md, js/README.md (the npm page) and docs/*.md,
// run as written. Each fenced block is preceded by a marker saying what it
// is; a block without one fails the test, so nothing is left unchecked:
//
//   <!-- snippet: node [name=FILE] [serve] [expect="RE"] -->  run with the system's
//        `node` (Node 20 on the machines this is tested on; SNIPPETS_NODE overrides)
//   <!-- snippet: workerd [name=FILE] [wrangler=FILE | d1=DB] [sql=FILE] [expect="RE"] -->
//        bundled as wrangler bundles it, run in workerd (Miniflare) with the
//        bindings of the group's wrangler.toml (or the D1 databases named),
//        created empty here; `sql=` applies a file of the installed package
//        to each D1 first, as the migration step shown does; a .ts file is
//        also type-checked with Workers' types
//   `cookie=NAME`: the cookie the first answer must set (default sessionid)
//   <!-- snippet: shell [serve] [expect="RE"] -->  the commands, by bash -e
//   <!-- snippet: file name=FILE -->  a file a later block of its group uses
//   <!-- snippet: tsc [types=node|workers|deno] -->  tsc --noEmit, strict
//   <!-- snippet: fragment (why) -->  not runnable by nature: counted, not run
//   <!-- snippet: rust -->  Rust: run by `cargo test --doc` (src/lib.rs
//        includes README.md as a doc test), checked here to be included
//
// `group=NAME` puts blocks of one file in one directory, in order (a
// Worker, then the shell line that bundles it...). Every group runs in a
// fresh directory under target/snippets/project/, where `edge-sessions` is
// the tarball `npm pack ./pkg` makes, installed with npm; other packages
// (hono, redis, esbuild) come from the repository's node_modules.
//
// Placeholders, set in the environment of what runs, never written into a
// snippet: SECRET_KEY (a random key), PORT (a free port, for `serve`:
// the block must listen there; it is requested twice with the cookie the
// first answer set, `expect` matched against the second answer, then
// stopped), REDIS_URL (scripts/services.sh's Redis).
//
// Prints one line per block and the counts: run, type-checked, fragments.
import assert from "node:assert/strict";
import { execFile, execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { readWranglerToml } from "../../examples/support/workerd.mjs";
import { bundleWorker, freePort, startWorker } from "../support/workerd.mjs";
import { serviceUrls } from "../support/services.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const WORK = path.join(ROOT, "target/snippets");
const PROJECT = path.join(WORK, "project");
const BIN = path.join(ROOT, "node_modules/.bin");
const SECRET_KEY = randomBytes(30).toString("base64url");
// The Node the `node` blocks run under: the system's (Node 20 here, the
// package's floor), even when this runner runs under Node 22 for Miniflare.
const NODE = process.env.SNIPPETS_NODE ?? "node";

/** The Markdown files whose blocks are checked. */
export const DOCS = ["README.md", "js/README.md", ...readdirSync(path.join(ROOT, "docs")).filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];

/** Guides whose indented code blocks (install lines, test commands) are accepted as fragments. */
const INDENTED_OK = ["docs/frameworks.md", "docs/django-interop.md"];

const MARKER = /^\s*<!-- snippet: (.*?) -->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/;

/** `key=value key="a b" flag (a reason)` -> { kind, options, why }. */
function parseMarker(text) {
  const why = text.match(/\((.*)\)\s*$/)?.[1];
  const words = [...text.replace(/\(.*\)\s*$/, "").matchAll(/(\w[\w-]*)(?:=("([^"]*)"|\S+))?/g)];
  const [kind, ...rest] = words;
  const options = Object.fromEntries(rest.map((m) => [m[1], m[3] ?? m[2] ?? true]));
  return { kind: kind[1], options, why };
}

/** The fenced blocks of a Markdown file, each with its marker (or null) and line. */
export function blocksOf(file) {
  const lines = readFileSync(path.join(ROOT, file), "utf8").split("\n");
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i].match(FENCE);
    if (!open) continue;
    const [, indent, fence, lang] = open;
    let j = i + 1;
    while (j < lines.length && !lines[j].trimStart().startsWith(fence)) j++;
    const code = lines.slice(i + 1, j).map((l) => (l.startsWith(indent) ? l.slice(indent.length) : l)).join("\n");
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === "") k--;
    const marker = k >= 0 ? lines[k].match(MARKER) : null;
    blocks.push({ file, line: i + 1, lang, code: `${code}\n`, marker: marker ? parseMarker(marker[1]) : null });
    i = j;
  }
  return blocks;
}

/** Indented code blocks (four spaces after a blank line, outside lists and fences): all should be fenced. */
export function indentedBlocksOf(file) {
  const lines = readFileSync(path.join(ROOT, file), "utf8").split("\n");
  const found = [];
  let inFence = null;
  let listy = false; // inside a list item, where indented text continues the item
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = line.match(FENCE);
    if (inFence) {
      if (line.trimStart().startsWith(inFence)) inFence = null;
      continue;
    }
    if (fence) {
      inFence = fence[2];
      continue;
    }
    if (/^\s*([-*+]|\d+\.)\s/.test(line)) listy = true;
    else if (/^\S/.test(line)) listy = false;
    if (!listy && /^ {4}\S/.test(line) && i > 0 && lines[i - 1].trim() === "") found.push(`${file}:${i + 1}: ${line.trim()}`);
  }
  return found;
}

const all = DOCS.flatMap(blocksOf);
const counts = { run: 0, typecheck: 0, fragment: 0, runAndTypechecked: 0 };
const tmpDirs = [];

// --- the project the snippets run in -------------------------------------------------

let services = {};
before(() => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(PROJECT, { recursive: true });
  // What a user installs before the first release: the packed tarball.
  const [{ filename }] = JSON.parse(execFileSync("npm", ["pack", path.join(ROOT, "pkg"), "--pack-destination", WORK, "--json", "--ignore-scripts"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
  writeFileSync(path.join(PROJECT, "package.json"), `${JSON.stringify({ name: "snippets", private: true, type: "module" }, null, 2)}\n`);
  execFileSync("npm", ["install", path.join(WORK, filename), "--no-audit", "--no-fund", "--no-package-lock"], { cwd: PROJECT, stdio: ["ignore", "ignore", "inherit"] });
  // `npx esbuild`, as the docs write it, finds esbuild among the project's own bins.
  mkdirSync(path.join(PROJECT, "node_modules/.bin"), { recursive: true });
  for (const bin of ["esbuild", "tsc"]) {
    execFileSync("ln", ["-sfn", path.join(BIN, bin), path.join(PROJECT, "node_modules/.bin", bin)]);
  }
  if (all.some((b) => /REDIS_URL/.test(b.code) && b.marker?.kind !== "fragment")) services = serviceUrls(["redis"]);
});

after(() => {
  console.log(`snippets: ${counts.run} run (${counts.runAndTypechecked} of them also through tsc), ${counts.typecheck} type-checked only, ${counts.fragment} fragments (${all.length} fenced blocks, and the indented ones above)`);
  for (const dir of tmpDirs) rmSync(dir, { recursive: true, force: true });
});

const env = (extra = {}) => ({
  ...process.env,
  PATH: `${path.join(PROJECT, "node_modules/.bin")}:${BIN}:${process.env.PATH}`,
  SECRET_KEY,
  ...services,
  NO_COLOR: "1",
  ...extra,
});

function groupDir(name) {
  const dir = path.join(PROJECT, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // The project's node_modules, as a project's own directory has it.
  execFileSync("ln", ["-sfn", "../node_modules", path.join(dir, "node_modules")]);
  return dir;
}

function write(dir, name, code) {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, code);
  return file;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Two GETs of `/` (the second with the first answer's cookies); the first
 * must set `cookie` (default sessionid). Returns both.
 */
async function requestTwice(base, expect, cookie = "sessionid") {
  const first = await fetch(base);
  assert.ok(first.ok, `GET / answered ${first.status}: ${await first.clone().text()}`);
  const cookies = first.headers.getSetCookie().map((c) => c.split(";")[0]);
  assert.ok(cookies.some((c) => c.startsWith(`${cookie}=`) && c.length > cookie.length + 1), `the first answer sets ${cookie}: ${first.headers.getSetCookie()}`);
  const second = await fetch(base, { headers: { cookie: cookies.join("; ") } });
  const body = await second.text();
  assert.ok(second.ok, `second GET / answered ${second.status}: ${body}`);
  if (expect) assert.match(body, new RegExp(expect), "the second answer");
  return { first, second, body };
}

/** Runs `command` (spawned with bash) until PORT answers, requests it, stops it. */
async function serve(command, args, cwd, expect, cookie) {
  const port = await freePort();
  const child = spawn(command, args, { cwd, env: env({ PORT: String(port) }), stdio: ["ignore", "pipe", "pipe"], detached: true });
  let output = "";
  child.stdout.on("data", (d) => (output += d));
  child.stderr.on("data", (d) => (output += d));
  const exited = new Promise((resolve) => child.once("exit", resolve));
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`exited ${child.exitCode} before listening:\n${output}`);
      if (Date.now() > deadline) throw new Error(`nothing listened on PORT=${port} within 60 s:\n${output}`);
      const up = await fetch(`http://127.0.0.1:${port}/`, { method: "HEAD" }).then(() => true, () => false);
      if (up) break;
      await sleep(200);
    }
    return await requestTwice(`http://127.0.0.1:${port}/`, expect, cookie);
  } catch (error) {
    error.message += `\n--- output:\n${output}`;
    throw error;
  } finally {
    try {
      process.kill(-child.pid, "SIGTERM"); // the whole group: npx, deno, node
    } catch {}
    await Promise.race([exited, sleep(5000)]);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {}
  }
}

function run(command, args, cwd, extra) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { cwd, env: env(extra), encoding: "utf8", timeout: 120_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed (${error.code}):\n${stdout}${stderr}`));
      else resolve(stdout);
    });
  });
}

/** tsc --noEmit on `file`, strict, against the installed package's types. */
async function typecheck(dir, file, types = "node") {
  const compilerOptions = {
    target: "es2022", module: "preserve", moduleResolution: "bundler", strict: true, noEmit: true,
    skipLibCheck: true, allowImportingTsExtensions: true,
    lib: types === "workers" ? ["es2022"] : ["es2022", "dom", "dom.iterable"],
    types: types === "workers" ? ["@cloudflare/workers-types"] : types === "node" ? ["node"] : [],
    typeRoots: [path.join(ROOT, "node_modules/@types"), path.join(ROOT, "node_modules")],
  };
  const files = [file];
  if (types === "deno") {
    const deno = execFileSync(path.join(BIN, "deno"), ["types"], { encoding: "utf8", maxBuffer: 64 << 20 });
    files.push(write(dir, "deno.d.ts", deno.replace(/^\/\/\/ <reference (no-default-lib="true"|lib="(deno\.[\w.]+|node|es2025[\w.]*)") \/>$/gm, "")));
  }
  write(dir, "tsconfig.json", JSON.stringify({ compilerOptions, files }, null, 2));
  await run(path.join(BIN, "tsc"), ["-p", path.join(dir, "tsconfig.json")], dir);
}

/** Bundles `entry` as wrangler does and runs it in workerd; requests `/` twice. */
async function workerd(dir, entry, options) {
  const { modules } = await bundleWorker(entry);
  // The bindings: wrangler.toml's (a file block of the group), or d1=.
  const toml = options.wrangler ? readWranglerToml(path.join(dir, options.wrangler)) : null;
  if (toml) assert.equal(path.join(dir, toml.main), entry, "wrangler.toml's main is the Worker");
  const d1 = toml ? toml.d1Databases : options.d1 ? String(options.d1).split(",") : [];
  const worker = await startWorker({
    modules, modulesRoot: dir, d1Databases: d1, kvNamespaces: toml?.kvNamespaces ?? [], bindings: { SECRET_KEY },
    ...(toml?.compatibilityDate ? { compatibilityDate: toml.compatibilityDate } : {}), port: await freePort(), host: "127.0.0.1",
  });
  try {
    for (const name of d1) {
      const db = await worker.mf.getD1Database(name);
      for (const file of options.sql ? String(options.sql).split(",") : []) {
        // What `wrangler d1 execute --file` does: every statement of the file.
        const sql = readFileSync(path.join(PROJECT, "node_modules/edge-sessions", file), "utf8").replace(/^--.*$/gm, "");
        for (const statement of sql.split(";").map((s) => s.trim()).filter(Boolean)) await db.prepare(statement).run();
      }
    }
    const url = (await worker.mf.ready).href;
    return await requestTwice(url, options.expect, options.cookie);
  } finally {
    await worker.dispose();
  }
}

/** Serves `dir` over HTTP on 127.0.0.1 (for the browser blocks). */
function staticServer(dir) {
  const types = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };
  const server = createServer((req, res) => {
    const file = path.join(dir, decodeURIComponent(new URL(req.url, "http://x").pathname));
    if (!file.startsWith(dir) || !existsSync(file)) return res.writeHead(404).end();
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

/** Opens `page` of `dir` in headless Chromium; returns the body's text once `#out` has some. */
async function inChromium(dir, page) {
  const server = await staticServer(dir);
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu"] });
  try {
    const tab = await browser.newPage();
    const errors = [];
    tab.on("pageerror", (e) => errors.push(e.message));
    await tab.goto(`http://127.0.0.1:${server.address().port}/${page}`);
    await tab.waitForFunction(() => document.querySelector("#out")?.textContent, null, { timeout: 20_000 }).catch(() => {});
    const text = await tab.locator("#out").textContent();
    assert.deepEqual(errors, [], "no error in the page");
    return text;
  } finally {
    await browser.close();
    server.close();
  }
}

// --- the tests ------------------------------------------------------------------------

test("every fenced block is marked, and no indented code block is left", () => {
  const unmarked = all.filter((b) => !b.marker).map((b) => `${b.file}:${b.line} (${b.lang || "no language"})`);
  assert.deepEqual(unmarked, [], "blocks without a <!-- snippet: ... --> marker");
  const kinds = new Set(["node", "workerd", "shell", "file", "tsc", "fragment", "rust"]);
  assert.deepEqual(all.filter((b) => !kinds.has(b.marker.kind)).map((b) => `${b.file}:${b.line}: ${b.marker.kind}`), []);
  assert.deepEqual(all.filter((b) => b.marker.kind === "fragment" && !b.marker.why).map((b) => `${b.file}:${b.line}`), [], "a fragment says why");
  // Indented blocks cannot carry a marker: fenced everywhere but in the
  // framework and interop guides, whose indented blocks (`npm i
  // edge-sessions`, the commands that run their tests) count as fragments.
  const indented = DOCS.flatMap(indentedBlocksOf);
  const allowed = indented.filter((b) => INDENTED_OK.some((f) => b.startsWith(`${f}:`)));
  assert.deepEqual(indented.filter((b) => !allowed.includes(b)), [], "indented code blocks (fence and mark them)");
  counts.fragment += allowed.length;
  for (const b of allowed) console.log(`fragment (indented block): ${b}`);
});

test("the Rust blocks are doc tests: src/lib.rs includes README.md", () => {
  const lib = readFileSync(path.join(ROOT, "src/lib.rs"), "utf8");
  const rust = all.filter((b) => b.marker?.kind === "rust");
  assert.ok(rust.every((b) => b.file === "README.md"), "Rust blocks only in README.md");
  if (rust.length) assert.match(lib, /#\[doc = include_str!\("\.\.\/README\.md"\)\]/);
  counts.run += rust.length;
});

for (const file of DOCS) {
  const blocks = all.filter((b) => b.file === file && b.marker);
  // Blocks in groups run in order, one test per group; the others one test each.
  const units = [];
  for (const block of blocks) {
    const group = block.marker.options.group;
    const last = units.at(-1);
    if (group && last?.group === group) last.blocks.push(block);
    else units.push({ group, blocks: [block] });
  }
  describe(file, { concurrency: 1 }, () => {
    for (const unit of units) {
      const first = unit.blocks[0];
      const label = `${file}:${first.line}${unit.group ? ` [${unit.group}]` : ""}: ${unit.blocks.map((b) => b.marker.kind).join(" + ")}`;
      const kinds = unit.blocks.map((b) => b.marker.kind);
      if (kinds.every((k) => k === "fragment" || k === "rust")) {
        for (const b of unit.blocks) if (b.marker.kind === "fragment") counts.fragment++;
        continue; // counted; nothing to run (Rust: cargo test --doc)
      }
      test(label, { timeout: 300_000 }, async () => {
        const dir = groupDir(`${file.replace(/[/.]/g, "_")}-${first.line}`);
        tmpDirs.push(dir);
        let ran = false;
        for (const block of unit.blocks) {
          const { kind, options } = block.marker;
          const name = options.name ?? { node: "snippet.mjs", workerd: block.lang === "ts" ? "worker.ts" : "worker.js", tsc: "snippet.ts" }[kind];
          if (kind === "file") {
            write(dir, options.name, block.code);
          } else if (kind === "fragment") {
            counts.fragment++;
          } else if (kind === "tsc") {
            const written = write(dir, name, block.code);
            await typecheck(dir, written, options.types);
            counts.typecheck++;
          } else if (kind === "node") {
            const written = write(dir, name, block.code);
            if (options.serve) await serve(NODE, [written], dir, options.expect, options.cookie);
            else {
              const out = await run(NODE, [written], dir);
              if (options.expect) assert.match(out, new RegExp(options.expect));
            }
            ran = true;
          } else if (kind === "workerd") {
            const written = write(dir, name, block.code);
            if (name.endsWith(".ts")) {
              await typecheck(dir, written, "workers");
              counts.runAndTypechecked++;
            }
            await workerd(dir, written, options);
            ran = true;
          } else if (kind === "shell") {
            if (options.serve) await serve("bash", ["-ec", block.code], dir, options.expect, options.cookie);
            else {
              const out = await run("bash", ["-ec", block.code], dir);
              if (options.expect) assert.match(out, new RegExp(options.expect));
            }
            if (options.browser) {
              const text = await inChromium(dir, options.browser);
              if (options["browser-expect"]) assert.match(text ?? "", new RegExp(options["browser-expect"]));
            }
            ran = true;
          }
          if (["node", "workerd", "shell"].includes(kind)) counts.run++;
        }
        // A file block counts with the run that used it.
        const files = unit.blocks.filter((b) => b.marker.kind === "file").length;
        if (files) {
          assert.ok(ran, "a group's files are used by a block that runs");
          counts.run += files;
        }
      });
    }
  });
}
