// The same route handler on Next's Node.js runtime (the default).
import { withSession } from "edge-sessions/next";
import { sessionOptions } from "../../../lib/sessions";

export const runtime = "nodejs";

export const GET = withSession(async (_request, session) => {
  const visits = Number(await session.get("visits", 0)) + 1;
  await session.set("visits", visits);
  return Response.json({ visits });
}, sessionOptions);
