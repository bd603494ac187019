// `node demo/serve.mjs`: the demo on http://127.0.0.1:$PORT/ (default 8787)
// until Ctrl-C; sessions and the secret key persist in demo/.data/.
import { startDemo } from "./server.mjs";

const port = Number(process.env.PORT ?? 8787);
const demo = await startDemo({ port });
console.log(`edge-sessions demo: ${demo.url}`);

// Dispose of Miniflare on the way out so workerd does not outlive us.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await demo.close();
    process.exit(0);
  });
}
