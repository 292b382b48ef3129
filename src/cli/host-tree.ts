// Between cpio entries and a directory on this machine: read a host tree into entries (files,
// directories, symlinks, hard links found by inode, device nodes, FIFOs, sockets) and write
// entries out to a directory, never outside it.
import {
  chmodSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
  type BigIntStats,
} from "node:fs";
import { join, resolve, sep } from "node:path";
import type { CpioEntry } from "../core/cpio/index.ts";
import { ancestorPaths } from "../core/cpio/index.ts";
import { CliError, EXIT_FAILED, EXIT_USAGE } from "./command.ts";
import { run } from "./exec.ts";

export interface ReadHostTreeOptions {
  /** Keep the host's uid/gid (default: everything owned by root, uid 0 gid 0). */
  keepOwners?: boolean;
  /** Keep the host's modification times (default: 0, so the archive is reproducible). */
  keepMtimes?: boolean;
}

/** Linux's dev_t encoding (glibc gnu_dev_major / gnu_dev_minor). */
function splitDev(rdev: bigint): { major: number; minor: number } {
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  return { major: Number(major & 0xffffffffn), minor: Number(minor & 0xffffffffn) };
}

/**
 * The entries of host directory `dir` (not including `dir` itself), sorted by path. Names that
 * share an inode become one file entry and hard links to it, so the data is stored once.
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
  const firstNameOfInode = new Map<string, string>();
  const walk = (relative: string): void => {
    const names = readdirSync(join(dir, relative)).sort();
    for (const name of names) {
      const path = relative === "" ? name : `${relative}/${name}`;
      const full = join(dir, path);
      const st = lstatSync(full, { bigint: true });
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
        } else {
          if (st.nlink > 1n) firstNameOfInode.set(key, path);
          entries.push({ kind: "file", path, data: readFileSync(full), ...owner });
        }
      } else if (st.isSymbolicLink()) {
        entries.push({ kind: "symlink", path, target: readlinkSync(full), ...owner });
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
  return entries;
}

export interface SkippedEntry {
  path: string;
  reason: string;
}

export interface WriteHostTreeReport {
  written: number;
  skipped: SkippedEntry[];
}

const isRoot = (): boolean => process.getuid?.() === 0;

function exists(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch {
    return undefined;
  }
}

/**
 * Writes a tree of entries (as flattenEntries returns it: sorted, parents first) under `dir`.
 * Refuses any path that would land outside `dir`, including through a symlink already on disk.
 * Device nodes need root (mknod); as another user they are skipped and reported, as are
 * sockets, which only a listening program can create. Owners are set only when running as root.
 */
export async function writeHostTree(entries: readonly CpioEntry[], dir: string): Promise<WriteHostTreeReport> {
  mkdirSync(dir, { recursive: true });
  const root = realpathSync(dir);
  const asRoot = isRoot();
  const report: WriteHostTreeReport = { written: 0, skipped: [] };
  const directories: Array<{ full: string; mode: number; mtime: number }> = [];
  const checkedDirs = new Set<string>();

  for (const entry of entries) {
    const full = resolve(root, entry.path);
    if (!full.startsWith(root + sep)) throw new CliError(`refusing to write ${entry.path}: it is outside ${dir}`, EXIT_FAILED);
    for (const ancestor of ancestorPaths(entry.path)) {
      if (checkedDirs.has(ancestor)) continue;
      const st = exists(join(root, ancestor));
      if (!st?.isDirectory()) {
        const what = st?.isSymbolicLink() ? "a symlink" : st ? "not a directory" : "missing";
        throw new CliError(`refusing to write ${entry.path}: ${ancestor} in ${dir} is ${what}, and writing through it could leave ${dir}`, EXIT_FAILED);
      }
      checkedDirs.add(ancestor);
    }
    const present = exists(full);
    if (present && !(present.isDirectory() && entry.kind === "directory")) {
      if (present.isDirectory()) {
        try {
          rmdirSync(full);
        } catch {
          report.skipped.push({ path: entry.path, reason: `a non-empty directory is in the way in ${dir}` });
          continue;
        }
      } else {
        unlinkSync(full);
      }
    }
    switch (entry.kind) {
      case "directory":
        // Owner-writable while we fill it; the real mode is set at the end, deepest first.
        if (!present?.isDirectory()) mkdirSync(full, { mode: 0o700 });
        else chmodSync(full, 0o700);
        directories.push({ full, mode: entry.mode, mtime: entry.mtime });
        break;
      case "file":
        writeFileSync(full, entry.data, { mode: 0o600 });
        break;
      case "hardlink":
        linkSync(resolve(root, entry.target), full);
        break;
      case "symlink":
        symlinkSync(entry.target, full);
        break;
      case "fifo":
        await run("mkfifo", ["-m", "600", full]);
        break;
      case "char-device":
      case "block-device": {
        const type = entry.kind === "char-device" ? "c" : "b";
        const what = `${entry.kind === "char-device" ? "character" : "block"} device ${entry.major},${entry.minor}`;
        if (!asRoot) {
          report.skipped.push({ path: entry.path, reason: `${what}: creating device nodes needs root (mknod); the archive still holds it and the kernel creates it when it unpacks the initramfs` });
          continue;
        }
        const result = await run("mknod", ["-m", "600", full, type, String(entry.major), String(entry.minor)], { check: false });
        if (result.code !== 0) {
          report.skipped.push({ path: entry.path, reason: `${what}: mknod failed: ${result.stderr.trim()}` });
          continue;
        }
        break;
      }
      case "socket":
        report.skipped.push({ path: entry.path, reason: "socket: only a program listening on it can create one; skipped" });
        continue;
    }
    if (asRoot) lchownSync(full, entry.uid, entry.gid);
    if (entry.kind === "symlink") {
      lutimesSync(full, entry.mtime, entry.mtime);
    } else if (entry.kind !== "directory") {
      // Hard links share the inode: the file's mode and mtime are the ones the tree holds.
      chmodSync(full, entry.mode);
      utimesSync(full, entry.mtime, entry.mtime);
    }
    report.written++;
  }
  for (const d of directories.reverse()) {
    chmodSync(d.full, d.mode);
    utimesSync(d.full, d.mtime, d.mtime);
  }
  return report;
}
