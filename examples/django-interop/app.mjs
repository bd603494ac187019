// The edge twin of views.py: the same JSON endpoints over edge-sessions, as
// one fetch handler. server.mjs serves it from Node, worker.mjs from workerd.
import { Sessions } from "edge-sessions";

// Django's session keys for the logged-in user (django.contrib.auth).
const USER_ID = "_auth_user_id";
const BACKEND = "_auth_user_backend";
const HASH = "_auth_user_hash";

async function state(session) {
  // "data" first: loading may drop an unknown key, so read the key after it.
  const data = Object.fromEntries(await session.items());
  return {
    data,
    key: session.sessionKey,
    expiry_age: await session.getExpiryAge(),
    expiry_date: await session.getExpiryDate({ format: "iso" }),
    browser_close: await session.getExpireAtBrowserClose(),
  };
}

const routes = {
  "GET /session": (session) => state(session),
  "POST /set": async (session, body) => {
    await session.update(body);
    return state(session);
  },
  "POST /cart/add": async (session, { item }) => {
    await session.set("cart", [...(await session.get("cart", [])), item]);
    return state(session);
  },
  // {"seconds": n} (0 = at browser close) or {"date": "<ISO 8601>"}, kept
  // with its offset as Django's datetime.fromisoformat() keeps it.
  "POST /expiry": async (session, body) => {
    await session.setExpiry("date" in body ? body.date : body.seconds);
    return state(session);
  },
  "POST /flush": async (session) => {
    await session.flush();
    return state(session);
  },
  // django.contrib.auth.login() without the password check: the edge has no
  // user table, so the caller supplies the user's id, backend and session
  // auth hash (an HMAC of the password hash that only Django can compute).
  "POST /login": async (session, { id, backend, hash }) => {
    if (await session.has(USER_ID)) {
      // Another user's (or a stale) session: start empty, as Django does.
      if ((await session.get(USER_ID)) !== id || (await session.get(HASH)) !== hash) await session.flush();
    } else {
      await session.cycleKey(); // a new key at log-in defeats session fixation
    }
    await session.update({ [USER_ID]: id, [BACKEND]: backend, [HASH]: hash });
    return state(session);
  },
  "POST /logout": async (session) => {
    await session.flush();
    return state(session);
  },
  // Only what the session says: the hash cannot be checked here (see the guide).
  "GET /whoami": async (session) => {
    const id = (await session.get(USER_ID)) ?? null;
    return { authenticated: id !== null, id, username: null, ...(await state(session)) };
  },
};

/** A fetch handler `(request) => Promise<Response>` for the given Sessions options. */
export function edgeApp(options) {
  const sessions = new Sessions(options);
  return async (request) => {
    const route = routes[`${request.method} ${new URL(request.url).pathname}`];
    if (!route) return Response.json({ error: "not found" }, { status: 404 });
    const body = request.method === "POST" ? await request.json().catch(() => ({})) : {};
    return sessions.handle(request, async (session) => Response.json(await route(session, body)));
  };
}

/** Sessions options from Django-named variables (SECRET_KEY, SECRET_KEY_FALLBACKS as JSON, SESSION_ENGINE). */
export function settingsFromEnv(env) {
  return {
    secretKey: env.SECRET_KEY,
    secretKeyFallbacks: JSON.parse(env.SECRET_KEY_FALLBACKS || "[]"),
    engine: env.SESSION_ENGINE || "db",
  };
}
