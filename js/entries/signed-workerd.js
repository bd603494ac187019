// Cloudflare Workers: the bundler hands the .wasm import over as a
// precompiled WebAssembly.Module (code generation at run time is forbidden).
import wasmModule from "./edge_sessions_signed_bg.wasm";
import { initSync, useJsonParse } from "./edge_sessions_signed.js";
import { parseBoundary } from "./api.js";

initSync({ module: wasmModule });
useJsonParse(parseBoundary);

export * from "./signed.js";
