// window.bootlab: the page's automation contract (docs/page-api.md), for tests, tutorials and the embed
// mode's postMessage bridge, which forwards the same calls.
//
// Every method returns a promise (so the same calls work over postMessage) and rejects with a
// BootlabApiError carrying a `code`. shareLink() and exportBundle() belong to the share/export
// feature, which registers them with `registerApiExtension`; until then they reject with
// code "not-available".
import type { DiskChangeKind } from "../../core/boot/disk-changes.ts";
import type { KernelView } from "../../core/boot/index.ts";
import type { BootMetrics } from "../emulator/boot-controller.ts";
import type { KeptChanges } from "../project/keep-disk-changes.ts";
import type { ApiImplementation } from "./methods.ts";

export interface ListedFile {
  path: string;
  kind: "file" | "directory" | "symlink" | "char-device" | "block-device" | "fifo" | "socket" | "hardlink";
  mode: number;
  size: number;
  /** True for the base archive's entries (BusyBox and its links): they cannot be written. */
  readOnly: boolean;
  binary: boolean;
  /** The disk the file is on ("data1"), with `path` a path on that disk; absent for the initramfs. */
  disk?: string;
}

/** Which file system a call means: a disk of the project by name; absent: the initramfs. */
export interface OnDisk {
  disk?: string;
}

/** One change the last boot's guest made to a disk (diskChanges). */
export interface ListedDiskChange {
  change: DiskChangeKind;
  /** The path on the disk. */
  path: string;
  kind: ListedFile["kind"];
  mode: number;
  size: number;
  /** For "changed": what differs ("content", "mode 0644 -> 0755", ...). */
  what?: string[];
  /** The guest's text of an added or changed text file. */
  text?: string;
  /** A symlink's target. */
  target?: string;
  /** Whether keepDiskChanges lays it into the project; `reason` says why not. */
  keepable: boolean;
  reason?: string;
}

export interface DiskChangesReport {
  disk: string;
  /** "/dev/sda". */
  device: string;
  /** The boot whose guest wrote the disk. */
  bootId: number;
  /** Whether that guest still runs (what it did not sync is not on the disk yet). */
  running: boolean;
  changes: ListedDiskChange[];
}

export type { KeptChanges };

export interface BootlabApi {
  listFiles(): Promise<ListedFile[]>;
  readFile(path: string, options?: OnDisk): Promise<string>;
  writeFile(path: string, text: string, options?: { mode?: number } & OnDisk): Promise<void>;
  removeFile(path: string, options?: OnDisk): Promise<void>;
  setCmdline(cmdline: string): Promise<void>;
  /**
   * Boots the current files; resolves once the new guest runs (use waitFor for its output).
   * Warm when a snapshot serves (metrics().warm); `{ cold: true }` forces a cold boot.
   */
  reboot(options?: { cold?: boolean }): Promise<void>;
  send(text: string): Promise<void>;
  output(): Promise<string>;
  waitFor(pattern: string | RegExp, ms?: number): Promise<string>;
  metrics(): Promise<BootMetrics>;
  /** What the last boot's guest wrote to the project's disk `name`, against what the boot wrote. */
  diskChanges(name: string): Promise<DiskChangesReport>;
  /** Reads the disk `name` again and lays the guest's changes into the project's tree of it. */
  keepDiskChanges(name: string): Promise<KeptChanges>;
  /**
   * The kernel the current files boot and its configuration: the plan's kernel and notes, the
   * committed fragments with a note per line, the full .config, and whether it runs in QEMU only.
   */
  kernel(): Promise<KernelView>;
  /** A link that opens this project (filled in by the share feature). */
  shareLink(): Promise<string>;
  /** A zip that `bootlab boot --bundle` boots (filled in by the export feature). */
  exportBundle(): Promise<Blob>;
}

/** The calls a feature module may provide. */
export type ApiExtension = Partial<Pick<BootlabApi, "shareLink" | "exportBundle">>;

export class BootlabApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "BootlabApiError";
  }
}

/**
 * The playground's implementation of the calls (unchecked: automation/methods.ts's makeApi checks
 * the arguments) with shareLink/exportBundle filled in by the feature that registers them.
 */
export class ExtensibleApi {
  private extension: ApiExtension = {};
  readonly implementation: ApiImplementation;

  constructor(core: Omit<ApiImplementation, "shareLink" | "exportBundle">) {
    this.implementation = {
      ...core,
      shareLink: () => {
        const shareLink = this.extension.shareLink;
        return shareLink ? shareLink() : notAvailable("shareLink");
      },
      exportBundle: () => {
        const exportBundle = this.extension.exportBundle;
        return exportBundle ? exportBundle() : notAvailable("exportBundle");
      },
    };
  }

  /** Called by the share/export feature to provide its calls. */
  registerApiExtension(extension: ApiExtension): void {
    this.extension = { ...this.extension, ...extension };
  }
}

function notAvailable(name: string): Promise<never> {
  return Promise.reject(new BootlabApiError("not-available", `bootlab.${name}() is not available yet in this build of the page`));
}

/** Wraps a call so that any failure rejects with a BootlabApiError that has a code. */
export async function withCode<T>(fallbackCode: string, body: () => T | Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof BootlabApiError) throw error;
    const code = typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : fallbackCode;
    throw new BootlabApiError(code, error instanceof Error ? error.message : String(error));
  }
}
