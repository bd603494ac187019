// Declarations only the type-check of js/ needs (js/tsconfig.json); the
// package's users get these from their bundler and runtime.

/** A `.wasm` import, as Workers bundlers hand it over: a compiled module. */
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}

/** A `.wasm?module` import, as Next's edge bundler hands it over. */
declare module "*.wasm?module" {
  const module: WebAssembly.Module;
  export default module;
}

/** The part of workerd's `cloudflare:workers` the Durable Object adapter uses. */
declare module "cloudflare:workers" {
  export class DurableObject<Env = unknown> {
    constructor(ctx: DurableObjectState, env: Env);
    ctx: DurableObjectState;
    env: Env;
  }
  interface DurableObjectState {
    storage: {
      get<T = unknown>(key: string): Promise<T | undefined>;
      put(key: string, value: unknown): Promise<void>;
      delete(key: string | string[]): Promise<boolean | number>;
      list<T = unknown>(options?: { startAfter?: string; limit?: number }): Promise<Map<string, T>>;
      getAlarm(): Promise<number | null>;
      setAlarm(time: number): Promise<void>;
    };
  }
}
