// @ts-check
// What the package does in a page: Django's signing, and the session dict
// over an in-memory cache. No cookies: browsers drop Set-Cookie from a
// Response built in JavaScript, so withSession has nothing to set here.
import { BadSignature, Sessions, dumps, loads, memoryCache } from "edge-sessions";

// A key in a page is public: fine for demos, tests and tools, never the key
// that protects a real site's sessions.
const secretKey = "a-key-for-this-demo-page-only";

/** @param {string} id @param {unknown} value */
const show = (id, value) => {
  /** @type {HTMLElement} */ (document.getElementById(id)).textContent = typeof value === "string" ? value : JSON.stringify(value);
};

// Signing: the token is byte for byte what Django's signing.dumps makes.
const token = dumps({ user: 42 }, { secretKey, salt: "invite" });
show("token", token);
show("loaded", loads(token, { secretKey, salt: "invite", maxAge: 3600 }));
try {
  loads(`${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`, { secretKey, salt: "invite" });
  show("tampered", "accepted?!");
} catch (error) {
  show("tampered", error instanceof BadSignature ? "refused (BadSignature)" : String(error));
}

// Sessions: Django's SessionStore over a cache that lives as long as the page.
const sessions = new Sessions({ secretKey, engine: "cache", cache: memoryCache() });
const first = sessions.open();
await first.set("cart", []);
await first.save(); // now it has a key: on a server, the cookie's value
show("session-key", first.sessionKey);

const button = /** @type {HTMLButtonElement} */ (document.getElementById("add"));
button.addEventListener("click", async () => {
  // Each click opens the session by key, as each request would by cookie.
  const session = sessions.open(first.sessionKey);
  const cart = /** @type {string[]} */ (await session.get("cart", []));
  await session.set("cart", [...cart, "apple"]); // values are copies: set it again
  await session.save();
  show("cart", await session.get("cart"));
});
button.disabled = false;
