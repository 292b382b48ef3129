// One boot after another, as the page sees them: starts boots through the bridge and feeds each
// boot's serial bytes into a core BootSession (src/core/boot/session.ts), which decides what the
// boot came to. This class only adapts it to the page: a status Emitter for the status line
// (the same words `bootlab boot` prints, from describeOutcome), output$ for the terminal, and
// output(), waitFor(), metrics() for window.bootlab.
import {
  annotateLines,
  bootTimeline,
  describeBrowserNetwork,
  guestLease,
  type BootTimeline,
  type LineAnnotation,
  BootFailure,
  BootSession,
  describeOutcome,
  type BootDiagnosis,
  type BootOutcome,
  type BootOutcomeKind,
  systemClock,
  type Clock,
  type Disposable,
  type OutcomeReport,
  type TimelineEntry,
} from "../../core/boot/index.ts";
import type { BootRequest, BootStarted } from "../../../workers/emulator.api.ts";
import type { CompileTimings } from "../../core/cinit/index.ts";
import { Emitter } from "../ui/dom.ts";
import { EmulatorError, type EmulatorBridge } from "./bridge.ts";
import { summarizeDownloads, type DownloadSummary } from "./downloads.ts";

const STARTING_MESSAGE = "Packing the initramfs and starting the emulator…";

/**
 * "ready" is the prompt or the template's ready text; the boot outcomes keep their names
 * (src/core/boot/outcome.ts); "starting" is before the guest runs, "failed" when it could not start.
 */
export type BootPhase = "idle" | "starting" | "ready" | "failed" | Exclude<BootOutcomeKind, "prompt" | "ready">;

export interface BootStatus {
  phase: BootPhase;
  /** One line for the status bar (and the embed protocol's status event). */
  message: string;
  /** The boot's outcome in words, when it has one: headline, explanation, fix, file, console line. */
  report?: OutcomeReport;
  /** The panic explained, when there was one. */
  diagnosis?: BootDiagnosis;
  timeToPromptMs?: number;
  /** The guest's DHCP lease (udhcpc's line) and what the page's network reaches, once it has one. */
  network?: { address: string; explanation: string };
  /** While starting: the bytes of the first boot's downloads so far (emulator, kernel, base). */
  downloads?: DownloadSummary;
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
  /** Of planMs: writing the system's disks made of files as ext4 images; undefined without such disks. */
  diskWriteMs: number | undefined;
  emulatorStartMs: number | undefined;
  initrdBytes: number | undefined;
  /** sha256 of the initrd the guest got: the CLI's plan of the same project gives the same. */
  initrdSha256: string | undefined;
  /** The kernel the plan chose ("tiny", "full"). */
  kernel: string | undefined;
  /** The final kernel command line (the project's over bootlab's defaults). */
  cmdline: string | undefined;
  /** Whether the last boot was warm: restored from a snapshot taken at the init, the files delivered to it. */
  warm: boolean | undefined;
  /** Why the last boot was cold, in words; undefined after a warm boot. */
  coldReason: string | undefined;
  /** Warm boots: restoring the snapshot, and handing the files to the guest (ms). */
  restoreMs: number | undefined;
  deliverMs: number | undefined;
  /** A warm boot whose snapshot was made for it first: that snapshot boot's time (ms). */
  snapshotMs: number | undefined;
  /**
   * The last boot's compile of its C source (static-hello's /init.c), when it compiled now:
   * whether the build guest was warm (else `coldReason`), and its split in ms (`startMs`, of it
   * `restoreMs` and `deliverMs`; `guestMs`; `readBackMs`, `returnedBy` memory or console).
   */
  compile: CompileTimings | undefined;
  /** The guest's address, once udhcpc printed its lease (the network template). */
  guestAddress: string | undefined;
  timeline: TimelineEntry[];
}

interface CurrentBoot {
  bootId: number | undefined;
  /** Output with a smaller boot id belongs to an earlier boot (its last bytes may still arrive). */
  minBootId: number;
  session: BootSession;
  started: BootStarted | undefined;
  ended: boolean;
  outcomes: Disposable;
}

export class BootController {
  readonly status = new Emitter<BootStatus>();
  /** Serial bytes of the current boot, for the terminal. */
  readonly output$ = new Emitter<Uint8Array>();
  /** A new boot begins: the terminal clears. */
  readonly bootStarted = new Emitter<void>();
  /** The current boot's console grew: the timeline and the annotations may have more to show. */
  readonly progress = new Emitter<void>();
  private current: CurrentBoot | undefined;
  /** The last boot that reached the kernel, drawn faintly beneath the current one. */
  private previousTimeline: BootTimeline | undefined;
  private annotationCache: { lines: number; value: LineAnnotation[] } | undefined;
  private lastStatus: BootStatus = { phase: "idle", message: "Not booted yet" };
  /** The worker's downloads as last reported; shown while a boot is starting. */
  private downloads: DownloadSummary | undefined;
  private generation = 0;
  /** The highest boot id the worker used; ids start again at 1 when the worker is replaced. */
  private highestBootId = 0;

  /** `clock`: the sessions' clock (the host's by default; a fake one in tests). */
  constructor(
    private readonly bridge: EmulatorBridge,
    private readonly clock: Clock = systemClock(),
  ) {
    bridge.serial.on(({ bootId, bytes }) => this.onSerial(bootId, bytes));
    bridge.downloads.on((downloads) => {
      this.downloads = summarizeDownloads(downloads);
      if (this.lastStatus.phase === "starting") this.setStatus(this.startingStatus());
    });
    bridge.exits.on(({ bootId, reason }) => {
      const boot = this.current;
      if (boot && !boot.ended && boot.bootId === bootId) boot.session.exited({ reason });
    });
    bridge.restarts.on((reason) => {
      this.highestBootId = 0;
      const boot = this.current;
      if (boot && !boot.ended) {
        this.endCurrent();
        boot.session.markStopped();
      }
      this.setStatus({ phase: "stopped", message: `Stopped: ${reason}.` });
    });
  }

  get lastBootStatus(): BootStatus {
    return this.lastStatus;
  }

  get running(): boolean {
    // Until stopped or replaced: a panicked guest still spins in the worker, and Stop must stay
    // available for it.
    return this.current !== undefined && !this.current.ended;
  }

  /**
   * Boots; resolves once the guest runs (not when it reaches the prompt). What the plan knows
   * about the system (the final command line, the init program, a hint about it, the ready text)
   * comes back from the worker with the boot's start and is handed to the session then.
   */
  async boot(request: BootRequest): Promise<BootStarted> {
    const generation = ++this.generation;
    // Stop the previous guest first, so that a worker replaced for not stopping is replaced
    // before this boot begins, never during it.
    await this.bridge.stop({ park: true });
    this.endCurrent();
    if (generation !== this.generation) throw new EmulatorError("superseded", "another boot or stop came first");
    // A boot that never printed a kernel line (stopped at once, superseded) is not worth comparing with.
    const last = this.timeline();
    if (last && last.bars.length > 0) this.previousTimeline = last;
    this.annotationCache = undefined;
    const session = new BootSession({ clock: this.clock, ...(request.system.readyPattern ? { readyPattern: request.system.readyPattern } : {}) });
    const boot: CurrentBoot = { bootId: undefined, minBootId: this.highestBootId + 1, session, started: undefined, ended: false, outcomes: { dispose() {} } };
    boot.outcomes = session.onOutcome((outcome) => {
      if (this.current === boot && boot.started) this.showOutcome(outcome);
    });
    this.current = boot;
    this.bootStarted.emit();
    this.setStatus(this.startingStatus());
    try {
      const started = await this.bridge.boot(request);
      this.highestBootId = Math.max(this.highestBootId, started.bootId);
      if (generation !== this.generation) return started;
      boot.bootId = started.bootId;
      boot.started = started;
      session.expect(started.expectations);
      session.guestStarted();
      this.showOutcome(session.outcome);
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
      // Ended first (so `running` is false when the status goes out), and the session lets go
      // of its timers, so no later "no output" replaces "Stopped".
      this.endCurrent();
      boot.session.markStopped();
      // A stop keeps what the boot already showed to be wrong (a failed /init, a loop): the
      // session's outcome outranks "stopped" with it.
      this.showOutcome(boot.session.outcome);
    }
  }

  send(text: string): Promise<void> {
    const boot = this.current;
    if (!this.running || !boot) return Promise.reject(new EmulatorError("not-running", "no guest is running: press Boot first"));
    boot.session.noteInput(text);
    return this.bridge.send(text);
  }

  /** Everything the current boot printed so far ("\r" removed). */
  output(): string {
    return this.current?.session.transcript.text ?? "";
  }

  /**
   * Resolves with the first match in the current boot's output (now or later, also in a boot
   * that starts meanwhile); rejects after `ms`, or when the guest stops first (a panic, a
   * power-off), saying so.
   */
  async waitFor(pattern: string | RegExp, ms = 30_000): Promise<string> {
    const deadline = this.clock.now() + ms;
    let boot = this.current;
    for (;;) {
      if (!boot || boot.ended) {
        // A stopped boot's output may hold it already; else the next boot will have to.
        const already = boot ? firstMatch(pattern, boot.session.transcript.text) : undefined;
        if (already !== undefined) return already;
        boot = await this.nextBoot(deadline - this.clock.now());
        if (!boot) throw this.timeoutError(pattern, ms);
      }
      try {
        return await boot.session.waitFor(pattern, Math.max(0, deadline - this.clock.now()));
      } catch (error) {
        if (!(error instanceof BootFailure)) throw error;
        if (error.kind === "timeout") throw this.timeoutError(pattern, ms);
        // The boot was replaced by a new one: wait in that one.
        if (this.current !== boot) {
          boot = this.current;
          continue;
        }
        throw new EmulatorError(error.kind, `waitFor(${String(pattern)}): ${error.message}`);
      }
    }
  }

  metrics(): BootMetrics {
    const boot = this.current;
    const session = boot?.session;
    const timeline = session?.transcript.timeline() ?? [];
    const kernelStart = session?.transcript.stage("kernel-start");
    const readyAt = session?.readyAtMs;
    return {
      bootId: boot?.bootId,
      timeToPromptMs: round(session?.readyMs),
      kernelToPromptMs: kernelStart && readyAt !== undefined ? Math.round(readyAt - kernelStart.hostMs) : undefined,
      readyAtPageMs: round(readyAt),
      fetchMs: round(boot?.started?.fetchMs),
      planMs: round(boot?.started?.planMs),
      diskWriteMs: boot?.started?.diskWriteMs === undefined ? undefined : Math.round(boot.started.diskWriteMs * 10) / 10,
      emulatorStartMs: round(boot?.started?.emulatorStartMs),
      initrdBytes: boot?.started?.initrdBytes,
      initrdSha256: boot?.started?.initrdSha256,
      kernel: boot?.started?.kernel.id,
      cmdline: boot?.started?.expectations.cmdline,
      warm: boot?.started?.warm,
      coldReason: boot?.started?.coldReason,
      restoreMs: round(boot?.started?.restoreMs),
      deliverMs: round(boot?.started?.deliverMs),
      snapshotMs: round(boot?.started?.snapshotMs),
      compile: boot?.started?.compile,
      guestAddress: session ? guestLease(session.transcript.text)?.address : undefined,
      timeline,
    };
  }

  /** The current boot's stages on one time axis (core's bootTimeline), as far as it got. */
  timeline(): BootTimeline | undefined {
    const session = this.current?.session;
    if (!session) return undefined;
    const readyPattern = session.options.readyPattern;
    return bootTimeline(session.transcript, { ...(readyPattern !== undefined ? { readyPattern } : {}), ...(this.current?.started?.warm ? { restored: true } : {}) });
  }

  /** The boot before the current one, when it reached the kernel. */
  previousBootTimeline(): BootTimeline | undefined {
    return this.previousTimeline;
  }

  /**
   * The current boot's complete lines that core's annotateLines explains. Only the first
   * ANNOTATED_LINES lines are read: the kernel log and init's start are there, and a guest that
   * floods the console must not make every batch re-read thousands of lines.
   */
  annotations(): LineAnnotation[] {
    const lines = this.current?.session.transcript.lines ?? [];
    const count = Math.min(lines.length, ANNOTATED_LINES);
    if (this.annotationCache?.lines !== count) this.annotationCache = { lines: count, value: annotateLines(lines.slice(0, count).map((l) => l.text)) };
    return this.annotationCache.value;
  }

  private onSerial(bootId: number, bytes: Uint8Array): void {
    const boot = this.current;
    // Output of a boot that a newer one replaced is dropped. Before boot() resolved, the id is
    // not known yet, but the worker only streams the newest boot.
    this.highestBootId = Math.max(this.highestBootId, bootId);
    if (!boot || boot.ended || bootId < boot.minBootId || (boot.bootId !== undefined && boot.bootId !== bootId)) return;
    this.output$.emit(bytes);
    boot.session.push(bytes);
    this.progress.emit();
  }

  /** The previous boot is over: its session lets go of its timers (its transcript stays readable). */
  private endCurrent(): void {
    const boot = this.current;
    if (!boot) return;
    boot.ended = true;
    boot.outcomes.dispose();
    boot.session.dispose();
  }

  private nextBoot(ms: number): Promise<CurrentBoot | undefined> {
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => {
        subscription.dispose();
        resolve(undefined);
      }, Math.max(0, ms));
      const subscription = this.bootStarted.on(() => {
        this.clock.clearTimeout(timer);
        subscription.dispose();
        resolve(this.current);
      });
    });
  }

  private timeoutError(pattern: string | RegExp, ms: number): EmulatorError {
    const tail = this.output().slice(-400);
    return new EmulatorError("timeout", `waitFor(${String(pattern)}): not seen within ${ms} ms; the output ends with:\n${tail}`);
  }

  private showOutcome(outcome: BootOutcome): void {
    const boot = this.current;
    if (!boot) return;
    const report = describeOutcome(outcome, boot.session.options);
    const status: BootStatus = { phase: phaseOf(outcome), message: statusMessage(report), report };
    // Say how the guest came to be: the kernel log above the init is the snapshot's on a warm boot.
    if (boot.started?.warm && status.phase === "ready") {
      const made = boot.started.snapshotMs !== undefined ? `, from a snapshot of this kernel and command line made first (${Math.round(boot.started.snapshotMs)} ms)` : "";
      status.message += ` (warm boot: the kernel was restored at its init and your files handed to it${made}; Ctrl+Shift+Enter boots cold)`;
    }
    if (outcome.panic) status.diagnosis = outcome.panic;
    if (outcome.readyMs !== undefined && (outcome.kind === "prompt" || outcome.kind === "ready")) status.timeToPromptMs = Math.round(outcome.readyMs);
    const lease = guestLease(boot.session.transcript.text);
    if (lease) status.network = { address: lease.address, explanation: describeBrowserNetwork(lease) };
    this.setStatus(status);
  }

  /** "Starting", with the downloads' bytes while any is still coming. */
  private startingStatus(): BootStatus {
    const downloads = this.downloads;
    if (!downloads || downloads.done) return { phase: "starting", message: STARTING_MESSAGE };
    return { phase: "starting", message: `${downloads.message}…`, downloads };
  }

  private setStatus(status: BootStatus): void {
    this.lastStatus = status;
    this.status.emit(status);
  }
}

const ANNOTATED_LINES = 2000;

function phaseOf(outcome: BootOutcome): BootPhase {
  return outcome.kind === "prompt" || outcome.kind === "ready" ? "ready" : outcome.kind;
}

/** The status bar's one line: "Shell prompt in 1.24 s: type in the terminal.", "Kernel panic: ... Fix: ...". */
export function statusMessage(report: OutcomeReport): string {
  if (!report.explanation) return report.headline;
  return `${report.headline}: ${report.explanation}${report.fix ? ` Fix: ${report.fix}` : ""}`;
}

function firstMatch(pattern: string | RegExp, text: string): string | undefined {
  if (typeof pattern === "string") return text.includes(pattern) ? pattern : undefined;
  return text.match(new RegExp(pattern.source, pattern.flags.replace("g", "")))?.[0];
}

function round(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.round(ms);
}
