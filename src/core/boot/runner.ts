// The one interface both emulators implement (V86Runner in workers/runner, QemuRunner in
// src/cli/runners), so a test, `bootlab boot` or the browser worker can swap one for the other.
import type { BootSpec } from "./spec.ts";

export type EmulatorName = "v86" | "qemu";

/** Something that holds a listener or a resource and lets it go. */
export interface Disposable {
  dispose(): void;
}

/** Why the emulator stopped on its own (not through `stop()`). */
export interface RunnerExit {
  /** The emulator's exit code, when it is a process (QEMU). */
  code?: number;
  /** One line for the user: "qemu-system-i386 exited with code 0". */
  reason: string;
  /**
   * The guest stopped its CPU for good (v86: HLT with interrupts off), which is how a power-off
   * or halt ends in an emulator without ACPI power-off. The session counts it as powered off.
   */
  halted?: boolean;
}

export interface RunnerTimings {
  /**
   * Milliseconds from `start()` until the emulator could run guest code: loading and compiling
   * the wasm and copying the images for v86, spawning the process for QEMU. Reported apart from
   * the guest's boot so a benchmark can tell them apart.
   */
  emulatorStartMs: number;
}

export interface Runner {
  readonly emulator: EmulatorName;
  /** Starts the guest. Resolves once the guest runs; rejects with a user-facing message if the emulator cannot start. */
  start(spec: BootSpec): Promise<RunnerTimings>;
  /** Serial console output of the guest, in the order it arrived, in chunks of any size. */
  onSerial(listener: (bytes: Uint8Array) => void): Disposable;
  /**
   * The emulator or the guest ended by itself: QEMU exits on power-off (and, with -no-reboot, on
   * reboot) or crashes; v86 reports a guest that halted its CPU with interrupts off.
   */
  onExit(listener: (exit: RunnerExit) => void): Disposable;
  /** Types into the guest's serial console. */
  send(data: Uint8Array | string): void;
  /** Stops the guest. Safe to call more than once and before `start()` finished. */
  stop(): Promise<void>;
  /** `stop()` and drop every listener. */
  dispose(): Promise<void>;
}

/** A tiny listener list with disposable subscriptions, shared by both runners. */
export class ListenerSet<T> {
  private readonly listeners = new Set<(value: T) => void>();

  add(listener: (value: T) => void): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  emit(value: T): void {
    for (const listener of [...this.listeners]) listener(value);
  }

  clear(): void {
    this.listeners.clear();
  }

  get size(): number {
    return this.listeners.size;
  }
}
