/** @type {import('next').NextConfig} */
export default {
  // On the Node.js runtime, load edge-sessions from node_modules rather than
  // bundle it: its Node entry reads the .wasm beside it. (Edge routes and the
  // middleware bundle it through its edge-light entry, .wasm included.)
  serverExternalPackages: ["edge-sessions"],
  // The examples' npm workspace (examples/frameworks/) is this app's root.
  outputFileTracingRoot: new URL("..", import.meta.url).pathname,
};
