// Browsers and bundlers: fetch and compile the module beside this file
// (top-level await; browsers refuse to compile large modules synchronously).
import init from "./edge_sessions_digests.js";

await init({ module_or_path: new URL("./edge_sessions_digests_bg.wasm", import.meta.url) });

export * from "./digests.js";
