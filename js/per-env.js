// What the entries and integrations share: a value made once per Worker
// environment. Not an export of the package.

/**
 * A function of a request context giving `make(context)`, made once per
 * `envOf(context)` object (a Worker's bindings, where the secrets are) or
 * once in all where there is none.
 */
export function oncePerEnv(make, envOf) {
  const made = new WeakMap();
  const noEnv = {}; // app.request() without an env, servers that pass none
  return (context) => {
    const env = envOf(context);
    const key = env !== null && typeof env === "object" ? env : noEnv;
    let value = made.get(key);
    if (value === undefined) {
      value = make(context);
      made.set(key, value);
    }
    return value;
  };
}
