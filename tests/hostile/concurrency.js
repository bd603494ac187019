// Overlapping requests on one session, with Django's behaviour, as one list
// of cases every runtime's runner runs against each of its stores (like
// tests/adapters/contract.js). Runtime-agnostic: web standards only.
//
// concurrency({ lib, kind, open }) returns `{ name, fn }` cases, where
//   lib     the imported package,
//   kind    "cache" | "db" | "cached_db" | "files": the engine under test,
//   open()  resolves to a FRESH, empty store: { cache?, db?, files? } adapters.
//
// Django has no locking: two requests on one session each load it, and each
// save writes its whole dict, so the last save wins. A request whose
// session was deleted meanwhile (a log-out, a log-in's cycle_key) fails its
// save with UpdateError, which the middleware answers with 400
// (SessionInterrupted). Logging in (cycle_key) moves the data to a new key
// and deletes the old record, so a fixated key is worthless afterwards.
//
// The overlap is made deterministic with promises the views wait on: request
// A loads and changes the session, then waits while request B runs to the
// end; then A finishes.

const ENGINE = { cache: "cache", db: "db", cached_db: "cached_db", files: "file" };
// Django's make_key: ":<VERSION>:" before the engine's own prefix.
const CACHE_PREFIX = { cache: ":1:django.contrib.sessions.cache", cached_db: ":1:django.contrib.sessions.cached_db" };
const SECRET = "concurrency-secret";
const URL_ = "https://concurrency.test/";
const DELETE_COOKIE = 'sessionid=""; expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; SameSite=Lax';

class ConcurrencyError extends Error {
  name = "ConcurrencyError";
}

function equal(actual, expected, what) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new ConcurrencyError(`${what}: expected ${e}, got ${a}`);
}

function deferred() {
  let resolve;
  const promise = new Promise((r) => { resolve = r; });
  return { promise, resolve };
}

const request = (key) => new Request(URL_, key ? { headers: { cookie: `sessionid=${key}` } } : {});
/** The session key a response sets, "" for a deletion, null when none. */
const cookieKey = (response) => {
  const header = response.headers.get("set-cookie");
  if (header === null) return null;
  const match = /^sessionid=([^;]*)/.exec(header);
  return match ? match[1].replace(/^""$/, "") : null;
};

export function concurrency({ lib, kind, open }) {
  const sessionsOver = (stores, extra = {}) => new lib.Sessions({ secretKey: SECRET, engine: ENGINE[kind], ...stores, ...extra });
  const fresh = async (extra) => {
    const stores = await open();
    return { stores, sessions: sessionsOver(stores, extra) };
  };
  const saved = async (sessions, data) => {
    const s = sessions.open();
    await s.update(data);
    await s.save();
    return s.sessionKey;
  };

  /** What each store holds for `key`, looked at store by store (not only through the engine). */
  async function held(stores, sessions, key) {
    const state = { engine: await sessions.open().exists(key) };
    if (stores.db) state.db = await stores.db.exists(key);
    if (stores.cache) state.cache = (await stores.cache.get(`${CACHE_PREFIX[kind === "cached_db" ? "cached_db" : "cache"]}${key}`)) !== null;
    if (stores.files) state.files = await stores.files.exists(`sessionid${key}`);
    return state;
  }
  const everywhere = (stores, value) => {
    const state = { engine: value };
    if (stores.db) state.db = value;
    if (stores.cache) state.cache = value;
    if (stores.files) state.files = value;
    return state;
  };
  /** The session's data as the db alone sees it (cached_db: the cache could hide a stale db). */
  const dbItems = async (stores, sessions, key) =>
    kind === "cached_db" ? sessionsOver({ db: stores.db }, { engine: "db" }).open(key).items() : sessions.open(key).items();

  /**
   * Request A loads `key`, runs `changeA`, then waits while `runB()` (request
   * B, start to end) happens; then A returns. Resolves to A's response and B's.
   */
  async function overlap(sessions, key, changeA, runB) {
    const aReady = deferred();
    const bDone = deferred();
    const a = sessions.handle(request(key), async (session) => {
      try {
        await changeA(session);
      } finally {
        aReady.resolve(); // also when changeA failed, so nothing waits forever
      }
      await bDone.promise;
      return new Response("A");
    });
    await aReady.promise;
    let b;
    try {
      b = await runB();
    } finally {
      bDone.resolve();
    }
    return { a: await a, b };
  }

  const cases = {
    async "two overlapping writers: the last save wins, with its whole dict (as Django)"() {
      const { stores, sessions } = await fresh();
      // A saves last: its dict replaces B's, B's change is lost.
      const key = await saved(sessions, { n: 0, base: true });
      const { a, b } = await overlap(sessions, key, async (s) => {
        equal(await s.get("n"), 0, "A loaded");
        await s.set("n", "A");
        await s.set("a", true);
      }, async () => {
        const response = await sessions.handle(request(key), async (s) => {
          equal(await s.get("n"), 0, "B loaded what was stored before either saved");
          await s.set("n", "B");
          await s.set("b", true);
          return new Response("B");
        });
        equal(await sessions.open(key).get("n"), "B", "B's save is in the store until A saves");
        return response;
      });
      equal([a.status, b.status], [200, 200], "statuses");
      equal([cookieKey(a), cookieKey(b)], [key, key], "both keep the key");
      equal(await sessions.open(key).items(), [["n", "A"], ["base", true], ["a", true]], "A's dict, whole");
      equal(await dbItems(stores, sessions, key), [["n", "A"], ["base", true], ["a", true]], "in the db too");

      // The other order: A loads first and saves first, B loads before A
      // saves and saves last: B wins, A's change is lost.
      const key2 = await saved(sessions, { n: 0 });
      const [aLoaded, bLoaded, releaseA, releaseB] = [deferred(), deferred(), deferred(), deferred()];
      const writer = (name, loaded, release) => sessions.handle(request(key2), async (s) => {
        try {
          equal(await s.get("n"), 0, `${name} loaded what was stored before either saved`);
          await s.set("n", name);
          await s.set(name, true);
        } finally {
          loaded.resolve();
        }
        await release.promise;
        return new Response(name);
      });
      const first = writer("A", aLoaded, releaseA);
      await aLoaded.promise;
      const second = writer("B", bLoaded, releaseB);
      await bLoaded.promise;
      releaseA.resolve();
      equal((await first).status, 200, "A");
      equal(await sessions.open(key2).items(), [["n", "A"], ["A", true]], "A's save, until B saves");
      releaseB.resolve();
      equal((await second).status, 200, "B");
      equal(await sessions.open(key2).items(), [["n", "B"], ["B", true]], "B saved last and won");
      equal(await dbItems(stores, sessions, key2), [["n", "B"], ["B", true]], "in the db too");
    },

    async "a session logged out by an overlapping request: the other's save is SessionInterrupted (400)"() {
      const { stores, sessions } = await fresh();
      const key = await saved(sessions, { user: 1 });
      const { a, b } = await overlap(sessions, key, async (s) => {
        equal(await s.get("user"), 1, "A loaded");
        await s.set("cart", [1]);
      }, () => sessions.handle(request(key), async (s) => {
        await s.flush(); // log out
        return new Response("logged out");
      }));
      equal(b.status, 200, "the log-out");
      equal(b.headers.get("set-cookie"), DELETE_COOKIE, "the log-out deletes the cookie");
      equal(a.status, 400, "the interrupted request");
      equal(a.headers.get("set-cookie"), null, "no cookie for the interrupted request");
      equal(await held(stores, sessions, key), everywhere(stores, false), "not resurrected");
      equal(await sessions.open(key).items(), [], "a later request finds nothing");
    },

    async "a read-only request overlapping a log-out saves nothing and resurrects nothing"() {
      const { stores, sessions } = await fresh();
      const key = await saved(sessions, { user: 2 });
      const { a } = await overlap(sessions, key, async (s) => {
        equal(await s.get("user"), 2, "A loaded");
      }, () => sessions.handle(request(key), async (s) => {
        await s.flush();
        return new Response("logged out");
      }));
      equal(a.status, 200, "read-only request");
      equal(a.headers.get("set-cookie"), null, "no Set-Cookie");
      equal(a.headers.get("vary"), "Cookie", "Vary: Cookie (accessed)");
      equal(await held(stores, sessions, key), everywhere(stores, false), "still gone");
    },

    async "saveEveryRequest: even a read-only request overlapping a log-out is SessionInterrupted (400)"() {
      const { stores, sessions } = await fresh({ saveEveryRequest: true });
      const key = await saved(sessions, { user: 3 });
      const { a } = await overlap(sessions, key, async (s) => {
        equal(await s.get("user"), 3, "A loaded");
      }, () => sessions.handle(request(key), async (s) => {
        await s.flush();
        return new Response("logged out");
      }));
      equal(a.status, 400, "the interrupted request");
      equal(await held(stores, sessions, key), everywhere(stores, false), "not resurrected");
    },

    async "fixation: logging in (cycleKey) changes the key and the old record is gone"() {
      const { stores, sessions } = await fresh();
      const key = await saved(sessions, { cart: [1] }); // an anonymous session, or one an attacker fixated
      const response = await sessions.handle(request(key), async (s) => {
        await s.cycleKey();
        await s.set("user", 42);
        return new Response("logged in");
      });
      equal(response.status, 200, "status");
      const newKey = cookieKey(response);
      equal(/^[a-z0-9]{32}$/.test(newKey ?? ""), true, `a new key in Set-Cookie (${newKey})`);
      equal(newKey === key, false, "the key changed");
      equal(await held(stores, sessions, key), everywhere(stores, false), "the old record is gone from every store");
      equal(await held(stores, sessions, newKey), everywhere(stores, true), "the new record is stored");
      equal(await sessions.open(newKey).items(), [["cart", [1]], ["user", 42]], "the data moved");
      equal(await dbItems(stores, sessions, newKey), [["cart", [1]], ["user", 42]], "in the db too");
      const stale = sessions.open(key);
      equal(await stale.items(), [], "the old key loads nothing");
      equal(stale.sessionKey, null, "and is dropped");
    },

    async "fixation: the old key, used after the log-in, gets a fresh session under a new key"() {
      const { stores, sessions } = await fresh();
      const key = await saved(sessions, { cart: [1] });
      const login = await sessions.handle(request(key), async (s) => {
        await s.cycleKey();
        await s.set("user", 42);
        return new Response("logged in");
      });
      const newKey = cookieKey(login);
      // The attacker, still holding the old key, writes to "it".
      const attacker = await sessions.handle(request(key), async (s) => {
        equal(await s.get("user"), undefined, "the attacker does not see the user");
        await s.set("evil", true);
        return new Response("attacker");
      });
      equal(attacker.status, 200, "status");
      const attackerKey = cookieKey(attacker);
      equal([attackerKey === key, attackerKey === newKey, /^[a-z0-9]{32}$/.test(attackerKey ?? "")], [false, false, true], "a brand-new key, neither the old nor the victim's");
      equal(await held(stores, sessions, key), everywhere(stores, false), "the old key is never re-created");
      equal(await sessions.open(newKey).items(), [["cart", [1]], ["user", 42]], "the victim's session is untouched");
    },

    async "a log-in overlapping a request on the old key: that request's save is SessionInterrupted (400)"() {
      const { stores, sessions } = await fresh();
      const key = await saved(sessions, { cart: [1] });
      let newKey;
      const { a, b } = await overlap(sessions, key, async (s) => {
        await s.set("cart", [1, 2]);
      }, async () => {
        const response = await sessions.handle(request(key), async (s) => {
          await s.cycleKey();
          await s.set("user", 7);
          return new Response("logged in");
        });
        newKey = cookieKey(response);
        return response;
      });
      equal(b.status, 200, "the log-in");
      equal(a.status, 400, "the request on the old key");
      equal(await held(stores, sessions, key), everywhere(stores, false), "the old key is not re-created");
      equal(await sessions.open(newKey).items(), [["cart", [1]], ["user", 7]], "the logged-in session");
    },

    async "two overlapping log-ins from one session: each gets its own new key, the old one is gone"() {
      const { stores, sessions } = await fresh();
      const key = await saved(sessions, { cart: [1] });
      const [aLoaded, bDone] = [deferred(), deferred()];
      // A loads the anonymous session, B logs in from it start to end, then A logs in too.
      const a = sessions.handle(request(key), async (s) => {
        try {
          equal(await s.get("cart"), [1], "A loaded");
        } finally {
          aLoaded.resolve();
        }
        await bDone.promise;
        await s.cycleKey(); // the old record is already gone: deleting it again is no error
        await s.set("user", "A");
        return new Response("A");
      });
      await aLoaded.promise;
      let b;
      try {
        b = await sessions.handle(request(key), async (s) => {
          await s.cycleKey();
          await s.set("user", "B");
          return new Response("B");
        });
      } finally {
        bDone.resolve();
      }
      const responseA = await a;
      const [keyA, keyB] = [cookieKey(responseA), cookieKey(b)];
      equal([responseA.status, b.status], [200, 200], "statuses");
      equal(new Set([key, keyA, keyB]).size, 3, "three different keys");
      equal(await held(stores, sessions, key), everywhere(stores, false), "the old record is gone");
      equal(await sessions.open(keyA).items(), [["cart", [1]], ["user", "A"]], "A's session");
      equal(await sessions.open(keyB).items(), [["cart", [1]], ["user", "B"]], "B's session");
    },

    async "overlapping first visits get different keys"() {
      const { sessions } = await fresh();
      const started = [deferred(), deferred()];
      const go = deferred();
      const visits = started.map((ready, i) => sessions.handle(request(null), async (s) => {
        await s.set("visitor", i);
        ready.resolve();
        await go.promise;
        return new Response(String(i));
      }));
      await Promise.all(started.map((d) => d.promise));
      go.resolve();
      const responses = await Promise.all(visits);
      const keys = responses.map(cookieKey);
      equal(keys[0] !== keys[1] && keys.every((k) => /^[a-z0-9]{32}$/.test(k ?? "")), true, `two new keys ${keys}`);
      equal(await sessions.open(keys[0]).get("visitor"), 0, "first");
      equal(await sessions.open(keys[1]).get("visitor"), 1, "second");
    },
  };
  return Object.entries(cases).map(([name, fn]) => ({ name, fn }));
}
