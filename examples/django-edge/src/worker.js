// A Worker in front of a Django site, sharing its sessions: Django's
// cached_db engine, the django_session table in PostgreSQL (reached through
// Hyperdrive) and Redis in front of it (Django's RedisCache: pickles under
// ":1:django.contrib.sessions.cached_db<key>").
//
// - /cart, /cart/add and /badge are answered here, from the shared session:
//   the cart (a form rendered by Django posts to /cart/add; its
//   {% csrf_token %} is checked here as Django would), and the logged-in
//   user for a page's badge (getUser: the session's user checked against
//   auth_user's password hash, as request.user does).
// - /account/... needs a logged-in user: anonymous requests are redirected
//   to Django's login page here, without reaching Django.
// - Everything else goes to Django (DJANGO_ORIGIN) as it came, cookies
//   included, with X-Forwarded-Host and X-Forwarded-Proto; Django's answer,
//   Set-Cookie included, comes back as it is.
//
// Bindings (wrangler.toml): HYPERDRIVE (Django's PostgreSQL), DJANGO_ORIGIN,
// and the secrets SECRET_KEY (Django's) and REDIS_URL (Django's CACHES
// LOCATION, reachable over TCP).
import { Sessions } from "edge-sessions";
import { postgresDb } from "edge-sessions/adapters/postgres";
import { redisCache } from "edge-sessions/adapters/redis";
import { csrf, csrfProtect, getUser } from "edge-sessions/django";
import pg from "pg";
import { createClient } from "redis";

const LOGIN_URL = "/accounts/login/";
const PROTECTED = ["/account/"];

/**
 * Django's database and Redis for one request: workerd does not let a
 * connection outlive the request that opened it (Hyperdrive keeps the
 * pool to PostgreSQL, so connecting is cheap).
 */
async function connect(env) {
  const db = new pg.Client({ connectionString: env.HYPERDRIVE.connectionString });
  const redis = createClient({ url: env.REDIS_URL, socket: { reconnectStrategy: false } });
  await Promise.all([db.connect(), redis.connect()]);
  // getUser's loadUser: auth_user's id, password and is_active (and the username, for the badge).
  const loadUser = async (id) => {
    const { rows } = await db.query("SELECT id, password, is_active, username FROM auth_user WHERE id = $1::bigint", [String(id)]);
    return rows[0] ? { id: rows[0].id, password: rows[0].password, isActive: rows[0].is_active, username: rows[0].username } : null;
  };
  return {
    sessions: new Sessions({ secretKey: env.SECRET_KEY, engine: "cached_db", db: postgresDb(db), cache: redisCache(redis) }),
    loadUser,
    close: () => Promise.allSettled([db.end(), redis.close()]),
  };
}

const page = (body, init = {}) => new Response(body, { ...init, headers: { "content-type": "text/html; charset=utf-8", "x-served-by": "edge", ...init.headers } });
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The routes the Worker answers, inside Django's session and CSRF middleware. */
const edgeRoutes = csrfProtect(async (request, session, { loadUser }) => {
  const url = new URL(request.url);
  const cart = await session.get("cart", []);
  if (url.pathname === "/cart/add" && request.method === "POST") {
    const item = (await request.formData()).get("item");
    if (typeof item === "string" && item) await session.set("cart", [...cart, item]);
    return page("", { status: 303, headers: { location: "/" } });
  }
  if (url.pathname === "/cart") {
    return Response.json({ items: cart, count: cart.length }, { headers: { "x-served-by": "edge" } });
  }
  // /badge: who is logged in, for the page header.
  const user = await getUser(session, { loadUser });
  if (!user) return page(`<a href="${LOGIN_URL}">Log in</a>`);
  // A form that works from any page of the Worker's: its token is the edge's own (csrf.getToken).
  const token = csrf.getToken(request);
  return page(
    `<span class="badge">${escape(user.username)} (${cart.length} in the cart)</span> <form method="post" action="/cart/add"><input type="hidden" name="csrfmiddlewaretoken" value="${token}"><input type="hidden" name="item" value="apple"><button>Add an apple</button></form>`,
  );
});
const EDGE_PATHS = new Set(["/cart", "/cart/add", "/badge"]);

/** The request, as it came, to Django: the Worker's host and scheme in X-Forwarded-*. */
function forward(request, env) {
  const url = new URL(request.url);
  const target = new URL(url.pathname + url.search, env.DJANGO_ORIGIN);
  const headers = new Headers(request.headers);
  headers.set("x-forwarded-host", url.host);
  headers.set("x-forwarded-proto", url.protocol.slice(0, -1));
  return fetch(target, { method: request.method, headers, body: request.body, redirect: "manual" });
}

/** Django's redirect_to_login(): 302 to the login page with ?next=. */
function toLogin(url) {
  return page("", { status: 302, headers: { location: `${LOGIN_URL}?${new URLSearchParams({ next: url.pathname + url.search })}` } });
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const edge = EDGE_PATHS.has(url.pathname);
    const guarded = PROTECTED.some((prefix) => url.pathname.startsWith(prefix));
    if (!edge && !guarded) return forward(request, env);
    const { sessions, loadUser, close } = await connect(env);
    try {
      if (edge) return await sessions.handle(request, (session) => edgeRoutes(request, session, { loadUser }));
      // A protected path: the user is checked here, then Django checks it again
      // and answers. What getUser changed in this copy of the session (a key
      // cycled for a SECRET_KEY_FALLBACKS hash) is not saved: Django does the same.
      const session = sessions.fromRequest(request);
      if (await getUser(session, { loadUser })) return forward(request, env);
      // Anonymous (or logged out just now: a stale password hash flushes the
      // session, and its cookie goes, as with Django's own redirect).
      const response = toLogin(url);
      const { setCookie, vary } = await session.processResponse(302);
      if (setCookie) response.headers.append("set-cookie", setCookie);
      if (vary) response.headers.set("vary", vary);
      return response;
    } finally {
      await close();
    }
  },
};
