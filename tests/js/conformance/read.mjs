// Reading a vectors file as Python wrote it: object key order kept (even
// for integer-like keys), and numbers JavaScript would write back
// differently (2.0, -0.0, 2**63) kept as their text.

/**
 * A number JavaScript cannot write back as Python did (2.0, -0.0, 2**63):
 * JSON.stringify would hand the core 2, 0 or a rounded value. With
 * JSON.rawJSON (Node >= 21) its exact text goes through instead.
 */
export class PyNumber {
  constructor(text) {
    this.text = text;
    this.value = Number(text);
  }
  toJSON() {
    return JSON.rawJSON ? JSON.rawJSON(this.text) : this.value;
  }
}

/** True when JSON.stringify(Number(text)) would not give the core Python's value. */
function lossyNumber(text) {
  const n = Number(text);
  if (/^-?\d+$/.test(text)) return !Number.isSafeInteger(n);
  return Number.isInteger(n) && Math.abs(n) < 1e21; // a float JS would print as an int
}

/**
 * JSON.parse, except that (1) objects keep the file's key order even for
 * integer-like keys (which plain objects move first): such an object is a
 * Proxy whose key order is the file's, and JSON.stringify follows it; and
 * (2) lossy numbers become PyNumber.
 */
export function parseOrdered(text) {
  let i = 0;
  const ws = () => { while (i < text.length && " \t\n\r".includes(text[i])) i++; };
  const error = (what) => { throw new SyntaxError(`${what} at offset ${i}`); };
  const string = () => {
    const start = i++;
    while (text[i] !== '"') {
      if (i >= text.length) error("unterminated string");
      i += text[i] === "\\" ? 2 : 1;
    }
    return JSON.parse(text.slice(start, ++i));
  };
  const value = () => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      const obj = {};
      const order = [];
      ws();
      if (text[i] === "}") { i++; return obj; }
      for (;;) {
        ws();
        if (text[i] !== '"') error("expected a key");
        const key = string();
        ws();
        if (text[i++] !== ":") error("expected ':'");
        const v = value();
        if (!Object.hasOwn(obj, key)) order.push(key);
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i++] !== "}") error("expected ',' or '}'");
        break;
      }
      const moved = Object.keys(obj).some((k, n) => k !== order[n]);
      return moved ? new Proxy(obj, { ownKeys: () => [...order] }) : obj;
    }
    if (c === "[") {
      i++;
      const list = [];
      ws();
      if (text[i] === "]") { i++; return list; }
      for (;;) {
        list.push(value());
        ws();
        if (text[i] === ",") { i++; continue; }
        if (text[i++] !== "]") error("expected ',' or ']'");
        return list;
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [["true", true], ["false", false], ["null", null]]) {
      if (text.startsWith(word, i)) { i += word.length; return v; }
    }
    const number = /-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
    number.lastIndex = i;
    const m = number.exec(text);
    if (!m) error("unexpected character");
    i += m[0].length;
    return lossyNumber(m[0]) ? new PyNumber(m[0]) : Number(m[0]);
  };
  const result = value();
  ws();
  if (i < text.length) error("trailing characters");
  return result;
}

export function containsPyNumber(v) {
  if (v instanceof PyNumber) return true;
  if (v && typeof v === "object") return Object.values(v).some(containsPyNumber);
  return false;
}

/** Every string in a vector, object keys included: the keys, tokens and salts it names. */
export function stringsIn(v, out = new Set()) {
  if (typeof v === "string") out.add(v);
  else if (Array.isArray(v)) for (const x of v) stringsIn(x, out);
  else if (v !== null && typeof v === "object" && !(v instanceof PyNumber)) {
    for (const [k, x] of Object.entries(v)) {
      out.add(k);
      stringsIn(x, out);
    }
  }
  return out;
}
