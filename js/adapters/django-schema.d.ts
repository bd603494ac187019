/**
 * Django's schema-editor naming rules, shared by the SQLite and PostgreSQL
 * adapters: which table names may be spliced into SQL, and the names Django
 * gives indexes. Pure JS (a small MD5 included), for any runtime.
 *
 * @example
 * import { indexName } from "edge-sessions/adapters/django-schema";
 * indexName("django_session", "expire_date"); // "django_session_expire_date_a5c62663"
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s below.
import type { InvalidSetting } from "../index.js";

/**
 * `table` in double quotes, for SQL. Throws {@link InvalidSetting} unless
 * it is a letter followed by letters, digits or `_`, at most `maxLength`
 * (default 128) chars in all.
 *
 * @example
 * quotedTable("django_session"); // "\"django_session\""
 */
export function quotedTable(table: string, maxLength?: number): string;

/**
 * Django's `_create_index_name(table, [column], suffix)`: `table_column_`
 * + the first 8 hex digits of `md5(table + column)` + `suffix`, shortened
 * as Django does past `maxLength` (Django's `max_name_length()`: 63 on
 * PostgreSQL; 200, Django's fallback, on SQLite).
 *
 * @example
 * indexName("django_session", "session_key", { suffix: "_like", maxLength: 63 });
 * // "django_session_session_key_c0390e0f_like"
 */
export function indexName(table: string, column: string, options?: { suffix?: string; maxLength?: number }): string;

/**
 * The MD5 digest of `text`'s UTF-8 bytes as 32 lowercase hex digits, for
 * names only (MD5 is not a security primitive).
 *
 * @example
 * md5Hex(""); // "d41d8cd98f00b204e9800998ecf8427e"
 */
export function md5Hex(text: string): string;
