// The oracle's settings, read from the file: meta.settings (SECRET_KEY,
// SECRET_KEY_FALLBACKS, any SESSION_*), the clock meta.NOW, and what a
// vector overrides. A setting the package refuses by design (an empty
// fallback key: Django accepts it, and anyone could forge a session) is
// dropped with a note, and every vector whose outcome depends on it fails:
// for a refused key, the vectors holding a token that verifies under that
// key only; for any other setting, every vector replayed through settings.

import { createHash, createHmac } from "node:crypto";
import { fail, isDict, NotApplicable, num, show } from "./check.mjs";
import { ENTRY, HAS_STORES, Sessions } from "./lib.mjs";
import { PyNumber, stringsIn } from "./read.mjs";
import { dbDate, newStores } from "./stores.mjs";

const BY_DESIGN = "refused by this package by design";
const NOT_REPLAYED = "not replayed by this runner";
export const KEY_SALT_PREFIX = "django.contrib.sessions.";
export const SIGNED_COOKIES_SALT = "django.contrib.sessions.backends.signed_cookies";
const DEFAULT_SALT = "django.core.signing";

/** Django's `SESSION_*` settings and the package's option for each. */
const OPTION_OF = {
  SESSION_EXPIRE_AT_BROWSER_CLOSE: "expireAtBrowserClose",
  SESSION_SAVE_EVERY_REQUEST: "saveEveryRequest",
  SESSION_COOKIE_AGE: "cookieAge",
  SESSION_COOKIE_SECURE: "cookieSecure",
  SESSION_COOKIE_HTTPONLY: "cookieHttpOnly",
  SESSION_COOKIE_DOMAIN: "cookieDomain",
  SESSION_COOKIE_SAMESITE: "cookieSameSite",
  SESSION_COOKIE_NAME: "cookieName",
  SESSION_COOKIE_PATH: "cookiePath",
};

/** A vector's overridden settings (SESSION_*) as the package's options. */
export function djangoSettings(overrides) {
  const options = {};
  for (const [name, value] of Object.entries(overrides ?? {})) {
    if (!OPTION_OF[name]) fail(`setting ${name} is not replayed by this runner`);
    options[OPTION_OF[name]] = value instanceof PyNumber ? value.value : value;
  }
  return options;
}

/** The class name in a key salt `django.contrib.sessions.<name>`. */
export function sessionClassOf(keySalt) {
  return keySalt.startsWith(KEY_SALT_PREFIX) ? keySalt.slice(KEY_SALT_PREFIX.length) : fail(`${show(keySalt)} is not a session key salt`);
}

/** Why the package refuses these options, or null (other errors are thrown). */
function refusedBy(options) {
  try {
    new Sessions({ secretKey: "probe", engine: "signed_cookies", ...options });
    return null;
  } catch (e) {
    if (e?.name === "InvalidSetting") return e.message;
    throw e;
  }
}

/** Whether `token` (`value:signature`) is Django's signature under `key` and `salt`,
 * computed with node:crypto: the package refuses an empty key outright. */
function signedWith(token, key, salt) {
  const at = token.lastIndexOf(":");
  if (at < 0) return false;
  const derived = createHash("sha256").update(`${salt}signer`).update(key).digest();
  const signature = createHmac("sha256", derived).update(token.slice(0, at)).digest("base64url");
  return signature === token.slice(at + 1);
}

export class Oracle {
  constructor(vectors) {
    const meta = vectors?.meta ?? {};
    this.now = num(meta.NOW);
    this.secret = "";
    this.fallbacks = [];
    this.options = {};
    this.refusals = [];
    const given = meta.settings;
    if (!isDict(given)) {
      this.#refuse("meta.settings", NOT_REPLAYED, "the file has none");
    } else {
      this.#takeSettings(given);
    }
    // A package that can keep the cache's dict as JSON text keeps it so: the
    // vectors record the dict Django's cache returns, not its pickle.
    this.cacheOptions = refusedBy({ cacheFormat: "json" }) === null ? { cacheFormat: "json" } : {};
    const shown = new Sessions({ secretKey: "probe", engine: "signed_cookies" }).settings;
    // Django's make_key where the package applies it (`:1:` + key by default).
    this.cacheKey = shown.cacheVersion === undefined ? (key) => key : (key) => `${shown.cacheKeyPrefix ?? ""}:${shown.cacheVersion}:${key}`;
  }

  #takeSettings(given) {
    if (typeof given.SECRET_KEY !== "string") this.#refuse("SECRET_KEY", NOT_REPLAYED, "missing or not a string");
    else this.secret = given.SECRET_KEY;
    const secretRefused = refusedBy({ secretKey: this.secret });
    if (secretRefused) this.#refuse("SECRET_KEY", BY_DESIGN, secretRefused);
    for (const [name, value] of Object.entries(given)) {
      if (name === "SECRET_KEY") continue;
      if (name === "SECRET_KEY_FALLBACKS") this.#takeFallbacks(value);
      else if (name === "USE_TZ") {
        if (value !== true) this.#refuse(name, NOT_REPLAYED, "only aware datetimes (USE_TZ = True) are");
      } else if (["TIME_ZONE", "CACHES", "DATABASES"].includes(name)) {
        // Descriptions of the oracle's stores; with USE_TZ sessions work in UTC.
      } else if (!OPTION_OF[name]) {
        this.#refuse(name, NOT_REPLAYED, `setting ${name} is not replayed by this runner`);
      } else {
        const option = { [OPTION_OF[name]]: value instanceof PyNumber ? value.value : value };
        const refused = refusedBy({ ...this.options, ...option });
        if (refused) this.#refuse(name, BY_DESIGN, refused);
        else Object.assign(this.options, option);
      }
    }
  }

  #takeFallbacks(list) {
    if (!Array.isArray(list) || list.some((k) => typeof k !== "string")) {
      return this.#refuse("SECRET_KEY_FALLBACKS", NOT_REPLAYED, "not a list of strings");
    }
    for (const key of list) {
      const refused = refusedBy({ secretKeyFallbacks: [key] });
      if (refused === null) this.fallbacks.push(key);
      else this.#refuse("SECRET_KEY_FALLBACKS", BY_DESIGN, `entry ${show(key)} dropped: ${refused}`, key);
    }
  }

  #refuse(setting, how, reason, key) {
    this.refusals.push({ setting, how, reason, key });
  }

  /** The notes to print about refused settings. */
  get notes() {
    return this.refusals.map(({ setting, how, reason, key }) => {
      const scope = key === undefined
        ? "every vector replayed through the settings fails"
        : "every vector holding a token that verifies only under it fails";
      return `${setting} ${how} (${reason}); ${scope}`;
    });
  }

  /** Why the vector fails without being replayed, if a refused setting decides it. */
  refusal(vector, usesSettings) {
    for (const { setting, how, reason, key } of this.refusals) {
      const applies = key === undefined ? usesSettings : this.dependsOnKey(vector, key, this.secret, this.fallbacks);
      if (applies) return `depends on ${setting}, ${how} (${reason})`;
    }
    return undefined;
  }

  /** Whether a token of the vector verifies under `refused` and under none of the kept keys. */
  dependsOnKey(vector, refused, secret, kept) {
    const strings = stringsIn(vector);
    const salts = [...strings, DEFAULT_SALT, SIGNED_COOKIES_SALT, `${KEY_SALT_PREFIX}SessionStore`];
    const keys = [secret, ...kept];
    return [...strings].filter((t) => t.includes(":")).some((token) => salts.some(
      (salt) => signedWith(token, refused, salt) && !keys.some((k) => signedWith(token, k, salt)),
    ));
  }

  /** Keys as the package takes them: refused ones dropped, unless the vector depends on one. */
  keysAsTaken(keys, vector) {
    return keys.filter((key) => {
      const refused = refusedBy({ secretKeyFallbacks: [key] });
      if (refused !== null && this.dependsOnKey(vector, key, this.secret, this.fallbacks)) {
        fail(`depends on fallback key ${show(key)}, ${BY_DESIGN} (${refused})`);
      }
      return refused === null;
    });
  }

  /** A vector's own settings_SECRET_KEY / settings_SECRET_KEY_FALLBACKS (the file's otherwise). */
  secretsOf(v) {
    const secret = v.settings_SECRET_KEY ?? this.secret;
    if (typeof secret !== "string" || refusedBy({ secretKey: secret })) fail(`settings_SECRET_KEY ${show(secret)} ${BY_DESIGN}`);
    const list = v.settings_SECRET_KEY_FALLBACKS;
    return { secret, fallbacks: Array.isArray(list) ? this.keysAsTaken(list.map(String), v) : this.fallbacks };
  }

  /** The clock of a vector: its `now`, or the file's meta.NOW. */
  clock(v) {
    const t = num(v?.now);
    if (Number.isFinite(t)) return t;
    return Number.isFinite(this.now) ? this.now : fail("neither the vector nor meta gives a clock (now / NOW)");
  }

  /**
   * `Sessions` with the oracle's settings, every memory adapter and the
   * stores' clock. On an entry without storage engines, the signed_cookies
   * engine alone and no adapters; any other engine is NotApplicable.
   */
  sessions(stores, settings = {}, secrets = this) {
    const options = { secretKey: secrets.secret, secretKeyFallbacks: secrets.fallbacks, engine: "signed_cookies", ...this.options, ...this.cacheOptions, ...settings };
    if (HAS_STORES) return new Sessions({ ...options, cache: stores.cache, db: stores.db, files: stores.files, now: () => stores.clock.t });
    // Engines by short or dotted name (`django.contrib.sessions.backends.db`); others are the entry's to refuse.
    const engine = String(options.engine).split(".").pop();
    if (["db", "cache", "cached_db", "file"].includes(engine)) throw new NotApplicable(`${ENTRY} ships no ${engine} engine`);
    return new Sessions({ ...options, now: () => stores.clock.t });
  }

  /**
   * `SessionStore().decode(data)` as a session does it: a db-engine session
   * over one row holding `data`. Returns the dict and why it is empty.
   */
  async decodeInSession(data, now, sessionClass, secrets = this) {
    const stores = newStores(now);
    const key = "conformance0decode0key0000000000";
    await stores.db.insert({ sessionKey: key, sessionData: data, expireDate: dbDate(now + 86400) });
    const s = this.sessions(stores, { engine: "db", sessionClass }, secrets).open(key);
    const items = await s.items();
    return { items, problem: s.loadProblem };
  }
}
