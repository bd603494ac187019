// Django's SessionMiddleware for every on-demand route:
// `Astro.locals.session` is the request's session (`request.session`).
import type { MiddlewareHandler } from "astro";
import { memoryCache } from "edge-sessions";
import { sessionMiddleware } from "edge-sessions/astro";

// The cache engine over an in-memory store (one server process).
const cache = memoryCache({ maxEntries: 10_000 });

// A function: read at the first request, from the server's environment.
export const onRequest: MiddlewareHandler = sessionMiddleware(() => ({ secretKey: process.env.SECRET_KEY ?? "", engine: "cache", cache }));
