// The edge twin of views.py: the same JSON endpoints over edge-sessions and
// edge-sessions/django, as one fetch handler for every runtime. serve.mjs
// serves it from Node, Deno and Bun, worker.mjs from workerd; stores.mjs
// opens the storage both sides share (Django's database and Redis).
import { Sessions } from "edge-sessions";
import { csrf, csrfProtect, getUser, login, logout } from "edge-sessions/django";

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

const escape = (text) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const routes = {
  "GET /session": ({ session }) => state(session),
  "POST /set": async ({ session, body }) => {
    await session.update(body);
    return state(session);
  },
  "POST /cart/add": async ({ session, body }) => {
    await session.set("cart", [...(await session.get("cart", [])), body.item]);
    return state(session);
  },
  // {"seconds": n} (0 = at browser close) or {"date": "<ISO 8601>"}, kept
  // with its offset as Django's datetime.fromisoformat() keeps it.
  "POST /expiry": async ({ session, body }) => {
    await session.setExpiry("date" in body ? body.date : body.seconds);
    return state(session);
  },
  "POST /flush": async ({ session }) => {
    await session.flush();
    return state(session);
  },
  // django.contrib.auth.login() for the user with this id, read from
  // Django's auth_user. The password is not checked here (Django's /login
  // without a password does the same): a real edge checks it first, or
  // leaves logging in to Django.
  "POST /login": async ({ request, session, body, loadUser }) => {
    const user = await loadUser(Number(body.id));
    if (!user) return { error: "no such user" };
    await login(session, user, { request });
    return state(session);
  },
  "POST /logout": async ({ session }) => {
    await logout(session);
    return state(session);
  },
  // get_user(): the hash checked against the password hash in auth_user (a
  // stale one flushes the session), as request.user does on Django.
  "GET /whoami": async ({ session, loadUser }) => {
    const user = await getUser(session, { loadUser });
    return { authenticated: user !== null, id: user ? String(user.id) : null, username: null, ...(await state(session)) };
  },
  "GET /form": ({ request }) => {
    const token = csrf.getToken(request);
    return new Response(
      `<!doctype html>\n<title>A form</title>\n<form method="post" action="/form"><input type="hidden" name="csrfmiddlewaretoken" value="${escape(token)}"><input name="note" value="from the edge"><button>Send</button></form>\n`,
      { headers: { "content-type": "text/html; charset=utf-8" } },
    );
  },
  "POST /form": async ({ request }) => ({ accepted: true, note: (await request.formData()).get("note") }),
};

// CsrfViewMiddleware's checks on /form only; the JSON API is csrf_exempt, as in views.py.
const protectedView = csrfProtect(
  async (request, session, context) => {
    const route = routes[`${request.method} ${new URL(request.url).pathname}`];
    const json = request.method === "POST" && request.headers.get("content-type") === "application/json";
    const body = json ? await request.json().catch(() => ({})) : {};
    const answer = await route({ request, session, body, ...context });
    return answer instanceof Response ? answer : Response.json(answer);
  },
  { exempt: (request) => new URL(request.url).pathname !== "/form" },
);

/**
 * A fetch handler `(request, stores) => Promise<Response>` for the given
 * Sessions settings; `stores` is `{ db, cache, loadUser }` (stores.mjs), the
 * same object for every request in a long-lived server, a new one per
 * request in a Worker.
 */
export function edgeApp(settings) {
  const sessionsFor = new WeakMap(); // stores -> Sessions
  return async (request, stores) => {
    if (!routes[`${request.method} ${new URL(request.url).pathname}`]) return Response.json({ error: "not found" }, { status: 404 });
    let sessions = sessionsFor.get(stores);
    if (!sessions) sessionsFor.set(stores, (sessions = new Sessions({ ...settings, db: stores.db, cache: stores.cache })));
    return sessions.handle(request, (session) => protectedView(request, session, { loadUser: stores.loadUser }));
  };
}

/** Sessions settings from Django-named variables (SECRET_KEY, SECRET_KEY_FALLBACKS as JSON, SESSION_ENGINE). */
export function settingsFromEnv(env) {
  return {
    secretKey: env.SECRET_KEY,
    secretKeyFallbacks: JSON.parse(env.SECRET_KEY_FALLBACKS || "[]"),
    engine: env.SESSION_ENGINE || "db",
  };
}
