// Browsers and bundlers: fetch and compile the module beside this file
// (top-level await; browsers refuse to compile large modules synchronously).
import init, { useJsonParse } from "./edge_sessions_signed.js";
import { parseBoundary } from "./api.js";

await init({ module_or_path: new URL("./edge_sessions_signed_bg.wasm", import.meta.url) });
useJsonParse(parseBoundary);

export * from "./signed.js";
