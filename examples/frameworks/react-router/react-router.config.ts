import type { Config } from "@react-router/dev/config";

export default {
  ssr: true, // server rendering: loaders and actions read the request's cookie
} satisfies Config;
