// What the framework integrations share: their `options` argument turned into
// a function giving the Sessions for a request. Not an export of the package.
import { Sessions } from "edge-sessions";
import { oncePerEnv } from "./per-env.js";

/**
 * `options` may be a Sessions (used as is), an options object (one Sessions,
 * built now, so a bad option throws at start-up), or a function of the
 * framework's request context, called once per `envOf(context)` object (a
 * Worker's bindings) or once in all where there is none.
 */
export function sessionsFor(options, envOf = () => undefined) {
  if (options instanceof Sessions) return () => options;
  if (typeof options !== "function") {
    const sessions = new Sessions(options);
    return () => sessions;
  }
  return oncePerEnv((context) => new Sessions(options(context)), envOf);
}
