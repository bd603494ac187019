// The benchmark's request cycle, once per library, in code that runs both in
// Node (bench/run.mjs) and inside workerd (bench/workerd.mjs bundles it).
//
// One cycle = parse a Cookie header holding four cookies, verify the session
// cookie, deserialize it, read `user_id`, increment `visits`, set
// `last_path`, serialize, sign (or seal), and produce the Set-Cookie string.
// Every row gets the same header shape, with its session cookie written
// beforehand by the library itself in its own format, and every row is
// called the same way: `await cycle()` -> { setCookie, userId, visits }.
// The header is a constant string per row: building a Request or a Context
// is left out of every row alike (edge-sessions gets the raw header through
// `fromCookieHeader`, the hono rows a stub whose `headers.get` returns it).

import { Sessions, memoryCache } from "edge-sessions";
import { generateCookie, generateSignedCookie, getCookie, getSignedCookie } from "hono/cookie";
import { useSession } from "@hono/session";
import { getIronSession, sealData } from "iron-session";

/** The native core's key (src/bin/bench_cycle.rs), shared by every row; >= 32 chars for iron-session. */
export const SECRET = "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz";
/** Django's SESSION_COOKIE_AGE default: every row's cookie lives two weeks. */
export const MAX_AGE = 1209600;

/** The Cookie header of every row: the session cookie third of four, as in bench_cycle.rs. */
export function cookieHeader(name, value) {
  return `csrftoken=Yx3kP0aZ9qW2eR5tY7uI8oP1aS4dF6gH; theme=dark; ${name}=${value}; _ga=GA1.2.1234567890.1700000000`;
}

/** `name=value` of a Set-Cookie string -> value (still encoded, as a browser sends it back). */
function cookieValue(setCookie) {
  const end = setCookie.indexOf(";");
  return setCookie.slice(setCookie.indexOf("=") + 1, end < 0 ? undefined : end);
}

// --- edge-sessions (the public JS API) ------------------------------------------

/**
 * edge-sessions through `fromCookieHeader` -> get/set -> `processResponse`,
 * for any engine: `options` are the Sessions options past the secret key
 * (run.mjs adds the db row with its SQLite adapter).
 */
export async function edgeSessionsCycle(options) {
  const sessions = new Sessions({ secretKey: SECRET, ...options });
  const first = sessions.open();
  await first.set("user_id", 42);
  await first.set("visits", 0);
  const written = (await first.processResponse(200)).setCookie;
  const header = cookieHeader("sessionid", cookieValue(written));
  return async () => {
    const session = sessions.fromCookieHeader(header);
    const userId = await session.get("user_id");
    const visits = (await session.get("visits", 0)) + 1;
    await session.set("visits", visits);
    await session.set("last_path", "/cart");
    const { setCookie } = await session.processResponse(200);
    return { setCookie, userId, visits };
  };
}

export const edgeSignedCookies = () => edgeSessionsCycle({ engine: "signed_cookies" });
export const edgeCacheMemory = () => edgeSessionsCycle({ engine: "cache", cache: memoryCache() });

// --- plain WebCrypto HMAC ------------------------------------------------------------

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function b64urlEncode(bytes) {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function b64urlDecode(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Every pair of a Cookie header (first occurrence wins, as browsers send the most specific first). */
function parseCookies(header) {
  const cookies = {};
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    const name = pair.slice(0, eq).trim();
    if (!(name in cookies)) cookies[name] = pair.slice(eq + 1).trim();
  }
  return cookies;
}

/**
 * The floor: what a hand-written signed cookie costs with crypto.subtle.
 * `base64url(json).base64url(HMAC-SHA256)`, the key imported once.
 */
export async function webCryptoHmac() {
  const key = await crypto.subtle.importKey("raw", encoder.encode(SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  const attributes = `; Max-Age=${MAX_AGE}; Path=/; HttpOnly; SameSite=Lax`;
  const write = async (data) => {
    const payload = b64urlEncode(encoder.encode(JSON.stringify(data)));
    const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(payload)));
    return `session=${payload}.${b64urlEncode(signature)}${attributes}`;
  };
  const header = cookieHeader("session", cookieValue(await write({ user_id: 42, visits: 0 })));
  return async () => {
    const token = parseCookies(header).session;
    const dot = token.lastIndexOf(".");
    const payload = token.slice(0, dot);
    const ok = await crypto.subtle.verify("HMAC", key, b64urlDecode(token.slice(dot + 1)), encoder.encode(payload));
    const data = ok ? JSON.parse(decoder.decode(b64urlDecode(payload))) : {};
    const userId = data.user_id;
    data.visits = (data.visits ?? 0) + 1;
    data.last_path = "/cart";
    return { setCookie: await write(data), userId, visits: data.visits };
  };
}

// --- hono's signed-cookie helpers ------------------------------------------------------

const HONO_OPTIONS = { path: "/", httpOnly: true, sameSite: "Lax", maxAge: MAX_AGE };

/** A stand-in for hono's Context: the cookie helpers read only `c.req.raw.headers.get("Cookie")`. */
const honoContext = (header) => ({ req: { raw: { headers: { get: () => header } } } });

/**
 * `getSignedCookie` (hono/cookie) -> JSON -> `generateSignedCookie`, the
 * string-returning half of `setSignedCookie` (which only appends it to the
 * Context's headers). As the helpers do, the key is imported on every call.
 */
export async function honoSignedCookie() {
  const written = await generateSignedCookie("session", JSON.stringify({ user_id: 42, visits: 0 }), SECRET, HONO_OPTIONS);
  const c = honoContext(cookieHeader("session", cookieValue(written)));
  return async () => {
    const value = await getSignedCookie(c, SECRET, "session");
    const data = value ? JSON.parse(value) : {};
    const userId = data.user_id;
    data.visits = (data.visits ?? 0) + 1;
    data.last_path = "/cart";
    const setCookie = await generateSignedCookie("session", JSON.stringify(data), SECRET, HONO_OPTIONS);
    return { setCookie, userId, visits: data.visits };
  };
}

// --- @hono/session (encrypted JWT, stateless) -------------------------------------------

/**
 * The `useSession()` middleware itself, run on a Context stand-in (`var`,
 * `set`, the request's cookie); its `setCookie` option hands back hono's
 * `generateCookie` string instead of appending it to a response. The
 * handler reads and writes in one `update(fn)`, which decrypts once
 * (`get()` then `update()` would decrypt twice).
 */
export async function honoSession() {
  let out;
  const middleware = useSession({
    secret: SECRET,
    duration: { absolute: MAX_AGE },
    getCookie: (c, name) => getCookie(c, name),
    setCookie: (c, name, value, options) => { out = generateCookie(name, value, options); },
  });
  const run = async (header, handler) => {
    const c = { ...honoContext(header), var: {}, set(name, value) { this.var[name] = value; } };
    out = undefined;
    await middleware(c, () => handler(c.var.session));
    return out;
  };
  const written = await run("", (session) => session.update({ user_id: 42, visits: 0 }));
  const header = cookieHeader("sid", cookieValue(written));
  return async () => {
    let userId, visits;
    const setCookie = await run(header, (session) => session.update((data) => {
      userId = data?.user_id;
      visits = (data?.visits ?? 0) + 1;
      return { ...data, visits, last_path: "/cart" };
    }));
    return { setCookie, userId, visits };
  };
}

// --- iron-session 8 (sealed cookie: AES-256-CBC + HMAC-SHA256) ----------------------------------

/**
 * `getIronSession(req, res, options)` with Node-style stand-ins: `req.headers.cookie`
 * and a `res` whose `setHeader` receives the Set-Cookie list; `save()` seals and serializes.
 */
export async function ironSession() {
  const options = {
    password: SECRET,
    cookieName: "sessionid",
    ttl: MAX_AGE,
    cookieOptions: { secure: false, httpOnly: true, sameSite: "lax", path: "/" },
  };
  const seal = await sealData({ user_id: 42, visits: 0 }, { password: SECRET, ttl: MAX_AGE });
  const req = { headers: { cookie: cookieHeader("sessionid", seal) } };
  return async () => {
    let setCookie;
    const res = { getHeader: () => undefined, setHeader: (_name, list) => { setCookie = list[0]; } };
    const session = await getIronSession(req, res, options);
    const userId = session.user_id;
    session.visits = (session.visits ?? 0) + 1;
    session.last_path = "/cart";
    await session.save();
    return { setCookie, userId, visits: session.visits };
  };
}

/** The rows every runtime with WebCrypto runs (Node and workerd), in table order. */
export const PORTABLE_ROWS = [
  ["edge-sessions signed_cookies (js api)", edgeSignedCookies],
  ["edge-sessions cache+memory (js api)", edgeCacheMemory],
  ["iron-session 8", ironSession],
  ["hono signed cookie", honoSignedCookie],
  ["@hono/session", honoSession],
  ["plain WebCrypto HMAC", webCryptoHmac],
];

/** Throws unless a cycle's result shows the cookie was verified and read (user_id 42, visits 1). */
export function checkCycle(name, result) {
  if (result?.userId !== 42 || result?.visits !== 1 || typeof result?.setCookie !== "string" || !result.setCookie.includes("=")) {
    throw new Error(`${name}: the cycle did not read the session back: ${JSON.stringify(result)}`);
  }
}
