// Django's SessionMiddleware on the edge runtime, for the pages it matches.
// On "/", it counts visits in the session and hands the count to the page in
// a request header (a page cannot set cookies; the middleware's answer does).
// "/account" is for sessions that have been to "/": others are redirected.
import { NextResponse, type NextMiddleware, type NextRequest } from "next/server";
import { sessionMiddleware } from "edge-sessions/next";
import { sessionOptions } from "./lib/sessions";

export const middleware: NextMiddleware = sessionMiddleware(async (request: NextRequest, session) => {
  if (request.nextUrl.pathname === "/account") {
    return (await session.has("visits")) ? NextResponse.next() : NextResponse.redirect(new URL("/", request.url));
  }
  const visits = Number(await session.get("visits", 0)) + 1;
  await session.set("visits", visits);
  const headers = new Headers(request.headers);
  headers.set("x-visits", String(visits));
  return NextResponse.next({ request: { headers } });
}, sessionOptions);

export const config = { matcher: ["/", "/account"] };
