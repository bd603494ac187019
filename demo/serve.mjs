// `node demo/serve.mjs` (or `make demo`): the demo on http://127.0.0.1:$PORT/
// (PORT defaults to 8787; 0 picks a free port) until Ctrl-C; sessions,
// users and the secret key persist in demo/.data/ (delete it to start over).
import { startDemo } from "./server.mjs";

const port = Number(process.env.PORT ?? 8787);
const demo = await startDemo({ port });
console.log(`edge-sessions demo: ${demo.url} (PORT=${new URL(demo.url).port}; data in demo/.data/; Ctrl-C stops it)`);

// Dispose of Miniflare on the way out so workerd does not outlive us.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await demo.close();
    process.exit(0);
  });
}
