/**
 * `edge-sessions/digests`: `salted_hmac` and `base64_hmac` with SHA-1
 * (Django's default), SHA-256 and SHA-512, in a module of their own (about
 * 22 KB gzip) so the session modules carry SHA-256 only.
 *
 * @example
 * import { saltedHmac } from "edge-sessions/digests";
 * saltedHmac("django.contrib.auth.tokens.PasswordResetTokenGenerator", "1", env.SECRET_KEY); // sha1, as Django
 *
 * @packageDocumentation
 */

import type { HmacAlgorithm } from "./types.js";

export type { HmacAlgorithm } from "./types.js";

/**
 * `django.utils.crypto.salted_hmac(key_salt, value, secret, algorithm).digest()`.
 * Strings must not hold lone surrogates (TypeError); bytes are a Uint8Array
 * or an ArrayBuffer; an unknown algorithm or an empty secret is InvalidSetting.
 */
export function saltedHmac(keySalt: string, value: string | Uint8Array | ArrayBuffer, secret: string, algorithm?: HmacAlgorithm): Uint8Array;

/** `django.core.signing.base64_hmac(salt, value, key, algorithm)`. */
export function base64Hmac(salt: string, value: string, key: string, algorithm?: HmacAlgorithm): string;
