// What every benchmark signs: the key and the sessions, in a module of
// their own so that a script can use them without loading the peers
// (cycles.mjs imports every library it compares).

/** The native core's key (tools/src/bin/bench_cycle.rs), shared by every row; >= 32 chars for iron-session. */
export const SECRET = "bench-secret-key-0123456789abcdefghijklmnopqrstuvwxyz";

/** The sessions each row starts from (`visits` then counts the cycles). */
export const PAYLOADS = {
  "two-key": { user_id: 42, visits: 0 },
  realistic: {
    user_id: 12345,
    cart: [
      { id: 101, qty: 2, price: 19.99 },
      { id: 205, qty: 1, price: 5.49 },
      { id: 333, qty: 3, price: 120.5 },
    ],
    csrf: "a3f9c2e1b7d64f08a9e2c5b1d3f7e6a4",
    theme: "dark",
    visits: 0,
  },
};
