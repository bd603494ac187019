// edge-sessions/fresh under Deno, behind a dispatcher that builds each
// request's context as Fresh 2 does for middleware (`ctx.req`, `ctx.url`,
// `ctx.state`, `ctx.params`, `ctx.next()` running the rest of the chain).
// It is NOT Fresh (Fresh is on JSR, unreachable here): it checks the
// middleware against Fresh 2's documented contract, over real HTTP through
// Deno.serve, with the same scenario the other framework examples pass.
//   deno test --allow-net=127.0.0.1 --allow-env --allow-read fresh_shaped.test.ts
import { sessionMiddleware } from "edge-sessions/fresh";
import { drive } from "../support/drive.mjs";
import { home, logout, sessionOptions, type State } from "./handlers.ts";

type Ctx = { req: Request; url: URL; params: Record<string, string>; state: State; next: () => Promise<Response> };
type Handler = (ctx: Ctx) => Response | Promise<Response>;

/** Fresh 2's chain: each middleware gets ctx; ctx.next() runs the next one, the route's handler last. */
function dispatcher(middlewares: Handler[], routes: Record<string, Handler>) {
  return (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const route = routes[`${req.method} ${url.pathname}`] ?? (() => new Response("Not Found", { status: 404 }));
    const chain = [...middlewares, route];
    let index = 0;
    const ctx: Ctx = {
      req, url, params: {}, state: {} as State,
      next: async () => {
        const handler = chain[index++];
        if (!handler) throw new Error("ctx.next() past the route handler");
        return await handler(ctx);
      },
    };
    return ctx.next();
  };
}

Deno.test("edge-sessions/fresh: Django's cookie, the stored data, Vary, a tampered cookie, log-out", async () => {
  Deno.env.set("SECRET_KEY", crypto.randomUUID());
  const handler = dispatcher([sessionMiddleware(sessionOptions)], { "GET /": home, "POST /logout": logout });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, handler);
  try {
    const passed = await drive(`http://127.0.0.1:${server.addr.port}`, { kind: "server" });
    console.log(`pass: fresh (Fresh-shaped context; ${passed.join("; ")})`);
  } finally {
    await server.shutdown();
  }
});

Deno.test("a later middleware sees ctx.state.session; the session ends with the response", async () => {
  Deno.env.set("SECRET_KEY", crypto.randomUUID());
  let seen: State["session"] | undefined;
  const handler = dispatcher([sessionMiddleware(sessionOptions), async (ctx) => {
    seen = ctx.state.session;
    await seen.set("from", "a later middleware");
    return ctx.next();
  }], { "GET /": () => new Response("ok") });
  const response = await handler(new Request("http://127.0.0.1/"));
  if (!response.headers.getSetCookie()[0]?.startsWith("sessionid=")) throw new Error("no session cookie");
  if (response.headers.get("vary") !== "Cookie") throw new Error(`vary: ${response.headers.get("vary")}`);
  // After the response, the session is released (its key stays readable).
  if (typeof seen?.sessionKey !== "string") throw new Error("the session's key");
  let closed = false;
  try {
    await seen.get("from");
  } catch (error) {
    closed = (error as Error).name === "SessionClosed";
  }
  if (!closed) throw new Error("SessionClosed after the response");
});
