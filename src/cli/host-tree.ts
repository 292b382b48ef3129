// Between cpio entries and a directory on this machine: read a host tree into entries (files,
// directories, symlinks, hard links found by inode, device nodes, FIFOs, sockets) and write
// entries out to a directory, never outside it (host-tree-writer.ts).
import { lstatSync, readdirSync, readlinkSync, type BigIntStats } from "node:fs";
import { join } from "node:path";
import type { CpioEntry } from "../core/cpio/index.ts";
import { CliError, EXIT_USAGE } from "./command.ts";
import { DEFAULT_MAX_INPUT_BYTES, InputFileError, readInputFileSync, tooLargeReason } from "./input-file.ts";

export interface ReadHostTreeOptions {
  /** Keep the host's uid/gid (default: everything owned by root, uid 0 gid 0). */
  keepOwners?: boolean;
  /** Keep the host's modification times (default: 0, so the archive is reproducible). */
  keepMtimes?: boolean;
  /** Most bytes of file data in all (default DEFAULT_MAX_INPUT_BYTES: the archive is built in memory). */
  maxBytes?: number;
  /** The option that raises maxBytes, for the message ("--max-size"). */
  raiseWith?: string;
}

/** Linux's dev_t encoding (glibc gnu_dev_major / gnu_dev_minor). */
function splitDev(rdev: bigint): { major: number; minor: number } {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return { major: Number(major & 0xffffffffn), minor: Number(minor & 0xffffffffn) };
}

/** How many of a tree's unreadable entries a message lists before "and N more". */
const MAX_LISTED_PROBLEMS = 20;

function errnoText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENAMETOOLONG":
      return "the path is too long for this system (ENAMETOOLONG)";
    case "ENOENT":
      return "it disappeared while the tree was read";
    case "ELOOP":
      return "it was replaced by a symlink while the tree was read";
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}

/**
 * The entries of host directory `dir` (not including `dir` itself), sorted by path. Names that
 * share an inode become one file entry and hard links to it, so the data is stored once.
 * Files are read with the bounded reader (regular files only, no symlink followed, data in all
 * at most `maxBytes`). Entries that cannot be read (permission, a path too long, too large) are
 * all collected and reported in one CliError (exit 2), each with its path and reason, rather
 * than a stack trace at the first one.
 */
export function readHostTree(dir: string, options: ReadHostTreeOptions = {}): CpioEntry[] {
  let rootStat: BigIntStats;
  try {
    rootStat = lstatSync(dir, { bigint: true });
  } catch {
    throw new CliError(`input directory ${dir} does not exist`, EXIT_USAGE);
  }
  if (!rootStat.isDirectory()) throw new CliError(`${dir} is not a directory; want the root directory of the tree to pack`, EXIT_USAGE);
  const entries: CpioEntry[] = [];
  const problems: string[] = [];
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  let bytes = 0;
  const firstNameOfInode = new Map<string, string>();
  const walk = (relative: string): void => {
    let names: string[];
    try {
      names = readdirSync(join(dir, relative)).sort();
    } catch (error) {
      problems.push(`${relative || "."}/: cannot list the directory: ${errnoText(error)}`);
      return;
    }
    for (const name of names) {
      const path = relative === "" ? name : `${relative}/${name}`;
      const full = join(dir, path);
      let st: BigIntStats;
      try {
        st = lstatSync(full, { bigint: true });
      } catch (error) {
        problems.push(`${path}: ${errnoText(error)}`);
        continue;
      }
      const owner = {
        mode: Number(st.mode & 0o7777n),
        uid: options.keepOwners ? Number(st.uid) : 0,
        gid: options.keepOwners ? Number(st.gid) : 0,
        mtime: options.keepMtimes ? Number(st.mtimeMs / 1000n) : 0,
      };
      if (st.isDirectory()) {
        entries.push({ kind: "directory", path, ...owner });
        walk(path);
      } else if (st.isFile()) {
        const key = `${st.dev}:${st.ino}`;
        const first = st.nlink > 1n ? firstNameOfInode.get(key) : undefined;
        if (first !== undefined) {
          entries.push({ kind: "hardlink", path, target: first, ...owner });
          continue;
        }
        if (bytes + Number(st.size) > maxBytes) {
          const limits = { maxBytes, ...(options.raiseWith ? { raiseWith: options.raiseWith } : {}) };
          problems.push(`${path}: ${bytes === 0 ? tooLargeReason(Number(st.size), limits) : tooLargeReason(bytes + Number(st.size), limits, `bytes with the files before it`)}`);
          continue;
        }
        let data: Uint8Array;
        try {
          data = readInputFileSync(full, { label: "", maxBytes: maxBytes - bytes, noFollow: true });
        } catch (error) {
          problems.push(`${path}: ${error instanceof InputFileError ? error.reason : errnoText(error)}`);
          continue;
        }
        bytes += data.length;
        if (st.nlink > 1n) firstNameOfInode.set(key, path);
        entries.push({ kind: "file", path, data, ...owner });
      } else if (st.isSymbolicLink()) {
        try {
          entries.push({ kind: "symlink", path, target: readlinkSync(full), ...owner });
        } catch (error) {
          problems.push(`${path}: ${errnoText(error)}`);
        }
      } else if (st.isCharacterDevice() || st.isBlockDevice()) {
        const { major, minor } = splitDev(st.rdev);
        entries.push({ kind: st.isCharacterDevice() ? "char-device" : "block-device", path, major, minor, ...owner });
      } else if (st.isFIFO()) {
        entries.push({ kind: "fifo", path, ...owner });
      } else if (st.isSocket()) {
        entries.push({ kind: "socket", path, ...owner });
      }
    }
  };
  walk("");
  if (problems.length > 0) {
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `  ${p}`);
    if (problems.length > MAX_LISTED_PROBLEMS) listed.push(`  ...and ${problems.length - MAX_LISTED_PROBLEMS} more`);
    throw new CliError(
      `cannot pack ${problems.length === 1 ? "1 entry" : `${problems.length} entries`} of ${dir}, so nothing was packed:\n${listed.join("\n")}\nFix what is named above (permissions, the size limit) or move those entries out of ${dir}, and run again.`,
      EXIT_USAGE,
    );
  }
  return entries;
}

export { writeHostTree, type SkippedEntry, type WriteHostTreeOptions, type WriteHostTreeReport } from "./host-tree-writer.ts";
