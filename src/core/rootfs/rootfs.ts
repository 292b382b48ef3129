// The file tree of a root filesystem: a map from path to entry that is always a valid tree
// (every parent is a directory, every hard link names a regular file), edited with the
// operations an editor needs and turned back into sorted entries or a cpio archive.
//
// Overrides follow the kernel's unpacker (see ../cpio/kernel-unpack.ts): adding an entry at a taken
// path replaces it, a directory over a directory keeps the children and takes the new owner
// and mode, and a regular file over a regular file (or over a hard link to one) rewrites that
// file, so every name linked to it sees the new data. Unlike the kernel, which silently
// skips what it cannot do, this model creates missing parents and throws a RootfsError for the
// rest (a file under a file, replacing a non-empty directory).
import { readCpioRecords } from "../cpio/reader.ts";
import { kernelTreeEntries, unpackLikeKernel } from "../cpio/kernel-unpack.ts";
import { packCpio, type PackOptions } from "../cpio/writer.ts";
import { ancestorPaths, comparePaths, normalizeEntryPath } from "../cpio/path.ts";
import { checkOwnership, type EntryOptions } from "../cpio/constructors.ts";
import type { CpioEntry, DirectoryEntry, EntryOwnership, FileEntry } from "../cpio/entry.ts";

/** POSIX-style codes, so a message can cross a worker boundary as { code, message }. */
export type RootfsErrorCode = "ENOENT" | "ENOTDIR" | "EISDIR" | "ENOTEMPTY" | "EEXIST" | "EINVAL";

export class RootfsError extends Error {
  constructor(
    readonly code: RootfsErrorCode,
    readonly path: string,
    problem: string,
  ) {
    super(`${path}: ${problem}`);
    this.name = "RootfsError";
  }
}

const encoder = new TextEncoder();

export class RootFs {
  readonly #entries = new Map<string, CpioEntry>();

  /** A tree from entries in stream order, later ones winning; missing parents are created. */
  static fromEntries(entries: Iterable<CpioEntry>): RootFs {
    const fs = new RootFs();
    for (const entry of entries) fs.add(entry);
    return fs;
  }

  /**
   * The tree the kernel would unpack from a (possibly concatenated, gzipped) archive stream:
   * init/initramfs.c replayed by unpackLikeKernel (entries it skips are not in the tree).
   */
  static fromCpio(bytes: Uint8Array): RootFs {
    return RootFs.fromEntries(kernelTreeEntries(unpackLikeKernel(readCpioRecords(bytes))));
  }

  /** Number of entries, implied directories included. */
  get size(): number {
    return this.#entries.size;
  }

  has(path: string): boolean {
    return this.#entries.has(normalizeEntryPath(path));
  }

  /** The entry at `path` (a copy: edit the tree through its methods). */
  get(path: string): CpioEntry | undefined {
    const entry = this.#entries.get(normalizeEntryPath(path));
    return entry ? { ...entry } : undefined;
  }

  /** Every path, sorted with parents before children. */
  paths(): string[] {
    return [...this.#entries.keys()].sort(comparePaths);
  }

  /** The names directly inside directory `dir` ("" for the root), sorted. */
  list(dir = ""): string[] {
    const base = dir === "" ? "" : normalizeEntryPath(dir);
    if (base !== "") this.#requireDirectory(base);
    const prefix = base === "" ? "" : base + "/";
    const names: string[] = [];
    for (const path of this.#entries.keys()) {
      if (path.startsWith(prefix) && !path.slice(prefix.length).includes("/")) names.push(path.slice(prefix.length));
    }
    return names.sort(comparePaths);
  }

  /** The contents of the regular file at `path`, through a hard link if it is one. */
  readFile(path: string): Uint8Array {
    const p = normalizeEntryPath(path);
    const file = this.#fileBehind(p);
    return file.data;
  }

  /** Adds or replaces one entry (see the override rules above). */
  add(entry: CpioEntry): void {
    const path = normalizeEntryPath(entry.path);
    checkOwnership(path, entry);
    this.#makeParents(path);
    const existing = this.#entries.get(path);
    switch (entry.kind) {
      case "directory":
        if (existing?.kind === "directory") {
          this.#entries.set(path, { ...existing, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime });
          return;
        }
        this.#clear(path);
        this.#entries.set(path, { ...entry, path });
        return;
      case "file":
        if (existing?.kind === "file" || existing?.kind === "hardlink") {
          const target = existing.kind === "file" ? path : existing.target;
          this.#entries.set(target, { kind: "file", path: target, data: entry.data, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime });
          this.#syncLinks(target);
          return;
        }
        this.#clear(path);
        this.#entries.set(path, { ...entry, path });
        return;
      case "hardlink": {
        const targetPath = normalizeEntryPath(entry.target);
        const target = this.#entries.get(targetPath);
        if (target === undefined) throw new RootfsError("ENOENT", path, `hard link target ${targetPath} does not exist`);
        if (target.kind !== "file" && target.kind !== "hardlink") {
          throw new RootfsError("EINVAL", path, `hard link target ${targetPath} is a ${target.kind}, want a regular file`);
        }
        const file = target.kind === "file" ? targetPath : target.target;
        if (file === path || (existing?.kind === "hardlink" && existing.target === file)) return;
        this.#clear(path);
        const owner = this.#entries.get(file)!;
        this.#entries.set(path, { kind: "hardlink", path, target: file, mode: owner.mode, uid: owner.uid, gid: owner.gid, mtime: owner.mtime });
        return;
      }
      default:
        this.#clear(path);
        this.#entries.set(path, { ...entry, path });
    }
  }

  /** Writes a regular file, creating parents. Keeps the existing mode and owner unless given. */
  writeFile(path: string, data: Uint8Array | string, opts: EntryOptions = {}): void {
    const p = normalizeEntryPath(path);
    const bytes = typeof data === "string" ? encoder.encode(data) : data;
    const existing = this.#entries.get(p);
    const old: EntryOwnership | undefined = existing?.kind === "file" ? existing : existing?.kind === "hardlink" ? this.#entries.get(existing.target) : undefined;
    this.add({
      kind: "file",
      path: p,
      data: bytes,
      mode: opts.mode ?? old?.mode ?? 0o644,
      uid: opts.uid ?? old?.uid ?? 0,
      gid: opts.gid ?? old?.gid ?? 0,
      mtime: opts.mtime ?? old?.mtime ?? 0,
    });
  }

  /** Creates a directory and its parents; an existing directory is left as it is. */
  mkdir(path: string, opts: EntryOptions = {}): void {
    const p = normalizeEntryPath(path);
    const existing = this.#entries.get(p);
    if (existing?.kind === "directory" && opts.mode === undefined && opts.uid === undefined && opts.gid === undefined) return;
    if (existing && existing.kind !== "directory") throw new RootfsError("EEXIST", p, `is a ${existing.kind}, want a directory`);
    this.add({ kind: "directory", path: p, mode: opts.mode ?? 0o755, uid: opts.uid ?? 0, gid: opts.gid ?? 0, mtime: opts.mtime ?? 0 });
  }

  /** Removes `path`; a non-empty directory only with `recursive`. Hard links to a removed file keep its data. */
  remove(path: string, options: { recursive?: boolean } = {}): void {
    const p = normalizeEntryPath(path);
    const entry = this.#entries.get(p);
    if (!entry) throw new RootfsError("ENOENT", p, "does not exist");
    if (entry.kind === "directory") {
      const inside = this.#descendants(p);
      if (inside.length > 0 && !options.recursive) throw new RootfsError("ENOTEMPTY", p, `is a directory with ${inside.length} entries; remove them first or remove recursively`);
      for (const child of inside.reverse()) this.#detach(child);
    }
    this.#detach(p);
  }

  /** Moves `from` (with everything under it) to `to`; an existing non-directory at `to` is replaced. */
  rename(from: string, to: string): void {
    const src = normalizeEntryPath(from);
    const dst = normalizeEntryPath(to);
    const entry = this.#entries.get(src);
    if (!entry) throw new RootfsError("ENOENT", src, "does not exist");
    if (src === dst) return;
    if (dst.startsWith(src + "/")) throw new RootfsError("EINVAL", dst, `is inside ${src}; cannot move a directory into itself`);
    const existing = this.#entries.get(dst);
    if (existing) {
      if (existing.kind === "directory" || entry.kind === "directory") {
        throw new RootfsError("EEXIST", dst, `already exists as a ${existing.kind}; remove it first`);
      }
      if (existing.kind === "hardlink" && existing.target === src) {
        this.#detach(dst);
      } else {
        this.remove(dst);
      }
    }
    this.#makeParents(dst);
    const moved = [src, ...(entry.kind === "directory" ? this.#descendants(src) : [])];
    const renamed = (p: string): string => (p === src ? dst : dst + p.slice(src.length));
    const movedSet = new Set(moved);
    const taken = moved.map((p) => this.#entries.get(p)!);
    for (const p of moved) this.#entries.delete(p);
    for (const e of taken) {
      const path = renamed(e.path);
      this.#entries.set(path, e.kind === "hardlink" && movedSet.has(e.target) ? { ...e, path, target: renamed(e.target) } : { ...e, path });
    }
    for (const [p, e] of this.#entries) {
      if (e.kind === "hardlink" && movedSet.has(e.target) && !movedSet.has(p) && !taken.includes(e)) {
        this.#entries.set(p, { ...e, target: renamed(e.target) });
      }
    }
  }

  /** Sets the permission bits; through a hard link, of the file it names (one inode). */
  chmod(path: string, mode: number): void {
    const p = normalizeEntryPath(path);
    const entry = this.#entries.get(p);
    if (!entry) throw new RootfsError("ENOENT", p, "does not exist");
    checkOwnership(p, { ...entry, mode });
    const owner = entry.kind === "hardlink" ? entry.target : p;
    this.#entries.set(owner, { ...this.#entries.get(owner)!, mode });
    this.#syncLinks(owner);
  }

  /** Sets the owner, like chmod. */
  chown(path: string, uid: number, gid: number): void {
    const p = normalizeEntryPath(path);
    const entry = this.#entries.get(p);
    if (!entry) throw new RootfsError("ENOENT", p, "does not exist");
    checkOwnership(p, { ...entry, uid, gid });
    const owner = entry.kind === "hardlink" ? entry.target : p;
    this.#entries.set(owner, { ...this.#entries.get(owner)!, uid, gid });
    this.#syncLinks(owner);
  }

  /** All entries, sorted with parents before children: ready for packCpio. */
  toEntries(): CpioEntry[] {
    return this.paths().map((p) => ({ ...this.#entries.get(p)! }));
  }

  /** packCpio of the tree. */
  toCpio(options?: PackOptions): Uint8Array {
    return packCpio(this.toEntries(), options);
  }

  clone(): RootFs {
    const copy = new RootFs();
    for (const [p, e] of this.#entries) copy.#entries.set(p, { ...e });
    return copy;
  }

  #requireDirectory(path: string): DirectoryEntry {
    const entry = this.#entries.get(path);
    if (!entry) throw new RootfsError("ENOENT", path, "does not exist");
    if (entry.kind !== "directory") throw new RootfsError("ENOTDIR", path, `is a ${entry.kind}, not a directory`);
    return entry;
  }

  #fileBehind(path: string): FileEntry {
    const entry = this.#entries.get(path);
    if (!entry) throw new RootfsError("ENOENT", path, "does not exist");
    if (entry.kind === "file") return entry;
    if (entry.kind === "hardlink") return this.#entries.get(entry.target) as FileEntry;
    throw new RootfsError(entry.kind === "directory" ? "EISDIR" : "EINVAL", path, `is a ${entry.kind}, not a regular file`);
  }

  #makeParents(path: string): void {
    for (const ancestor of ancestorPaths(path)) {
      const existing = this.#entries.get(ancestor);
      if (existing === undefined) {
        this.#entries.set(ancestor, { kind: "directory", path: ancestor, mode: 0o755, uid: 0, gid: 0, mtime: 0 });
      } else if (existing.kind !== "directory") {
        const hint = existing.kind === "symlink" ? ` (a symlink to ${existing.target}: use the real path)` : "";
        throw new RootfsError("ENOTDIR", path, `its parent ${ancestor} is a ${existing.kind}${hint}, want a directory`);
      }
    }
  }

  /** Empties `path` for a new entry: refuses a non-empty directory, keeps hard-linked data. */
  #clear(path: string): void {
    const existing = this.#entries.get(path);
    if (!existing) return;
    if (existing.kind === "directory" && this.#descendants(path).length > 0) {
      throw new RootfsError("ENOTEMPTY", path, "is a directory that is not empty; remove it first");
    }
    this.#detach(path);
  }

  /** Deletes one entry; if other names link to it, the first of them becomes the file. */
  #detach(path: string): void {
    const entry = this.#entries.get(path);
    this.#entries.delete(path);
    if (entry?.kind !== "file") return;
    const links = [...this.#entries.values()].filter((e) => e.kind === "hardlink" && e.target === path).map((e) => e.path).sort(comparePaths);
    const [heir, ...rest] = links;
    if (heir === undefined) return;
    this.#entries.set(heir, { ...entry, path: heir });
    for (const p of rest) this.#entries.set(p, { ...(this.#entries.get(p) as CpioEntry & { kind: "hardlink" }), target: heir });
  }

  #descendants(dir: string): string[] {
    const prefix = dir + "/";
    return [...this.#entries.keys()].filter((p) => p.startsWith(prefix)).sort(comparePaths);
  }

  /** Hard links mirror their file's owner and mode (one inode), as the writer stores them. */
  #syncLinks(file: string): void {
    const f = this.#entries.get(file)!;
    for (const [p, e] of this.#entries) {
      if (e.kind === "hardlink" && e.target === file) this.#entries.set(p, { ...e, mode: f.mode, uid: f.uid, gid: f.gid, mtime: f.mtime });
    }
  }
}
