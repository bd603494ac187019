// A directory on a Node file system (node:fs/promises; Bun too) as
// SESSION_FILE_PATH, for the file engine. A translation table only: the
// core picks the file names (Django's `sessionid<key>`), the content and
// what counts as expired.
//
// Every write goes to a temporary file in the same directory first, so a
// session file is only ever seen whole:
//   "create"  hard-links the temp file to the name: link() fails with EEXIST
//             when the name exists, atomically, so of two creators exactly
//             one wins and the other gets false (Django's O_EXCL open). Where
//             the file system has no hard links, an O_EXCL open ("wx")
//             reserves the name, then the temp file is renamed over it.
//   "replace" renames the temp file over the name, after checking it exists
//             (the same check-then-write window Django's file engine has).
// The temp file is removed whatever happens, so a failed write leaves the
// old content and no debris. Temp names start with "." and are never listed.

import * as nodeFs from "node:fs/promises";
import { join } from "node:path";
import { InvalidSetting } from "../errors.js";

const absent = (error) => error?.code === "ENOENT";
const NO_HARD_LINKS = new Set(["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS"]);

// Names come from the core, which already refuses keys outside [a-z0-9];
// this guard keeps any other name from reaching outside the directory.
function checked(name) {
  if (typeof name !== "string" || name === "" || name.startsWith(".") || /[/\\\0]/.test(name)) {
    throw new TypeError(`not a session file name: ${JSON.stringify(name)}`);
  }
  return name;
}

// The fs functions used, called on `fs` (a FileSystem class instance keeps its `this`).
function bound(fs) {
  const names = ["link", "open", "readdir", "rename", "stat", "unlink", "writeFile"];
  if (names.some((name) => typeof fs?.[name] !== "function")) {
    throw new InvalidSetting(`nodeFiles' fs option needs ${names.join(", ")} (the node:fs/promises API)`);
  }
  return Object.fromEntries(names.map((name) => [name, (...args) => fs[name](...args)]));
}

const random = () => [...crypto.getRandomValues(new Uint8Array(8))].map((b) => b.toString(16).padStart(2, "0")).join("");

/**
 * A FileAdapter over `directory`, which must exist. `fs` is the
 * node:fs/promises API to use (for a virtual file system, or a test that
 * makes one call fail).
 */
export function nodeFiles(directory, { fs = nodeFs } = {}) {
  if (typeof directory !== "string" || directory === "") {
    throw new InvalidSetting("nodeFiles needs the session directory's path (SESSION_FILE_PATH)");
  }
  const { link, open, readdir, rename, stat, unlink, writeFile } = bound(fs);
  const path = (name) => join(directory, checked(name));
  const exists = (name) =>
    stat(path(name)).then(
      () => true,
      (error) => (absent(error) ? false : Promise.reject(error)),
    );

  async function create(temp, target) {
    try {
      await link(temp, target);
      return true;
    } catch (error) {
      if (error.code === "EEXIST") return false;
      if (!NO_HARD_LINKS.has(error.code)) throw error;
    }
    try {
      await (await open(target, "wx")).close();
    } catch (error) {
      if (error.code === "EEXIST") return false;
      throw error;
    }
    try {
      await rename(temp, target);
    } catch (error) {
      await unlink(target).catch(() => {}); // our empty reservation, not a session
      throw error;
    }
    return true;
  }

  return {
    async read(name) {
      let file;
      try {
        file = await open(path(name), "r");
      } catch (error) {
        if (absent(error)) return null;
        throw error;
      }
      try {
        // One open file: the content and mtime are of the same version.
        const { mtimeMs } = await file.stat();
        return { content: await file.readFile("utf8"), modifiedAt: mtimeMs / 1000 };
      } finally {
        await file.close();
      }
    },
    exists,
    async write(name, content, mode) {
      const target = path(name);
      if (mode !== "create" && mode !== "replace") throw new TypeError(`write mode must be "create" or "replace", not ${JSON.stringify(mode)}`);
      const temp = join(directory, `.${name}.${random()}.tmp`);
      try {
        // 0600, as Django's mkstemp: session files are readable by their owner only.
        await writeFile(temp, content, { flag: "wx", mode: 0o600 });
        if (mode === "create") return await create(temp, target);
        if (!(await exists(name))) return false;
        await rename(temp, target);
        return true;
      } finally {
        // Best effort: a cleanup failure must not hide the write's own
        // outcome, and a leftover ".…tmp" is never listed or read.
        await unlink(temp).catch(() => {});
      }
    },
    async remove(name) {
      await unlink(path(name)).catch((error) => {
        if (!absent(error)) throw error;
      });
    },
    async list(prefix) {
      return (await readdir(directory)).filter((name) => name.startsWith(prefix) && !name.startsWith("."));
    },
  };
}
