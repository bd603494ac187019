// Django's SessionMiddleware for the whole app: `event.locals.session` is
// the request's session (`request.session`) in every load, action and endpoint.
import type { Handle } from "@sveltejs/kit";
import { env } from "$env/dynamic/private";
import { memoryCache } from "edge-sessions";
import { sessionHandle } from "edge-sessions/sveltekit";

// The cache engine over an in-memory store (one server process); a Worker
// would pass kvCache(event.platform.env.SESSIONS) instead.
const cache = memoryCache({ maxEntries: 10_000 });

// A function: read at the first request, when the runtime environment is there.
export const handle: Handle = sessionHandle(() => ({ secretKey: env.SECRET_KEY ?? "", engine: "cache", cache }));
