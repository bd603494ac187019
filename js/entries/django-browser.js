// Browsers and bundlers: fetch and compile the CSRF module beside this file
// (top-level await; browsers refuse to compile large modules synchronously).
import init from "./edge_sessions_django.js";

await init({ module_or_path: new URL("./edge_sessions_django_bg.wasm", import.meta.url) });

export * from "./django.js";
