// Opens the page in headless Chromium (Debian's, through playwright-core),
// served as a static site with its node_modules beside it, and checks what
// it shows. Run: node --test examples/browser/test/
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { loads } from "edge-sessions";

const EXAMPLE = fileURLToPath(new URL("..", import.meta.url));
const NODE_MODULES = fileURLToPath(new URL("../../../node_modules/", import.meta.url));
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm" };

// A static server for the example's directory, with node_modules/ as an
// installed project would have it (the package through its symlink).
const server = createServer(async (req, res) => {
  const pathname = decodeURIComponent(new URL(req.url, "http://x").pathname);
  const [root, rest] = pathname.startsWith("/node_modules/")
    ? [NODE_MODULES, pathname.slice("/node_modules/".length)]
    : [EXAMPLE, pathname === "/" ? "index.html" : pathname.slice(1)];
  const file = path.join(root, rest);
  try {
    if (!file.startsWith(root)) throw new Error("outside the root");
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" }).end(await readFile(file));
  } catch {
    res.writeHead(404).end();
  }
});

let browser, page;
const errors = [];
before(async () => {
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  page = await browser.newPage();
  page.on("pageerror", (error) => errors.push(error.message));
  page.on("console", (msg) => msg.type() === "error" && errors.push(msg.text()));
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForSelector("#add:not([disabled])", { timeout: 30_000 });
});
after(async () => {
  await browser?.close();
  server.closeAllConnections();
  server.close();
});

test("the page signs like Django and refuses a tampered token", async () => {
  const token = await page.textContent("#token");
  assert.match(token, /^[\w-]+:[0-9A-Za-z]+:[\w-]{43}$/);
  // What the page signed, the package in Node reads (and so would Django).
  assert.deepEqual(loads(token, { secretKey: "a-key-for-this-demo-page-only", salt: "invite" }), { user: 42 });
  assert.equal(await page.textContent("#loaded"), '{"user":42}');
  assert.equal(await page.textContent("#tampered"), "refused (BadSignature)");
});

test("the session dict keeps its data under its key across clicks", async () => {
  assert.match(await page.textContent("#session-key"), /^[a-z0-9]{32}$/);
  await page.click("#add");
  await page.waitForFunction(() => document.getElementById("cart").textContent === '["apple"]');
  await page.click("#add");
  await page.waitForFunction(() => document.getElementById("cart").textContent === '["apple","apple"]');
  assert.deepEqual(errors, []);
});
