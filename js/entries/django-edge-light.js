// Next.js's edge runtime (and Vercel Edge Functions): code generation from
// bytes is forbidden there, so the bundler hands the module over precompiled
// through its `.wasm?module` import (Next's `edge-light` condition).
import wasmModule from "./edge_sessions_django_bg.wasm?module";
import { initSync } from "./edge_sessions_django.js";

// Next's own sandbox (`next start`, `next dev`, the build) compiles that
// module in its host realm, so initSync's `instanceof WebAssembly.Module`
// test fails on it and it would be taken for bytes. Given this realm's
// prototype it passes; WebAssembly.Instance checks the module itself, not
// its prototype. (Asynchronous instantiation would accept it as it is, at
// the cost of a top-level await webpack warns about in every edge build.)
if (!(wasmModule instanceof WebAssembly.Module)) Object.setPrototypeOf(wasmModule, WebAssembly.Module.prototype);
initSync({ module: wasmModule });

export * from "./django.js";
