// A boot driven like a person at the serial console: start a runner, read its output into a
// BootTranscript, wait for a stage or a prompt, type a command and collect what it printed.
// Any runner works (v86 or QEMU), which is what lets the parity tests compare the two.
import {
  BootTranscript,
  type BootDiagnosis,
  type BootSpec,
  type BootStage,
  type Disposable,
  type Runner,
  type RunnerExit,
  type RunnerTimings,
} from "../../src/core/boot/index.ts";

export type BootFailureKind = "panic" | "timeout" | "exited" | "powered-off";

/** Why waiting ended without what was waited for. */
export class BootFailure extends Error {
  constructor(
    readonly kind: BootFailureKind,
    message: string,
    readonly diagnosis?: BootDiagnosis,
  ) {
    super(message);
    this.name = "BootFailure";
  }
}

export interface BootSessionOptions {
  /** Called with every chunk of serial output as it arrives (to print it, say). */
  onOutput?: (bytes: Uint8Array) => void;
  /** After a panic line, how long to keep reading so the transcript holds the whole panic. */
  panicSettleMs?: number;
}

export class BootSession {
  readonly transcript = new BootTranscript();
  /** Host time (performance.now()) when the guest started running, after the emulator start-up. */
  guestStartedAt = 0;
  timings: RunnerTimings | undefined;
  private exit: RunnerExit | undefined;
  /** Pending waitFor() calls: `check` re-evaluates one, `cancel` ends it when the session stops. */
  private readonly waiters = new Map<() => void, () => void>();
  private readonly subscriptions: Disposable[] = [];
  private panicSeenAt: number | undefined;

  constructor(
    readonly runner: Runner,
    private readonly options: BootSessionOptions = {},
  ) {
    this.subscriptions.push(
      runner.onSerial((bytes) => {
        this.transcript.push(bytes, performance.now());
        this.options.onOutput?.(bytes);
        this.wake();
      }),
      runner.onExit((exit) => {
        this.exit = exit;
        this.wake();
      }),
    );
  }

  async start(spec: BootSpec): Promise<RunnerTimings> {
    const startedAt = performance.now();
    this.timings = await this.runner.start(spec);
    this.guestStartedAt = startedAt + this.timings.emulatorStartMs;
    return this.timings;
  }

  /** Milliseconds from the guest's start to a stage, on the host clock; undefined if not reached. */
  msTo(stage: BootStage): number | undefined {
    const mark = this.transcript.stage(stage);
    return mark ? mark.hostMs - this.guestStartedAt : undefined;
  }

  /**
   * Resolves when `condition` holds. Rejects with a BootFailure when the kernel panics, the
   * emulator exits, the guest powers off (unless that is what `condition` waits for), or
   * `timeoutMs` passes.
   */
  waitFor(condition: (t: BootTranscript) => boolean, timeoutMs: number, what = "the condition"): Promise<void> {
    return new Promise((resolve, reject) => {
      const started = performance.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = (error?: BootFailure) => {
        this.waiters.delete(check);
        if (timer !== undefined) clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const check = () => {
        if (condition(this.transcript)) return finish();
        const panic = this.transcript.panic;
        if (panic) {
          // Keep reading briefly: the lines after the panic line are part of the story.
          this.panicSeenAt ??= performance.now();
          const settle = this.options.panicSettleMs ?? 300;
          const left = this.panicSeenAt + settle - performance.now();
          if (left > 0) {
            if (timer !== undefined) clearTimeout(timer);
            timer = setTimeout(check, left);
            return;
          }
          return finish(new BootFailure("panic", `kernel panic: ${panic.line}`, panic));
        }
        if (this.transcript.poweredOff) return finish(new BootFailure("powered-off", `the guest powered off before ${what}`));
        if (this.exit) return finish(new BootFailure("exited", `${this.exit.reason} before ${what}`));
        if (performance.now() - started >= timeoutMs) {
          return finish(new BootFailure("timeout", `timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for ${what}; ${this.progress()}`));
        }
      };
      this.waiters.set(check, () => finish(new BootFailure("exited", `the session was stopped before ${what}`)));
      // Timers may fire a fraction of a millisecond before performance.now() says the time is
      // up; check again until it is, so a wait can never be left without a timer.
      const onTimeout = () => {
        check();
        if (this.waiters.has(check)) timer = setTimeout(onTimeout, Math.max(1, started + timeoutMs - performance.now()));
      };
      timer = setTimeout(onTimeout, timeoutMs);
      check();
    });
  }

  /** Waits for the next shell prompt after `count` prompts were seen. */
  waitForPrompt(count: number, timeoutMs: number): Promise<void> {
    return this.waitFor((t) => t.promptCount > count && t.atPrompt, timeoutMs, "a shell prompt");
  }

  /**
   * Types `command` and a line end at the current prompt and resolves with what it printed
   * (the echoed command line and the next prompt excluded), lines joined with "\n".
   */
  async run(command: string, timeoutMs = 10_000): Promise<string> {
    const before = this.transcript.promptCount;
    const firstLine = this.transcript.lines.length;
    this.runner.send(`${command}\n`);
    await this.waitForPrompt(before, timeoutMs);
    const lines = this.transcript.lines.slice(firstLine).map((l) => l.text);
    // The output starts after the prompt line with the echoed command. That is the first line,
    // unless a kernel message came between the prompt and the echo: the kernel prints wherever
    // the cursor is, so "/ # [ 1.24] clocksource: ..." ends the prompt line and the echo gets a
    // line of its own. So skip through the first line that ends with the command.
    const echo = lines.findIndex((line) => line.trimEnd().endsWith(command));
    return lines.slice(echo === -1 ? 1 : echo + 1).join("\n");
  }

  /** One sentence on how far the boot got, for time-out messages. */
  progress(): string {
    const last = this.transcript.reached().at(-1);
    if (!last) return this.transcript.text.length ? "the kernel printed nothing recognisable" : "no output at all (is console=ttyS0 on the command line?)";
    return `the last stage reached was ${last.stage} ("${last.line.trim().slice(0, 80)}")`;
  }

  async stop(): Promise<void> {
    for (const s of this.subscriptions.splice(0)) s.dispose();
    for (const cancel of [...this.waiters.values()]) cancel();
    await this.runner.dispose();
  }

  private wake(): void {
    for (const waiter of [...this.waiters.keys()]) waiter();
  }
}
