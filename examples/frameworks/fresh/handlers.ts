// The app's handlers, written against Fresh 2's context (`ctx.state`,
// `ctx.req`); shared by main.ts (the Fresh app) and the test.
import { memoryCache, type Session, type SessionOptions } from "edge-sessions";

/** The app's `ctx.state`: edge-sessions/fresh puts the request's session there. */
export interface State {
  session: Session;
}

const cache = memoryCache({ maxEntries: 10_000 });

/** The cache engine over an in-memory store; read at the first request. */
export const sessionOptions = (): SessionOptions => ({ secretKey: Deno.env.get("SECRET_KEY") ?? "", engine: "cache", cache });

export async function home(ctx: { state: State }): Promise<Response> {
  const visits = Number(await ctx.state.session.get("visits", 0)) + 1;
  await ctx.state.session.set("visits", visits);
  return new Response(
    `<!doctype html><h1>Fresh with Django sessions</h1>
<p id="visits" data-visits="${visits}">Visits in this session: ${visits}</p>
<form method="post" action="/logout"><button>Log out</button></form>\n`,
    { headers: { "content-type": "text/html; charset=utf-8" } },
  );
}

/** Django's logout(): data, stored copy and cookie go. */
export async function logout(ctx: { state: State }): Promise<Response> {
  await ctx.state.session.flush();
  return new Response(null, { status: 303, headers: { location: "/" } });
}
