// The edge side in workerd (Cloudflare Workers): the same app.mjs, with
// Django's database through a Hyperdrive binding (PG for PostgreSQL, MY for
// MySQL) and its Redis over TCP (REDIS_URL), opened per request and closed
// before answering: workerd does not let a connection outlive its request.
// Bindings: SECRET_KEY, SECRET_KEY_FALLBACKS (JSON), SESSION_ENGINE,
// PG_DRIVER (pg or postgres.js), REDIS_URL. Needs nodejs_compat.
import { edgeApp, settingsFromEnv } from "./app.mjs";
import { openStores } from "./stores.mjs";

let app; // one per isolate: the settings come with the first request's env
export default {
  async fetch(request, env) {
    app ??= edgeApp(settingsFromEnv(env));
    const stores = await openStores(env);
    try {
      return await app(request, stores);
    } finally {
      await stores.close();
    }
  },
};
