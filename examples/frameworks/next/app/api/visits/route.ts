// A route handler on the edge runtime with the request's Django session.
import { withSession } from "edge-sessions/next";
import { sessionOptions } from "../../../lib/sessions";

export const runtime = "edge";

export const GET = withSession(async (_request, session) => {
  const visits = Number(await session.get("visits", 0)) + 1;
  await session.set("visits", visits);
  return Response.json({ visits });
}, sessionOptions);
