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
});
