export * from "./index.js";

/**
 * Instantiates the wasm core for hosts the package's entry points do not
 * know: pass a precompiled `WebAssembly.Module`, the module's bytes, or a
 * URL / Response to fetch it from (`edge-sessions/wasm` is the file).
 * Until it resolves, every other export throws `NotInitialized`.
 */
export function initEdgeSessions(moduleOrSource: WebAssembly.Module | BufferSource | URL | string | Response | Promise<Response>): Promise<void>;
