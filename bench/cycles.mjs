// The benchmark's request cycle, once per library and payload, in code that
// runs both in Node (bench/run.mjs) and inside workerd (bench/workerd.mjs
// bundles it).
//
// One cycle = parse a Cookie header holding the session cookie between
// three others, verify the session cookie, deserialize it, check `user_id`,
// increment `visits`, set `last_path`, serialize, sign (or seal), and
// produce the Set-Cookie string. Each cycle reads the cookie the PREVIOUS
// cycle set (as a browser sends it back), so every row verifies what it
// wrote itself one cycle earlier, and the session grows by `last_path`
// after the first cycle as in an application. Two payloads (PAYLOADS):
// the two-key session, and the realistic one (a cart of three items with
// prices, a CSRF token, a theme).
//
// Every row is built by `make(payload)` and called the same way:
// `await cycle()` -> { setCookie, userId, visits }. Building a Request or a
// Context is left out of every row alike (edge-sessions gets the raw header
// through `fromCookieHeader`, the hono rows a stub whose `headers.get`
// returns it).

import * as full from "edge-sessions";
import * as signed from "edge-sessions/signed";
// The signed module's wasm-bindgen glue, already initialised by the entry
// above (the same file, so the same instance): the floor under the JS API.
import * as signedGlue from "../pkg/edge_sessions_signed.js";
import { generateCookie, generateSignedCookie, getCookie, getSignedCookie } from "hono/cookie";
import { useSession } from "@hono/session";
import { getIronSession, sealData } from "iron-session";
import { PAYLOADS, SECRET } from "./payloads.mjs";

export { PAYLOADS, SECRET };

/** Django's SESSION_COOKIE_AGE default: every row's cookie lives two weeks. */
export const MAX_AGE = 1209600;

/** The Cookie header of every row: the session cookie third of four, as in bench_cycle.rs. */
export function cookieHeader(name, value) {
  return `csrftoken=Yx3kP0aZ9qW2eR5tY7uI8oP1aS4dF6gH; theme=dark; ${name}=${value}; _ga=GA1.2.1234567890.1700000000`;
}

/** `name=value` of a Set-Cookie string -> value (still encoded, as a browser sends it back). */
export function cookieValue(setCookie) {
  const end = setCookie.indexOf(";");
  return setCookie.slice(setCookie.indexOf("=") + 1, end < 0 ? undefined : end);
}

/** Throws unless the cookie read back was the session written (every row checks `user_id` every cycle). */
export function expectUser(userId, expected) {
  if (userId !== expected) throw new Error(`the session did not read back: user_id ${userId}, expected ${expected}`);
}

// --- edge-sessions (the public JS API) ------------------------------------------

/**
 * `lib`'s `fromCookieHeader` -> get/set -> `processResponse`, for any engine:
 * `options` are the Sessions options past the secret key. `sync`: the
 * module answers at once (`edge-sessions/signed`), so the row calls it as
 * an application would, without `await`.
 */
export function edgeSessionsCycle(lib, options, { sync = false } = {}) {
  return async (payload) => {
    const start = PAYLOADS[payload];
    const sessions = new lib.Sessions({ secretKey: SECRET, ...options });
    const first = sessions.open();
    await first.update(start);
    let header = cookieHeader("sessionid", cookieValue((await first.processResponse(200)).setCookie));
    if (sync) {
      return async () => {
        const session = sessions.fromCookieHeader(header);
        const userId = session.get("user_id");
        expectUser(userId, start.user_id);
        const visits = session.get("visits", 0) + 1;
        session.set("visits", visits);
        session.set("last_path", "/cart");
        const { setCookie } = session.processResponse(200);
        header = cookieHeader("sessionid", cookieValue(setCookie));
        return { setCookie, userId, visits };
      };
    }
    return async () => {
      const session = sessions.fromCookieHeader(header);
      const userId = await session.get("user_id");
      expectUser(userId, start.user_id);
      const visits = (await session.get("visits", 0)) + 1;
      await session.set("visits", visits);
      await session.set("last_path", "/cart");
      const { setCookie } = await session.processResponse(200);
      header = cookieHeader("sessionid", cookieValue(setCookie));
      return { setCookie, userId, visits };
    };
  };
}

export const edgeSigned = edgeSessionsCycle(signed, {}, { sync: true });
export const edgeSignedCookies = edgeSessionsCycle(full, { engine: "signed_cookies" });
export const edgeCacheMemory = edgeSessionsCycle(full, { engine: "cache", cache: full.memoryCache() });

/**
 * The floor under the JS API: the same cycle on the signed module's
 * wasm-bindgen exports directly (no argument checks, no Session object, no
 * error classes), the cookie written beforehand through the JS API (the
 * format is the same).
 */
export async function wasmFloor(payload) {
  const start = PAYLOADS[payload];
  const first = new signed.Sessions({ secretKey: SECRET }).open();
  first.update(start);
  let header = cookieHeader("sessionid", cookieValue(first.processResponse(200).setCookie));
  const core = signedGlue.SessionsCore.create(JSON.stringify({ secretKey: SECRET, engine: "signed_cookies" }), undefined, undefined, undefined, undefined);
  if (core instanceof Error) throw core;
  return async () => {
    const session = core.fromCookieHeader(header, Date.now() / 1000);
    const userId = session.get("user_id");
    expectUser(userId, start.user_id);
    const visits = (session.get("visits") ?? 0) + 1;
    session.set("visits", visits, undefined);
    session.set("last_path", "/cart", undefined);
    const packed = session.finish(200, undefined);
    session.free();
    const setCookie = packed.slice(0, packed.indexOf("\0"));
    header = cookieHeader("sessionid", cookieValue(setCookie));
    return { setCookie, userId, visits };
  };
}

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
export function parseCookies(header) {
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
 * A hand-written signed cookie with crypto.subtle:
 * `base64url(json).base64url(HMAC-SHA256)`, the key imported once, no
 * timestamp, no compression.
 */
export async function webCryptoHmac(payload) {
  const start = PAYLOADS[payload];
  const key = await crypto.subtle.importKey("raw", encoder.encode(SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
  const attributes = `; Max-Age=${MAX_AGE}; Path=/; HttpOnly; SameSite=Lax`;
  const write = async (data) => {
    const value = b64urlEncode(encoder.encode(JSON.stringify(data)));
    const signature = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(value)));
    return `session=${value}.${b64urlEncode(signature)}${attributes}`;
  };
  let header = cookieHeader("session", cookieValue(await write(start)));
  return async () => {
    const token = parseCookies(header).session;
    const dot = token.lastIndexOf(".");
    const value = token.slice(0, dot);
    const ok = await crypto.subtle.verify("HMAC", key, b64urlDecode(token.slice(dot + 1)), encoder.encode(value));
    const data = ok ? JSON.parse(decoder.decode(b64urlDecode(value))) : {};
    const userId = data.user_id;
    expectUser(userId, start.user_id);
    data.visits = (data.visits ?? 0) + 1;
    data.last_path = "/cart";
    const setCookie = await write(data);
    header = cookieHeader("session", cookieValue(setCookie));
    return { setCookie, userId, visits: data.visits };
  };
}

// --- hono's signed-cookie helpers ------------------------------------------------------

const HONO_OPTIONS = { path: "/", httpOnly: true, sameSite: "Lax", maxAge: MAX_AGE };

/** A stand-in for hono's Context: the cookie helpers read only `c.req.raw.headers.get("Cookie")`. */
const honoContext = (getHeader) => ({ req: { raw: { headers: { get: getHeader } } } });

/**
 * `getSignedCookie` (hono/cookie) -> JSON -> `generateSignedCookie`, the
 * string-returning half of `setSignedCookie` (which only appends it to the
 * Context's headers). As the helpers do, the key is imported on every call.
 */
export async function honoSignedCookie(payload) {
  const start = PAYLOADS[payload];
  const written = await generateSignedCookie("session", JSON.stringify(start), SECRET, HONO_OPTIONS);
  let header = cookieHeader("session", cookieValue(written));
  const c = honoContext(() => header);
  return async () => {
    const value = await getSignedCookie(c, SECRET, "session");
    const data = value ? JSON.parse(value) : {};
    const userId = data.user_id;
    expectUser(userId, start.user_id);
    data.visits = (data.visits ?? 0) + 1;
    data.last_path = "/cart";
    const setCookie = await generateSignedCookie("session", JSON.stringify(data), SECRET, HONO_OPTIONS);
    header = cookieHeader("session", cookieValue(setCookie));
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
export async function honoSession(payload) {
  const start = PAYLOADS[payload];
  let out;
  const middleware = useSession({
    secret: SECRET,
    duration: { absolute: MAX_AGE },
    getCookie: (c, name) => getCookie(c, name),
    setCookie: (c, name, value, options) => { out = generateCookie(name, value, options); },
  });
  const run = async (cookie, handler) => {
    const c = { ...honoContext(() => cookie), var: {}, set(name, value) { this.var[name] = value; } };
    out = undefined;
    await middleware(c, () => handler(c.var.session));
    return out;
  };
  const written = await run("", (session) => session.update(start));
  let header = cookieHeader("sid", cookieValue(written));
  return async () => {
    let userId, visits;
    const setCookie = await run(header, (session) => session.update((data) => {
      userId = data?.user_id;
      expectUser(userId, start.user_id);
      visits = (data?.visits ?? 0) + 1;
      return { ...data, visits, last_path: "/cart" };
    }));
    header = cookieHeader("sid", cookieValue(setCookie));
    return { setCookie, userId, visits };
  };
}

// --- iron-session 8 (sealed cookie: AES-256-CBC + HMAC-SHA256) ----------------------------------

/**
 * `getIronSession(req, res, options)` with Node-style stand-ins: `req.headers.cookie`
 * and a `res` whose `setHeader` receives the Set-Cookie list; `save()` seals and serializes.
 */
export async function ironSession(payload) {
  const start = PAYLOADS[payload];
  const options = {
    password: SECRET,
    cookieName: "sessionid",
    ttl: MAX_AGE,
    cookieOptions: { secure: false, httpOnly: true, sameSite: "lax", path: "/" },
  };
  const seal = await sealData(start, { password: SECRET, ttl: MAX_AGE });
  const req = { headers: { cookie: cookieHeader("sessionid", seal) } };
  return async () => {
    let setCookie;
    const res = { getHeader: () => undefined, setHeader: (_name, list) => { setCookie = list[0]; } };
    const session = await getIronSession(req, res, options);
    const userId = session.user_id;
    expectUser(userId, start.user_id);
    session.visits = (session.visits ?? 0) + 1;
    session.last_path = "/cart";
    await session.save();
    req.headers.cookie = cookieHeader("sessionid", cookieValue(setCookie));
    return { setCookie, userId, visits: session.visits };
  };
}

/** The rows every runtime with WebCrypto runs (Node and workerd), in table order: [name, make(payload)]. */
export const PORTABLE_ROWS = [
  ["edge-sessions signed (js api)", edgeSigned],
  ["edge-sessions wasm floor (raw exports)", wasmFloor],
  ["edge-sessions signed_cookies (js api)", edgeSignedCookies],
  ["edge-sessions cache+memory (js api)", edgeCacheMemory],
  ["iron-session 8", ironSession],
  ["hono signed cookie", honoSignedCookie],
  ["@hono/session", honoSession],
  ["plain WebCrypto HMAC", webCryptoHmac],
];

/** A row's name with its payload: `name [payload]`. */
export const rowName = (name, payload) => `${name} [${payload}]`;

/** Throws unless a first cycle's result shows the cookie was verified and read (visits 1). */
export function checkCycle(name, result, payload) {
  const userId = PAYLOADS[payload].user_id;
  if (result?.userId !== userId || result?.visits !== 1 || typeof result?.setCookie !== "string" || !result.setCookie.includes("=")) {
    throw new Error(`${name}: the cycle did not read the session back: ${JSON.stringify(result)}`);
  }
}
