// The edge-sessions demo: a Worker whose sessions live in D1 in Django's
// `django_session` table (db engine), shown through a few small pages.
//
// A bundler (wrangler) resolves `import ... from "edge-sessions"` to
// pkg/workerd.js through the package's "workerd" export condition. Bare
// Miniflare has no bundler and workerd looks bare names up beside the
// importing module, so the demo imports the built package by path instead:
// the same workerd entry, the same files.
import { withSession } from "../pkg/workerd.js";
import { createD1Table, d1Db } from "../pkg/adapters/d1.js";

const COOKIE = "sessionid"; // Django's SESSION_COOKIE_NAME default

// Workers have no start-up hook with bindings, so the table is created once
// per isolate, before its first request (retried if it failed).
let tableReady;
const ensureTable = (env) => (tableReady ??= createD1Table(env.DB).catch((error) => {
  tableReady = undefined;
  throw error;
}));

const escape = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const redirect = (to) => new Response(null, { status: 303, headers: { location: to } });

async function page(session, title, body) {
  const user = await session.get("_auth_user_id");
  const account = user
    ? `<span>signed in as <b id="user">${escape(user)}</b></span>
       <form method="post" action="/logout"><button>Log out</button></form>`
    : `<a href="/login">Log in</a>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)} · edge-sessions</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 44rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  nav { display: flex; gap: 1rem; align-items: center; border-bottom: 1px solid #ddd; padding-bottom: .5rem; }
  nav form { margin: 0 } pre, code { background: #f4f4f4; padding: .1rem .3rem; overflow-wrap: anywhere; }
  pre { padding: .6rem; white-space: pre-wrap; } td, th { text-align: left; padding: .2rem .8rem .2rem 0; vertical-align: top; }
</style></head>
<body><nav><a href="/">Home</a><a href="/cart">Cart</a><a href="/inspect">Inspect</a>${account}</nav>
<h1>${escape(title)}</h1>
${body}
</body></html>`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}

async function home(request, session) {
  const visits = (await session.get("visits", 0)) + 1;
  await session.set("visits", visits);
  return page(session, "Visit counter", `<p>You have been here <b id="visits">${visits}</b> time${visits === 1 ? "" : "s"}.</p>`);
}

async function login(request, session) {
  if (request.method === "POST") {
    const username = String((await request.formData()).get("username") ?? "").trim();
    if (!username) return redirect("/login");
    // Django's login(): a new key against session fixation, then the auth keys.
    await session.cycleKey();
    await session.update({
      _auth_user_id: username,
      _auth_user_backend: "django.contrib.auth.backends.ModelBackend",
      _auth_user_hash: "placeholder-session-auth-hash",
    });
    return redirect("/");
  }
  return page(session, "Log in", `<form method="post">
  <label>Username <input name="username" required autofocus></label> <button>Log in</button>
</form>`);
}

async function logout(request, session) {
  if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405 });
  await session.flush(); // Django's logout(): data, record and cookie gone
  return redirect("/login"); // a page that reads the session but keeps it empty
}

async function cart(request, session) {
  if (request.method === "POST") {
    const form = await request.formData();
    const items = await session.get("cart", []);
    const item = String(form.get("item") ?? "").trim();
    if (form.get("action") === "add" && item) items.push(item);
    const index = Number(form.get("index") ?? NaN);
    if (form.get("action") === "remove" && Number.isInteger(index) && index >= 0) items.splice(index, 1);
    await session.set("cart", items); // values are copies: set the list again
    return redirect("/cart");
  }
  const items = await session.get("cart", []);
  const rows = items.map((item, index) => `<li><span class="item">${escape(item)}</span>
    <form method="post" style="display:inline"><input type="hidden" name="action" value="remove">
    <input type="hidden" name="index" value="${index}"><button>Remove</button></form></li>`).join("\n");
  return page(session, "Cart", `<ul id="cart">${rows || "<li><i>empty</i></li>"}</ul>
<form method="post"><input type="hidden" name="action" value="add">
  <label>Item <input name="item" required></label> <button>Add</button>
</form>`);
}

function rawCookie(request) {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === COOKIE) return value.join("=");
  }
  return null;
}

async function inspect(request, session) {
  if (request.method === "POST") {
    // 0: the cookie dies with the browser; null: back to SESSION_COOKIE_AGE.
    const atClose = (await request.formData()).get("expireAtBrowserClose") === "on";
    await session.setExpiry(atClose ? 0 : null);
    return redirect("/inspect");
  }
  const items = await session.items();
  const atClose = await session.getExpireAtBrowserClose();
  const cookie = rawCookie(request);
  const rows = [
    ["Cookie value", cookie === null ? "<i>none</i>" : `<code id="cookie">${escape(cookie)}</code>`],
    ["Session key", `<code id="key">${escape(session.sessionKey ?? "")}</code>`],
    ["get_expiry_age()", `<span id="age">${await session.getExpiryAge()}</span> s`],
    ["get_expiry_date()", `<span id="date">${(await session.getExpiryDate()).toISOString()}</span>`],
    ["get_expire_at_browser_close()", `<span id="at-close">${atClose}</span>`],
  ];
  return page(session, "Session inspector", `<table>
${rows.map(([name, value]) => `<tr><th>${name}</th><td>${value}</td></tr>`).join("\n")}
</table>
<h2>Decoded session</h2>
<pre id="session">${escape(JSON.stringify(Object.fromEntries(items), null, 2))}</pre>
<form method="post">
  <input type="hidden" name="expireAtBrowserClose" value="${atClose ? "off" : "on"}">
  <button id="toggle-expiry">${atClose ? "Keep the session for SESSION_COOKIE_AGE" : "Expire at browser close"}</button>
</form>`);
}

const routes = { "/": home, "/login": login, "/logout": logout, "/cart": cart, "/inspect": inspect };

const app = withSession(async (request, session, env) => {
  const route = routes[new URL(request.url).pathname];
  // Unknown paths (favicon.ico) never touch the session.
  if (!route) return new Response("Not Found", { status: 404 });
  await ensureTable(env);
  return route(request, session);
}, (env) => ({ secretKey: env.SECRET_KEY, engine: "db", db: d1Db(env.DB) }));

export default { fetch: app };
