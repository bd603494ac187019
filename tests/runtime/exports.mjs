// Where "edge-sessions" resolves for a runtime Node cannot ask directly: the
// first `exports["."]` key among `conditions`, as bundlers match them (the
// package's map is flat). Returns an absolute file path.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function resolveEntry(conditions) {
  const manifest = new URL(import.meta.resolve("edge-sessions/package.json"));
  const dot = JSON.parse(readFileSync(manifest, "utf8")).exports["."];
  const condition = Object.keys(dot).find((c) => conditions.includes(c));
  if (!condition) throw new Error(`no exports condition among ${conditions}`);
  return fileURLToPath(new URL(dot[condition], manifest));
}
