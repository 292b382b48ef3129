// The newc writer. Reproducible by default: the same entries give the same bytes, whatever
// their order or the time of day (names sorted, inode numbers assigned in that order, mtime,
// uid and gid as the entries give them, 0 by default, no host device numbers).
import { gzipSync } from "fflate";
import { checkField, checkOwnership, MAX_FIELD } from "./constructors.ts";
import type { CpioEntry, DirectoryEntry, FileEntry } from "./entry.ts";
import { CpioEntryError } from "./errors.ts";
import { align4, HEADER_SIZE, PATH_MAX, TRAILER_NAME, TYPE_BITS, writeHeader, type NewcHeader } from "./newc.ts";
import { ancestorPaths, comparePaths, normalizeEntryPath } from "./path.ts";

export interface PackOptions {
  /**
   * Add a directory entry (0o755, root-owned, mtime 0) for every missing parent. Default true:
   * the kernel does not create parents, it silently skips an entry whose directory is missing.
   */
  addParents?: boolean;
  /** End with the TRAILER!!! entry (default true). The kernel accepts archives without it. */
  trailer?: boolean;
}

export interface PackGzOptions extends PackOptions {
  /** Deflate level, 0-9 (default 6). */
  level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;
}

const encoder = new TextEncoder();

interface Record {
  header: NewcHeader;
  name: Uint8Array;
  data: Uint8Array;
}

/**
 * The entries as one tree: later entries replace earlier ones with the same path (as the
 * kernel's unpacker does), missing parents are added, and every parent is a directory.
 * Sorted so that parents come before their children.
 */
export function prepareEntries(entries: readonly CpioEntry[], addParents = true): CpioEntry[] {
  const byPath = new Map<string, CpioEntry>();
  for (const entry of entries) {
    const path = normalizeEntryPath(entry.path);
    checkOwnership(path, entry);
    byPath.set(path, path === entry.path ? entry : { ...entry, path });
  }
  for (const path of [...byPath.keys()]) {
    for (const ancestor of ancestorPaths(path)) {
      const existing = byPath.get(ancestor);
      if (existing === undefined) {
        if (!addParents) continue;
        const parent: DirectoryEntry = { kind: "directory", path: ancestor, mode: 0o755, uid: 0, gid: 0, mtime: 0 };
        byPath.set(ancestor, parent);
      } else if (existing.kind !== "directory") {
        throw new CpioEntryError(path, `its parent ${ancestor} is a ${existing.kind}, want a directory`);
      }
    }
  }
  return [...byPath.values()].sort((a, b) => comparePaths(a.path, b.path));
}

/** Follows hard links to the regular file they name; throws for dangling links and cycles. */
function resolveHardlinks(sorted: readonly CpioEntry[]): Map<string, FileEntry> {
  const byPath = new Map(sorted.map((e) => [e.path, e] as const));
  const fileOf = new Map<string, FileEntry>();
  for (const entry of sorted) {
    if (entry.kind !== "hardlink") continue;
    let current: CpioEntry = entry;
    const seen = new Set<string>();
    while (current.kind === "hardlink") {
      if (seen.has(current.path)) throw new CpioEntryError(entry.path, "hard links form a cycle, want a chain ending at a regular file");
      seen.add(current.path);
      const next = byPath.get(normalizeEntryPath(current.target));
      if (next === undefined) throw new CpioEntryError(entry.path, `got hard link to ${current.target}, which is not in the archive; want a regular file of the archive`);
      current = next;
    }
    if (current.kind !== "file") throw new CpioEntryError(entry.path, `got hard link to ${current.path}, a ${current.kind}; want a regular file`);
    fileOf.set(entry.path, current);
  }
  return fileOf;
}

function recordsOf(sorted: readonly CpioEntry[]): Record[] {
  const linkTarget = resolveHardlinks(sorted);
  // Every name of a multiply linked file shares one inode. The data goes with the last name
  // in archive order and the others have c_filesize 0: that is what GNU cpio and the kernel's
  // gen_init_cpio write, and what GNU cpio's reader expects ("the actual data is attached to
  // the last link"). The kernel's init/initramfs.c links each later name to the first one it
  // saw with the same (c_maj, c_min, c_ino) and writes whatever data comes, so it agrees.
  const groupSize = new Map<FileEntry, number>();
  const lastName = new Map<FileEntry, string>();
  const fileFor = (e: CpioEntry): FileEntry | undefined =>
    e.kind === "file" ? e : e.kind === "hardlink" ? linkTarget.get(e.path) : undefined;
  for (const entry of sorted) {
    const file = fileFor(entry);
    if (!file) continue;
    groupSize.set(file, (groupSize.get(file) ?? 0) + 1);
    lastName.set(file, entry.path);
  }
  const inodes = new Map<FileEntry, number>();
  let nextIno = 1;
  const records: Record[] = [];
  for (const entry of sorted) {
    const name = encoder.encode(entry.path);
    if (name.length + 1 > PATH_MAX) {
      throw new CpioEntryError(entry.path, `got a name of ${name.length} bytes, want at most ${PATH_MAX - 1} (the kernel's PATH_MAX)`);
    }
    const file = fileFor(entry);
    let ino: number;
    let owner = entry as { mode: number; uid: number; gid: number; mtime: number };
    let nlink = entry.kind === "directory" ? 2 : 1;
    let data: Uint8Array = new Uint8Array(0);
    let rdevMajor = 0;
    let rdevMinor = 0;
    if (file) {
      const known = inodes.get(file);
      ino = known ?? nextIno++;
      inodes.set(file, ino);
      owner = file;
      nlink = groupSize.get(file) ?? 1;
      if (lastName.get(file) === entry.path) data = file.data;
      if (data.length > MAX_FIELD) throw new CpioEntryError(entry.path, `got ${data.length} bytes, want at most ${MAX_FIELD}`);
    } else {
      ino = nextIno++;
      if (entry.kind === "symlink") {
        data = encoder.encode(entry.target);
        if (data.length === 0 || data.length >= PATH_MAX || entry.target.includes("\0")) {
          throw new CpioEntryError(entry.path, `got a symlink target of ${data.length} bytes, want 1 to ${PATH_MAX - 1} bytes without NUL`);
        }
      } else if (entry.kind === "char-device" || entry.kind === "block-device") {
        checkField(entry.path, "major", entry.major);
        checkField(entry.path, "minor", entry.minor);
        rdevMajor = entry.major;
        rdevMinor = entry.minor;
      }
    }
    records.push({
      header: {
        ino,
        mode: TYPE_BITS[entry.kind] | owner.mode,
        uid: owner.uid,
        gid: owner.gid,
        nlink,
        mtime: owner.mtime,
        filesize: data.length,
        devMajor: 0,
        devMinor: 0,
        rdevMajor,
        rdevMinor,
        namesize: name.length + 1,
        check: 0,
      },
      name,
      data,
    });
  }
  return records;
}

function trailerRecord(): Record {
  const name = encoder.encode(TRAILER_NAME);
  return {
    header: {
      ino: 0,
      mode: 0,
      uid: 0,
      gid: 0,
      nlink: 1,
      mtime: 0,
      filesize: 0,
      devMajor: 0,
      devMinor: 0,
      rdevMajor: 0,
      rdevMinor: 0,
      namesize: name.length + 1,
      check: 0,
    },
    name,
    data: new Uint8Array(0),
  };
}

/**
 * One newc archive of `entries` (a tree: later duplicates win, parents are added), ending with
 * TRAILER!!!. Every header starts on a 4-byte boundary and the name and the data are each
 * padded with NULs to the next one: buffer-format.rst's ALGN(4) before a header and before
 * the data, which is what init/initramfs.c's N_ALIGN() and `(next_header + 3) & ~3` expect.
 */
export function packCpio(entries: readonly CpioEntry[], options: PackOptions = {}): Uint8Array {
  const records = recordsOf(prepareEntries(entries, options.addParents ?? true));
  if (options.trailer ?? true) records.push(trailerRecord());
  let size = 0;
  for (const r of records) size += align4(HEADER_SIZE + r.name.length + 1) + align4(r.data.length);
  const out = new Uint8Array(size); // zero-filled, so every padding byte and name NUL is already there
  let at = 0;
  for (const r of records) {
    writeHeader(out, at, r.header);
    out.set(r.name, at + HEADER_SIZE);
    at += align4(HEADER_SIZE + r.name.length + 1);
    out.set(r.data, at);
    at += align4(r.data.length);
  }
  return out;
}

/**
 * packCpio, gzip-compressed. Deterministic: fflate writes no file name, and mtime 0 keeps the
 * time of packing out of the gzip header, so the same tree gives the same .cpio.gz bytes.
 */
export function packCpioGz(entries: readonly CpioEntry[], options: PackGzOptions = {}): Uint8Array {
  return gzipSync(packCpio(entries, options), { level: options.level ?? 6, mtime: 0 });
}

/**
 * Several archives, plain or gzip, as one initramfs. Each part starts on a 4-byte boundary,
 * padded with NULs: init/initramfs.c only takes a '0' byte for a cpio header when its offset
 * is a multiple of 4 (otherwise it tries to decompress it), and it skips NULs between parts.
 */
export function concatArchives(parts: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const part of parts) size = align4(size) + part.length;
  size = align4(size);
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    at = align4(at);
    out.set(part, at);
    at += part.length;
  }
  return out;
}
