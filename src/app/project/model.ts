// The project the user edits: the overlay files laid over the base archive, the kernel command
// line and the template it started from. Plain data plus change events; the editor, the file
// tree, storage and window.bootlab all work on this one model.
import { Emitter } from "../ui/dom.ts";
import { ancestorsOf, isInside, normalizeGuestPath, PathError } from "../../core/rootfs/guest-path.ts";

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

export class ProjectModel {
  private state: ProjectState;
  private readonly entries = new Map<string, OverlayFile>();
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

  /** Every overlay entry, sorted by path. */
  files(): OverlayFile[] {
    return [...this.entries.values()].sort(byPath);
  }

  get(path: string): OverlayFile | undefined {
    return this.entries.get(path);
  }

  has(path: string): boolean {
    return this.entries.has(path) || this.isImplicitDirectory(path);
  }

  /** A directory that exists only because files lie below it. */
  isImplicitDirectory(path: string): boolean {
    if (this.entries.has(path)) return false;
    for (const key of this.entries.keys()) if (isInside(key, path)) return true;
    return false;
  }

  /** Creates or replaces a text file. New files get `mode` or 0644. */
  writeText(path: string, text: string, mode?: number): OverlayFile {
    const normalized = this.checkedPath(path);
    const existing = this.entries.get(normalized);
    if (existing?.kind === "directory") throw new ProjectError("not-a-file", `${normalized} is a folder, not a file`);
    this.checkParentsAreDirectories(normalized);
    const file: OverlayFile = { path: normalized, kind: "file", mode: mode ?? existing?.mode ?? 0o644, text };
    this.entries.set(normalized, file);
    this.touch(existing && existing.mode === file.mode ? { kind: "content", path: normalized } : { kind: "tree" });
    return file;
  }

  /** Creates or replaces a binary file. */
  writeBinary(path: string, data: Uint8Array, mode: number): OverlayFile {
    const normalized = this.checkedPath(path);
    if (this.entries.get(normalized)?.kind === "directory") throw new ProjectError("not-a-file", `${normalized} is a folder, not a file`);
    this.checkParentsAreDirectories(normalized);
    const file: OverlayFile = { path: normalized, kind: "file", mode, data };
    this.entries.set(normalized, file);
    this.touch({ kind: "tree" });
    return file;
  }

  addDirectory(path: string, mode = 0o755): OverlayFile {
    const normalized = this.checkedPath(path);
    if (this.has(normalized)) throw new ProjectError("exists", `${normalized} already exists`);
    this.checkParentsAreDirectories(normalized);
    const directory: OverlayFile = { path: normalized, kind: "directory", mode };
    this.entries.set(normalized, directory);
    this.touch({ kind: "tree" });
    return directory;
  }

  /** Removes a file, or a folder with everything below it. */
  remove(path: string): void {
    const normalized = this.checkedPath(path);
    if (!this.has(normalized)) throw new ProjectError("not-found", `${normalized} does not exist in your files`);
    this.entries.delete(normalized);
    for (const key of [...this.entries.keys()]) if (isInside(key, normalized)) this.entries.delete(key);
    this.touch({ kind: "tree" });
  }

  /** Renames a file, or a folder with everything below it. */
  rename(from: string, to: string): void {
    const source = this.checkedPath(from);
    const target = this.checkedPath(to);
    if (source === target) return;
    if (!this.has(source)) throw new ProjectError("not-found", `${source} does not exist in your files`);
    if (this.has(target)) throw new ProjectError("exists", `${target} already exists; delete it first or pick another name`);
    if (isInside(target, source)) throw new ProjectError("bad-path", `cannot move ${source} into itself`);
    this.checkParentsAreDirectories(target);
    const moved: OverlayFile[] = [];
    for (const [key, entry] of this.entries) {
      if (key === source || isInside(key, source)) moved.push(entry);
    }
    for (const entry of moved) this.entries.delete(entry.path);
    for (const entry of moved) {
      const path = target + entry.path.slice(source.length);
      this.entries.set(path, { ...entry, path });
    }
    this.touch({ kind: "tree" });
  }

  setMode(path: string, mode: number): void {
    const normalized = this.checkedPath(path);
    const entry = this.entries.get(normalized);
    if (!entry) throw new ProjectError("not-found", `${normalized} does not exist in your files`);
    if (entry.mode === (mode & 0o7777)) return;
    this.entries.set(normalized, { ...entry, mode: mode & 0o7777 });
    this.touch({ kind: "tree" });
  }

  setExecutable(path: string, executable: boolean): void {
    const entry = this.entries.get(path);
    if (!entry) throw new ProjectError("not-found", `${path} does not exist in your files`);
    const mode = executable ? entry.mode | ((entry.mode & 0o444) >> 2) | 0o100 : entry.mode & ~0o111;
    this.setMode(path, mode);
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

  /** True when files or command line differ from the template the project started from. */
  isEdited(): boolean {
    return signatureOf(this.snapshot()) !== this.state.pristineSignature;
  }

  snapshot(): ProjectState {
    return { ...this.state, files: this.files() };
  }

  private load(state: ProjectState): void {
    this.entries.clear();
    for (const file of state.files) this.entries.set(file.path, file);
  }

  private touch(change: ProjectChange): void {
    this.state = { ...this.state, updatedAt: Date.now() };
    this.changes.emit(change);
  }

  private checkedPath(path: string): string {
    try {
      return normalizeGuestPath(path.trim());
    } catch (error) {
      if (error instanceof PathError) throw new ProjectError("bad-path", error.message);
      throw error;
    }
  }

  private checkParentsAreDirectories(path: string): void {
    for (const ancestor of ancestorsOf(path)) {
      if (this.entries.get(ancestor)?.kind === "file") {
        throw new ProjectError("not-a-file", `${ancestor} is a file, so nothing can go inside it`);
      }
    }
  }
}

/**
 * A short fingerprint of what a boot would see (files, modes, contents, command line), to tell
 * whether a project still equals its template. FNV-1a over a canonical text.
 */
export function signatureOf(state: Pick<ProjectState, "files" | "cmdline">): string {
  let hash = 0x811c9dc5;
  const feed = (text: string) => {
    for (let i = 0; i < text.length; i++) {
      hash ^= text.charCodeAt(i);
      hash = Math.imul(hash, 0x01000193) >>> 0;
    }
  };
  feed(state.cmdline);
  for (const file of [...state.files].sort(byPath)) {
    feed(`\0${file.path}\0${file.kind}\0${file.mode}\0`);
    if (file.text !== undefined) feed(file.text);
    if (file.data) for (const byte of file.data) feed(String.fromCharCode(byte));
  }
  return `${hash.toString(16)}:${state.files.length}`;
}
