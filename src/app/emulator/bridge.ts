// The one bridge between the page and the emulator worker (workers/emulator.worker.ts).
// comlink carries the calls; failures arrive as { code, message } and become EmulatorError.
// A guest that does not stop when asked is dealt with by terminating the worker and starting a
// fresh one, so Stop always works and the page never waits on a runaway guest.
import { proxy, wrap, type Remote } from "comlink";
import type { AssetUrls, BaseEntry, BootRequest, BootStarted, CompileDiagnosticOnPath, DiskReadBack, EmulatorApi, EmulatorEvents, ExportRequest, FetchProgress } from "../../../workers/emulator.api.ts";
import type { BootSystem, KernelView } from "../../core/boot/index.ts";
import { Emitter } from "../ui/dom.ts";

/** How long a stop may take before the worker is terminated instead. */
const STOP_TIMEOUT_MS = 1500;

export class EmulatorError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** "compile-failed": tcc's messages with their lines. */
    readonly diagnostics: readonly CompileDiagnosticOnPath[] = [],
  ) {
    super(message);
  }
}

function asEmulatorError(error: unknown): EmulatorError {
  if (error instanceof EmulatorError) return error;
  if (typeof error === "object" && error !== null && "code" in error && "message" in error) {
    const diagnostics = "diagnostics" in error && Array.isArray(error.diagnostics) ? (error.diagnostics as CompileDiagnosticOnPath[]) : [];
    return new EmulatorError(String(error.code), String(error.message), diagnostics);
  }
  return new EmulatorError("worker-failed", error instanceof Error ? error.message : String(error));
}

export interface SerialChunk {
  bootId: number;
  bytes: Uint8Array;
}

export class EmulatorBridge {
  readonly serial = new Emitter<SerialChunk>();
  readonly exits = new Emitter<{ bootId: number; reason: string }>();
  /** The worker's downloads (wasm, kernel, base, ...) as their bytes arrive. */
  readonly downloads = new Emitter<FetchProgress[]>();
  /** The worker's downloads as last reported (every one so far). */
  lastDownloads: FetchProgress[] = [];
  /** Fires when the worker had to be terminated and replaced. */
  readonly restarts = new Emitter<string>();
  private worker!: Worker;
  private api!: Remote<EmulatorApi>;
  private readonly events: EmulatorEvents;

  constructor(readonly assets: AssetUrls) {
    this.events = proxy<EmulatorEvents>({
      serial: (bootId, bytes) => this.serial.emit({ bootId, bytes }),
      exit: (bootId, reason) => this.exits.emit({ bootId, reason }),
      fetchProgress: (downloads) => {
        this.lastDownloads = downloads;
        this.downloads.emit(downloads);
      },
    });
    this.startWorker();
  }

  private startWorker(): void {
    this.worker = new Worker(new URL("../../../workers/emulator.worker.ts", import.meta.url), {
      type: "module",
      name: "bootlab-emulator",
    });
    this.api = wrap<EmulatorApi>(this.worker);
  }

  /** Terminates the worker (and the guest with it) and starts a fresh one. */
  private restartWorker(reason: string): void {
    this.worker.terminate();
    this.startWorker();
    this.restarts.emit(reason);
  }

  private async call<T>(operation: (api: Remote<EmulatorApi>) => Promise<T>): Promise<T> {
    try {
      return await operation(this.api);
    } catch (error) {
      throw asEmulatorError(error);
    }
  }

  prepare(system: BootSystem): Promise<void> {
    return this.call((api) => api.prepare(this.assets, system, this.events));
  }

  baseEntries(): Promise<BaseEntry[]> {
    return this.call((api) => api.baseEntries(this.assets));
  }

  artifact(path: string): Promise<Uint8Array> {
    return this.call((api) => api.artifact(this.assets, path));
  }

  /** A disk of the last boot as its guest left it, against the image written at boot; see EmulatorApi.diskChanges. */
  diskChanges(name: string): Promise<DiskReadBack> {
    return this.call((api) => api.diskChanges(name));
  }

  /** The kernel a system boots and its configuration; see EmulatorApi.describeKernel. */
  describeKernel(system: BootSystem): Promise<KernelView> {
    return this.call((api) => api.describeKernel(this.assets, system));
  }

  /** The export bundle (zip bytes); see EmulatorApi.exportBundle. */
  exportBundle(request: ExportRequest): Promise<Uint8Array> {
    return this.call((api) => api.exportBundle(this.assets, request));
  }

  /** The initramfs alone (.cpio.gz bytes); see EmulatorApi.exportInitramfs. */
  exportInitramfs(request: ExportRequest): Promise<Uint8Array> {
    return this.call((api) => api.exportInitramfs(this.assets, request));
  }

  /** Stops whatever runs, then packs and boots. */
  async boot(request: BootRequest): Promise<BootStarted> {
    // Paused, not destroyed: a warm boot restores its snapshot into this emulator.
    await this.stop({ park: true });
    return this.call((api) => api.boot(this.assets, request, this.events));
  }

  send(text: string): Promise<void> {
    return this.call((api) => api.send(text));
  }

  /**
   * Stops the guest; if the worker does not answer in time, replaces the worker. `park` keeps
   * the paused emulator for the next boot (see EmulatorApi.stop).
   */
  async stop(options: { park?: boolean } = {}): Promise<void> {
    const stopped = this.api.stop(options).then(
      () => true,
      () => true,
    );
    const timedOut = new Promise<false>((resolve) => setTimeout(() => resolve(false), STOP_TIMEOUT_MS));
    if (!(await Promise.race([stopped, timedOut]))) {
      this.restartWorker(`the emulator did not stop within ${STOP_TIMEOUT_MS / 1000} s, so it was terminated`);
    }
  }

  dispose(): void {
    this.worker.terminate();
  }
}
