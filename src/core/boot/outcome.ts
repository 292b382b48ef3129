// How a boot went, as one named outcome, and the one function that turns it into words and an
// exit code. The page's status line and `bootlab boot` both print `describeOutcome`, so they
// say the same thing about the same boot.
import type { BootDiagnosis } from "./diagnosis.ts";
import type { InitContext, InitFailure } from "./init-failure.ts";
import { explainInitFailure } from "./init-failure.ts";
import type { RespawnLoop } from "./respawn.ts";
import type { RunnerExit } from "./runner.ts";
import type { BootStage } from "./transcript.ts";

export type BootOutcomeKind =
  /** Not decided yet: the guest is starting or booting. */
  | "booting"
  /** A shell prompt, or BusyBox init's "Please press Enter to activate this console." */
  | "prompt"
  /** The template's ready text appeared (its readyPattern). */
  | "ready"
  | "panic"
  /** An init program exists but could not be executed (even if the kernel then fell back to another). */
  | "init-failed"
  /** Nothing but firmware chatter on the serial port for a while. */
  | "no-output"
  /** The same line over and over: init restarting something that fails. */
  | "respawn-loop"
  | "powered-off"
  | "rebooted"
  /** The emulator ended by itself, not by a power-off the session saw. */
  | "exited"
  | "timeout"
  /** Stopped by the user (Stop, Ctrl-], a new boot). */
  | "stopped";

export interface BootOutcome {
  kind: BootOutcomeKind;
  /** True when the guest no longer runs (powered off, panicked, exited, stopped, timed out). */
  final: boolean;
  /** The console line that decided it, when one did. */
  line?: string;
  /** Milliseconds from the guest's start to the prompt or ready text, when reached. */
  readyMs?: number;
  /** The last stage reached, for "booting" and "timeout". */
  lastStage?: { stage: BootStage; line: string };
  /** The panic, explained (kind "panic", or an init failure that ended in one). */
  panic?: BootDiagnosis;
  initFailure?: InitFailure;
  /** What the init failure led to: the fallback init the kernel ran next, if any. */
  fallbackInit?: string;
  /** Whether a prompt (or askfirst) came after all, from a fallback init. */
  promptAfterFailure?: boolean;
  respawn?: RespawnLoop;
  exit?: RunnerExit;
  /** For "no-output": how long the console stayed silent, and the console= values of the command line. */
  silentMs?: number;
  consoles?: string[];
  /** For "timeout": after how long, and whether the guest printed anything at all. */
  afterMs?: number;
  hadOutput?: boolean;
  /** Whether the ready point was BusyBox init's askfirst message rather than a shell prompt. */
  askfirst?: boolean;
}

/** `bootlab boot`'s exit codes, one per outcome (2 usage and 5 emulator-cannot-start are the CLI's own). */
export const EXIT_CODES = {
  ok: 0,
  failed: 1,
  usage: 2,
  panic: 3,
  timeout: 4,
  emulator: 5,
  initFailed: 6,
  noOutput: 7,
  respawnLoop: 8,
} as const;

export function exitCodeFor(kind: BootOutcomeKind): number {
  switch (kind) {
    case "powered-off":
    case "prompt":
    case "ready":
    case "stopped":
      return EXIT_CODES.ok;
    case "rebooted":
    case "exited":
      return EXIT_CODES.failed;
    case "panic":
      return EXIT_CODES.panic;
    case "timeout":
    case "booting":
      return EXIT_CODES.timeout;
    case "init-failed":
      return EXIT_CODES.initFailed;
    case "no-output":
      return EXIT_CODES.noOutput;
    case "respawn-loop":
      return EXIT_CODES.respawnLoop;
  }
}

export type OutcomeTone = "busy" | "ok" | "error" | "neutral";

export interface OutcomeReport {
  kind: BootOutcomeKind;
  tone: OutcomeTone;
  /** A few words: "Shell prompt in 1.24 s", "Kernel panic", "/init could not run". */
  headline: string;
  /** What happened, in one or two sentences. */
  explanation: string;
  /** What usually fixes it. */
  fix?: string;
  /** The file or setting to change ("/init", "kernel command line (console=)"). */
  fileToFix?: string;
  /** The console line it is about, for a tooltip or a quote. */
  line?: string;
  exitCode: number;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** The headline, explanation, fix and exit code of an outcome: the one wording for every front end. */
export function describeOutcome(outcome: BootOutcome, context: InitContext = {}): OutcomeReport {
  const exitCode = exitCodeFor(outcome.kind);
  const base = { kind: outcome.kind, exitCode } as const;
  switch (outcome.kind) {
    case "booting": {
      const stage = outcome.lastStage;
      // The stages as they come, in words: the page's status line shows each.
      const words: Record<string, string> = {
        "kernel-start": "kernel starting",
        "initramfs-unpack": "unpacking the initramfs",
        "initramfs-unpacked": "initramfs unpacked",
        "root-mounted": "root file system mounted",
        "run-init": "running init",
      };
      const where = stage ? (words[stage.stage] ?? "") : "";
      return { ...base, tone: "busy", headline: where ? `Booting: ${where}…` : "Booting…", explanation: "" };
    }
    case "prompt": {
      const ms = outcome.readyMs ?? 0;
      return {
        ...base,
        tone: "ok",
        headline: `Shell prompt in ${formatSeconds(ms)}`,
        explanation: outcome.askfirst ? "BusyBox init waits for Enter in the terminal." : "type in the terminal.",
      };
    }
    case "ready":
      return { ...base, tone: "ok", headline: `Up in ${formatSeconds(outcome.readyMs ?? 0)}`, explanation: "the system printed its ready text." };
    case "panic": {
      const d = outcome.panic;
      if (!d) return { ...base, tone: "error", headline: "Kernel panic", explanation: outcome.line ?? "The kernel stopped." };
      return { ...base, tone: "error", headline: "Kernel panic", explanation: d.explanation, fix: d.fix, fileToFix: d.fileToFix, line: d.line };
    }
    case "init-failed": {
      const failure = outcome.initFailure!;
      const { reason, fix } = explainInitFailure(failure, context);
      const after = outcome.panic
        ? ` The kernel then panicked (${outcome.panic.line}).`
        : outcome.fallbackInit
          ? ` The kernel ran ${outcome.fallbackInit} instead${outcome.promptAfterFailure ? ", so the prompt you see is not from your init" : ""}.`
          : "";
      return {
        ...base,
        tone: "error",
        headline: `${failure.path} could not run`,
        explanation: `The kernel could not execute ${failure.path} (error ${failure.errno}): ${lowerFirst(reason)}${after}`,
        fix,
        fileToFix: failure.path,
        line: failure.line,
      };
    }
    case "no-output": {
      const seconds = Math.round((outcome.silentMs ?? 0) / 1000);
      const consoles = outcome.consoles;
      const serial = consoles?.some((c) => /^ttyS\d/.test(c));
      const explanation =
        consoles === undefined
          ? `The kernel printed nothing on the serial port in ${seconds} s: its console is not the serial port (console=ttyS0 missing from the command line?), or this is not a kernel that can start here.`
          : consoles.length === 0
            ? `The kernel printed nothing on the serial port in ${seconds} s: the command line has no console=, so the kernel writes to the screen (tty0), which this terminal does not show.`
            : serial
              ? `The kernel printed nothing on the serial port in ${seconds} s although the command line says ${consoles.map((c) => `console=${c}`).join(" ")}: the kernel may lack the 8250 serial console (CONFIG_SERIAL_8250_CONSOLE), or did not start.`
              : `The kernel printed nothing on the serial port in ${seconds} s: console=${consoles.at(-1)} sends its messages ${/^tty\d*$/.test(consoles.at(-1)!) ? "to the screen" : "elsewhere"}, not to the serial port this terminal shows.`;
      return {
        ...base,
        tone: "error",
        headline: "No console output",
        explanation,
        fix: serial ? "Check the kernel's .config for CONFIG_SERIAL_8250 and CONFIG_SERIAL_8250_CONSOLE." : "Add console=ttyS0 to the kernel command line (the last console= is the one init and the shell get).",
        fileToFix: "kernel command line (console=)",
      };
    }
    case "respawn-loop": {
      const loop = outcome.respawn!;
      const first = loop.examples[0] ?? loop.pattern;
      const what = loop.devices.length
        ? `init keeps restarting a program on ${loop.devices.join(", ")}, which ${loop.devices.length > 1 ? "do" : "does"} not exist in this system`
        : `init keeps restarting a program that ends at once`;
      const entry = loop.inittabLine
        ? ` The /etc/inittab line is "${loop.inittabLine}".`
        : loop.devices.length
          ? " Without an /etc/inittab, BusyBox init starts shells on tty2, tty3 and tty4 as well as on the console."
          : "";
      return {
        ...base,
        tone: "error",
        headline: "Respawn loop",
        explanation: `The same line came ${loop.count} times ("${first}"): ${what}.${entry}`,
        fix: loop.devices.length
          ? `Write an /etc/inittab that starts the shell on the console only (::askfirst:-/bin/sh, or ttyS0::respawn:...), or remove the entries for ${loop.devices.join(", ")}.`
          : "Fix the program so that it keeps running, or change its inittab entry from respawn to once.",
        fileToFix: "/etc/inittab",
        line: first,
      };
    }
    case "powered-off":
      return { ...base, tone: "neutral", headline: "Powered off", explanation: "The guest powered off.", line: outcome.line };
    case "rebooted":
      return { ...base, tone: "neutral", headline: "Rebooted", explanation: "The guest rebooted instead of powering off (use poweroff -f to end it).", line: outcome.line };
    case "exited":
      return { ...base, tone: "error", headline: "Emulator exited", explanation: `${outcome.exit?.reason ?? "The emulator ended"}.` };
    case "timeout": {
      const stage = outcome.lastStage;
      const progress = stage
        ? `the last stage reached was ${stage.stage} ("${stage.line.trim().slice(0, 80)}")`
        : outcome.hadOutput
          ? "the kernel printed nothing recognisable"
          : "no output at all (is console=ttyS0 on the command line?)";
      return { ...base, tone: "error", headline: `Time-out after ${Math.round((outcome.afterMs ?? 0) / 1000)} s`, explanation: progress };
    }
    case "stopped":
      return { ...base, tone: "neutral", headline: "Stopped", explanation: "The guest was stopped." };
  }
}

function lowerFirst(text: string): string {
  // Sentences that begin with a path ("/init is ...") keep it as it is.
  return /^[A-Z][a-z]/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}
