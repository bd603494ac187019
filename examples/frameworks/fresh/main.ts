// A Fresh 2 app with Django sessions:
//   SECRET_KEY=... deno task start
// Fresh is published on JSR; this repository's test machines reach npm only,
// so this file is not run by the tests: fresh_shaped.test.ts runs the same
// middleware and handlers behind a context shaped as Fresh 2's.
import { App } from "fresh";
import { sessionMiddleware } from "edge-sessions/fresh";
import { home, logout, sessionOptions, type State } from "./handlers.ts";

export const app = new App<State>()
  .use(sessionMiddleware(sessionOptions))
  .get("/", home)
  .post("/logout", logout);

if (import.meta.main) await app.listen({ port: Number(Deno.env.get("PORT") ?? 8000) });
