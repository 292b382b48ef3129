// The kernel's usr/gen_init_cpio list format: one entry a line, so device nodes such as
// `nod /dev/console 0600 0 0 c 5 1` go into an archive with no root and no mknod.
//
//   # a comment
//   file <name> <location> <mode> <uid> <gid> [<hard links>...]
//   dir <name> <mode> <uid> <gid>
//   nod <name> <mode> <uid> <gid> <b|c> <maj> <min>
//   slink <name> <target> <mode> <uid> <gid>
//   pipe <name> <mode> <uid> <gid>
//   sock <name> <mode> <uid> <gid>
//
// As in gen_init_cpio, <mode> is octal, the ids and device numbers decimal, <location> may use
// ${VAR}, and the extra names on a `file` line become hard links to it.
import { checkField } from "./constructors.ts";
import type { CpioEntry, EntryOwnership } from "./entry.ts";
import { CpioError, CpioListError } from "./errors.ts";
import { normalizePathOrRoot } from "./path.ts";

export interface InitramfsListOptions {
  /** Values for ${VAR} in <location> (the CLI passes process.env). */
  env?: Readonly<Record<string, string | undefined>>;
  /** mtime of every entry (gen_init_cpio's -t); default 0. */
  mtime?: number;
}

const FIELDS: Readonly<Record<string, { count: number; usage: string }>> = {
  file: { count: 6, usage: "file <name> <location> <mode> <uid> <gid> [<hard links>...]" },
  dir: { count: 5, usage: "dir <name> <mode> <uid> <gid>" },
  nod: { count: 8, usage: "nod <name> <mode> <uid> <gid> <b|c> <maj> <min>" },
  slink: { count: 6, usage: "slink <name> <target> <mode> <uid> <gid>" },
  pipe: { count: 5, usage: "pipe <name> <mode> <uid> <gid>" },
  sock: { count: 5, usage: "sock <name> <mode> <uid> <gid>" },
};

/**
 * Entries of a gen_init_cpio list, in list order. `readHostFile` returns the bytes of a
 * `file` line's <location>; without it a `file` line is an error. Errors are CpioListError
 * naming the line.
 */
export function parseInitramfsList(
  text: string,
  readHostFile?: (path: string) => Uint8Array,
  options: InitramfsListOptions = {},
): CpioEntry[] {
  const entries: CpioEntry[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const lineNumber = i + 1;
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith("#")) continue;
    const words = line.split(/\s+/);
    const type = words[0]!;
    const spec = FIELDS[type];
    const fail = (problem: string): never => {
      throw new CpioListError(lineNumber, problem);
    };
    if (!spec) fail(`got entry type ${JSON.stringify(type)}, want one of ${Object.keys(FIELDS).join(", ")}`);
    const count = spec!.count;
    if (words.length < count || (type !== "file" && words.length > count)) {
      fail(`got ${words.length - 1} fields after ${JSON.stringify(type)}, want: ${spec!.usage}`);
    }
    const path = (raw: string): string => {
      try {
        return normalizePathOrRoot(raw);
      } catch (error) {
        if (error instanceof CpioError) return fail(`name ${error.message}`);
        throw error;
      }
    };
    const decimal = (raw: string, what: string): number => {
      if (!/^\d+$/.test(raw)) fail(`got ${what} ${JSON.stringify(raw)}, want a decimal number`);
      const value = Number(raw);
      try {
        checkField("", what, value);
      } catch {
        fail(`got ${what} ${raw}, want at most 4294967295`);
      }
      return value;
    };
    const ownerAt = (first: number): EntryOwnership => {
      const rawMode = words[first]!;
      if (!/^[0-7]+$/.test(rawMode) || parseInt(rawMode, 8) > 0o7777) {
        fail(`got mode ${JSON.stringify(rawMode)}, want octal permission bits such as 0755`);
      }
      return {
        mode: parseInt(rawMode, 8),
        uid: decimal(words[first + 1]!, "uid"),
        gid: decimal(words[first + 2]!, "gid"),
        mtime: options.mtime ?? 0,
      };
    };
    const name = path(words[1]!);
    if (name === "") {
      // `dir / 0755 0 0` or `dir . ...` names rootfs itself, which exists already.
      if (type === "dir") continue;
      fail(`got the root directory as the name of a ${type}, want a path below it`);
    }
    switch (type) {
      case "file": {
        const owner = ownerAt(3);
        const location = expand(words[2]!, options.env ?? {}, fail);
        if (!readHostFile) fail(`cannot read ${location}: file lines need a host file reader (use the bootlab CLI)`);
        let data: Uint8Array;
        try {
          data = readHostFile!(location);
        } catch (error) {
          return fail(`cannot read ${location}: ${error instanceof Error ? error.message : String(error)}`);
        }
        entries.push({ kind: "file", path: name, data, ...owner });
        for (const extra of words.slice(6)) {
          const link = path(extra);
          if (link === "") fail("got the root directory as a hard link name, want a path below it");
          entries.push({ kind: "hardlink", path: link, target: name, ...owner });
        }
        break;
      }
      case "dir":
        entries.push({ kind: "directory", path: name, ...ownerAt(2) });
        break;
      case "nod": {
        const owner = ownerAt(2);
        const devType = words[5];
        if (devType !== "b" && devType !== "c") fail(`got device type ${JSON.stringify(devType)}, want b (block) or c (character)`);
        const major = decimal(words[6]!, "major");
        const minor = decimal(words[7]!, "minor");
        entries.push({ kind: devType === "b" ? "block-device" : "char-device", path: name, major, minor, ...owner });
        break;
      }
      case "slink":
        entries.push({ kind: "symlink", path: name, target: words[2]!, ...ownerAt(3) });
        break;
      case "pipe":
        entries.push({ kind: "fifo", path: name, ...ownerAt(2) });
        break;
      case "sock":
        entries.push({ kind: "socket", path: name, ...ownerAt(2) });
        break;
    }
  }
  return entries;
}

/** gen_init_cpio's ${VAR} expansion of a <location>; an unset variable is an error here. */
function expand(location: string, env: Readonly<Record<string, string | undefined>>, fail: (problem: string) => never): string {
  return location.replace(/\$\{([^}]*)\}/g, (_, name: string) => {
    const value = env[name];
    if (value === undefined) fail(`got \${${name}} in ${location}, but ${name} is not set`);
    return value!;
  });
}

