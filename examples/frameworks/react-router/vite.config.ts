import { reactRouter } from "@react-router/dev/vite";
import { defineConfig } from "vite";

export default defineConfig({
  plugins: [reactRouter()],
  // edge-sessions is linked from the repository's pkg/ (file: dependency).
  // Installed from npm, Vite leaves it external by itself; linked, it would
  // bundle it and leave the .wasm beside it behind. The dev server may read it.
  ssr: { external: ["edge-sessions"] },
  server: { fs: { allow: ["../../../pkg"] } },
});
