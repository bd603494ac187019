// Any other host: call initEdgeSessions(module) yourself with a
// WebAssembly.Module, the module's bytes, or a URL/Response to fetch.
import init, { initSync } from "./edge_sessions.js";

/** Instantiates the wasm core; call (and await) once before anything else. */
export async function initEdgeSessions(moduleOrSource) {
  if (moduleOrSource instanceof WebAssembly.Module || ArrayBuffer.isView(moduleOrSource) || moduleOrSource instanceof ArrayBuffer) {
    initSync({ module: moduleOrSource });
  } else {
    await init({ module_or_path: moduleOrSource });
  }
}

export * from "./api.js";
