// The edge-sessions demo: a Worker whose sessions live in D1 in Django's
// `django_session` table (db engine) and whose users are rows of Django's
// `auth_user` table, logged in and out with edge-sessions/django, every form
// protected by Django's CSRF check. demo/server.mjs bundles it as wrangler
// would (so "edge-sessions" resolves to the package's workerd entry) and runs
// it in workerd through Miniflare.
import { withSession } from "edge-sessions";
import { createD1Table, d1Db } from "edge-sessions/adapters/d1";
import { d1Users } from "edge-sessions/adapters/django-users";
import { csrf, csrfProtect, getUser, login, logout } from "edge-sessions/django";

const COOKIE = "sessionid"; // Django's SESSION_COOKIE_NAME default
const USERS = ["alice", "bob"]; // both with the password DEMO_PASSWORD
const DEMO_PASSWORD = "demo";
// Django hashes with PBKDF2-SHA256 at 1,000,000 iterations; Workers' WebCrypto
// stops at 100,000, and Django checks any count the hash names.
const ITERATIONS = 100_000;

// --- the tables ------------------------------------------------------------------------

const encoder = new TextEncoder();
const b64 = (bytes) => btoa(String.fromCharCode(...bytes));

async function pbkdf2(password, salt, iterations) {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: encoder.encode(salt), iterations }, key, 256);
  return b64(new Uint8Array(bits));
}

/** Django's `make_password` with its pbkdf2_sha256 hasher: `pbkdf2_sha256$<iterations>$<salt>$<hash>`. */
async function makePassword(password) {
  const salt = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]).join("");
  return `pbkdf2_sha256$${ITERATIONS}$${salt}$${await pbkdf2(password, salt, ITERATIONS)}`;
}

/** Django's `check_password` for pbkdf2_sha256 (constant-time comparison). */
async function checkPassword(password, encoded) {
  const [algorithm, iterations, salt, hash] = String(encoded).split("$");
  if (algorithm !== "pbkdf2_sha256" || !(Number(iterations) > 0 && Number(iterations) <= ITERATIONS)) return false;
  const [a, b] = [encoder.encode(await pbkdf2(password, salt, Number(iterations))), encoder.encode(hash)];
  return a.length === b.length && crypto.subtle.timingSafeEqual(a, b);
}

// Workers have no start-up hook with bindings, so the tables are made once
// per isolate, before its first request (retried if it failed): Django's
// django_session (createD1Table), Django's auth_user (the columns of
// Django 5.2's migrations on SQLite) with the two demo users, and the demo's
// own record of the Set-Cookie it last sent for each session (a browser
// never sends a cookie's attributes back).
let tablesReady;
const ensureTables = (db) =>
  (tablesReady ??= (async () => {
    await createD1Table(db);
    await db.batch([
      db.prepare(`CREATE TABLE IF NOT EXISTS "auth_user" ("id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "password" varchar(128) NOT NULL,
        "last_login" datetime NULL, "is_superuser" bool NOT NULL, "username" varchar(150) NOT NULL UNIQUE, "last_name" varchar(150) NOT NULL,
        "email" varchar(254) NOT NULL, "is_staff" bool NOT NULL, "is_active" bool NOT NULL, "date_joined" datetime NOT NULL,
        "first_name" varchar(150) NOT NULL)`),
      db.prepare(`CREATE TABLE IF NOT EXISTS "demo_set_cookie" ("session_key" varchar(40) NOT NULL PRIMARY KEY, "header" text NOT NULL)`),
    ]);
    for (const username of USERS) {
      if (await db.prepare(`SELECT 1 FROM "auth_user" WHERE "username" = ?`).bind(username).first()) continue;
      await db
        .prepare(`INSERT OR IGNORE INTO "auth_user" ("password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff", "is_active", "date_joined")
          VALUES (?, 0, ?, '', '', ?, 0, 1, datetime('now'))`)
        .bind(await makePassword(DEMO_PASSWORD), username, `${username}@example.com`)
        .run();
    }
  })().catch((error) => {
    tablesReady = undefined;
    throw error;
  }));

// --- pages -----------------------------------------------------------------------------

const escape = (value) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const redirect = (to) => new Response(null, { status: 303, headers: { location: to } });
const ICON = `data:image/svg+xml,${encodeURIComponent(
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0c4b33"/><text x="16" y="23" font-size="18" font-family="sans-serif" text-anchor="middle" fill="#fff">es</text></svg>`,
)}`;

/** The hidden field every form carries: a fresh masked token, as `{% csrf_token %}` writes it. */
const csrfField = (request) => `<input type="hidden" name="csrfmiddlewaretoken" value="${csrf.getToken(request)}">`;

async function page(request, env, session, title, body) {
  const user = await currentUser(env, session);
  const account = user
    ? `<span>signed in as <b id="user">${escape(user.username)}</b></span>
       <form method="post" action="/logout">${csrfField(request)}<button>Log out</button></form>`
    : `<a href="/login">Log in</a>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="${ICON}">
<title>${escape(title)} · edge-sessions</title>
<style>
  body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
  nav { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; border-bottom: 1px solid #ddd; padding-bottom: .5rem; }
  nav form { margin: 0 } pre, code { background: #f4f4f4; padding: .1rem .3rem; overflow-wrap: anywhere; }
  pre { padding: .6rem; white-space: pre-wrap; } td, th { text-align: left; padding: .2rem .8rem .2rem 0; vertical-align: top; }
  .note { color: #555; font-size: .92rem; } .error { color: #a00; }
</style></head>
<body><nav><a href="/">Home</a><a href="/cart">Cart</a><a href="/inspect">Inspect</a>${account}</nav>
<h1>${escape(title)}</h1>
${body}
</body></html>`;
  return new Response(html, { headers: { "content-type": "text/html; charset=utf-8" } });
}

/** The logged-in user (Django's `get_user`) with the username to show, or null. */
async function currentUser(env, session) {
  const user = await getUser(session, { loadUser: d1Users(env.DB) });
  if (!user) return null;
  const row = await env.DB.prepare(`SELECT "username" FROM "auth_user" WHERE "id" = ?`).bind(user.id).first();
  return { ...user, username: row?.username ?? String(user.id) };
}

async function home(request, session, env) {
  const visits = (await session.get("visits", 0)) + 1;
  await session.set("visits", visits);
  return page(request, env, session, "Visit counter", `<p>You have been here <b id="visits">${visits}</b> time${visits === 1 ? "" : "s"}.</p>
<section id="intro">
<p>This site keeps its sessions exactly as Django does: the cookie holds a
random key, and the data sits in Django's <code>django_session</code> table
(here in D1), signed with the site's <code>SECRET_KEY</code>, so a Django
site sharing both would see the same sessions and the same logged-in user.
The package runs inside workerd, as on Cloudflare.</p>
<p>Things to try:</p>
<ol>
  <li>Reload: the counter is in the session.</li>
  <li>Put things in the <a href="/cart">cart</a>, then <a href="/login">log in</a> as
    <code>alice</code> (password <code>${DEMO_PASSWORD}</code>): the cart stays, under a new session key
    (Django's <code>login()</code> cycles the key against session fixation).</li>
  <li>Log in as <code>bob</code> without logging out: the cart is empty, since
    <code>login()</code> flushes a session that belongs to another user.</li>
  <li><a href="/inspect">Inspect</a> the session: the cookie and its attributes, the
    stored row, the decoded dict, and the expiry, with a switch to end the
    session when the browser closes.</li>
  <li>Log out: the row and the cookie are deleted.</li>
</ol>
<p class="note">Every form carries Django's CSRF token; a POST without it is
refused with 403 and Django's reason, as <code>CsrfViewMiddleware</code> refuses it.</p>
</section>`);
}

async function loginView(request, session, env) {
  let error = "";
  if (request.method === "POST") {
    const form = await request.formData();
    const username = String(form.get("username") ?? "").trim();
    const row = await env.DB.prepare(`SELECT "id", "password" FROM "auth_user" WHERE "username" = ?`).bind(username).first();
    if (row && (await checkPassword(String(form.get("password") ?? ""), row.password))) {
      // Django's login(): a new key for an anonymous session (the data stays),
      // a flush for another user's; then the three auth keys; a new CSRF secret.
      await login(session, await d1Users(env.DB)(row.id));
      return redirect("/");
    }
    error = `<p class="error" id="login-error">Wrong username or password.</p>`;
  }
  return page(request, env, session, "Log in", `${error}<form method="post">${csrfField(request)}
  <p><label>Username <input name="username" required autofocus autocomplete="username"></label></p>
  <p><label>Password <input name="password" type="password" required autocomplete="current-password"></label></p>
  <button>Log in</button>
</form>
<p class="note">Two users exist: <code>alice</code> and <code>bob</code>, both with the password
<code>${DEMO_PASSWORD}</code>, in Django's <code>auth_user</code> table with Django's
<code>pbkdf2_sha256</code> password hashes.</p>`);
}

async function logoutView(request, session) {
  if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405 });
  await logout(session); // Django's logout(): data, row and cookie gone
  return redirect("/login"); // a page that reads the session but keeps it empty
}

async function cart(request, session, env) {
  if (request.method === "POST") {
    const form = await request.formData();
    const items = await session.get("cart", []);
    const item = String(form.get("item") ?? "").trim();
    if (form.get("action") === "add" && item) items.push(item);
    const index = Number(form.get("index") ?? Number.NaN);
    if (form.get("action") === "remove" && Number.isInteger(index) && index >= 0) items.splice(index, 1);
    await session.set("cart", items); // values are copies: set the list again
    return redirect("/cart");
  }
  const items = await session.get("cart", []);
  const rows = items
    .map(
      (item, index) => `<li><span class="item">${escape(item)}</span>
    <form method="post" style="display:inline">${csrfField(request)}<input type="hidden" name="action" value="remove">
    <input type="hidden" name="index" value="${index}"><button>Remove</button></form></li>`,
    )
    .join("\n");
  return page(request, env, session, "Cart", `<ul id="cart">${rows || "<li><i>empty</i></li>"}</ul>
<form method="post">${csrfField(request)}<input type="hidden" name="action" value="add">
  <label>Item <input name="item" required></label> <button>Add</button>
</form>`);
}

function requestCookie(request, name) {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [key, ...value] = part.trim().split("=");
    if (key === name) return value.join("=");
  }
  return null;
}

const NONE = `<i>none</i>`;

/** What each attribute Django writes on the session cookie means. */
const ATTRIBUTES = {
  expires: "when the browser deletes the cookie (SESSION_COOKIE_AGE from the save)",
  "max-age": "the same, in seconds (SESSION_COOKIE_AGE); browsers prefer it to expires",
  httponly: "scripts cannot read it (SESSION_COOKIE_HTTPONLY)",
  path: "sent for every path under it (SESSION_COOKIE_PATH)",
  samesite: "not sent on cross-site subrequests or POSTs (SESSION_COOKIE_SAMESITE)",
  secure: "only over HTTPS (SESSION_COOKIE_SECURE; off here: the demo is plain HTTP)",
  domain: "sent to subdomains too (SESSION_COOKIE_DOMAIN)",
};

function cookieTable(header) {
  const [pair, ...attributes] = header.split(";").map((s) => s.trim());
  const rows = attributes.map((attribute) => {
    const [name, ...value] = attribute.split("=");
    return `<tr><th>${escape(name)}</th><td>${value.length ? `<code>${escape(value.join("="))}</code>` : "(set)"}</td><td class="note">${escape(ATTRIBUTES[name.toLowerCase()] ?? "")}</td></tr>`;
  });
  return `<pre id="set-cookie">Set-Cookie: ${escape(header)}</pre>
<table id="cookie-attributes"><tr><th>${escape(pair.split("=")[0])}</th><td colspan="2">the value: the session key</td></tr>
${rows.join("\n")}</table>`;
}

async function inspect(request, session, env) {
  if (request.method === "POST") {
    // 0: the cookie dies with the browser; null: back to SESSION_COOKIE_AGE.
    const atClose = (await request.formData()).get("expireAtBrowserClose") === "on";
    await session.setExpiry(atClose ? 0 : null);
    return redirect("/inspect");
  }
  const items = await session.items();
  const atClose = await session.getExpireAtBrowserClose();
  const age = await session.getExpiryAge();
  const cookie = requestCookie(request, COOKIE);
  const key = session.sessionKey ?? "";
  const stored = key
    ? await env.DB.prepare(`SELECT "session_data", "expire_date" FROM "django_session" WHERE "session_key" = ?`).bind(key).first()
    : null;
  const sent = key ? await env.DB.prepare(`SELECT "header" FROM "demo_set_cookie" WHERE "session_key" = ?`).bind(key).first() : null;
  const csrfCookie = requestCookie(request, "csrftoken");
  const rows = [
    ["Cookie the browser sent", cookie === null ? NONE : `<code id="cookie">${escape(cookie)}</code>`],
    ["session_key", `<code id="key">${key ? escape(key) : NONE}</code>`],
    ["get_expiry_age()", `<span id="age">${age}</span> s`],
    ["get_expiry_date()", `<span id="date">${(await session.getExpiryDate()).toISOString()}</span>`],
    ["get_expire_at_browser_close()", `<span id="at-close">${atClose}</span>`],
    ["csrftoken cookie", csrfCookie === null ? NONE : `<code id="csrf-cookie">${escape(csrfCookie)}</code>`],
  ];
  const expiryNote = atClose
    ? `<p class="note" id="expiry-explained">The session ends when the browser closes: <code>set_expiry(0)</code>
stored <code>_session_expiry: 0</code>, and the cookie is sent without <code>expires</code> or
<code>Max-Age</code>, so the browser keeps it only until it quits. The numbers above still say
${age} s: for <code>set_expiry(0)</code> Django's <code>get_expiry_age()</code> answers
<code>SESSION_COOKIE_AGE</code>, and <code>get_expiry_date()</code> now plus that. That is how
long the server keeps the row (its <code>expire_date</code>): whoever still holds the cookie
(a browser left open) can use it until then.</p>`
    : `<p class="note" id="expiry-explained">The cookie and the row both live <code>SESSION_COOKIE_AGE</code>
(${age} s, two weeks) from the last save: <code>expires</code>/<code>Max-Age</code> on the cookie,
<code>expire_date</code> on the row. A session that is not modified is not saved, so the
clock restarts only when something changes.</p>`;
  return page(request, env, session, "Session inspector", `<table>
${rows.map(([name, value]) => `<tr><th>${name}</th><td>${value}</td></tr>`).join("\n")}
</table>
<h2>The cookie as last set</h2>
${sent ? cookieTable(sent.header) : `<p id="set-cookie">${NONE}: no <code>Set-Cookie</code> sent for this session (an empty session gets no cookie).</p>`}
<h2>The stored row (D1, <code>django_session</code>)</h2>
${
  stored
    ? `<table><tr><th>session_data</th><td><code id="row-data">${escape(stored.session_data)}</code></td></tr>
<tr><th>expire_date</th><td><code id="row-expire">${escape(stored.expire_date)}</code></td></tr></table>
<p class="note"><code>session_data</code> is the dict signed as Django signs it (JSON, base64, a
timestamp and an HMAC; compressed when that is shorter): readable by anyone holding it, changeable
by no one without <code>SECRET_KEY</code>.</p>`
    : `<p id="row-data">${NONE}</p>`
}
<h2>Decoded session</h2>
<pre id="session">${escape(JSON.stringify(Object.fromEntries(items), null, 2))}</pre>
<h2>Expiry</h2>
${expiryNote}
<form method="post">${csrfField(request)}
  <input type="hidden" name="expireAtBrowserClose" value="${atClose ? "off" : "on"}">
  <button id="toggle-expiry">${atClose ? "Keep the session for SESSION_COOKIE_AGE" : "Expire at browser close"}</button>
</form>`);
}

const routes = { "/": home, "/login": loginView, "/logout": logoutView, "/cart": cart, "/inspect": inspect };

// CsrfViewMiddleware inside SessionMiddleware, as in Django's MIDDLEWARE.
const app = withSession(
  csrfProtect(async (request, session, env) => {
    await ensureTables(env.DB);
    return routes[new URL(request.url).pathname](request, session, env);
  }),
  (env) => ({ secretKey: env.SECRET_KEY, engine: "db", db: d1Db(env.DB) }),
);

export default {
  async fetch(request, env, ctx) {
    // Unknown paths never touch the session.
    if (!Object.hasOwn(routes, new URL(request.url).pathname)) return new Response("Not Found", { status: 404 });
    const response = await app(request, env, ctx);
    // Keep the session cookie's Set-Cookie, attributes and all, for the inspector.
    for (const header of response.headers.getSetCookie()) {
      const key = header.match(/^sessionid=([a-z0-9]+);/)?.[1];
      if (key) {
        await ensureTables(env.DB);
        await env.DB.prepare(`INSERT OR REPLACE INTO "demo_set_cookie" ("session_key", "header") VALUES (?, ?)`).bind(key, header).run();
      }
    }
    return response;
  },
};
