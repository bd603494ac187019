// `edge-sessions/signed`: the signed_cookies engine over its own small
// module; session operations answer at once (the same API shape as
// `edge-sessions`, so `await` works with both). The runtime's entry
// (entries/) instantiates the module before this is evaluated.
import * as core from "./edge_sessions_signed.js";
import { bind } from "./api.js";

export const { dumps, loads, Signer, TimestampSigner, signing, Session, Sessions, withSession } = bind(core, { sync: true });
export * from "./errors.js";
