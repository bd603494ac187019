// Any other host: call initEdgeSessions(module) yourself with a
// WebAssembly.Module, the module's bytes, or a URL/Response to fetch.
// Until then every call says so, rather than failing inside the glue.
import init, { initSync, useJsonParse } from "./edge_sessions.js";
import { parseBoundary } from "./api.js";
import { markReady } from "./manual-core.js";

/** Instantiates the wasm core; call (and await) once before anything else. */
export async function initEdgeSessions(moduleOrSource) {
  if (moduleOrSource instanceof WebAssembly.Module || ArrayBuffer.isView(moduleOrSource) || moduleOrSource instanceof ArrayBuffer) {
    initSync({ module: moduleOrSource });
  } else {
    await init({ module_or_path: moduleOrSource });
  }
  useJsonParse(parseBoundary);
  markReady();
}

export * from "./manual-api.js";
