/**
 * A session directory (Django's `SESSION_FILE_PATH`) through Deno's file
 * APIs, for the `file` engine. File names and contents are Django's, so a
 * Django site pointed at the same directory sees the same sessions.
 *
 * - Writes go to a temp file in the same directory (`.edge-sessions-<uuid>.tmp`,
 *   mode 0600 as Django's) and are then moved into place, so a reader never
 *   sees a half-written session.
 * - `create` hard-links the temp file to its name, which fails if the name
 *   exists: of two concurrent creators, even in two processes, exactly one
 *   wins. The directory's filesystem must support hard links.
 * - `replace` checks that the file exists, then renames over it, as Django
 *   does; a remove landing between the two is undone, as in Django.
 * - Permissions: `--allow-read` and `--allow-write` for the directory only.
 *   The directory must exist.
 * - Names with `/` or `\`, or starting with `.`, are refused with
 *   `InvalidSessionKey` (the core never sends them; a cookie name starting
 *   with `.` cannot be used with this adapter).
 *
 * @example
 * import { withSession } from "edge-sessions";
 * import { denoFiles } from "edge-sessions/adapters/deno-fs";
 *
 * Deno.serve(withSession(handler, { secretKey: Deno.env.get("SECRET_KEY"), engine: "file", files: denoFiles("/var/lib/sessions") }));
 *
 * @packageDocumentation
 */

// InvalidSetting is imported for the {@link}s below.
import type { FileAdapter, InvalidSetting } from "../index.js";

/**
 * A {@link FileAdapter} over `directory`, the path of an existing
 * directory. Throws {@link InvalidSetting} for an empty or non-string path.
 *
 * @example
 * new Sessions({ secretKey, engine: "file", files: denoFiles(await Deno.makeTempDir()) })
 */
export function denoFiles(directory: string): FileAdapter;
