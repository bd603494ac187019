// The edge side in workerd (Cloudflare Workers): the same app.mjs. Bindings:
// SECRET_KEY, SECRET_KEY_FALLBACKS (JSON). Only signed_cookies can share a
// session with Django here: a Worker has no file system, and D1 is its own
// SQLite database, not the file Django's django_session table lives in.
import { edgeApp, settingsFromEnv } from "./app.mjs";

let app; // one per isolate: the settings come with the first request's env
export default {
  fetch(request, env) {
    app ??= edgeApp({ ...settingsFromEnv(env), engine: "signed_cookies" });
    return app(request);
  },
};
