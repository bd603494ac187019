// @ts-check
import node from "@astrojs/node";
import { defineConfig } from "astro/config";

export default defineConfig({
  // Every page rendered on demand: a session needs the request's cookie.
  output: "server",
  adapter: node({ mode: "standalone" }),
  // The origin form posts are checked against (security.checkOrigin) comes
  // from the Host header only for these hosts.
  security: { allowedDomains: [{ protocol: "http", hostname: "127.0.0.1" }] },
  vite: {
    // edge-sessions is linked from the repository's pkg/ (file: dependency).
    // Installed from npm, Vite leaves it external by itself; linked, it would
    // bundle it and leave the .wasm beside it behind.
    ssr: { external: ["edge-sessions"] },
  },
});
