// What the kernel ends up with when it unpacks an initramfs: init/initramfs.c (Linux 6.1)
// replayed on a model of rootfs (a ramfs that starts as an empty root directory), record by
// record, with the same system calls and the same path lookup:
//
// - do_header: an entry that is neither a regular file nor a symlink but has c_filesize > 0
//   (a directory or device "with data") is skipped whole, so its children have no parent.
// - Names go to the VFS as they are: "/abs/x" and "abs/x" are the same, "a//b" is "a/b",
//   every component but the last follows symlinks (absolute targets from the root), ".."
//   is resolved as it is met ("nonexist/../b" fails because nonexist does not exist;
//   "sl/../c" goes to the parent of what sl points at), ".." of the root is the root. Nothing
//   creates missing parents: the call fails with ENOENT and the kernel moves on.
// - clean_path(): an existing name of another file type is unlinked (rmdir for a directory,
//   which fails when it is not empty).
// - Regular files: maybe_link() makes a name whose (c_maj, c_min, c_ino, type) was seen
//   before in this archive (nlink >= 2) a hard link to the first such name; then the file is
//   opened (O_CREAT, and O_TRUNC unless linked), chowned, chmodded, truncated to c_filesize
//   and written, so data is applied in stream order to whatever inode the name now is.
// - Directories: mkdir (an existing one stays, children and all), then chown and chmod
//   through the name, and the mtime at the very end (dir_utime).
// - Devices, FIFOs and sockets: maybe_link() as for files (two FIFOs with one inode become one
//   FIFO with two names), else mknod (an existing node of that type stays), chown, chmod.
// - Symlinks: whatever is at the name is removed (clean_path with mode 0), then symlink();
//   a symlink's own mode is always 0777. chown and utime (no follow) come even when symlink()
//   failed, so "d/." gives d the entry's owner.
// - A name being created (mkdir, mknod, symlink, link) never follows its last component.
// - Data written through a hard link onto what is now a device fails ("write error"): the
//   kernel finishes that entry and unpacks nothing more (KernelTree.failed).
// - TRAILER!!! forgets the hard-link table.
//
// Every entry the kernel skips or that lands somewhere else than its name says comes back as a
// note, so a front end can say so instead of dropping it silently. test/runner/kernel-unpack.test.ts
// boots a corpus of odd and fuzzed archives in QEMU and compares. What this model leaves out:
// malformed framing that stops the kernel half-way (the reader throws for it, and
// `bootlab unpack` then writes nothing), the kernel's built-in initramfs (/dev, /dev/console, /root on a
// kernel built without one of its own), the mode of the root directory itself (a "." entry),
// xattrs, and whether a device's driver exists (opening a missing one fails with ENXIO).
import type { EntryKind, EntryWith } from "./entry.ts";
import { kindOfMode, S_IFMT, TRAILER_NAME } from "./newc.ts";
import { comparePaths } from "./path.ts";
import { recordPlace, type CpioHeader, type CpioRecord, type CpioRecordSink } from "./reader.ts";

type NodeKind = Exclude<EntryKind, "hardlink">;

interface InodeOf<C> {
  id: number;
  kind: NodeKind;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  /** Regular files: the data, as the caller keeps it, and its length. */
  content: C;
  size: number;
  target: string;
  major: number;
  minor: number;
  /** Directories only: the names inside, and the one directory holding this one under `name`. */
  children?: Map<string, InodeOf<C>>;
  parent?: InodeOf<C>;
  name?: string;
}

/**
 * One name in the final tree. Names sharing `inode` are hard links of one another. `C` is how
 * file data is kept: bytes (unpackLikeKernel), or whatever a streaming caller stored it as.
 */
export interface KernelNode<C = Uint8Array> {
  path: string;
  kind: NodeKind;
  /** Permission bits only (0o7777). */
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  /** Names of this inode; for a directory 2 plus its subdirectories, as stat(2) says on ramfs. */
  nlink: number;
  inode: number;
  /** Regular files: the contents, and their length. */
  data?: C;
  size?: number;
  /** Symlinks: the target as stored. */
  target?: string;
  /** Devices: the device numbers. */
  major?: number;
  minor?: number;
}

export interface KernelNote {
  /** The name as stored in the archive. */
  name: string;
  /** "at byte N" (or "... of the gzip member at byte M"). */
  place: string;
  /** What happened, e.g. "skipped: ...: no such directory (ENOENT)". */
  problem: string;
}

export interface KernelTree<C = Uint8Array> {
  /** Every name below the root, sorted with parents first. */
  nodes: Array<KernelNode<C>>;
  notes: KernelNote[];
  /** Archive entries that the kernel acted on (not skipped), TRAILER!!! excluded. */
  applied: number;
  /**
   * Set when the kernel stops unpacking part-way, as "Initramfs unpacking failed: write error"
   * (data written through a name that is now a device) or a hang (a FIFO opened for writing);
   * the entries after that one are not in `nodes`.
   */
  failed?: string;
}

class Errno extends Error {
  constructor(
    readonly code: "ENOENT" | "ENOTDIR" | "EEXIST" | "EISDIR" | "ELOOP" | "EPERM" | "EINVAL" | "ENOTEMPTY" | "ENXIO",
    readonly detail: string,
  ) {
    super(`${detail} (${code})`);
  }
}

/** Linux's MAXSYMLINKS: symlinks followed in one lookup. */
const MAX_SYMLINKS = 40;

interface FoundOf<C> {
  /** The directory the last component is looked up in. */
  parent: InodeOf<C>;
  /** The last component ("." and ".." included); "" when the path named a directory by itself. */
  name: string;
  node: InodeOf<C> | undefined;
  /** The path ended in "/". */
  slash: boolean;
}

export interface KernelUnpackOptions {
  /**
   * The clock at unpack time, in seconds: the mtime of a directory whose own mtime the kernel
   * never gets to restore (dir_utime() finds its name gone or elsewhere). Default 0.
   */
  now?: number;
}

/**
 * A record as the kernel's unpacker takes it: the header, what its data became (`content`, for
 * regular files, kept the caller's way) and, for a symlink, its target.
 */
export interface KernelRecord<C> extends CpioHeader {
  content: C;
  target: string;
}

/** How a caller of KernelUnpacker keeps file data. */
export interface KernelContents<C> {
  /** The content of an empty file. */
  empty: C;
  /** Data the tree no longer holds (replaced, truncated, or of an entry the kernel skipped). */
  release?(content: C): void;
}

/**
 * init/initramfs.c replayed record by record (see the file comment): `apply` each record in
 * stream order, then `finish` for the tree. It keeps the names and metadata of the tree, never
 * data: each file's content is the caller's (bytes in memory, or a file it wrote the data to),
 * and the content the tree lets go of is handed back through `release`. Never throws on content.
 */
export class KernelUnpacker<C> {
  readonly apply: (r: KernelRecord<C>) => void;
  readonly finish: () => KernelTree<C>;

  constructor(contents: KernelContents<C>, options: KernelUnpackOptions = {}) {
    [this.apply, this.finish] = kernelModel(contents, options);
  }
}

function kernelModel<C>(contents: KernelContents<C>, options: KernelUnpackOptions): [(r: KernelRecord<C>) => void, () => KernelTree<C>] {
  type Inode = InodeOf<C>;
  type Found = FoundOf<C>;
  type CpioRecord = KernelRecord<C>;
  const now = options.now ?? 0;
  const release = (content: C): void => {
    if (content !== contents.empty) contents.release?.(content);
  };
  let nextId = 1;
  const make = (kind: NodeKind, r: CpioRecord): Inode => ({
    id: nextId++, kind, mode: r.mode & 0o7777, uid: r.uid, gid: r.gid, mtime: r.mtime,
    content: contents.empty, size: 0, target: "", major: r.rdevMajor, minor: r.rdevMinor,
  });
  const root: Inode = { id: nextId++, kind: "directory", mode: 0o755, uid: 0, gid: 0, mtime: 0, content: contents.empty, size: 0, target: "", major: 0, minor: 0, children: new Map() };
  const notes: KernelNote[] = [];
  let applied = 0;

  /** Path lookup: every component but the last follows symlinks; the last only if `follow`. */
  // `create`: the lookup of a name to make (mkdir, mknod, symlink, link), whose last
  // component is never followed, trailing slash or not (filename_create).
  const lookup = (start: Inode, path: string, follow: boolean, budget: { links: number }, create = false): Found => {
    if (path === "") throw new Errno("ENOENT", "the name is empty");
    let dir = path.startsWith("/") ? root : start;
    const slash = path.endsWith("/");
    const parts = path.split("/").filter((p) => p !== "");
    if (parts.length === 0) return { parent: dir.parent ?? dir, name: "", node: dir, slash };
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      const last = i === parts.length - 1;
      if (dir.kind !== "directory") throw new Errno("ENOTDIR", `${parts.slice(0, i).join("/")} is not a directory`);
      let node = part === "." ? dir : part === ".." ? (dir.parent ?? dir) : dir.children!.get(part);
      // A trailing slash makes the last component a directory lookup, which follows symlinks.
      if (node?.kind === "symlink" && (!last || follow || (slash && !create))) {
        if (--budget.links < 0) throw new Errno("ELOOP", "too many levels of symbolic links");
        const through = lookup(dir, node.target, true, budget);
        if (last && slash && through.node && through.node.kind !== "directory") throw new Errno("ENOTDIR", `${parts.join("/")} is not a directory`);
        if (last) return { ...through, slash: slash || through.slash };
        node = through.node;
      }
      // A trailing slash on something that is not a directory fails the lookup (ENOTDIR), so
      // clean_path() leaves a FIFO alone when the name is "fifo/".
      if (last && slash && !create && node && node.kind !== "directory") throw new Errno("ENOTDIR", `${parts.join("/")} is not a directory`);
      if (last) return { parent: dir, name: part, node, slash };
      if (!node) throw new Errno("ENOENT", `${parts.slice(0, i + 1).join("/")} does not exist`);
      dir = node;
    }
    throw new Error("unreachable");
  };
  const find = (path: string, follow: boolean): Found => lookup(root, path, follow, { links: MAX_SYMLINKS });
  const findNew = (path: string): Found => lookup(root, path, false, { links: MAX_SYMLINKS }, true);
  const isDotName = (f: Found): boolean => f.name === "" || f.name === "." || f.name === "..";
  const attach = (f: Found, node: Inode): void => {
    if (f.parent.kind !== "directory") throw new Errno("ENOTDIR", "the parent is not a directory");
    f.parent.children!.set(f.name, node);
    if (node.kind === "directory") {
      node.parent = f.parent;
      node.name = f.name;
    }
  };
  const detach = (f: Found): void => {
    f.parent.children!.delete(f.name);
  };
  /** The path of a directory inode, from its parents. */
  const pathOf = (dir: Inode): string => {
    const parts: string[] = [];
    for (let d = dir; d !== root && d.parent; d = d.parent) parts.unshift(d.name!);
    return parts.join("/");
  };
  const whereIs = (f: Found): string => {
    const base = pathOf(f.parent);
    return base === "" ? f.name : `${base}/${f.name}`;
  };

  // The system calls, as init/initramfs.c uses them.
  const cleanPath = (name: string, mode: number): void => {
    let f: Found;
    try {
      f = find(name, false);
    } catch {
      return;
    }
    if (!f.node || isDotName(f) || ((typeBits(f.node.kind) ^ mode) & S_IFMT) === 0) return;
    if (f.node.kind === "directory") {
      if (f.node.children!.size === 0) detach(f);
    } else {
      detach(f);
    }
  };
  const mkdir = (name: string, r: CpioRecord): Found => {
    const f = findNew(name);
    if (f.node || isDotName(f)) throw new Errno("EEXIST", "exists");
    const dir = make("directory", r);
    dir.children = new Map();
    dir.mtime = now; // until dir_utime() at the end
    attach(f, dir);
    return f;
  };
  const changeOwner = (name: string, r: CpioRecord): Inode => {
    const f = find(name, true);
    if (!f.node) throw new Errno("ENOENT", `${name} does not exist`);
    f.node.uid = r.uid;
    f.node.gid = r.gid;
    f.node.mode = r.mode & 0o7777;
    return f.node;
  };
  const link = (old: string, name: string): Found => {
    const o = find(old, false);
    if (!o.node) throw new Errno("ENOENT", `the first name ${old} no longer exists`);
    if (o.node.kind === "directory") throw new Errno("EPERM", `the first name ${old} is now a directory`);
    const f = findNew(name);
    if (f.node || isDotName(f)) throw new Errno("EEXIST", "the name is taken");
    if (f.slash) throw new Errno("ENOENT", "the name ends in /");
    attach(f, o.node);
    return f;
  };
  const linkTable = new Map<string, string>();
  /** maybe_link(): 0 not linked (the name is remembered), 1 linked, -1 the link failed. */
  const maybeLink = (r: CpioRecord): { result: 0 | 1 | -1; at?: Found; error?: Errno } => {
    if (r.nlink < 2) return { result: 0 };
    const key = `${r.devMajor}:${r.devMinor}:${r.ino}:${r.mode & S_IFMT}`;
    const old = linkTable.get(key);
    if (old === undefined) {
      linkTable.set(key, r.name);
      return { result: 0 };
    }
    cleanPath(r.name, 0);
    try {
      return { result: 1, at: link(old, r.name) };
    } catch (error) {
      if (error instanceof Errno) return { result: -1, error };
      throw error;
    }
  };

  const note = (r: CpioRecord, problem: string): void => {
    notes.push({ name: r.name, place: recordPlace(r), problem });
  };
  const skipped = (r: CpioRecord, error: unknown): void => {
    if (!(error instanceof Errno)) throw error;
    note(r, `skipped, as the kernel does: ${error.message}`);
  };
  /** Says so when a name lands somewhere its normalised spelling does not say (through a symlink, or ".."). */
  const landed = (r: CpioRecord, f: Found): void => {
    const where = whereIs(f);
    const plain = r.name.split("/").filter((p) => p !== "" && p !== ".").join("/");
    if (where !== plain) note(r, `the kernel resolves it (symlinks and ".." as met) to /${where}, and so does bootlab`);
  };

  const dirTimes: Array<{ name: string; mtime: number }> = [];
  let failed: string | undefined;
  let unread = 0;
  const apply = (r: CpioRecord): void => {
    let taken = false;
    try {
      step(r, () => {
        taken = true;
      });
    } finally {
      if (!taken && (r.mode & S_IFMT) === 0o100000 && r.size > 0) release(r.content);
    }
  };
  const step = (r: CpioRecord, take: () => void): void => {
    if (failed !== undefined) {
      if (r.name !== TRAILER_NAME) unread++;
      return;
    }
    const type = r.mode & S_IFMT;
    const kind = kindOfMode(r.mode);
    if (type !== 0o100000 && type !== 0o120000 && r.size > 0) {
      note(r, `skipped, as the kernel does: a ${kind ?? "entry"} with c_filesize ${r.size} (only regular files and symlinks carry data, so the kernel skips the whole entry)`);
      return;
    }
    if (type === 0o120000) {
      // GotSymlink: do_symlink, never do_name.
      cleanPath(r.name, 0);
      try {
        const f = findNew(r.name);
        if (f.node || isDotName(f)) throw new Errno("EEXIST", "the name is taken by a directory that is not empty");
        if (f.slash) throw new Errno("ENOENT", "the name ends in /");
        const link = make("symlink", r);
        link.mode = 0o777;
        link.target = r.target;
        attach(f, link);
        landed(r, f);
        applied++;
      } catch (error) {
        skipped(r, error);
      }
      // init_chown(AT_SYMLINK_NOFOLLOW) and do_utime() come whatever symlink() returned: when
      // it failed, they change what the name leads to ("d/." is d itself).
      try {
        const named = find(r.name, false).node;
        if (named) Object.assign(named, { uid: r.uid, gid: r.gid, mtime: r.mtime });
      } catch {
        // the name leads nowhere: chown fails in the kernel too
      }
      return;
    }
    if (r.name === TRAILER_NAME) {
      linkTable.clear();
      return;
    }
    if (kind === undefined) return; // readCpioRecords refuses these; the kernel ignores them
    cleanPath(r.name, r.mode);
    try {
      switch (kind) {
        case "file": {
          const linked = maybeLink(r);
          if (linked.result < 0) throw linked.error!;
          // filp_open(O_WRONLY|O_CREAT[|O_TRUNC]) follows a symlink at the name.
          const f = find(r.name, true);
          if (f.slash || f.node?.kind === "directory" || isDotName(f)) throw new Errno("EISDIR", "the name is a directory");
          let file = f.node;
          if (file && file.kind !== "file") {
            // A name hard-linked (maybe_link) to what is now a device or FIFO: the kernel opens
            // that. A socket cannot be opened; a FIFO waits for a reader forever (not checked
            // in QEMU: it would hang the test); a device takes the owner, mode and mtime, and
            // writing data to it fails with "write error", which ends the unpacking after this
            // entry (seen in QEMU with 1,3).
            if (file.kind === "socket") throw new Errno("ENXIO", "the name leads to a socket");
            if (file.kind === "fifo") {
              failed = "the kernel hangs here: it opens a FIFO for writing and waits for a reader forever";
              note(r, failed);
              return;
            }
            Object.assign(file, { uid: r.uid, gid: r.gid, mode: r.mode & 0o7777, mtime: r.mtime });
            if (r.size > 0) {
              failed = `Initramfs unpacking failed: write error (the name leads to a ${file.kind}); the kernel unpacks nothing after this entry`;
              note(r, failed);
            }
            break;
          }
          if (!file) {
            file = make("file", r);
            attach(f, file);
          } else if (linked.result === 0) {
            release(file.content); // O_TRUNC
            file.content = contents.empty;
            file.size = 0;
          }
          file.uid = r.uid;
          file.gid = r.gid;
          file.mode = r.mode & 0o7777;
          // The record's content as the caller keeps it (a view of the input, or a file on the host).
          if (r.size > 0) {
            if (file.content !== r.content) release(file.content);
            file.content = r.content;
            file.size = r.size;
            take();
          }
          file.mtime = r.mtime;
          landed(r, linked.at ?? f);
          break;
        }
        case "directory": {
          // dir_add() comes after mkdir, chown and chmod whatever they returned.
          dirTimes.push({ name: r.name, mtime: r.mtime });
          let created: Found | undefined;
          try {
            created = mkdir(r.name, r);
          } catch (error) {
            if (!(error instanceof Errno) || error.code !== "EEXIST") throw error;
          }
          changeOwner(r.name, r);
          if (created) landed(r, created);
          break;
        }
        default: {
          const linked = maybeLink(r);
          if (linked.result < 0) throw linked.error!;
          if (linked.result === 1) {
            landed(r, linked.at!);
            break;
          }
          let created: Found | undefined;
          const f = findNew(r.name);
          if (!f.node && !isDotName(f) && !f.slash) {
            const node = make(kind as NodeKind, r);
            attach(f, node);
            created = f;
          } else if (f.slash && !f.node) {
            throw new Errno("ENOENT", "the name ends in /");
          }
          changeOwner(r.name, r);
          // do_utime() does not follow a symlink at the name.
          const named = find(r.name, false).node;
          if (named) named.mtime = r.mtime;
          if (created) landed(r, created);
        }
      }
      applied++;
    } catch (error) {
      skipped(r, error);
    }
  };
  const finish = (): KernelTree<C> => {
  // dir_utime(): dir_add() pushes at the head of its list, so the last directory entry is
  // applied first and, for a name given twice, the first entry's mtime is the one that stays.
  for (const { name, mtime } of dirTimes.reverse()) {
    try {
      const f = find(name, false);
      if (f.node) f.node.mtime = mtime;
    } catch {
      // gone since: the kernel's utimes fails the same way
    }
  }
  if (unread > 0) notes.push({ name: "", place: "", problem: `${unread} later ${unread === 1 ? "entry" : "entries"} not unpacked: ${failed}` });
  return failed === undefined ? { nodes: listTree(root), notes, applied } : { nodes: listTree(root), notes, applied, failed };
  };
  return [apply, finish];
}

/** Replays `records` (from readCpioRecords) as init/initramfs.c does. Never throws on content. */
export function unpackLikeKernel(records: readonly CpioRecord[], options: KernelUnpackOptions = {}): KernelTree {
  const unpacker = new KernelUnpacker<Uint8Array>({ empty: EMPTY }, options);
  for (const { data, ...header } of records) {
    // A view of the input, not a copy: a 1,000 MiB member is held once.
    unpacker.apply({ ...header, size: data.length, content: data, target: (header.mode & S_IFMT) === 0o120000 ? symlinkText.decode(data) : "" });
  }
  return unpacker.finish();
}

const EMPTY = new Uint8Array(0);
const symlinkText = new TextDecoder();

/** Where regular files' data goes while it streams in (KernelUnpackSink). */
export interface KernelContentStore<C> extends KernelContents<C> {
  /** A new content for the data of the file `header` describes, written in pieces, then closed. */
  create(header: CpioHeader): { write(chunk: Uint8Array): void; close(): C };
}

/**
 * The kernel's unpacker fed by a CpioStreamReader: each regular file's data goes into the
 * store as it arrives, so nothing of it is held here; a symlink's target (at most PATH_MAX
 * bytes, the reader checks) is kept until its record ends.
 */
export class KernelUnpackSink<C> implements CpioRecordSink {
  private readonly unpacker: KernelUnpacker<C>;
  private header: CpioHeader | undefined;
  private writer: { write(chunk: Uint8Array): void; close(): C } | undefined;
  private target: Uint8Array | undefined;
  private fill = 0;

  constructor(
    private readonly store: KernelContentStore<C>,
    options: KernelUnpackOptions = {},
  ) {
    this.unpacker = new KernelUnpacker(store, options);
  }

  begin(header: CpioHeader): void {
    this.header = header;
    const type = header.mode & S_IFMT;
    this.writer = type === 0o100000 && header.size > 0 ? this.store.create(header) : undefined;
    this.target = type === 0o120000 ? new Uint8Array(header.size) : undefined;
    this.fill = 0;
  }

  data(chunk: Uint8Array): void {
    this.writer?.write(chunk);
    this.target?.set(chunk, this.fill);
    this.fill += chunk.length;
  }

  end(): void {
    const content = this.writer ? this.writer.close() : this.store.empty;
    this.writer = undefined;
    this.unpacker.apply({ ...this.header!, content, target: this.target ? symlinkText.decode(this.target) : "" });
  }

  finish(): KernelTree<C> {
    return this.unpacker.finish();
  }
}

function typeBits(kind: NodeKind): number {
  switch (kind) {
    case "file":
      return 0o100000;
    case "directory":
      return 0o040000;
    case "symlink":
      return 0o120000;
    case "char-device":
      return 0o020000;
    case "block-device":
      return 0o060000;
    case "fifo":
      return 0o010000;
    case "socket":
      return 0o140000;
  }
}

function listTree<C>(root: InodeOf<C>): Array<KernelNode<C>> {
  const names = new Map<InodeOf<C>, number>();
  const found: Array<{ path: string; inode: InodeOf<C> }> = [];
  const walk = (dir: InodeOf<C>, prefix: string): void => {
    for (const [name, child] of dir.children!) {
      const path = prefix + name;
      found.push({ path, inode: child });
      names.set(child, (names.get(child) ?? 0) + 1);
      if (child.kind === "directory") walk(child, path + "/");
    }
  };
  walk(root, "");
  found.sort((a, b) => comparePaths(a.path, b.path));
  return found.map(({ path, inode }) => {
    const subdirs = inode.kind === "directory" ? [...inode.children!.values()].filter((c) => c.kind === "directory").length : 0;
    const node: KernelNode<C> = {
      path, kind: inode.kind, mode: inode.mode, uid: inode.uid, gid: inode.gid, mtime: inode.mtime,
      nlink: inode.kind === "directory" ? 2 + subdirs : names.get(inode)!, inode: inode.id,
    };
    if (inode.kind === "file") {
      node.data = inode.content;
      node.size = inode.size;
    }
    if (inode.kind === "symlink") node.target = inode.target;
    if (inode.kind === "char-device" || inode.kind === "block-device") {
      node.major = inode.major;
      node.minor = inode.minor;
    }
    return node;
  });
}

/**
 * The tree as entries (sorted, parents first): a regular file's first name carries the data,
 * its other names are hard links. Entries cannot say that two names share a device, FIFO or
 * socket inode, so each such name becomes its own node.
 */
export function kernelTreeEntries<C = Uint8Array>(tree: KernelTree<C>): Array<EntryWith<C>> {
  const first = new Map<number, string>();
  return tree.nodes.map((n): EntryWith<C> => {
    const owner = { mode: n.mode, uid: n.uid, gid: n.gid, mtime: n.mtime };
    switch (n.kind) {
      case "file": {
        const target = first.get(n.inode);
        if (target !== undefined) return { kind: "hardlink", path: n.path, target, ...owner };
        first.set(n.inode, n.path);
        return { kind: "file", path: n.path, data: n.data!, ...owner };
      }
      case "symlink":
        return { kind: "symlink", path: n.path, target: n.target!, ...owner };
      case "char-device":
      case "block-device":
        return { kind: n.kind, path: n.path, major: n.major!, minor: n.minor!, ...owner };
      default:
        return { kind: n.kind, path: n.path, ...owner };
    }
  });
}

/** A one-line summary of a note, for a front end: `"name" at byte N: problem`. */
export function formatKernelNote(n: KernelNote): string {
  return n.place === "" ? n.problem : `${JSON.stringify(n.name)} ${n.place}: ${n.problem}`;
}
