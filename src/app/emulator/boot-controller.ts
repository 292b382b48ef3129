// One boot after another, as the page sees them: starts boots through the bridge, reads the
// serial output into a BootTranscript (src/core/boot), and turns it into a status (booting,
// ready with the time to the prompt, panic with its explanation), output() and waitFor().
import { BootTranscript, type BootDiagnosis, type TimelineEntry } from "../../core/boot/index.ts";
import type { BootRequest, BootStarted } from "../../../workers/emulator.api.ts";
import { Emitter } from "../ui/dom.ts";
import { EmulatorError, type EmulatorBridge } from "./bridge.ts";

export type BootPhase = "idle" | "starting" | "booting" | "ready" | "panic" | "powered-off" | "stopped" | "failed";

export interface BootStatus {
  phase: BootPhase;
  /** One line for the status bar. */
  message: string;
  /** The panic explained, when phase is "panic". */
  diagnosis?: BootDiagnosis;
  timeToPromptMs?: number;
}

export interface BootMetrics {
  bootId: number | undefined;
  /** From pressing Boot (or reboot()) to the first shell prompt (or the template's ready text). */
  timeToPromptMs: number | undefined;
  /** From the kernel's first line to the prompt. */
  kernelToPromptMs: number | undefined;
  /** When the prompt came, in ms since the page started loading (performance.now()). */
  readyAtPageMs: number | undefined;
  fetchMs: number | undefined;
  planMs: number | undefined;
  emulatorStartMs: number | undefined;
  initrdBytes: number | undefined;
  /** sha256 of the initrd the guest got: the CLI's plan of the same project gives the same. */
  initrdSha256: string | undefined;
  /** The kernel the plan chose ("tiny", "full"). */
  kernel: string | undefined;
  /** The final kernel command line (the project's over bootlab's defaults). */
  cmdline: string | undefined;
  timeline: TimelineEntry[];
}

interface CurrentBoot {
  bootId: number | undefined;
  /** Output with a smaller boot id belongs to an earlier boot (its last bytes may still arrive). */
  minBootId: number;
  requestedAt: number;
  transcript: BootTranscript;
  readyPattern: RegExp | undefined;
  readyAt: number | undefined;
  started: BootStarted | undefined;
  ended: boolean;
}

interface Waiter {
  test: (text: string) => string | undefined;
  resolve: (match: string) => void;
}

export class BootController {
  readonly status = new Emitter<BootStatus>();
  /** Serial bytes of the current boot, for the terminal. */
  readonly output$ = new Emitter<Uint8Array>();
  /** A new boot begins: the terminal clears. */
  readonly bootStarted = new Emitter<void>();
  private current: CurrentBoot | undefined;
  private lastStatus: BootStatus = { phase: "idle", message: "Not booted yet" };
  private readonly waiters = new Set<Waiter>();
  private generation = 0;
  /** The highest boot id the worker used; ids start again at 1 when the worker is replaced. */
  private highestBootId = 0;

  constructor(private readonly bridge: EmulatorBridge) {
    bridge.serial.on(({ bootId, bytes }) => this.onSerial(bootId, bytes));
    bridge.restarts.on((reason) => {
      this.highestBootId = 0;
      if (this.current) this.current.ended = true;
      this.setStatus({ phase: "stopped", message: `Stopped: ${reason}.` });
    });
  }

  get lastBootStatus(): BootStatus {
    return this.lastStatus;
  }

  get running(): boolean {
    return this.current !== undefined && !this.current.ended;
  }

  /** Boots; resolves once the guest runs (not when it reaches the prompt). */
  async boot(request: BootRequest, readyPattern?: string): Promise<BootStarted> {
    const generation = ++this.generation;
    // Stop the previous guest first, so that a worker replaced for not stopping is replaced
    // before this boot begins, never during it.
    await this.bridge.stop();
    if (this.current) this.current.ended = true;
    if (generation !== this.generation) throw new EmulatorError("superseded", "another boot or stop came first");
    const boot: CurrentBoot = {
      bootId: undefined,
      minBootId: this.highestBootId + 1,
      requestedAt: performance.now(),
      transcript: new BootTranscript(),
      readyPattern: readyPattern ? new RegExp(readyPattern) : undefined,
      readyAt: undefined,
      started: undefined,
      ended: false,
    };
    this.current = boot;
    this.bootStarted.emit();
    this.setStatus({ phase: "starting", message: "Packing the initramfs and starting the emulator…" });
    try {
      const started = await this.bridge.boot(request);
      this.highestBootId = Math.max(this.highestBootId, started.bootId);
      if (generation !== this.generation) return started;
      boot.bootId = started.bootId;
      boot.started = started;
      if (this.lastStatus.phase === "starting") this.setStatus({ phase: "booting", message: "Booting…" });
      return started;
    } catch (error) {
      if (generation === this.generation) {
        boot.ended = true;
        const message = error instanceof Error ? error.message : String(error);
        this.setStatus({ phase: "failed", message: `Could not boot: ${message}` });
      }
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.generation++;
    const boot = this.current;
    await this.bridge.stop();
    if (boot && !boot.ended) {
      boot.ended = true;
      this.setStatus({ phase: "stopped", message: "Stopped." });
    }
  }

  send(text: string): Promise<void> {
    if (!this.running) return Promise.reject(new EmulatorError("not-running", "no guest is running: press Boot first"));
    return this.bridge.send(text);
  }

  /** Everything the current boot printed so far ("\r" removed). */
  output(): string {
    return this.current?.transcript.text ?? "";
  }

  /** Resolves with the first match in the current boot's output (now or later); rejects after `ms`. */
  waitFor(pattern: string | RegExp, ms = 30_000): Promise<string> {
    const test =
      typeof pattern === "string"
        ? (text: string) => (text.includes(pattern) ? pattern : undefined)
        : (text: string) => text.match(new RegExp(pattern.source, pattern.flags.replace("g", "")))?.[0];
    const already = test(this.output());
    if (already !== undefined) return Promise.resolve(already);
    return new Promise<string>((resolve, reject) => {
      const waiter: Waiter = {
        test,
        resolve: (match) => {
          clearTimeout(timer);
          this.waiters.delete(waiter);
          resolve(match);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        const tail = this.output().slice(-400);
        reject(new EmulatorError("timeout", `waitFor(${String(pattern)}): not seen within ${ms} ms; the output ends with:\n${tail}`));
      }, ms);
      this.waiters.add(waiter);
    });
  }

  metrics(): BootMetrics {
    const boot = this.current;
    const timeline = boot?.transcript.timeline() ?? [];
    const kernelStart = boot?.transcript.stage("kernel-start");
    const readyAt = boot?.readyAt;
    return {
      bootId: boot?.bootId,
      timeToPromptMs: boot && readyAt !== undefined ? Math.round(readyAt - boot.requestedAt) : undefined,
      kernelToPromptMs: kernelStart && readyAt !== undefined ? Math.round(readyAt - kernelStart.hostMs) : undefined,
      readyAtPageMs: readyAt === undefined ? undefined : Math.round(readyAt),
      fetchMs: round(boot?.started?.fetchMs),
      planMs: round(boot?.started?.planMs),
      emulatorStartMs: round(boot?.started?.emulatorStartMs),
      initrdBytes: boot?.started?.initrdBytes,
      initrdSha256: boot?.started?.initrdSha256,
      kernel: boot?.started?.kernel.id,
      cmdline: boot?.started?.expectations.cmdline,
      timeline,
    };
  }

  private onSerial(bootId: number, bytes: Uint8Array): void {
    const boot = this.current;
    // Output of a boot that a newer one replaced is dropped. Before boot() resolved, the id is
    // not known yet, but the worker only streams the newest boot.
    this.highestBootId = Math.max(this.highestBootId, bootId);
    if (!boot || boot.ended || bootId < boot.minBootId || (boot.bootId !== undefined && boot.bootId !== bootId)) return;
    const now = performance.now();
    boot.transcript.push(bytes, now);
    this.output$.emit(bytes);
    this.updateStatus(boot, now);
    if (this.waiters.size) {
      const text = boot.transcript.text;
      for (const waiter of [...this.waiters]) {
        const match = waiter.test(text);
        if (match !== undefined) waiter.resolve(match);
      }
    }
  }

  private updateStatus(boot: CurrentBoot, now: number): void {
    const transcript = boot.transcript;
    const panic = transcript.panic;
    if (panic && this.lastStatus.phase !== "panic") {
      this.setStatus({
        phase: "panic",
        message: `Kernel panic: ${panic.explanation} Fix: ${panic.fix}`,
        diagnosis: panic,
      });
      return;
    }
    if (transcript.poweredOff && this.lastStatus.phase !== "powered-off") {
      this.setStatus({ phase: "powered-off", message: "The guest powered off. Press Boot to start it again." });
      return;
    }
    if (boot.readyAt === undefined) {
      const ready = boot.readyPattern
        ? boot.readyPattern.test(transcript.text)
        : transcript.stage("first-prompt") !== undefined || transcript.askfirstCount > 0;
      if (ready) {
        const prompt = transcript.stage("first-prompt");
        boot.readyAt = !boot.readyPattern && prompt ? prompt.hostMs : now;
        const ms = Math.round(boot.readyAt - boot.requestedAt);
        this.setStatus({
          phase: "ready",
          message: boot.readyPattern ? `Up in ${formatSeconds(ms)}.` : `Shell prompt in ${formatSeconds(ms)}: type in the terminal.`,
          timeToPromptMs: ms,
        });
      } else if (this.lastStatus.phase === "booting" || this.lastStatus.phase === "starting") {
        const stage = transcript.stage("run-init") ? "running init" : transcript.stage("kernel-start") ? "kernel starting" : undefined;
        if (stage && !this.lastStatus.message.includes(stage)) this.setStatus({ phase: "booting", message: `Booting: ${stage}…` });
      }
    }
  }

  private setStatus(status: BootStatus): void {
    this.lastStatus = status;
    this.status.emit(status);
  }
}

function round(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms);
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
