// Where an entry of the package resolves for a runtime Node cannot ask
// directly: the first key of `exports[subpath]` among `conditions`, as
// bundlers match them (the package's map is flat). Returns an absolute file path.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export function resolveEntry(conditions, subpath = ".") {
  const manifest = new URL(import.meta.resolve("edge-sessions/package.json"));
  const entry = JSON.parse(readFileSync(manifest, "utf8")).exports[subpath];
  const condition = entry && Object.keys(entry).find((c) => conditions.includes(c));
  if (!condition) throw new Error(`no exports condition of ${subpath} among ${conditions}`);
  return fileURLToPath(new URL(entry[condition], manifest));
}
