// Where a benchmark run writes its results: $BENCH_OUT, by default
// target/bench/results/ (ignored by git). `bench/run-all.sh --record`
// copies a run into bench/results/, the snapshot that is committed.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The results directory of this run (created). */
export function outDir() {
  const dir = process.env.BENCH_OUT ? path.resolve(process.env.BENCH_OUT) : path.join(ROOT, "target/bench/results");
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Sets `key` of the run's latest.json to `value`, keeping the rest of the file. */
export function mergeLatest(key, value) {
  const file = path.join(outDir(), "latest.json");
  const json = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : { rows: [] };
  json[key] = value;
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
}
