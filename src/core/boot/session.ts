// One boot's console, read as a person at the serial port would: the transcript (stages,
// prompt), what it means (the outcome: prompt, ready text, panic, /init that could not run, no
// output, a respawn loop, power-off, ...), `waitFor` and `run(command)`. The same state machine
// serves the page (bytes pushed from the worker through the bridge), the CLI and the tests (a
// Runner attached directly). Time comes from an injected Clock, so tests need no real waiting.
import { systemClock, type Clock, type TimerHandle } from "./clock.ts";
import type { BootDiagnosis } from "./diagnosis.ts";
import { parseInitFailure, type InitContext, type InitFailure } from "./init-failure.ts";
import { describeOutcome, type BootOutcome, type BootOutcomeKind, type OutcomeReport } from "./outcome.ts";
import { RespawnDetector, type RespawnLoop } from "./respawn.ts";
import { ListenerSet, type Disposable, type Runner, type RunnerExit, type RunnerTimings } from "./runner.ts";
import type { BootSpec } from "./spec.ts";
import { BootTranscript, type BootStage } from "./transcript.ts";
import { dropKernelMessages } from "./parity.ts";

/** Where a session's bytes come from and its input goes: a Runner, or an adapter over the page's bridge. */
export interface ConsoleSource {
  onSerial(listener: (bytes: Uint8Array) => void): Disposable;
  onExit(listener: (exit: RunnerExit) => void): Disposable;
  send(data: Uint8Array | string): void;
}

export interface BootSessionOptions extends InitContext {
  clock?: Clock;
  /** A template's ready text (a RegExp source): reaching it is the "ready" outcome instead of a prompt. */
  readyPattern?: string | RegExp;
  /** The final kernel command line, to name its console= when nothing comes. */
  cmdline?: string;
  /** The system's /etc/inittab, to name the line behind a respawn loop. */
  inittab?: string;
  /** Silence (nothing but firmware) for this long after the guest started is "no output". Default 15 s (a loaded machine may take several seconds to the first kernel line); 0: never. */
  noOutputMs?: number;
  /** Repeats of one line (numbers masked) that make a respawn loop. Default 10. */
  respawnRepeats?: number;
  /** After a panic line, how long waiters keep reading so the transcript holds the whole panic. Default 300 ms. */
  panicSettleMs?: number;
}

/** Why waiting ended without what was waited for. */
export class BootFailure extends Error {
  constructor(
    readonly kind: BootOutcomeKind,
    message: string,
    readonly outcome: BootOutcome,
    readonly diagnosis?: BootDiagnosis,
  ) {
    super(message);
    this.name = "BootFailure";
  }
}

export type WaitCondition = string | RegExp | ((transcript: BootTranscript) => boolean);

/** How long the console must stay quiet after a prompt unlike the shell's own for run() to take it as one. */
const PROMPT_SETTLE_MS = 100;

export const DEFAULT_NO_OUTPUT_MS = 15_000;

/** Firmware chatter that is not the guest speaking: SeaBIOS, iPXE and their boot messages. */
const FIRMWARE = /^(?:SeaBIOS\b|iPXE\b|Booting from\b|Machine UUID\b|Press (?:ESC|F12)\b|Boot failed\b|No bootable device\b|Probing EDD\b|Loading\b|Copyright\b|\s*$)/;
/** SeaBIOS's last words, which the kernel's first line continues under QEMU. */
const BOOTING_FROM = /^Booting from [^.]*\.+\s*/;

/** Whether a line (or the text after the last line end) is the guest speaking, not firmware. */
function isGuestText(text: string): boolean {
  const clean = text.replace(ANSI, "").trim();
  const rest = clean.replace(BOOTING_FROM, "");
  return rest !== "" && (rest !== clean || !FIRMWARE.test(clean));
}
const ANSI = /\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b[^[]/g;
const RUN_INIT = /Run (\S+) as init process/;

interface Waiter {
  check(): void;
  cancel(reason: string): void;
}

export class BootSession implements Disposable {
  readonly transcript = new BootTranscript();
  readonly clock: Clock;
  /** Clock time the session was made (a boot requested). */
  readonly createdAt: number;
  /** Clock time the guest began running, once `guestStarted` was called. */
  guestStartedAt: number | undefined;

  private readonly outputListeners = new ListenerSet<Uint8Array>();
  private readonly outcomeListeners = new ListenerSet<BootOutcome>();
  private readonly subscriptions: Disposable[] = [];
  private readonly waiters = new Set<Waiter>();
  private readonly timers = new Set<TimerHandle>();
  private readyPattern: RegExp | undefined;
  private respawn: RespawnDetector;
  private sink: ConsoleSource | undefined;

  private linesSeen = 0;
  private hadOutput = false;
  private readyAt: number | undefined;
  private askfirstReady = false;
  private initFailure: InitFailure | undefined;
  private fallbackInit: string | undefined;
  private promptAfterFailure = false;
  private respawnLoop: RespawnLoop | undefined;
  /** Whether the kernel has handed over to init (lines from here on are user space's). */
  private userSpace = false;
  /** Respawn loops are counted only until the user types: a command's output may repeat a line. */
  private typed = false;
  private silentSince: number | undefined;
  private noOutputAt: number | undefined;
  private panicAt: number | undefined;
  private panicSettled = false;
  private exit: RunnerExit | undefined;
  private timedOutAfter: number | undefined;
  private stoppedByUser = false;
  private disposed = false;
  private lastKey = "";
  /** Every byte pushed so far, to tell a quiet console from a busy one. */
  private bytesReceived = 0;

  constructor(options: BootSessionOptions = {}) {
    this.options = { ...options };
    this.clock = options.clock ?? systemClock();
    this.createdAt = this.clock.now();
    this.readyPattern = compileReady(options.readyPattern);
    this.respawn = this.newRespawnDetector();
  }

  /** What the session knows about the boot; `expect` adds what the plan learned. */
  get options(): Readonly<BootSessionOptions> {
    return this.context;
  }
  private set options(value: BootSessionOptions) {
    this.context = value;
  }
  private context: BootSessionOptions = {};

  /**
   * What the plan knows about this boot (its expectations: the final command line, the init
   * program and why it may not run, the ready text, the inittab), when it is known only after
   * the session began: the page's worker plans the boot, and its answer comes back with the
   * boot's start, before the kernel hands over to init.
   */
  expect(context: Pick<BootSessionOptions, "cmdline" | "initPath" | "initHint" | "inittab" | "readyPattern">): void {
    this.options = { ...this.context, ...context };
    this.readyPattern = compileReady(this.context.readyPattern);
    // Lines are counted from init's start on, which has not come yet when the plan's answer does.
    if (!this.userSpace) this.respawn = this.newRespawnDetector();
  }

  private newRespawnDetector(): RespawnDetector {
    const respawnOptions: { repeats?: number; inittab?: string } = {};
    if (this.context.respawnRepeats !== undefined) respawnOptions.repeats = this.context.respawnRepeats;
    if (this.context.inittab !== undefined) respawnOptions.inittab = this.context.inittab;
    return new RespawnDetector(respawnOptions);
  }

  // ---- feeding it -------------------------------------------------------------------------

  /** Reads a console source (a Runner, or the page's bridge adapter) and sends input to it. */
  attach(source: ConsoleSource): Disposable {
    this.sink = source;
    const subscriptions = [source.onSerial((bytes) => this.push(bytes)), source.onExit((exit) => this.exited(exit))];
    this.subscriptions.push(...subscriptions);
    return {
      dispose: () => {
        for (const s of subscriptions) s.dispose();
        if (this.sink === source) this.sink = undefined;
      },
    };
  }

  /** Console output that arrived now. */
  push(chunk: Uint8Array | string): void {
    if (this.disposed) return;
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    if (bytes.length === 0) return;
    const now = this.clock.now();
    this.bytesReceived += bytes.length;
    this.transcript.push(bytes, now);
    this.outputListeners.emit(bytes);
    this.readNewLines();
    this.checkReady(now);
    if (this.transcript.panic && this.panicAt === undefined) {
      this.panicAt = now;
      const settle = this.options.panicSettleMs ?? 300;
      this.after(settle, () => {
        this.panicSettled = true;
        this.changed();
      });
    }
    this.changed();
  }

  /** The emulator (or the guest's CPU) ended by itself. */
  exited(exit: RunnerExit): void {
    if (this.disposed || this.exit) return;
    this.exit = exit;
    this.changed();
  }

  /**
   * The guest began running (the emulator is up): starts the no-output watch. Defaults to now;
   * a front end that measured the emulator's start-up may pass the clock time it ended.
   */
  guestStarted(at = this.clock.now()): void {
    this.guestStartedAt = at;
    const limit = this.options.noOutputMs ?? DEFAULT_NO_OUTPUT_MS;
    if (limit <= 0 || this.hadOutput) return;
    this.silentSince = at;
    this.after(Math.max(0, at + limit - this.clock.now()), () => {
      if (this.hadOutput) return;
      this.noOutputAt = this.clock.now();
      this.changed();
    });
  }

  /** The front end gave up waiting (the CLI's --timeout). */
  markTimedOut(afterMs: number): void {
    if (this.timedOutAfter !== undefined) return;
    this.timedOutAfter = afterMs;
    this.changed();
  }

  /** The user stopped the guest (Stop, Ctrl-], a new boot). Pending waits are cancelled. */
  markStopped(): void {
    if (!this.stoppedByUser) {
      this.stoppedByUser = true;
      this.changed();
    }
    for (const waiter of [...this.waiters]) waiter.cancel("the session was stopped");
  }

  // ---- input ------------------------------------------------------------------------------

  /** Types into the guest through the attached source. */
  send(data: Uint8Array | string): void {
    this.noteInput(data);
    this.sink?.send(data);
  }

  /** Input that reached the guest another way (the page sends through its bridge). */
  noteInput(data: Uint8Array | string): void {
    const text = typeof data === "string" ? data : new TextDecoder().decode(data);
    // A bare Enter answers BusyBox's "Please press Enter"; it does not run anything.
    if (text.replace(/[\r\n]/g, "") !== "") this.typed = true;
  }

  // ---- reading it -------------------------------------------------------------------------

  /** Every chunk of output, as it arrives (for a terminal or stdout). */
  onOutput(listener: (bytes: Uint8Array) => void): Disposable {
    return this.outputListeners.add(listener);
  }

  /** The outcome changed (a new kind, or a new stage while booting). */
  onOutcome(listener: (outcome: BootOutcome) => void): Disposable {
    return this.outcomeListeners.add(listener);
  }

  /** How the boot stands: the most telling thing that happened so far (see BootOutcomeKind). */
  get outcome(): BootOutcome {
    const t = this.transcript;
    const panicDiagnosis = t.panic;
    const end = this.endKind();
    const final = panicDiagnosis !== undefined || end !== undefined;
    const lastMark = t.reached().filter((m) => m.stage !== "first-prompt").at(-1);
    const lastStage = lastMark ? { stage: lastMark.stage, line: lastMark.line } : undefined;
    const started = this.guestStartedAt ?? this.createdAt;
    const outcome = (kind: BootOutcomeKind, extra: Partial<BootOutcome> = {}): BootOutcome => {
      const o: BootOutcome = { kind, final, ...extra };
      if (this.readyAt !== undefined) o.readyMs = this.readyAt - this.createdAt;
      if (panicDiagnosis) o.panic = panicDiagnosis;
      return o;
    };
    // The order is the point: a failed /init outranks the prompt its fallback reached, a panic
    // outranks how the emulator ended, and silence or a loop outrank a time-out.
    if (this.initFailure) {
      const extra: Partial<BootOutcome> = { initFailure: this.initFailure, line: this.initFailure.line, promptAfterFailure: this.promptAfterFailure };
      if (this.fallbackInit) extra.fallbackInit = this.fallbackInit;
      return outcome("init-failed", extra);
    }
    if (panicDiagnosis) return outcome("panic", { line: panicDiagnosis.line });
    if (this.respawnLoop) return outcome("respawn-loop", { respawn: this.respawnLoop, line: this.respawnLoop.examples[0] ?? this.respawnLoop.pattern });
    // Silent for the no-output time, or silent until the guest ended by itself (a power-off the
    // console never showed: QEMU exits 0 when a guest on console=tty0 powers off) or the front
    // end gave up: the console is what is wrong. An emulator that failed (non-zero exit) is not.
    const endedSilently = end === "timeout" || (end === "exited" && (this.exit!.halted === true || this.exit!.code === 0)) || (end === "powered-off" && !t.poweredOff);
    if (!this.hadOutput && this.guestStartedAt !== undefined && (this.noOutputAt !== undefined || endedSilently)) {
      const silentUntil = this.noOutputAt ?? this.clock.now();
      const extra: Partial<BootOutcome> = { silentMs: silentUntil - (this.silentSince ?? started) };
      if (this.options.cmdline !== undefined) extra.consoles = consolesOf(this.options.cmdline);
      return outcome("no-output", extra);
    }
    if (end === "powered-off") return outcome(end, { line: t.stage("power-off")?.line ?? this.exit?.reason });
    if (end === "rebooted") return outcome(end, { line: t.stage("reboot")?.line });
    if (end === "exited") return outcome(end, { exit: this.exit! });
    if (end === "timeout") {
      const extra: Partial<BootOutcome> = { afterMs: this.timedOutAfter!, hadOutput: this.hadOutput };
      if (lastStage) extra.lastStage = lastStage;
      return outcome(end, extra);
    }
    if (end === "stopped") return outcome(end);
    if (this.readyAt !== undefined) return outcome(this.readyPattern ? "ready" : "prompt", this.askfirstReady ? { askfirst: true } : {});
    return outcome("booting", lastStage ? { lastStage } : {});
  }

  /** The outcome in words, with the CLI's exit code (see describeOutcome). */
  report(): OutcomeReport {
    return describeOutcome(this.outcome, this.options);
  }

  /** Milliseconds from the guest's start to a stage, on the session's clock; undefined if not reached. */
  msTo(stage: BootStage): number | undefined {
    const mark = this.transcript.stage(stage);
    return mark ? mark.hostMs - (this.guestStartedAt ?? this.createdAt) : undefined;
  }

  /** Milliseconds from the session's start (the boot request) to the prompt or ready text. */
  get readyMs(): number | undefined {
    return this.readyAt === undefined ? undefined : this.readyAt - this.createdAt;
  }

  /** Clock time of the prompt or ready text. */
  get readyAtMs(): number | undefined {
    return this.readyAt;
  }

  /** One sentence on how far the boot got, for time-out messages. */
  progress(): string {
    const last = this.transcript.reached().at(-1);
    if (!last) return this.hadOutput ? "the kernel printed nothing recognisable" : "no output at all (is console=ttyS0 on the command line?)";
    return `the last stage reached was ${last.stage} ("${last.line.trim().slice(0, 80)}")`;
  }

  // ---- waiting ----------------------------------------------------------------------------

  /**
   * Resolves when `condition` holds: with the matched text for a string or RegExp, with "" for a
   * predicate. Rejects with a BootFailure when the guest stops first (panic, after the panic
   * has settled; power-off; exit; stop) or `timeoutMs` passes.
   */
  waitFor(condition: WaitCondition, timeoutMs: number, what = describeCondition(condition)): Promise<string> {
    const test = toTest(condition);
    return new Promise<string>((resolve, reject) => {
      let timer: TimerHandle | undefined;
      const finish = (result: { match: string } | { error: BootFailure }) => {
        this.waiters.delete(waiter);
        if (timer !== undefined) this.cancelTimer(timer);
        if ("match" in result) resolve(result.match);
        else reject(result.error);
      };
      const waiter: Waiter = {
        check: () => {
          const match = test(this.transcript);
          if (match !== undefined) return finish({ match });
          const outcome = this.outcome;
          if (!outcome.final) return;
          if (this.panicAt !== undefined && !this.panicSettled) return; // the panic's last lines are still coming
          finish({ error: this.failure(outcome, `before ${what}`) });
        },
        cancel: (reason) => finish({ error: new BootFailure("stopped", `${reason} before ${what}`, this.outcome) }),
      };
      this.waiters.add(waiter);
      timer = this.after(timeoutMs, () => {
        const outcome = this.outcome;
        const problem = outcome.kind === "no-output" || outcome.kind === "respawn-loop" || outcome.kind === "init-failed" ? ` ${describeOutcome(outcome, this.options).explanation}` : "";
        finish({ error: new BootFailure("timeout", `timed out after ${(timeoutMs / 1000).toFixed(1)} s waiting for ${what}; ${this.progress()}${problem}`, outcome) });
      });
      waiter.check();
    });
  }

  /** Waits for the next shell prompt after `count` prompts were seen. */
  async waitForPrompt(count: number, timeoutMs: number): Promise<void> {
    await this.waitFor((t) => t.promptCount > count && t.atPrompt, timeoutMs, "a shell prompt");
  }

  /**
   * Types `command` and a line end at the current prompt and resolves with what it printed
   * (the echoed command line and the next prompt excluded), lines joined with "\n".
   */
  async run(command: string, timeoutMs = 10_000): Promise<string> {
    const deadline = this.clock.now() + timeoutMs;
    let count = this.transcript.promptCount;
    const firstLine = this.transcript.lines.length;
    // The prompt the command is typed at: the shell prints the same one when it is done.
    const shellPrompt = this.transcript.atPrompt ? this.transcript.partialLine : undefined;
    this.send(`${command}\n`);
    // Output that arrives in chunks can end a chunk just after "# " at the start of a line
    // (`cat /etc/inittab`), which looks like a prompt until the rest of the line comes. So a
    // prompt that is not the shell's own one counts only once the console stays quiet after it.
    // The shell's own prompt counts at once: a kernel message may follow it at any moment (QEMU's
    // refined TSC calibration, about a second in) and must not make it wait for another.
    for (;;) {
      await this.waitForPrompt(count, Math.max(0, deadline - this.clock.now()));
      count = this.transcript.promptCount;
      if (shellPrompt !== undefined && this.transcript.partialLine === shellPrompt) break;
      const received = this.bytesReceived;
      await new Promise<void>((resolve) => this.after(PROMPT_SETTLE_MS, resolve));
      if (this.bytesReceived === received && this.transcript.atPrompt) break;
      if (this.clock.now() >= deadline) await this.waitForPrompt(count, 0); // rejects with the time-out
    }
    const lines = this.transcript.lines.slice(firstLine).map((l) => l.text);
    // The output starts after the prompt line with the echoed command. That is the first line,
    // unless a kernel message came between the prompt and the echo: the kernel prints wherever
    // the cursor is, so "/ # [ 1.24] clocksource: ..." ends the prompt line and the echo gets a
    // line of its own; or it came in the middle of the echo ("cat /mnt/dat[ 4.31] input: ...",
    // then "a1/README.txt" on the next line). So skip through the first line where the echo,
    // kernel messages taken out, ends with the command.
    const echo = echoEnd(lines, command);
    return lines.slice(echo === -1 ? 1 : echo + 1).join("\n");
  }

  /** Drops every listener and timer; pending waits reject. The transcript stays readable. */
  dispose(): void {
    if (this.disposed) return;
    for (const waiter of [...this.waiters]) waiter.cancel("the session ended");
    this.disposed = true;
    for (const s of this.subscriptions.splice(0)) s.dispose();
    for (const timer of [...this.timers]) this.cancelTimer(timer);
    this.outputListeners.clear();
    this.outcomeListeners.clear();
    this.sink = undefined;
  }

  // ---- inside -----------------------------------------------------------------------------

  private endKind(): "powered-off" | "rebooted" | "exited" | "timeout" | "stopped" | undefined {
    const t = this.transcript;
    // The console says best what happened; an exit or a stop that followed does not change it.
    if (t.poweredOff) return "powered-off";
    if (t.stage("reboot")) return "rebooted";
    if (this.exit) return this.exit.halted ? "powered-off" : "exited";
    if (this.timedOutAfter !== undefined) return "timeout";
    if (this.stoppedByUser) return "stopped";
    return undefined;
  }

  private failure(outcome: BootOutcome, suffix: string): BootFailure {
    const report = describeOutcome(outcome, this.options);
    const message =
      outcome.kind === "panic" && outcome.panic
        ? `kernel panic: ${outcome.panic.line}`
        : outcome.kind === "powered-off"
          ? `the guest powered off ${suffix}`
          : outcome.kind === "exited"
            ? `${outcome.exit?.reason ?? "the emulator exited"} ${suffix}`
            : `${report.headline}: ${report.explanation} (${suffix})`;
    return new BootFailure(outcome.kind, message, outcome, outcome.panic);
  }

  private readNewLines(): void {
    const lines = this.transcript.lines;
    for (; this.linesSeen < lines.length; this.linesSeen++) {
      const text = lines[this.linesSeen]!.text;
      const bare = text.replace(ANSI, "").trim();
      if (!this.hadOutput && isGuestText(bare)) this.hadOutput = true;
      const failure = parseInitFailure(bare);
      if (failure && !this.initFailure) this.initFailure = failure;
      const run = bare.match(RUN_INIT);
      if (run && this.initFailure && !this.fallbackInit && run[1] !== this.initFailure.path) this.fallbackInit = run[1]!;
      // Only user space loops: count the lines after the kernel's "Run /init" (without
      // printk.time, the kernel's own lines before it would look alike), until the user types.
      if (this.userSpace && !this.typed && !this.respawnLoop) this.respawnLoop = this.respawn.add(text);
      if (run || failure) this.userSpace = true;
    }
    // A partial line may be firmware text cut mid-word ("Se" of "SeaBIOS"): only a prompt, or
    // BusyBox's "Please press Enter", counts before its line ends.
    if (!this.hadOutput && (this.transcript.atPrompt || this.transcript.askfirstCount > 0)) this.hadOutput = true;
  }

  private checkReady(now: number): void {
    const t = this.transcript;
    const promptLike = t.stage("first-prompt") !== undefined || t.askfirstCount > 0;
    if (this.initFailure && promptLike) this.promptAfterFailure = true;
    if (this.readyAt !== undefined) return;
    if (this.readyPattern) {
      if (this.readyPattern.test(t.text)) this.readyAt = now;
      return;
    }
    const prompt = t.stage("first-prompt");
    if (prompt) this.readyAt = prompt.hostMs;
    else if (t.askfirstCount > 0) {
      this.readyAt = now;
      this.askfirstReady = true;
    }
  }

  private changed(): void {
    if (this.disposed) return;
    const outcome = this.outcome;
    // A new stage while booting, or the fallback's prompt after a failed init, changes the words too.
    const key = `${outcome.kind}|${outcome.final}|${outcome.kind === "booting" ? outcome.lastStage?.stage : ""}|${outcome.promptAfterFailure ?? ""}`;
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.outcomeListeners.emit(outcome);
    }
    for (const waiter of [...this.waiters]) waiter.check();
  }

  private after(ms: number, callback: () => void): TimerHandle {
    const handle: TimerHandle = this.clock.setTimeout(() => {
      this.timers.delete(handle);
      callback();
    }, ms);
    this.timers.add(handle);
    return handle;
  }

  private cancelTimer(handle: TimerHandle): void {
    this.timers.delete(handle);
    this.clock.clearTimeout(handle);
  }
}

/**
 * A session over a Runner: starts it, and stops it with the session. What the CLI, bench and
 * the tests use; the page feeds a plain BootSession from its bridge instead.
 */
export class RunnerSession extends BootSession {
  timings: RunnerTimings | undefined;

  constructor(
    readonly runner: Runner,
    options: BootSessionOptions = {},
  ) {
    super(options);
    this.attach(runner);
  }

  async start(spec: BootSpec): Promise<RunnerTimings> {
    const startedAt = this.clock.now();
    this.timings = await this.runner.start(spec);
    this.guestStarted(startedAt + this.timings.emulatorStartMs);
    return this.timings;
  }

  /** Stops the guest and lets go of the runner. Safe to call more than once. */
  async stop(): Promise<void> {
    this.markStopped();
    this.dispose();
    await this.runner.dispose();
  }
}

/** The index of the line that ends the echo of `command` (kernel messages inside it taken out), or -1. */
function echoEnd(lines: readonly string[], command: string): number {
  // The echo is near the top: a few lines of kernel messages at most come before or inside it.
  for (let i = 0; i < Math.min(lines.length, 16); i++) {
    const text = dropKernelMessages(lines.slice(0, i + 1).join("\n"));
    const last = text.slice(text.lastIndexOf("\n") + 1);
    if (last.trimEnd().endsWith(command)) return i;
  }
  return -1;
}

/** The console= values of a command line, in order: "console=ttyS0,115200" gives "ttyS0". */
export function consolesOf(cmdline: string): string[] {
  return cmdline
    .split(/\s+/)
    .filter((token) => token.startsWith("console="))
    .map((token) => token.slice("console=".length).split(",")[0]!);
}

function toTest(condition: WaitCondition): (t: BootTranscript) => string | undefined {
  if (typeof condition === "string") return (t) => (t.text.includes(condition) ? condition : undefined);
  if (condition instanceof RegExp) {
    const pattern = new RegExp(condition.source, condition.flags.replace("g", ""));
    return (t) => t.text.match(pattern)?.[0];
  }
  return (t) => (condition(t) ? "" : undefined);
}

function describeCondition(condition: WaitCondition): string {
  return typeof condition === "function" ? "the condition" : `"${String(condition)}"`;
}

/** A ready pattern without g or y: test() on a global RegExp would resume from its lastIndex. */
function compileReady(pattern: string | RegExp | undefined): RegExp | undefined {
  if (pattern === undefined || pattern === "") return undefined;
  return typeof pattern === "string" ? new RegExp(pattern) : new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, ""));
}
