// The API of `edge-sessions`, bound to the guarded glue of manual-core.js.
import { bind } from "./api.js";
import { core } from "./manual-core.js";

export const { dumps, loads, Signer, TimestampSigner, signing, Session, Sessions, withSession } = bind(core, { sync: false });
export * from "./errors.js";
export { memoryCache, memoryDb, memoryFiles } from "./adapters/memory.js";
