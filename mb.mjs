import * as signed from "edge-sessions/signed";
import * as full from "edge-sessions";
import * as glue from "./pkg/edge_sessions_signed.js";
import { createHmac } from "node:crypto";
const SECRET = "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz";
const NOW = 1700000000;
const cart = [{ id: 101, qty: 2, price: 19.99 }, { id: 205, qty: 1, price: 5.49 }, { id: 333, qty: 3, price: 120.5 }];
const hdr = (v) => `csrftoken=Yx3kP0aZ9qW2eR5tY7uI8oP1aS4dF6gH; theme=dark; sessionid=${v}; _ga=GA1.2.1234567890.1700000000`;
function setup(api) {
  const sessions = new api.Sessions({ secretKey: SECRET, engine: "signed_cookies", now: () => NOW });
  const s = sessions.open();
  s.set("user_id", 12345); s.set("cart", cart); s.set("csrf", "a3f9c2e1b7d64f08a9e2c5b1d3f7e6a4"); s.set("theme", "dark"); s.set("visits", 0);
  return { sessions, first: s };
}
async function jsApi(api, sync) {
  const { sessions, first } = setup(api);
  let cookie = (await first.processResponse(200)).setCookie;
  return async () => {
    const s = sessions.fromCookieHeader(hdr(cookie.slice(10, cookie.indexOf(";"))));
    if ((await s.get("user_id")) !== 12345) throw new Error("bad");
    await s.set("visits", (await s.get("visits")) + 1);
    await s.set("last_path", "/cart");
    cookie = (await s.processResponse(200)).setCookie;
  };
}
function syncApi() {
  const { sessions, first } = setup(signed);
  let cookie = first.processResponse(200).setCookie;
  return () => {
    const s = sessions.fromCookieHeader(hdr(cookie.slice(10, cookie.indexOf(";"))));
    if (s.get("user_id") !== 12345) throw new Error("bad");
    s.set("visits", s.get("visits") + 1);
    s.set("last_path", "/cart");
    cookie = s.processResponse(200).setCookie;
  };
}
function raw() {
  const core = glue.SessionsCore.create(JSON.stringify({ secretKey: SECRET, engine: "signed_cookies" }), undefined, undefined, undefined, undefined);
  const { first } = setup(signed);
  let cookie = first.processResponse(200).setCookie;
  return () => {
    const s = core.fromCookieHeader(hdr(cookie.slice(10, cookie.indexOf(";"))), NOW);
    if (s.get("user_id") !== 12345) throw new Error("bad");
    s.set("visits", s.get("visits") + 1, undefined);
    s.set("last_path", "/cart", undefined);
    const packed = s.finish(200, undefined);
    cookie = packed.slice(0, packed.indexOf("\0"));
    s.free();
  };
}
function plainHmac() {
  let data = { user_id: 12345, cart, csrf: "a3f9c2e1b7d64f08a9e2c5b1d3f7e6a4", theme: "dark", visits: 0 };
  const sign = (d) => { const p = Buffer.from(JSON.stringify(d)).toString("base64url"); return `session=${p}.${createHmac("sha256", SECRET).update(p).digest("base64url")}; Max-Age=1209600; Path=/; HttpOnly; SameSite=Lax`; };
  let cookie = sign(data);
  return () => {
    const h = hdr(cookie.slice(8, cookie.indexOf(";")));
    const v = h.split("; ").find((c) => c.startsWith("sessionid=")).slice(10);
    const dot = v.lastIndexOf("."); const p = v.slice(0, dot);
    if (createHmac("sha256", SECRET).update(p).digest("base64url") !== v.slice(dot + 1)) throw new Error("sig");
    const d = JSON.parse(Buffer.from(p, "base64url").toString());
    if (d.user_id !== 12345) throw new Error("bad");
    d.visits++; d.last_path = "/cart";
    cookie = sign(d);
  };
}
async function time(name, make, n = 20000) {
  const f = await make();
  for (let i = 0; i < 2000; i++) await f();
  const rounds = [];
  for (let r = 0; r < 7; r++) { const t = performance.now(); for (let i = 0; i < n / 7; i++) await f(); rounds.push((performance.now() - t) * 1000 / (n / 7)); }
  rounds.sort((a, b) => a - b);
  console.log(name.padEnd(28), rounds[3].toFixed(2), "µs");
}
await time("raw exports (signed)", raw);
await time("signed sync api", syncApi);
await time("signed api awaited", () => jsApi(signed));
await time("full api (promises)", () => jsApi(full));
await time("plain createHmac", plainHmac);
await time("raw exports (signed)", raw);
