// Next.js's edge runtime (and Vercel Edge Functions): code generation from
// bytes is forbidden there, so the bundler hands the module over precompiled
// through its `.wasm?module` import (Next's `edge-light` condition).
import wasmModule from "./edge_sessions_bg.wasm?module";
import { initSync } from "./edge_sessions.js";

initSync({ module: wasmModule });

export * from "./api.js";
