// Node, Deno and Bun: read the module beside this file and instantiate it synchronously.
import { readFileSync } from "node:fs";
import { initSync, useJsonParse } from "./edge_sessions.js";
import { parseBoundary } from "./api.js";

initSync({ module: readFileSync(new URL("./edge_sessions_bg.wasm", import.meta.url)) });
useJsonParse(parseBoundary);

export * from "./main.js";
