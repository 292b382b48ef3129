// Saved projects, in IndexedDB through idb-keyval.
//
// API (kept small on purpose; the project list, share links and embed mode build on it):
//
//   const store = await ProjectStore.open("main");   // one IndexedDB database per namespace
//   store.persistent        // false: IndexedDB is unavailable, projects live in memory only
//   store.problem           // why not persistent, in words for the status line
//   await store.list()      // ProjectSummary[], newest first
//   await store.load(id)    // ProjectState | undefined
//   await store.save(state) // insert or replace; throws StorageError("storage-full") on quota
//   await store.remove(id)
//   await store.currentId() / store.setCurrentId(id)   // the project the page opens with
//   ProjectStore.newId()
//
// Namespaces keep data apart: the playground uses "main"; an embedded playground passes its
// own (say "embed") so that an embedding site never sees, or overwrites, the user's projects.
// Every failure is a StorageError with a code, and the page keeps working without storage.
import { createStore, delMany, get, getMany, keys, setMany, type UseStore } from "idb-keyval";
import type { FileDisk } from "../../core/boot/file-disks.ts";
import type { OverlayFile, ProjectState } from "../project/model.ts";

export type StorageErrorCode = "storage-unavailable" | "storage-full" | "storage-failed" | "bad-namespace";

export class StorageError extends Error {
  constructor(
    readonly code: StorageErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ProjectSummary {
  id: string;
  name: string;
  templateId: string;
  fileCount: number;
  updatedAt: number;
  createdAt: number;
}

/** The stored record: the project state plus a format version, so later formats can migrate. */
interface StoredProject extends ProjectState {
  format: 1;
}

/** The few operations the store needs from a key-value backend. */
interface Backend {
  get<T>(key: string): Promise<T | undefined>;
  getMany<T>(keys: string[]): Promise<(T | undefined)[]>;
  setMany(entries: [string, unknown][]): Promise<void>;
  delMany(keys: string[]): Promise<void>;
  keys(): Promise<string[]>;
}

class IndexedDbBackend implements Backend {
  constructor(private readonly store: UseStore) {}
  get<T>(key: string) {
    return get<T>(key, this.store);
  }
  getMany<T>(list: string[]) {
    return getMany<T>(list, this.store);
  }
  setMany(entries: [string, unknown][]) {
    return setMany(entries, this.store);
  }
  delMany(list: string[]) {
    return delMany(list, this.store);
  }
  async keys() {
    return (await keys(this.store)).map(String);
  }
}

/** Used when IndexedDB is unavailable (private windows of some browsers, blocked storage). */
class MemoryBackend implements Backend {
  private readonly map = new Map<string, unknown>();
  async get<T>(key: string) {
    return structuredClone(this.map.get(key)) as T | undefined;
  }
  async getMany<T>(list: string[]) {
    return list.map((key) => structuredClone(this.map.get(key)) as T | undefined);
  }
  async setMany(entries: [string, unknown][]) {
    for (const [key, value] of entries) this.map.set(key, structuredClone(value));
  }
  async delMany(list: string[]) {
    for (const key of list) this.map.delete(key);
  }
  async keys() {
    return [...this.map.keys()];
  }
}

const PROJECT = "project:";
const SUMMARY = "summary:";
const CURRENT = "meta:current";
const NAMESPACE = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
/** How long opening IndexedDB may take before the page gives up and keeps projects in memory. */
const OPEN_TIMEOUT_MS = 3000;

export class ProjectStore {
  private constructor(
    readonly namespace: string,
    private readonly backend: Backend,
    readonly persistent: boolean,
    readonly problem: string | undefined,
  ) {}

  /**
   * Opens the namespace's database. Never rejects for lack of storage: it falls back to memory
   * and says why in `problem`. Rejects only for a malformed namespace.
   */
  static async open(namespace = "main"): Promise<ProjectStore> {
    if (!NAMESPACE.test(namespace)) {
      throw new StorageError("bad-namespace", `storage namespace "${namespace}": use 1-64 letters, digits, ".", "_", ":" or "-"`);
    }
    try {
      if (typeof indexedDB === "undefined") throw new Error("this browser has no IndexedDB");
      const backend = new IndexedDbBackend(createStore(`bootlab:${namespace}`, "kv"));
      await withTimeout(backend.keys(), OPEN_TIMEOUT_MS, "IndexedDB did not open");
      return new ProjectStore(namespace, backend, true, undefined);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return new ProjectStore(
        namespace,
        new MemoryBackend(),
        false,
        `Storage is unavailable (${reason}): your edits are kept only until you close this page.`,
      );
    }
  }

  /** A memory-only store (tests, or a page that must not persist anything). */
  static inMemory(namespace = "memory"): ProjectStore {
    return new ProjectStore(namespace, new MemoryBackend(), false, undefined);
  }

  static newId(): string {
    return typeof crypto !== "undefined" && "randomUUID" in crypto
      ? crypto.randomUUID()
      : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  }

  async list(): Promise<ProjectSummary[]> {
    const summaryKeys = (await this.run(() => this.backend.keys())).filter((key) => key.startsWith(SUMMARY));
    const summaries = await this.run(() => this.backend.getMany<ProjectSummary>(summaryKeys));
    return summaries.filter((s): s is ProjectSummary => s !== undefined).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async load(id: string): Promise<ProjectState | undefined> {
    const stored = await this.run(() => this.backend.get<StoredProject>(PROJECT + id));
    if (!stored) return undefined;
    const { format: _format, ...state } = stored;
    // A project saved before disks were editable has no `disks`: the page gives it its
    // template's (withTemplateDisks) when it opens it.
    const loaded: ProjectState = { ...state, files: state.files.map(cleanFile) };
    if (state.disks) loaded.disks = state.disks.map(cleanDisk);
    return loaded;
  }

  /** Saves the project and its summary in one transaction. */
  async save(state: ProjectState): Promise<void> {
    const stored: StoredProject = { ...state, files: state.files.map(cleanFile), format: 1 };
    if (state.disks) stored.disks = state.disks.map(cleanDisk);
    const summary: ProjectSummary = {
      id: state.id,
      name: state.name,
      templateId: state.templateId,
      fileCount: state.files.length + (state.disks ?? []).reduce((sum, disk) => sum + disk.files.length, 0),
      updatedAt: state.updatedAt,
      createdAt: state.createdAt,
    };
    await this.run(() =>
      this.backend.setMany([
        [PROJECT + state.id, stored],
        [SUMMARY + state.id, summary],
      ]),
    );
  }

  async remove(id: string): Promise<void> {
    await this.run(() => this.backend.delMany([PROJECT + id, SUMMARY + id]));
  }

  async currentId(): Promise<string | undefined> {
    return this.run(() => this.backend.get<string>(CURRENT));
  }

  async setCurrentId(id: string): Promise<void> {
    await this.run(() => this.backend.setMany([[CURRENT, id]]));
  }

  /** Runs a backend operation, turning its failure into a StorageError that says what to do. */
  private async run<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      throw toStorageError(error);
    }
  }
}

export function toStorageError(error: unknown): StorageError {
  if (error instanceof StorageError) return error;
  const name = error instanceof DOMException || error instanceof Error ? error.name : "";
  const message = error instanceof Error ? error.message : String(error);
  if (name === "QuotaExceededError" || /quota/i.test(message)) {
    return new StorageError(
      "storage-full",
      "Storage is full: your latest edits are not saved. Free space by deleting projects or site data; the page keeps working.",
    );
  }
  return new StorageError("storage-failed", `Saving failed (${message}); the page keeps working, but recent edits may not survive a reload.`);
}

/** Only the fields a stored disk has, its files cleaned. */
function cleanDisk(disk: FileDisk): FileDisk {
  return { name: disk.name, role: disk.role, size: disk.size, fs: disk.fs, base: disk.base, files: disk.files.map(cleanFile) };
}

/** Only the fields a stored file has: no stray properties from callers. */
function cleanFile(file: OverlayFile): OverlayFile {
  const clean: OverlayFile = { path: file.path, kind: file.kind, mode: file.mode };
  if (file.text !== undefined) clean.text = file.text;
  if (file.data !== undefined) clean.data = file.data;
  // A symlink's target and a device's numbers (an imported archive's /bin/sh -> busybox, /dev/console).
  if (file.target !== undefined) clean.target = file.target;
  if (file.major !== undefined) clean.major = file.major;
  if (file.minor !== undefined) clean.minor = file.minor;
  return clean;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} within ${ms / 1000} s`)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
