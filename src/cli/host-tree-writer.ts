// Writing cpio entries out to a directory on this machine without ever leaving it, even while
// another local process renames, swaps or symlinks things inside it (`bootlab unpack -o DIR`).
//
// Node has no openat(), so every operation goes through a directory we hold open: the path
// "/proc/self/fd/N/name" names `name` inside the directory of descriptor N, whatever happened
// to the path that led there (the kernel resolves the magic link to the open directory itself).
// Directories are entered one component at a time with O_DIRECTORY | O_NOFOLLOW, files are
// created with O_CREAT | O_EXCL | O_NOFOLLOW, modes, owners and times are set on descriptors
// (fchmod, fchown, futimes) or with calls that do not follow the last component (lchown,
// lutimes), and FIFOs and device nodes, which only external tools can make, are made in a private
// directory inside DIR and renamed into place. Without /proc (not Linux) the same walk runs on
// plain paths, checking each directory's device and inode: safe against a swap of the last
// component, not of one further up; the report says so.
//
// Every entry that cannot be written becomes a message in the report (`failed`), and what was
// written still gets its final modes, so a partial tree is never left at 0700 without saying so.
//
// A file's data can come as bytes, or already written to a file in that private directory
// (`stage`: `bootlab unpack` streams each file's data there as the archive is read, holding
// none of it in memory); `write` then gives it its owner, mode and time and renames it into place.
import {
  chmodSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  futimesSync,
  lchownSync,
  linkSync,
  lstatSync,
  lutimesSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  realpathSync,
  renameSync,
  rmdirSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeSync,
  type BigIntStats,
} from "node:fs";
import { join } from "node:path";
import type { CpioEntry, EntryWith } from "../core/cpio/index.ts";
import { CliError, EXIT_FAILED, EXIT_USAGE } from "./command.ts";
import { run } from "./exec.ts";

/** File data already written to a file in the writer's private directory (HostTreeWriter.stage). */
export interface StagedData {
  /** The file's name in the private directory. */
  staged: string;
  size: number;
}

/** An entry to write: a file's data as bytes, or staged. */
export type HostEntry = EntryWith<Uint8Array | StagedData>;

/** A file being filled in the private directory. */
export interface StagedFile {
  write(chunk: Uint8Array): void;
  close(): StagedData;
}

export interface SkippedEntry {
  path: string;
  reason: string;
}

export interface WriteHostTreeOptions {
  /** As root: create device nodes (default: skip them; a node such as /dev/mem opens the machine). */
  devices?: boolean;
  /** As root: keep setuid and setgid bits of files (default: clear them and say so). */
  keepSetid?: boolean;
  /** Work through /proc/self/fd (default: when there is a /proc); false tests the fallback. */
  useProcFd?: boolean;
}

export interface WriteHostTreeReport {
  written: number;
  /** Entries left out on purpose (sockets, device nodes without root or --devices). */
  skipped: SkippedEntry[];
  /** Entries written differently from the archive (set-id bits cleared). */
  changed: SkippedEntry[];
  /** Entries that could not be written: the tree in DIR is partial when this is not empty. */
  failed: SkippedEntry[];
  /** False when /proc was missing and the walk could only check each step (see the file comment). */
  raceFree: boolean;
}

const isRoot = (): boolean => process.getuid?.() === 0;

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
const FILE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
/** Directory descriptors one walk keeps open at most; deeper trees reopen (and re-check) ancestors. */
const MAX_HELD = 256;

/** Why an entry could not be written, in words. */
class EntryError extends Error {}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function reasonOf(error: unknown): string {
  if (error instanceof EntryError) return error.message;
  const code = errnoOf(error);
  switch (code) {
    case "ENAMETOOLONG":
      return "its name is too long for this filesystem (ENAMETOOLONG: a name has at most 255 bytes)";
    case "EACCES":
    case "EPERM":
      return `permission denied (${code})`;
    case "EEXIST":
      return "something else appeared at this path while unpacking (EEXIST)";
    case "ENOTEMPTY":
      return "a non-empty directory is in the way";
    case "ENOSPC":
      return "no space left on the device (ENOSPC)";
    case "EDQUOT":
      return "the disk quota is used up (EDQUOT)";
    case "EROFS":
      return "the filesystem is read-only (EROFS)";
    case "EMLINK":
      return "too many links to one file or directory (EMLINK)";
    case "EMFILE":
    case "ENFILE":
      return `too many open files (${code})`;
    default:
      return code ? `${code}: ${(error as Error).message}` : String(error);
  }
}

/** A path that stays inside DIR: relative, no empty, "." or ".." parts, no NUL. */
function pathIsContained(path: string): boolean {
  if (path === "" || path.startsWith("/") || path.includes("\0")) return false;
  return path.split("/").every((part) => part !== "" && part !== "." && part !== "..");
}

function kindOf(st: BigIntStats): string {
  if (st.isSymbolicLink()) return "a symlink";
  if (st.isDirectory()) return "a directory";
  if (st.isFile()) return "a file";
  return "not a directory";
}

interface Held {
  name: string;
  fd: number | undefined;
  dev: bigint;
  ino: bigint;
}

/**
 * Holds the directory chain of the entry being written: entering "a/b" from "a/c" closes c and
 * opens b from a's descriptor. Entries come sorted with parents first, so each directory is
 * opened about once.
 */
class DirWalker {
  private readonly stack: Held[] = [];
  private open = 0;

  constructor(
    private readonly fs: HeldFs,
    private readonly shownRoot: string,
  ) {}

  /** A descriptor of directory `rel` ("" is DIR), entered without following any symlink. */
  fdOf(rel: string): number {
    const parts = rel === "" ? [] : rel.split("/");
    let common = 0;
    while (common < this.stack.length && common < parts.length && this.stack[common]!.name === parts[common]) common++;
    while (this.stack.length > common) this.release(this.stack.pop()!);
    for (let i = common; i < parts.length; i++) {
      const parentFd = this.fdAtLevel(i);
      const name = parts[i]!;
      const fd = this.enter(parentFd, i, name, parts);
      const st = fstatSync(fd, { bigint: true });
      this.stack.push({ name, fd, dev: st.dev, ino: st.ino });
      this.open++;
      this.evict();
    }
    return this.fdAtLevel(parts.length);
  }

  /** The path the kernel resolves to directory `level` of the chain (for HeldFs.at). */
  relOf(level: number): string {
    return this.stack.slice(0, level).map((h) => h.name).join("/");
  }

  close(): void {
    while (this.stack.length) this.release(this.stack.pop()!);
  }

  private enter(parentFd: number, level: number, name: string, parts: string[]): number {
    const parentRel = parts.slice(0, level).join("/");
    const at = this.fs.at(parentFd, parentRel, name);
    try {
      return this.fs.openDir(at);
    } catch (error) {
      const code = errnoOf(error);
      if (code === "ELOOP" || code === "ENOTDIR" || code === "ENOENT") {
        const here = parts.slice(0, level + 1).join("/");
        let what = "missing";
        try {
          what = kindOf(lstatSync(at, { bigint: true }));
        } catch {}
        throw new EntryError(`${here} in ${this.shownRoot} is ${what}, not a directory, and writing through it could leave ${this.shownRoot}`);
      }
      throw error;
    }
  }

  private fdAtLevel(level: number): number {
    if (level === 0) return this.fs.rootFd;
    const held = this.stack[level - 1]!;
    if (held.fd === undefined) {
      // Closed to stay under MAX_HELD: reopen from the parent and check it is the same directory.
      const parentFd = this.fdAtLevel(level - 1);
      const fd = this.fs.openDir(this.fs.at(parentFd, this.relOf(level - 1), held.name));
      const st = fstatSync(fd, { bigint: true });
      if (st.dev !== held.dev || st.ino !== held.ino) {
        closeSync(fd);
        throw new EntryError(`${this.relOf(level)} in ${this.shownRoot} was replaced while unpacking; stopped writing there`);
      }
      held.fd = fd;
      this.open++;
      this.evict(level - 1);
    }
    return held.fd!;
  }

  /** Closes the shallowest held descriptors (never `keep` or the deepest) while over MAX_HELD. */
  private evict(keep = -1): void {
    for (let i = 0; this.open > MAX_HELD && i < this.stack.length - 1; i++) {
      const held = this.stack[i]!;
      if (i === keep || held.fd === undefined) continue;
      closeSync(held.fd);
      held.fd = undefined;
      this.open--;
    }
  }

  private release(held: Held): void {
    if (held.fd !== undefined) {
      closeSync(held.fd);
      this.open--;
    }
  }
}

/** Names "inside the directory of this descriptor", through /proc where there is one. */
class HeldFs {
  readonly procFd: boolean;

  constructor(
    readonly rootFd: number,
    readonly rootPath: string,
    useProcFd?: boolean,
  ) {
    this.procFd = useProcFd !== false && existsSync(`/proc/self/fd/${rootFd}/.`);
  }

  /** A path naming `name` inside directory `fd` (which is `rel` below DIR). */
  at(fd: number, rel: string, name: string): string {
    return this.procFd ? `/proc/self/fd/${fd}/${name}` : join(this.rootPath, rel, name);
  }

  /** The same for a child process, which does not share our descriptors' /proc/self. */
  forChild(fd: number, rel: string, name: string): string {
    return this.procFd ? `/proc/${process.pid}/fd/${fd}/${name}` : join(this.rootPath, rel, name);
  }

  openDir(path: string): number {
    if (this.procFd) return openSync(path, DIR_FLAGS);
    // Without /proc: check that what we opened is what lstat saw, so a swap of this component is caught.
    const before = lstatSync(path, { bigint: true });
    const fd = openSync(path, DIR_FLAGS);
    const after = fstatSync(fd, { bigint: true });
    if (!before.isDirectory() || before.dev !== after.dev || before.ino !== after.ino) {
      closeSync(fd);
      throw Object.assign(new Error(`${path} changed while it was opened`), { code: "ELOOP" });
    }
    return fd;
  }
}

function lstatOrUndefined(path: string): BigIntStats | undefined {
  try {
    return lstatSync(path, { bigint: true });
  } catch (error) {
    if (errnoOf(error) === "ENOENT") return undefined;
    throw error;
  }
}

function splitPath(path: string): { parent: string; name: string } {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? { parent: "", name: path } : { parent: path.slice(0, slash), name: path.slice(slash + 1) };
}

/** Opens (creating it if needed) the directory DIR the tree goes into, or says why not (exit 2). */
function openRoot(dir: string): { fd: number; path: string } {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    const code = errnoOf(error);
    if (code === "EEXIST" || code === "ENOTDIR") throw new CliError(`${dir} exists and is not a directory; give a directory to unpack into`, EXIT_USAGE);
    throw new CliError(`cannot create ${dir}: ${reasonOf(error)}`, EXIT_USAGE);
  }
  try {
    const path = realpathSync(dir);
    return { fd: openSync(path, constants.O_RDONLY | constants.O_DIRECTORY), path };
  } catch (error) {
    throw new CliError(`cannot open ${dir}: ${reasonOf(error)}`, EXIT_USAGE);
  }
}

/** Refuses, before anything is written, a path that would leave DIR. */
function checkContained(entries: readonly HostEntry[], dir: string): void {
  for (const entry of entries) {
    if (!pathIsContained(entry.path)) throw new CliError(`refusing to write ${entry.path}: it is outside ${dir} (want a relative path without "." or ".." parts); nothing was written`, EXIT_FAILED);
    if (entry.kind === "hardlink" && !pathIsContained(entry.target)) {
      throw new CliError(`refusing to link ${entry.path} to ${entry.target}: the target is outside ${dir}; nothing was written`, EXIT_FAILED);
    }
  }
}

/**
 * Writes a tree of entries (as flattenEntries returns it: sorted, parents first) under `dir`,
 * never outside it (see the file comment). A path that is not a plain relative path refuses the
 * whole tree before anything is written. Device nodes need root; as root they also need
 * `devices`, and set-id bits need `keepSetid`. Sockets cannot be made. Owners are set only as root.
 */
export async function writeHostTree(entries: readonly CpioEntry[], dir: string, options: WriteHostTreeOptions = {}): Promise<WriteHostTreeReport> {
  checkContained(entries, dir);
  const writer = HostTreeWriter.open(dir, options);
  try {
    return await writer.write(entries);
  } finally {
    writer.close();
  }
}

/**
 * DIR held open with its private directory: `stage` files' data there while an archive is
 * read, then `write` the tree once, then `close` (which removes the private directory and any
 * staged data the tree did not use).
 */
export class HostTreeWriter {
  private readonly staged = new Set<string>();
  private nextStaged = 0;
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly options: WriteHostTreeOptions,
    private readonly root: { fd: number; path: string },
    private readonly fs: HeldFs,
    private readonly stagingName: string,
    private readonly stagingFd: number,
  ) {}

  /** Opens (creating it if needed) DIR and makes the private directory in it; exit 2 when DIR cannot be written. */
  static open(dir: string, options: WriteHostTreeOptions = {}): HostTreeWriter {
    const root = openRoot(dir);
    const fs = new HeldFs(root.fd, root.path, options.useProcFd);
    // The private directory for staged data, FIFOs and device nodes: made first, which also checks DIR is writable.
    try {
      const staging = mkdtempSync(fs.at(root.fd, "", ".bootlab-unpack-"));
      const stagingName = staging.slice(staging.lastIndexOf("/") + 1);
      return new HostTreeWriter(dir, options, root, fs, stagingName, fs.openDir(fs.at(root.fd, "", stagingName)));
    } catch (error) {
      closeSync(root.fd);
      throw new CliError(`cannot write into ${dir}: ${reasonOf(error)}`, EXIT_USAGE);
    }
  }

  /** A new file in the private directory, for data that arrives in pieces. */
  stage(): StagedFile {
    const name = `data-${this.nextStaged++}`;
    const path = this.fs.at(this.stagingFd, this.stagingName, name);
    let fd: number | undefined;
    let size = 0;
    const fail = (error: unknown): never => {
      throw new CliError(`cannot write into ${this.dir}: ${reasonOf(error)}`, EXIT_USAGE);
    };
    try {
      fd = openSync(path, FILE_FLAGS, 0o600);
    } catch (error) {
      fail(error);
    }
    this.staged.add(name);
    return {
      write: (chunk) => {
        try {
          for (let done = 0; done < chunk.length; ) done += writeSync(fd!, chunk, done, chunk.length - done);
        } catch (error) {
          fail(error);
        }
        size += chunk.length;
      },
      close: () => {
        closeSync(fd!);
        return { staged: name, size };
      },
    };
  }

  /** Removes staged data the tree will not use. */
  discard(data: StagedData): void {
    if (!this.staged.delete(data.staged)) return;
    try {
      unlinkSync(this.fs.at(this.stagingFd, this.stagingName, data.staged));
    } catch {}
  }

  /** Writes the tree (see writeHostTree); staged data it names is moved into place. */
  async write(entries: readonly HostEntry[]): Promise<WriteHostTreeReport> {
    checkContained(entries, this.dir);
    const { dir, options, root, fs, stagingName, stagingFd } = this;
    const asRoot = isRoot();
    const report: WriteHostTreeReport = { written: 0, skipped: [], changed: [], failed: [], raceFree: fs.procFd };
    const walker = new DirWalker(fs, dir);
    const linkWalker = new DirWalker(fs, dir);
    const directories: Array<{ path: string; mode: number; uid: number; gid: number; mtime: number }> = [];
    const owner = (entry: HostEntry) => (asRoot ? { uid: entry.uid, gid: entry.gid } : undefined);
    try {
    for (const entry of entries) {
      try {
        const { parent, name } = splitPath(entry.path);
        const parentFd = walker.fdOf(parent);
        const at = fs.at(parentFd, parent, name);
        const present = lstatOrUndefined(at);
        if (present && !(present.isDirectory() && entry.kind === "directory")) {
          if (present.isDirectory()) {
            try {
              rmdirSync(at);
            } catch (error) {
              if (errnoOf(error) === "ENOTEMPTY" || errnoOf(error) === "EEXIST") throw new EntryError(`a non-empty directory is in the way in ${dir}`);
              throw error;
            }
          } else {
            unlinkSync(at);
          }
        }
        switch (entry.kind) {
          case "directory": {
            if (!present?.isDirectory()) mkdirSync(at, { mode: 0o700 });
            // Owner-writable while we fill it; the real mode is set at the end, deepest first.
            const fd = fs.openDir(at);
            try {
              fchmodSync(fd, 0o700);
            } finally {
              closeSync(fd);
            }
            directories.push({ path: entry.path, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime });
            break;
          }
          case "file": {
            let mode = entry.mode;
            if (asRoot && !options.keepSetid && mode & 0o6000) {
              mode &= ~0o6000;
              report.changed.push({ path: entry.path, reason: `written as ${mode.toString(8).padStart(4, "0")} without its set-id bits (mode ${entry.mode.toString(8).padStart(4, "0")} in the archive); pass --keep-setid to keep them` });
            }
            const data = entry.data;
            const staged = data instanceof Uint8Array ? undefined : fs.at(stagingFd, stagingName, data.staged);
            // Staged data is given its owner, mode and time in the private directory, then moved in.
            const fd = staged ? openSync(staged, constants.O_RDONLY | constants.O_NOFOLLOW) : openSync(at, FILE_FLAGS, 0o600);
            try {
              if (data instanceof Uint8Array) for (let done = 0; done < data.length; ) done += writeSync(fd, data, done, data.length - done);
              const o = owner(entry);
              if (o) fchownSync(fd, o.uid, o.gid); // before fchmod: chown clears set-id bits
              fchmodSync(fd, mode);
              futimesSync(fd, entry.mtime, entry.mtime);
            } finally {
              closeSync(fd);
            }
            if (staged) {
              renameSync(staged, at);
              this.staged.delete((data as StagedData).staged);
            }
            break;
          }
          case "hardlink": {
            // The inode already has the file entry's owner, mode and time.
            const target = splitPath(entry.target);
            const targetAt = fs.at(linkWalker.fdOf(target.parent), target.parent, target.name);
            const st = lstatOrUndefined(targetAt);
            if (!st?.isFile()) throw new EntryError(`its target ${entry.target} is ${st ? kindOf(st) : "missing"} in ${dir}, want a file`);
            linkSync(targetAt, at); // link(2) does not follow a symlink in the target's place
            break;
          }
          case "symlink": {
            symlinkSync(entry.target, at);
            const o = owner(entry);
            if (o) lchownSync(at, o.uid, o.gid);
            lutimesSync(at, entry.mtime, entry.mtime);
            break;
          }
          case "fifo":
          case "char-device":
          case "block-device": {
            const device = entry.kind !== "fifo";
            const what = entry.kind === "fifo" ? "FIFO" : `${entry.kind === "char-device" ? "character" : "block"} device ${entry.major},${entry.minor}`;
            if (device && !asRoot) {
              report.skipped.push({ path: entry.path, reason: `${what}: creating device nodes needs root (mknod); the archive still holds it and the kernel creates it when it unpacks the initramfs` });
              continue;
            }
            if (device && !options.devices) {
              report.skipped.push({ path: entry.path, reason: `${what}: as root, device nodes are made only with --devices (a node such as /dev/mem gives whoever can open it the machine); the archive still holds it` });
              continue;
            }
            // Made in the private directory, given its owner, mode and time there, then moved in.
            const node = "node";
            const made = device
              ? await run("mknod", ["-m", "600", fs.forChild(stagingFd, stagingName, node), entry.kind === "char-device" ? "c" : "b", String(entry.major), String(entry.minor)], { check: false })
              : await run("mkfifo", ["-m", "600", fs.forChild(stagingFd, stagingName, node)], { check: false });
            if (made.code !== 0) throw new EntryError(`${what}: ${device ? "mknod" : "mkfifo"} failed: ${made.stderr.trim()}`);
            const staged = fs.at(stagingFd, stagingName, node);
            const o = owner(entry);
            if (o) lchownSync(staged, o.uid, o.gid);
            const st = lstatSync(staged);
            if (st.isSymbolicLink() || (!st.isFIFO() && !st.isCharacterDevice() && !st.isBlockDevice())) throw new EntryError(`${what}: the private directory was tampered with`);
            const mode = device && asRoot && !options.keepSetid ? entry.mode & ~0o6000 : entry.mode;
            // chmod/utimes follow symlinks, but the node was just checked and the directory is ours (0700).
            chmodSync(staged, mode);
            utimesSync(staged, entry.mtime, entry.mtime);
            renameSync(staged, at);
            break;
          }
          case "socket":
            report.skipped.push({ path: entry.path, reason: "socket: only a program listening on it can create one; skipped" });
            continue;
        }
        report.written++;
      } catch (error) {
        // A CliError here is a missing tool (mkfifo, mknod): it too fails the entry, not the tree.
        report.failed.push({ path: entry.path, reason: error instanceof CliError ? error.message : reasonOf(error) });
      }
    }
    linkWalker.close();
    // Final modes, owners and times of directories, deepest first, each through its descriptor.
    for (const d of directories.reverse()) {
      try {
        const { parent, name } = splitPath(d.path);
        const fd = fs.openDir(fs.at(walker.fdOf(parent), parent, name));
        try {
          if (asRoot) fchownSync(fd, d.uid, d.gid);
          fchmodSync(fd, d.mode);
          futimesSync(fd, d.mtime, d.mtime);
        } finally {
          closeSync(fd);
        }
      } catch (error) {
        report.failed.push({ path: d.path, reason: `its mode, owner and time could not be set: ${reasonOf(error)}` });
      }
    }
    } finally {
      walker.close();
      linkWalker.close();
    }
    return report;
  }

  /** Removes the private directory, with whatever staged data is left in it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const { fs, root, stagingName, stagingFd } = this;
    for (const name of [...this.staged, "node"]) {
      try {
        unlinkSync(fs.at(stagingFd, stagingName, name)); // "node": left there only when a rename failed
      } catch {}
    }
    try {
      closeSync(stagingFd);
      rmdirSync(fs.at(root.fd, "", stagingName));
    } catch {}
    closeSync(root.fd);
  }
}
