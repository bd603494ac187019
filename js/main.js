// `edge-sessions`: every engine over the full module; session operations
// answer Promises. The runtime's entry (entries/) instantiates the module
// before this is evaluated.
import * as core from "./edge_sessions.js";
import { bind } from "./api.js";

export const { dumps, loads, Signer, TimestampSigner, signing, Session, Sessions, withSession } = bind(core, { sync: false });
export * from "./errors.js";
export { memoryCache, memoryDb, memoryFiles } from "./adapters/memory.js";
