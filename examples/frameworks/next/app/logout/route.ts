// Django's logout() on the edge runtime: data and cookie go.
import { NextResponse } from "next/server";
import { withSession } from "edge-sessions/next";
import { sessionOptions } from "../../lib/sessions";

export const runtime = "edge";

export const POST = withSession(async (request, session) => {
  await session.flush();
  return NextResponse.redirect(new URL("/", request.url), 303);
}, sessionOptions);
