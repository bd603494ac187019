// Node, Deno and Bun: read the module beside this file and instantiate it synchronously.
import { readFileSync } from "node:fs";
import { initSync } from "./edge_sessions_digests.js";

initSync({ module: readFileSync(new URL("./edge_sessions_digests_bg.wasm", import.meta.url)) });

export * from "./digests.js";
