// The runtime suite in a real page in headless Chromium (Debian's, driven by
// playwright-core). Run: node tests/runtime/chromium.run.mjs
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { report } from "./suite.js";
import { resolveEntry } from "./exports.mjs";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const TYPES = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".html": "text/html" };

// Browsers read no package.json: the import map names what the `browser` condition does.
const served = (subpath) => "/" + path.relative(ROOT, resolveEntry(["browser", "import", "default"], subpath)).split(path.sep).join("/");
const imports = { "edge-sessions": served("."), "edge-sessions/signed": served("./signed") };
const PAGE = `<!doctype html>
<link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module">
  import { ENTRIES, runSuite, FETCH_DROPS_COOKIES } from "/tests/runtime/suite.js";
  try {
    const results = [];
    for (const entry of ENTRIES) results.push(...(await runSuite(await import(entry), entry + ": ")));
    window.suiteDone = { resolved: import.meta.resolve("edge-sessions"), userAgent: navigator.userAgent,
      dropsCookies: FETCH_DROPS_COOKIES, results };
  } catch (error) {
    window.suiteDone = { error: String(error?.stack ?? error) };
  }
</script>`;

// Static files under the repo root, plus the page at "/".
const server = createServer(async (req, res) => {
  const { pathname } = new URL(req.url, "http://x");
  const file = path.join(ROOT, decodeURIComponent(pathname));
  try {
    if (pathname === "/") return res.writeHead(200, { "content-type": TYPES[".html"] }).end(PAGE);
    if (!file.startsWith(ROOT)) throw new Error("outside the root");
    const body = await readFile(file);
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));

let browser;
let ok = false;
try {
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage();
  page.on("pageerror", (error) => console.log(`chromium: page error: ${error.message}`));
  page.on("console", (msg) => msg.type() === "error" && console.log(`chromium: console: ${msg.text()}`));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  const done = await (await page.waitForFunction(() => window.suiteDone, null, { timeout: 30_000 })).jsonValue();
  if (done.error) throw new Error(`the page failed: ${done.error}`);
  console.log(`chromium: edge-sessions -> ${done.resolved}`);
  console.log(`chromium: ${done.userAgent}`);
  if (done.dropsCookies) console.log("chromium: Fetch drops Set-Cookie/Cookie here: cookie tests read plain Headers (see suite.js)");
  ok = report("chromium", done.results);
} finally {
  await browser?.close();
  server.closeAllConnections();
  server.close();
}
process.exitCode = ok ? 0 : 1;
