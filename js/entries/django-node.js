// Node, Deno and Bun: read the CSRF module beside this file and instantiate it synchronously.
import { readFileSync } from "node:fs";
import { initSync } from "./edge_sessions_django.js";

initSync({ module: readFileSync(new URL("./edge_sessions_django_bg.wasm", import.meta.url)) });

export * from "./django.js";
