// The settings the middleware and the route handlers share. signed_cookies:
// the session lives in the cookie, so the middleware and each edge route
// (bundled and run apart, with no memory in common) see the same sessions.
// A function: read at the first request, from the server's environment.
import type { SessionOptions } from "edge-sessions";

export const sessionOptions = (): SessionOptions => ({ secretKey: process.env.SECRET_KEY ?? "", engine: "signed_cookies" });
