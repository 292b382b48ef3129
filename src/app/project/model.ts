// The project the user edits: the overlay files laid over the base archive (the initramfs), the
// trees of its disks, the kernel command line and the template it started from. Plain data plus
// change events; the editor, the file tree, storage and window.bootlab all work on this one model.
//
// Every method that takes a path takes a file key (file-key.ts): "/etc/inittab" is a file of the
// initramfs, "data1:/notes/todo.txt" a file of the disk data1. files() is the initramfs alone
// (what share links, lint and the plan's initramfs read); disks() the disks with their files.
import { Emitter } from "../ui/dom.ts";
import { ancestorsOf, isInside, normalizeGuestPath, PathError } from "../../core/rootfs/guest-path.ts";
import type { FileDisk } from "../../core/boot/file-disks.ts";
import { fileKey, locateKey } from "./file-key.ts";

/** The files of a project: the one overlay type of src/core (the editor holds text or data). */
export type { OverlayFile } from "../../core/rootfs/index.ts";
import type { OverlayFile } from "../../core/rootfs/index.ts";

export interface ProjectState {
  id: string;
  name: string;
  templateId: string;
  cmdline: string;
  files: OverlayFile[];
  /**
   * The disks the system boots with, each with its own tree (paths on that disk), written by the
   * plan at every boot. Optional: projects saved before disks were editable have none, and
   * take their template's (withTemplateDisks, from-template.ts).
   */
  disks?: FileDisk[];
  /**
   * What the project is, when it is not its template (an imported archive): shown in the files
   * pane instead of the template's notes. Optional: projects saved before it have none.
   */
  description?: ProjectDescription;
  /** signatureOf() the state as it came from its template: tells edits from a pristine template. */
  pristineSignature: string;
  createdAt: number;
  updatedAt: number;
}

export interface ProjectDescription {
  title: string;
  /** Where it came from, e.g. "imported lesson.cpio". */
  source: string;
  summary: string[];
}

export type ProjectChange =
  | { kind: "content"; path: string }
  | { kind: "tree" }
  | { kind: "cmdline" }
  | { kind: "replaced" };

export class ProjectError extends Error {
  constructor(
    readonly code: "not-found" | "exists" | "not-a-file" | "read-only" | "bad-path",
    message: string,
  ) {
    super(message);
  }
}

const byPath = (a: OverlayFile, b: OverlayFile) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** One tree of the project: the initramfs overlay or a disk's files, by their paths on it. */
type Entries = Map<string, OverlayFile>;

/** A disk of the project without its files (they live in the model's trees). */
type DiskInfo = Omit<FileDisk, "files">;

export class ProjectModel {
  private state: ProjectState;
  private readonly entries: Entries = new Map();
  /** The disks in the project's order, and each one's tree. */
  private diskInfo: DiskInfo[] = [];
  private readonly diskEntries = new Map<string, Entries>();
  readonly changes = new Emitter<ProjectChange>();

  constructor(state: ProjectState) {
    this.state = state;
    this.load(state);
  }

  get id(): string {
    return this.state.id;
  }
  get name(): string {
    return this.state.name;
  }
  get templateId(): string {
    return this.state.templateId;
  }
  get cmdline(): string {
    return this.state.cmdline;
  }
  get description(): ProjectDescription | undefined {
    return this.state.description;
  }

  /** Every entry of the initramfs overlay, sorted by path. */
  files(): OverlayFile[] {
    return [...this.entries.values()].sort(byPath);
  }

  /** The disks with their files (paths on each disk), in the project's order. */
  disks(): FileDisk[] {
    return this.diskInfo.map((info) => ({ ...info, files: [...this.diskEntries.get(info.name)!.values()].sort(byPath) }));
  }

  /** One disk's files, paths on that disk; undefined when the project has no such disk. */
  diskFiles(name: string): OverlayFile[] | undefined {
    const entries = this.diskEntries.get(name);
    return entries && [...entries.values()].sort(byPath);
  }

  /** Every file of the project under its key: the initramfs's, then each disk's ("data1:/x"). */
  keyedFiles(): OverlayFile[] {
    const keyed = this.files();
    for (const info of this.diskInfo) {
      for (const file of this.diskFiles(info.name)!) keyed.push({ ...file, path: fileKey({ disk: info.name, path: file.path }) });
    }
    return keyed;
  }

  /** The file a key names, with the key as its path. */
  get(key: string): OverlayFile | undefined {
    const { disk, path } = locateKey(key);
    if (disk === undefined) return this.entries.get(path);
    const file = this.diskEntries.get(disk)?.get(path);
    return file && { ...file, path: key };
  }

  has(key: string): boolean {
    const { entries, path } = this.tree(key);
    return entries !== undefined && (entries.has(path) || isImplicitIn(entries, path));
  }

  /** A directory that exists only because files lie below it. */
  isImplicitDirectory(key: string): boolean {
    const { entries, path } = this.tree(key);
    return entries !== undefined && isImplicitIn(entries, path);
  }

  /** Creates or replaces a text file. New files get `mode` or 0644. */
  writeText(key: string, text: string, mode?: number): OverlayFile {
    const { entries, path, keyOf } = this.checked(key);
    const existing = entries.get(path);
    if (existing?.kind === "directory") throw new ProjectError("not-a-file", `${keyOf(path)} is a folder, not a file`);
    checkParentsAreDirectories(entries, path, keyOf);
    const file: OverlayFile = { path, kind: "file", mode: mode ?? existing?.mode ?? 0o644, text };
    entries.set(path, file);
    this.touch(existing && existing.mode === file.mode ? { kind: "content", path: keyOf(path) } : { kind: "tree" });
    return { ...file, path: keyOf(path) };
  }

  /** Creates or replaces a binary file. */
  writeBinary(key: string, data: Uint8Array, mode: number): OverlayFile {
    const { entries, path, keyOf } = this.checked(key);
    if (entries.get(path)?.kind === "directory") throw new ProjectError("not-a-file", `${keyOf(path)} is a folder, not a file`);
    checkParentsAreDirectories(entries, path, keyOf);
    const file: OverlayFile = { path, kind: "file", mode, data };
    entries.set(path, file);
    this.touch({ kind: "tree" });
    return { ...file, path: keyOf(path) };
  }

  /**
   * Creates or replaces any entry (a symlink, a device node, a folder's mode): what a guest left
   * on a disk. A folder that exists only through its files becomes an explicit one.
   */
  put(key: string, file: Omit<OverlayFile, "path">): void {
    const { entries, path, keyOf } = this.checked(key);
    checkParentsAreDirectories(entries, path, keyOf);
    if (file.kind !== "directory" && (entries.get(path)?.kind === "directory" || isImplicitIn(entries, path))) {
      for (const inside of [...entries.keys()]) if (isInside(inside, path)) entries.delete(inside);
    }
    entries.set(path, { ...file, path, mode: file.mode & 0o7777 });
    this.touch({ kind: "tree" });
  }

  addDirectory(key: string, mode = 0o755): OverlayFile {
    const { entries, path, keyOf } = this.checked(key);
    if (entries.has(path) || isImplicitIn(entries, path)) throw new ProjectError("exists", `${keyOf(path)} already exists`);
    checkParentsAreDirectories(entries, path, keyOf);
    const directory: OverlayFile = { path, kind: "directory", mode };
    entries.set(path, directory);
    this.touch({ kind: "tree" });
    return { ...directory, path: keyOf(path) };
  }

  /** Removes a file, or a folder with everything below it. */
  remove(key: string): void {
    const { entries, path, keyOf } = this.checked(key);
    if (!entries.has(path) && !isImplicitIn(entries, path)) throw new ProjectError("not-found", `${keyOf(path)} does not exist in your files`);
    entries.delete(path);
    for (const inside of [...entries.keys()]) if (isInside(inside, path)) entries.delete(inside);
    this.touch({ kind: "tree" });
  }

  /** Renames a file, or a folder with everything below it, within its file system. */
  rename(fromKey: string, toKey: string): void {
    const from = this.checked(fromKey);
    const to = this.checked(toKey);
    if (from.entries !== to.entries) throw new ProjectError("bad-path", `${from.keyOf(from.path)} cannot move to another disk; create the file there instead`);
    const { entries, keyOf } = from;
    const source = from.path;
    const target = to.path;
    if (source === target) return;
    if (!entries.has(source) && !isImplicitIn(entries, source)) throw new ProjectError("not-found", `${keyOf(source)} does not exist in your files`);
    if (entries.has(target) || isImplicitIn(entries, target)) throw new ProjectError("exists", `${keyOf(target)} already exists; delete it first or pick another name`);
    if (isInside(target, source)) throw new ProjectError("bad-path", `cannot move ${keyOf(source)} into itself`);
    checkParentsAreDirectories(entries, target, keyOf);
    const moved: OverlayFile[] = [];
    for (const [path, entry] of entries) {
      if (path === source || isInside(path, source)) moved.push(entry);
    }
    for (const entry of moved) entries.delete(entry.path);
    for (const entry of moved) {
      const path = target + entry.path.slice(source.length);
      entries.set(path, { ...entry, path });
    }
    this.touch({ kind: "tree" });
  }

  setMode(key: string, mode: number): void {
    const { entries, path, keyOf } = this.checked(key);
    const entry = entries.get(path);
    if (!entry) throw new ProjectError("not-found", `${keyOf(path)} does not exist in your files`);
    if (entry.mode === (mode & 0o7777)) return;
    entries.set(path, { ...entry, mode: mode & 0o7777 });
    this.touch({ kind: "tree" });
  }

  setExecutable(key: string, executable: boolean): void {
    const entry = this.get(key);
    if (!entry) throw new ProjectError("not-found", `${key} does not exist in your files`);
    const mode = executable ? entry.mode | ((entry.mode & 0o444) >> 2) | 0o100 : entry.mode & ~0o111;
    this.setMode(key, mode);
  }

  setCmdline(cmdline: string): void {
    const clean = cmdline.replace(/[\r\n]+/g, " ").trim();
    if (clean === this.state.cmdline) return;
    this.state = { ...this.state, cmdline: clean };
    this.touch({ kind: "cmdline" });
  }

  setName(name: string): void {
    this.state = { ...this.state, name };
    this.touch({ kind: "replaced" });
  }

  /** Replaces everything (a template or another project was loaded). */
  replace(state: ProjectState): void {
    this.state = state;
    this.load(state);
    this.changes.emit({ kind: "replaced" });
  }

  /** True when files, disks or command line differ from the template the project started from. */
  isEdited(): boolean {
    return signatureOf(this.snapshot()) !== this.state.pristineSignature;
  }

  snapshot(): ProjectState {
    const state: ProjectState = { ...this.state, files: this.files() };
    if (this.diskInfo.length > 0 || this.state.disks) state.disks = this.disks();
    return state;
  }

  private load(state: ProjectState): void {
    this.entries.clear();
    for (const file of state.files) this.entries.set(file.path, file);
    this.diskEntries.clear();
    this.diskInfo = [];
    for (const { files, ...info } of state.disks ?? []) {
      if (this.diskEntries.has(info.name)) continue;
      this.diskInfo.push(info);
      this.diskEntries.set(info.name, new Map(files.map((file) => [file.path, file])));
    }
  }

  private touch(change: ProjectChange): void {
    this.state = { ...this.state, updatedAt: Date.now() };
    this.changes.emit(change);
  }

  /** The tree a key is in (undefined for a disk the project lacks) and its normalised path there. */
  private tree(key: string): { entries: Entries | undefined; path: string; disk: string | undefined } {
    const { disk, path } = locateKey(key.trim());
    let normalized = path;
    try {
      normalized = normalizeGuestPath(path);
    } catch {
      // has() of a malformed path is false: the tree has no such entry.
    }
    return { entries: disk === undefined ? this.entries : this.diskEntries.get(disk), path: normalized, disk };
  }

  /** As tree(), refusing a malformed path or an unknown disk with a ProjectError. */
  private checked(key: string): { entries: Entries; path: string; keyOf: (path: string) => string } {
    const { disk, path } = locateKey(key.trim());
    let normalized: string;
    try {
      normalized = normalizeGuestPath(path);
    } catch (error) {
      if (error instanceof PathError) throw new ProjectError("bad-path", error.message);
      throw error;
    }
    const entries = disk === undefined ? this.entries : this.diskEntries.get(disk);
    if (!entries) throw new ProjectError("not-found", `this project has no disk named "${disk}"${this.diskInfo.length ? `; its disks are ${this.diskInfo.map((d) => d.name).join(", ")}` : ""}`);
    return { entries, path: normalized, keyOf: (p) => fileKey(disk === undefined ? { path: p } : { disk, path: p }) };
  }
}

function isImplicitIn(entries: Entries, path: string): boolean {
  if (entries.has(path)) return false;
  for (const key of entries.keys()) if (isInside(key, path)) return true;
  return false;
}

function checkParentsAreDirectories(entries: Entries, path: string, keyOf: (path: string) => string): void {
  for (const ancestor of ancestorsOf(path)) {
    if (entries.get(ancestor)?.kind === "file") {
      throw new ProjectError("not-a-file", `${keyOf(ancestor)} is a file, so nothing can go inside it`);
    }
  }
}

/**
 * A short fingerprint of what a boot would see (files, modes, contents, command line), to tell
 * whether a project still equals its template. FNV-1a over a canonical text.
 */
export function signatureOf(state: Pick<ProjectState, "files" | "cmdline" | "disks">): string {
  let hash = 0x811c9dc5;
  const feed = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
  };
  feed(state.cmdline);
  const feedFiles = (files: readonly OverlayFile[]) => {
    for (const file of [...files].sort(byPath)) {
      feed(`\0${file.path}\0${file.kind}\0${file.mode}\0`);
      if (file.text !== undefined) feed(file.text);
      if (file.data) for (const byte of file.data) feed(String.fromCharCode(byte));
    }
  };
  feedFiles(state.files);
  // Projects without disks keep the signature they had before disks existed.
  for (const disk of state.disks ?? []) {
    feed(`\0disk\0${disk.name}\0${disk.role}\0${disk.size}\0${disk.base}`);
    feedFiles(disk.files);
  }
  const diskFiles = (state.disks ?? []).reduce((sum, disk) => sum + disk.files.length, 0);
  return `${hash.toString(16)}:${state.files.length}${diskFiles ? `+${diskFiles}` : ""}`;
}
