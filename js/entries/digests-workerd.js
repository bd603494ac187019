// Cloudflare Workers: the bundler hands the .wasm import over as a
// precompiled WebAssembly.Module (code generation at run time is forbidden).
import wasmModule from "./edge_sessions_digests_bg.wasm";
import { initSync } from "./edge_sessions_digests.js";

initSync({ module: wasmModule });

export * from "./digests.js";
