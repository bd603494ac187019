// @ts-check
// A node:http server with Django's file engine: one file per session in
// SESSION_FILE_PATH, named and encoded as Django's, so a Django site
// pointed at the same directory (and SECRET_KEY) shares the sessions. Run:
//   SECRET_KEY=... SESSION_FILE_PATH=/tmp/sessions node server.js
import { mkdirSync } from "node:fs";
import { createServer } from "node:http";
import { Readable } from "node:stream";
import { Sessions } from "edge-sessions";
import { nodeFiles } from "edge-sessions/adapters/fs";

const directory = process.env.SESSION_FILE_PATH ?? "sessions";
mkdirSync(directory, { recursive: true, mode: 0o700 });

const sessions = new Sessions({
  secretKey: process.env.SECRET_KEY ?? "", // empty: InvalidSetting at start, not a forgeable session
  engine: "file",
  files: nodeFiles(directory),
});

/** @type {(request: Request, session: import("edge-sessions").Session) => Promise<Response>} */
async function app(request, session) {
  const { pathname } = new URL(request.url);
  if (pathname === "/logout") {
    await session.flush(); // Django's logout(): file and cookie go
    return new Response("logged out\n");
  }
  if (pathname === "/note" && request.method === "POST") {
    await session.set("note", await request.text());
    return new Response(null, { status: 204 });
  }
  const visits = Number(await session.get("visits", 0)) + 1;
  await session.set("visits", visits);
  return Response.json({ visits, note: await session.get("note", null) });
}

// node:http speaks IncomingMessage/ServerResponse, the package speaks fetch's
// Request/Response: convert on the way in and on the way out. (Without
// converting: sessions.fromCookieHeader(req.headers.cookie), and before
// writing the head, session.processResponse(status, vary) for the headers.)

/** @param {import("node:http").IncomingMessage} req */
function toRequest(req) {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    for (const v of [value ?? []].flat()) headers.append(name, v);
  }
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`), {
    method: req.method,
    headers,
    // A body stream needs `duplex: "half"` in Node's fetch.
    ...(hasBody && { body: /** @type {ReadableStream} */ (Readable.toWeb(req)), duplex: "half" }),
  });
}

/** @param {Response} response @param {import("node:http").ServerResponse} res */
async function send(response, res) {
  for (const [name, value] of response.headers) if (name !== "set-cookie") res.setHeader(name, value);
  // Set-Cookie must stay separate headers (Headers joins other repeats with ", ").
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) res.setHeader("set-cookie", cookies);
  res.writeHead(response.status);
  res.end(Buffer.from(await response.arrayBuffer()));
}

const server = createServer(async (req, res) => {
  try {
    const request = toRequest(req);
    // Django's SessionMiddleware around `app`: saves, Set-Cookie, Vary.
    await send(await sessions.handle(request, (session) => app(request, session)), res);
  } catch (error) {
    console.error(error);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
});

server.listen(Number(process.env.PORT ?? 8000), "127.0.0.1", () => {
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  console.log(`listening on http://127.0.0.1:${address.port}/`);
});
