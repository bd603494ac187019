// The three assertions the test needs (no jsr:@std/assert download).
export function assert(condition, message = "assertion failed") {
  if (!condition) throw new Error(message);
}
export function assertEquals(actual, expected) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`expected ${e}, got ${a}`);
}
export function assertMatch(text, pattern) {
  if (!pattern.test(text)) throw new Error(`${JSON.stringify(text)} does not match ${pattern}`);
}
