// The edge side as a server in Node, Deno or Bun: app.mjs over the stores
// of stores.mjs, on 127.0.0.1. Settings from the environment (see
// stores.mjs and app.mjs); PORT (default 0: any free port). Prints one line,
// `{"url": "http://127.0.0.1:PORT"}`, once it listens; SIGTERM closes it.
//
//   SECRET_KEY=... SESSION_ENGINE=db DJANGO_DATABASE=postgres://... node serve.mjs
//   deno run --allow-net=127.0.0.1 --allow-env --allow-read --allow-sys serve.mjs
//   bun serve.mjs
import process from "node:process";
import { edgeApp, settingsFromEnv } from "./app.mjs";
import { openStores } from "./stores.mjs";

const env = process.env;
const stores = await openStores(env);
const app = edgeApp(settingsFromEnv(env));
const handler = (request) =>
  app(request, stores).catch((error) => {
    console.error(error);
    return new Response("Server Error (500)", { status: 500 });
  });
const port = Number(env.PORT ?? 0);
const listening = (p) => console.log(JSON.stringify({ url: `http://127.0.0.1:${p}` }));

let close;
if (globalThis.Deno) {
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: ({ port: p }) => listening(p) }, handler);
  close = () => server.shutdown();
} else if (globalThis.Bun) {
  const server = Bun.serve({ hostname: "127.0.0.1", port, fetch: handler });
  listening(server.port);
  close = () => server.stop(true);
} else {
  const { createServer } = await import("node:http");
  const server = createServer(nodeAdapter(handler));
  await new Promise((resolve) => server.listen(port, "127.0.0.1", resolve));
  listening(server.address().port);
  close = () => new Promise((resolve) => server.close(resolve));
}

process.on("SIGTERM", async () => {
  await close();
  await stores.close();
  process.exit(0);
});

/** node:http → Request, Response → node:http. */
function nodeAdapter(fetchHandler) {
  return async (req, res) => {
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    const response = await fetchHandler(
      new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined }),
    );
    // Several Set-Cookie headers must stay separate: setHeader with an array.
    for (const [name, value] of response.headers) if (name !== "set-cookie") res.setHeader(name, value);
    const cookies = response.headers.getSetCookie();
    if (cookies.length) res.setHeader("set-cookie", cookies);
    res.writeHead(response.status).end(Buffer.from(await response.arrayBuffer()));
  };
}
