// What `npm publish` would do with pkg/ (--dry-run: nothing is sent): npm
// corrects nothing in the manifest (it would silently drop, say, a `bin`
// path it finds invalid), the tarball is the one `npm pack` makes, the
// metadata the registry page shows is there, and the README it shows is
// js/README.md, whose links resolve there: absolute, into the repository
// `repository` names, at files that exist. Run: node --test tests/packaging/
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const manifest = JSON.parse(readFileSync(path.join(ROOT, "pkg/package.json"), "utf8"));

function npm(args) {
  return new Promise((resolve, reject) => {
    // No token: --dry-run never reaches the registry's publish endpoint.
    execFile("npm", args, { cwd: ROOT, encoding: "utf8", maxBuffer: 16 << 20, env: { ...process.env, NO_COLOR: "1" } }, (error, stdout, stderr) => {
      if (error) reject(new Error(`npm ${args.join(" ")} failed:\n${stdout}${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

test("npm publish --dry-run: nothing corrected, the tarball npm pack makes", async () => {
  const { stdout, stderr } = await npm(["publish", "./pkg", "--dry-run", "--json", "--ignore-scripts", "--tag", "dry-run"]);
  for (const line of stderr.split("\n").filter((l) => /warn/i.test(l))) console.log(line);
  assert.doesNotMatch(stderr, /auto-corrected|errors corrected|was invalid and removed/, "npm corrected the manifest");
  const published = JSON.parse(stdout)["edge-sessions"] ?? JSON.parse(stdout);
  const { stdout: packOut } = await npm(["pack", "./pkg", "--dry-run", "--json", "--ignore-scripts"]);
  const [packed] = JSON.parse(packOut);
  assert.equal(published.name, "edge-sessions");
  assert.equal(published.version, manifest.version);
  assert.deepEqual(published.files.map((f) => f.path).sort(), packed.files.map((f) => f.path).sort());
  console.log(`npm publish --dry-run: ${published.id}, ${published.files.length} files, ${published.size} bytes`);
});

test("the registry page's metadata: repository, homepage, bugs, engines; no funding", () => {
  const repo = manifest.repository?.url?.match(/^git\+(https:\/\/github\.com\/[\w.-]+\/[\w.-]+)\.git$/)?.[1];
  assert.ok(repo, `repository.url is a git+https GitHub URL: ${manifest.repository?.url}`);
  assert.equal(manifest.repository.type, "git");
  assert.equal(manifest.homepage, `${repo}#readme`);
  assert.equal(manifest.bugs?.url, `${repo}/issues`);
  assert.equal(manifest.funding, undefined);
  assert.equal(manifest.engines?.node, ">=20");
  assert.equal(manifest.license, "BSD-3-Clause");
  assert.equal(manifest.bin?.["edge-sessions"], "cli.js");
});

test("the README npm shows is js/README.md, every link absolute and into this repository", () => {
  const readme = readFileSync(path.join(ROOT, "pkg/README.md"), "utf8");
  assert.equal(readme, readFileSync(path.join(ROOT, "js/README.md"), "utf8"));
  const repo = manifest.repository.url.replace(/^git\+/, "").replace(/\.git$/, "");
  const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
  assert.ok(links.length > 10, `${links.length} links`);
  const relative = links.filter((l) => !/^https?:\/\//.test(l) && !l.startsWith("#"));
  assert.deepEqual(relative, [], "relative links do not resolve on the registry page");
  for (const link of links.filter((l) => l.startsWith(repo))) {
    const rest = link.slice(repo.length);
    const file = rest.match(/^\/(?:blob|tree)\/main\/([^#]+)/)?.[1];
    if (file) assert.ok(existsSync(path.join(ROOT, file)), `${link}: ${file} exists in the repository`);
    else assert.match(rest, /^(#[\w-]+|\.git)?$/, link);
  }
});
