// Cloudflare Workers: the bundler hands the .wasm import over as a
// precompiled WebAssembly.Module (code generation at run time is forbidden).
import wasmModule from "./edge_sessions_django_bg.wasm";
import { initSync } from "./edge_sessions_django.js";

initSync({ module: wasmModule });

export * from "./django.js";
