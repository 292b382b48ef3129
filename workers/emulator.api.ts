// The typed API of the emulator worker (emulator.worker.ts). The app imports this file as types
// only and talks to the worker through one bridge class (src/app/emulator/bridge.ts).
//
// Errors: comlink keeps only the message of an Error, so every method rejects with a plain
// `EmulatorFailure` object ({ code, message }) that crosses intact.

import type { BootExpectations, BootPlan, BootSystem, DiskChange, KernelView } from "../src/core/boot/index.ts";
import type { CompileTimings } from "../src/core/cinit/index.ts";

/** Where the worker fetches what a boot needs; absolute URLs, resolved by the page. */
export interface AssetUrls {
  /** The prebuilt/ folder, ending with "/". */
  prebuilt: string;
}

/** A boot: the system as the page describes it; the worker plans it (src/core/boot/plan.ts). */
export interface BootRequest {
  system: BootSystem;
  /** Boot cold even when a warm snapshot would serve (reboot({ cold: true }), Ctrl+Shift+Enter). */
  cold?: boolean;
}

export interface BootStarted {
  /** Increases with every boot; serial bytes carry it so that output of an old boot is dropped. */
  bootId: number;
  /** The size of the one plain initrd the guest got. */
  initrdBytes: number;
  /** Its sha256 (hex): the same project gives the same initrd in the page and in `bootlab boot`. */
  initrdSha256: string;
  /** Time to fetch what was not cached yet (0 when everything was). */
  fetchMs: number;
  /** Time to plan the boot: pack the files and join them to the base. */
  planMs: number;
  /** Of planMs: compiling the system's C source in a build guest (0 when it has none, or the same source was compiled before). */
  compileMs?: number;
  /** Of planMs: writing the system's disks made of files as ext4 images (only for a system that has them). */
  diskWriteMs?: number;
  /**
   * When the system's C source was compiled now (not found compiled): whether the build guest
   * was warm (or why cold), and where the time went: restore, deliver, the guest's run, read back.
   */
  compile?: CompileTimings;
  /** Time from creating the emulator until the guest runs. */
  emulatorStartMs: number;
  /** The kernel the plan booted and why ("tiny", its one-line summary). */
  kernel: BootPlan["kernel"];
  /** What the plan decided for the user, in sentences (a kernel it picked, ...). */
  notes: string[];
  /** The architecture the system's /init is built for, when the booted kernel cannot run it (BootPlan.needsArch). */
  needsArch?: BootPlan["needsArch"];
  /** What the console session should expect: the final command line, the init program, a hint. */
  expectations: BootExpectations;
  /**
   * Whether the guest was restored from a warm snapshot (the kernel's log up to "Run /init" is
   * the snapshot's, the user's init ran on the files delivered to it) or booted cold.
   */
  warm: boolean;
  /** Why a boot was cold, in words: no snapshot yet, a different kernel, asked for, ... */
  coldReason?: string;
  /** Warm boots: restoring the state, and handing the files to the guest, in ms. */
  restoreMs?: number;
  deliverMs?: number;
  /**
   * A warm boot whose snapshot was made for it (the kernel, command line or memory changed, or
   * the first reboot came before the background snapshot): the time the snapshot boot took.
   */
  snapshotMs?: number;
}

/** One download of the worker (the wasm, a kernel, the base archive, ...) as its bytes arrive. */
export interface FetchProgress {
  /** "v86.wasm", or the path under prebuilt/ ("i386/tiny/bzImage", "i386/base.cpio.gz", ...). */
  name: string;
  loaded: number;
  /** From Content-Length, when the server sent one. */
  total?: number;
  done: boolean;
}

/** Receives what the guest does. Passed as a comlink proxy. */
export interface EmulatorEvents {
  /** Every download so far, when one advances (a few times a second at most) and when one ends. */
  fetchProgress?(downloads: FetchProgress[]): void;
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

/** What an export needs: the system as for a boot, and what to call it. */
export interface ExportRequest {
  system: BootSystem;
  /** The template id, recorded in bundle.json and the README. */
  template: string;
  /** The download's file name, used in the README's example commands. */
  zipName?: string;
}

export type EmulatorFailureCode =
  | "artifact-missing"
  | "artifact-fetch-failed"
  | "pack-failed"
  | "plan-refused"
  | "emulator-failed"
  | "not-running"
  | "bad-request"
  | "export-failed"
  | "compile-failed"
  | "site-updated"
  | "disk-not-readable"
  | "disk-unreadable";

/** One of tcc's messages about a source the worker compiled (BootSystem.compile). */
export interface CompileDiagnosticOnPath {
  path: string;
  line: number;
  severity: "error" | "warning";
  message: string;
}

export interface EmulatorFailure {
  code: EmulatorFailureCode;
  message: string;
  /** "compile-failed": tcc's messages with their lines, for editor markers. */
  diagnostics?: CompileDiagnosticOnPath[];
}

/** A disk made of files as the last boot's guest left it, against the image written at boot. */
export interface DiskReadBack {
  /** The disk's name ("data1"). */
  name: string;
  /** Its device in the guest: "/dev/sda". */
  device: string;
  /** The boot whose guest wrote it. */
  bootId: number;
  /** Whether that guest still runs (it may still write; what it did not `sync` is not on the disk yet). */
  running: boolean;
  changes: DiskChange[];
}

export interface EmulatorApi {
  /** Starts fetching and caching what a boot of `system` needs; resolves when it is here. */
  prepare(assets: AssetUrls, system: BootSystem, events?: EmulatorEvents): Promise<void>;
  /** The base archive's entries (fetching it if needed). */
  baseEntries(assets: AssetUrls): Promise<BaseEntry[]>;
  /** Stops a running guest, plans the system (the plan's problems reject with "plan-refused") and boots it. */
  boot(assets: AssetUrls, request: BootRequest, events: EmulatorEvents): Promise<BootStarted>;
  /** Types into the serial console of the running guest. */
  send(text: string): Promise<void>;
  /**
   * Stops the guest; resolves when it is stopped. `park`: pause its emulator and keep it, so
   * that a warm boot next restores into it (much faster than making one); the next boot, warm
   * or cold, disposes of it otherwise.
   */
  stop(options?: { park?: boolean }): Promise<void>;
  /**
   * A disk made of files (BootSystem.fileDisks) of the last boot, as its guest left it: the
   * image v86 wrote into, read with readExt4 and compared with the image written at boot
   * (src/core/boot/disk-changes.ts). Rejects with "not-running" before any boot with that
   * disk, "disk-not-readable" for the RAM disk (it lives in the guest's memory), and
   * "disk-unreadable" when the image does not read (a guest in the middle of writing).
   */
  diskChanges(name: string): Promise<DiskReadBack>;
  /** A prebuilt artifact's bytes (e.g. "i386/hello" for a template), transferred. */
  artifact(assets: AssetUrls, path: string): Promise<Uint8Array>;
  /**
   * The kernel `system` boots and its configuration (src/core/boot/kernel-view.ts): the plan's
   * kernel and notes, its committed fragments, its .config, and whether it runs in QEMU only.
   * The plan's other problems reject with "plan-refused".
   */
  describeKernel(assets: AssetUrls, system: BootSystem): Promise<KernelView>;
  /**
   * The export bundle (src/core/bundle): a zip with the kernel, the planned initrd gzip'd,
   * run-qemu.sh, the sources and a README; the same bytes `bootlab export` writes. Transferred.
   */
  exportBundle(assets: AssetUrls, request: ExportRequest): Promise<Uint8Array>;
  /** The initramfs alone, as the bundle has it (the planned initrd, gzip'd). Transferred. */
  exportInitramfs(assets: AssetUrls, request: ExportRequest): Promise<Uint8Array>;
}
