// A session directory through Deno's file APIs, for the file engine. A
// translation table only: the core picks names, contents and modes.

import { InvalidSessionKey, InvalidSetting } from "../errors.js";

const unless = (errorClass, answer) => (error) => {
  if (error instanceof errorClass) return answer;
  throw error;
};

/** A FileAdapter over `directory`, which must exist. */
export function denoFiles(directory) {
  if (typeof directory !== "string" || directory === "") throw new InvalidSetting("denoFiles needs a directory path");
  // The core sends only Django's names; anything that could leave the
  // directory, or be one of our dot-named temp files, is refused anyway.
  const path = (name) => {
    if (typeof name !== "string" || name === "" || /[/\\]/.test(name) || name.startsWith(".")) {
      throw new InvalidSessionKey(`not a plain file name: ${JSON.stringify(name)}`);
    }
    return `${directory}/${name}`;
  };
  const notFound = (answer) => unless(Deno.errors.NotFound, answer);
  const exists = (file) => Deno.stat(file).then(() => true, notFound(false));
  return {
    async read(name) {
      const file = path(name);
      try {
        const content = await Deno.readTextFile(file);
        return { content, modifiedAt: (await Deno.stat(file)).mtime.getTime() / 1000 };
      } catch (error) {
        return notFound(null)(error);
      }
    },
    exists: (name) => exists(path(name)),
    // The content goes to a temp file beside the target first (mode 0600, as
    // Django's mkstemp), so a reader sees the old file or the new one, never half.
    async write(name, content, mode) {
      const file = path(name);
      const temp = `${directory}/.edge-sessions-${crypto.randomUUID()}.tmp`;
      await Deno.writeTextFile(temp, content, { createNew: true, mode: 0o600 });
      try {
        if (mode === "create") {
          // link() refuses an existing name atomically: of two concurrent
          // creators exactly one wins.
          return await Deno.link(temp, file).then(() => true, unless(Deno.errors.AlreadyExists, false));
        }
        // Django's check-then-rename: a remove landing in between is undone, as in Django.
        if (!(await exists(file))) return false;
        await Deno.rename(temp, file);
        return true;
      } finally {
        await Deno.remove(temp).catch(notFound());
      }
    },
    remove: (name) => Deno.remove(path(name)).catch(notFound()),
    async list(prefix) {
      const names = [];
      for await (const entry of Deno.readDir(directory)) {
        if (entry.isFile && entry.name.startsWith(prefix) && !entry.name.startsWith(".")) names.push(entry.name);
      }
      return names;
    },
  };
}
