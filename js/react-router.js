// React Router 7 (and Remix): a SessionStorage, as createSessionStorage's,
// whose cookie and stored data are Django's. React Router's Session is a
// synchronous map over data read up front; this module reads the Django
// session into one in getSession and, in commitSession/destroySession, writes
// back the keys the request changed and hands the session to
// `processResponse`, which decides (as Django's middleware) whether to save
// and what Set-Cookie and Vary to send. Nothing is imported from react-router.
import { SessionInterrupted } from "edge-sessions";
import { sessionsFor } from "./sessions-for.js";

/** React Router keeps a flash value under this key until it is read. */
const flashKey = (name) => `__flash_${name}__`;

/** Each Session's Django session, data, and the keys changed since the last commit. */
const state = new WeakMap();

/** React Router's Session contract (`createSession`'s semantics), over a map of the Django data. */
class DjangoSession {
  constructor(django, entries) {
    state.set(this, { django, id: django.sessionKey ?? "", map: new Map(entries), changed: new Set() });
  }
  get id() {
    return state.get(this).id;
  }
  get data() {
    return Object.fromEntries(state.get(this).map);
  }
  has(name) {
    const { map } = state.get(this);
    return map.has(name) || map.has(flashKey(name));
  }
  get(name) {
    const { map, changed } = state.get(this);
    if (map.has(name)) return map.get(name);
    const flash = flashKey(name);
    if (!map.has(flash)) return undefined;
    const value = map.get(flash);
    map.delete(flash); // read once: deleted from the Django session at commit
    changed.add(flash);
    return value;
  }
  set(name, value) {
    this.#write(name, value);
  }
  flash(name, value) {
    this.#write(flashKey(name), value);
  }
  unset(name) {
    const { map, changed } = state.get(this);
    map.delete(name);
    changed.add(name);
  }
  #write(key, value) {
    const { map, changed } = state.get(this);
    map.set(key, value);
    changed.add(key);
  }
}

/** The Django expiry for React Router's cookie options: `maxAge` seconds or an `expires` date. */
function expiryOf(options) {
  if (options == null) return undefined;
  const unknown = Object.keys(options).filter((k) => options[k] !== undefined && k !== "maxAge" && k !== "expires");
  if (unknown.length) {
    throw new TypeError(
      `cookie options ${unknown.join(", ")} come from the Sessions settings (cookieDomain, cookiePath, cookieSecure...), not from commitSession`,
    );
  }
  return options.maxAge ?? options.expires;
}

/**
 * A React Router SessionStorage over Django's session engines. `options` is
 * a Sessions, its options, or a function called once (at the first request).
 */
export function createDjangoSessionStorage(options) {
  const sessionsOf = sessionsFor(options);

  /** Django's response for this session: the changed keys written, then processResponse. */
  async function finish(session, { status = 200, vary = null, destroy = false, expiry } = {}) {
    const own = state.get(session);
    if (!own) throw new TypeError("not a session from this storage's getSession()");
    // A second commit of the same session: reopen it by key (the first one ended its request).
    const django = own.django ?? sessionsOf().open(own.id || null);
    own.django = null;
    try {
      if (destroy) {
        await django.flush(); // Django's logout(): data, stored copy and key go
        own.map.clear();
      } else {
        for (const key of own.changed) {
          if (own.map.has(key)) await django.set(key, own.map.get(key));
          else await django.delete(key);
        }
        if (expiry !== undefined) await django.setExpiry(expiry);
      }
      own.changed.clear();
      return await django.processResponse(status, vary);
    } catch (error) {
      // As Django's middleware: the session was deleted by another request meanwhile.
      if (error instanceof SessionInterrupted) throw new Response("Bad Request (400)", { status: 400, headers: { "content-type": "text/plain" } });
      throw error;
    } finally {
      own.id = django.sessionKey ?? "";
    }
  }

  /** The answer as Headers: Set-Cookie only when Django sends one, Vary as Django sets it. */
  async function headersOf(session, options) {
    const { setCookie, vary } = await finish(session, options);
    const headers = new Headers();
    if (setCookie !== undefined) headers.append("set-cookie", setCookie);
    if (vary !== undefined) headers.set("vary", vary);
    return headers;
  }

  return {
    get sessions() {
      return sessionsOf();
    },
    async getSession(cookieHeader) {
      const django = sessionsOf().fromCookieHeader(cookieHeader ?? null);
      return new DjangoSession(django, await django.items()); // read up front: Session is synchronous
    },
    async commitSession(session, cookieOptions) {
      return (await finish(session, { expiry: expiryOf(cookieOptions) })).setCookie ?? "";
    },
    async destroySession(session, cookieOptions) {
      expiryOf(cookieOptions);
      return (await finish(session, { destroy: true })).setCookie ?? "";
    },
    commitHeaders(session, { status, vary, maxAge, expires } = {}) {
      return headersOf(session, { status, vary, expiry: expiryOf({ maxAge, expires }) });
    },
    destroyHeaders(session, { status, vary } = {}) {
      return headersOf(session, { status, vary, destroy: true });
    },
  };
}
