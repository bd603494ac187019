/**
 * A directory as `SESSION_FILE_PATH`, for the `file` engine, through
 * `node:fs/promises` (Node and Bun). Files are Django's: `sessionid<key>`,
 * holding the encoded session, so a Django site sharing the directory and
 * the `SECRET_KEY` reads the same sessions.
 *
 * Writes are atomic: the content goes to a temporary file in the same
 * directory (named `.<name>.<random>.tmp`, mode 0600 as Django's
 * `mkstemp`), which is then hard-linked to the name for `"create"` (an
 * existing name makes the link fail, so of two creators exactly one wins)
 * or renamed over it for `"replace"`. The temporary file is removed
 * whatever happens: a failed write leaves the old file as it was.
 *
 * @example
 * import { Sessions } from "edge-sessions";
 * import { nodeFiles } from "edge-sessions/adapters/fs";
 *
 * const sessions = new Sessions({ secretKey: process.env.SECRET_KEY, engine: "file", files: nodeFiles("/var/lib/sessions") });
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s below.
import type { FileAdapter, InvalidSetting } from "../index.js";

/** The part of `node:fs/promises` the adapter uses (the default). */
export type NodeFsPromises = Pick<typeof import("node:fs/promises"), "link" | "open" | "readdir" | "rename" | "stat" | "unlink" | "writeFile">;

/** Options of {@link nodeFiles}. */
export interface NodeFilesOptions {
  /** The file system API. Default `node:fs/promises`; tests pass one that fails on purpose. */
  fs?: NodeFsPromises;
}

/**
 * A {@link FileAdapter} over `directory` (which must exist):
 * `read` → `{ content, modifiedAt }` (mtime in seconds) or null,
 * `exists`, atomic `write(name, content, "create" | "replace")` → false
 * when the name exists (create) or does not (replace), `remove` (an absent
 * file is fine), `list(prefix)`. Names containing `/`, `\` or NUL, or
 * starting with `.`, are refused (a rejected call; the core never makes
 * them). Throws {@link InvalidSetting} for an empty path or an incomplete `fs`.
 *
 * @example
 * new Sessions({ secretKey, engine: "file", files: nodeFiles(process.env.SESSION_FILE_PATH ?? os.tmpdir()) })
 */
export function nodeFiles(directory: string, options?: NodeFilesOptions): FileAdapter;
