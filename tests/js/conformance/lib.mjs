// The entry point the replay runs on: $CONFORMANCE_ENTRY, by default the
// full package ("edge-sessions"); "edge-sessions/signed" replays what that
// entry ships (signing and the signed_cookies engine), and every vector
// that needs another engine is not applicable there (see NotApplicable).
// The memory adapters always come from the full package: they are plain JS.

export const ENTRY = process.env.CONFORMANCE_ENTRY || "edge-sessions";
const lib = await import(ENTRY);

export const { BadSignature, EdgeSessionsError, Sessions, Signer, TimestampSigner, dumps, loads, signing } = lib;
/** Whether the entry runs the storage engines (the signed entry ships none). */
export const HAS_STORES = lib.memoryCache !== undefined;
