// The typed API of the emulator worker (emulator.worker.ts). The app imports this file as types
// only and talks to the worker through one bridge class (src/app/emulator/bridge.ts).
//
// Errors: comlink keeps only the message of an Error, so every method rejects with a plain
// `EmulatorFailure` object ({ code, message }) that crosses intact.

import type { TemplateKernel } from "../src/core/templates/index.ts";

/** Where the worker fetches what a boot needs; absolute URLs, resolved by the page. */
export interface AssetUrls {
  /** The prebuilt/ folder, ending with "/". */
  prebuilt: string;
}

/** One node of the overlay the user edits, as the worker packs it. Paths are absolute ("/init"). */
export interface OverlayNode {
  path: string;
  kind: "file" | "directory" | "symlink";
  /** Permission bits only (0o755). */
  mode: number;
  /** File content. */
  data?: Uint8Array;
  /** Symlink target. */
  target?: string;
}

export interface BootRequest {
  kernel: TemplateKernel;
  /** Whether the BusyBox base archive goes under the overlay. */
  base: "busybox" | "none";
  cmdline: string;
  overlay: OverlayNode[];
  /** Guest memory; default 128 MiB (v86 needs more than 64 MiB plus the initrd). */
  memoryMiB?: number;
}

export interface BootStarted {
  /** Increases with every boot; serial bytes carry it so that output of an old boot is dropped. */
  bootId: number;
  initrdBytes: number;
  /** Time to fetch what was not cached yet (0 when everything was). */
  fetchMs: number;
  /** Time to pack the overlay and join it with the base archive. */
  packMs: number;
  /** Time from creating the emulator until the guest runs. */
  emulatorStartMs: number;
}

/** Receives what the guest does. Passed as a comlink proxy. */
export interface EmulatorEvents {
  /** Serial console output, batched (at most one message per animation frame's worth of time). */
  serial(bootId: number, bytes: Uint8Array): void;
  /** The emulator ended by itself. */
  exit(bootId: number, reason: string): void;
}

/** One entry of the base archive, listed read-only in the file tree. */
export interface BaseEntry {
  path: string;
  kind: "file" | "directory" | "symlink" | "char-device" | "block-device" | "fifo" | "socket" | "hardlink";
  mode: number;
  size: number;
  target?: string;
}

/**
 * What an export needs: the project's files as the boot gets them, and which kernel and base.
 * The worker lays the files over the compressed base archive itself, so the page never holds
 * (or re-compresses) the base on its main thread.
 */
export interface ExportRequest {
  kernel: TemplateKernel;
  base: "busybox" | "none";
  cmdline: string;
  /** Files and folders only (the page's model has no symlinks). */
  overlay: OverlayNode[];
  /** The template id, recorded in bundle.json and the README. */
  template: string;
  /** The download's file name, used in the README's example commands. */
  zipName?: string;
}

export type EmulatorFailureCode =
  | "artifact-missing"
  | "artifact-fetch-failed"
  | "pack-failed"
  | "emulator-failed"
  | "not-running"
  | "bad-request"
  | "export-failed";

export interface EmulatorFailure {
  code: EmulatorFailureCode;
  message: string;
}

export interface EmulatorApi {
  /** Starts fetching and caching the artifacts of a kernel profile; resolves when they are here. */
  prepare(assets: AssetUrls, kernel: TemplateKernel): Promise<void>;
  /** The base archive's entries (fetching it if needed). */
  baseEntries(assets: AssetUrls): Promise<BaseEntry[]>;
  /** Stops a running guest, packs the overlay over the base archive and boots it. */
  boot(assets: AssetUrls, request: BootRequest, events: EmulatorEvents): Promise<BootStarted>;
  /** Types into the serial console of the running guest. */
  send(text: string): Promise<void>;
  /** Stops the guest; resolves when it is stopped. */
  stop(): Promise<void>;
  /** A prebuilt artifact's bytes (e.g. "i386/hello" for a template), transferred. */
  artifact(assets: AssetUrls, path: string): Promise<Uint8Array>;
  /**
   * The export bundle (src/core/bundle, bundleFromPlan): a zip with the kernel, the initramfs (the
   * initrd the plan boots, gzip'd), run-qemu.sh, the sources and a README. Transferred.
   */
  exportBundle(assets: AssetUrls, request: ExportRequest): Promise<Uint8Array>;
  /** The initramfs alone, as the bundle has it (the plan's initrd as one .cpio.gz). Transferred. */
  exportInitramfs(assets: AssetUrls, request: ExportRequest): Promise<Uint8Array>;
}
