// `edge-sessions/digests`: `salted_hmac` and `base64_hmac` with SHA-1
// (Django's default), SHA-256 and SHA-512, in a module of their own so the
// session modules carry SHA-256 only.
import * as core from "./edge_sessions_digests.js";
import { InvalidSetting, toError } from "./errors.js";

function text(value, name) {
  if (typeof value !== "string") throw new TypeError(`${name} must be a string`);
  if (!value.isWellFormed()) throw new TypeError(`${name} must not contain a lone surrogate`);
  return value;
}

function bytes(value, name) {
  if (typeof value === "string") return new TextEncoder().encode(text(value, name));
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  throw new TypeError(`${name} must be a string, a Uint8Array or an ArrayBuffer`);
}

function checked(answer) {
  if (answer instanceof Error) throw toError(answer);
  return answer;
}

function secret(value, name) {
  if (typeof value !== "string") throw new InvalidSetting(`${name} must be a string`);
  return text(value, name);
}

/** `django.utils.crypto.salted_hmac(key_salt, value, secret, algorithm).digest()`. Default sha1, as Django. */
export function saltedHmac(keySalt, value, secretKey, algorithm = "sha1") {
  return checked(core.saltedHmac(text(keySalt, "keySalt"), bytes(value, "value"), secret(secretKey, "secret"), text(algorithm, "algorithm")));
}

/** `django.core.signing.base64_hmac(salt, value, key, algorithm)`. Default sha1, as Django. */
export function base64Hmac(salt, value, key, algorithm = "sha1") {
  return checked(core.base64Hmac(text(salt, "salt"), text(value, "value"), secret(key, "key"), text(algorithm, "algorithm")));
}
