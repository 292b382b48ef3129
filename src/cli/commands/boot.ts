// `bootlab boot`: boot a kernel and root filesystem in v86 (default) or QEMU, either attached
// to the terminal or driven by stdin, and exit with a code that says how the boot ended.
import { writeFile } from "node:fs/promises";
import { V86Runner } from "../../../workers/runner/v86-runner.ts";
import { parseArgs } from "node:util";
import type { ReadStream } from "node:tty";
import {
  bootTimeline,
  EXIT_CODES,
  isHostDisk,
  RunnerSession,
  timelineSvg,
  timelineText,
  type BootPlan,
  type BootSessionOptions,
  type GuestArch,
  type OutcomeReport,
  type QemuAccel,
  type BootSpec,
} from "../../core/boot/index.ts";
import { CliError, EXIT_FAILED, EXIT_USAGE, type Command } from "../command.ts";
import { oneOf, timeoutSeconds } from "../options.ts";
import { onTerminationSignal } from "../signals.ts";
import { loadHostDisks } from "../input-file.ts";
import { attachTerminal, type AttachEnd } from "../runners/attach-terminal.ts";
import { createRunner, type EmulatorChoice } from "../runners/create.ts";
import { warmStartFor, type WarmStart } from "../warm-cache.ts";
import { kvmStatus } from "../runners/kvm.ts";
import { QemuRunner } from "../runners/qemu-runner.ts";
import { driveScriptedConsole } from "../runners/scripted-console.ts";
import { planFromOptions, SYSTEM_OPTIONS, SYSTEM_OPTIONS_HELP, systemFromOptions } from "../system-options.ts";

/** Exit codes beyond command.ts's 0/1/2, as the help text documents them; one per boot outcome
 * (src/core/boot/outcome.ts decides which, the page's status line says the same). */
export const EXIT_PANIC = EXIT_CODES.panic;
export const EXIT_TIMEOUT = EXIT_CODES.timeout;
export const EXIT_EMULATOR = EXIT_CODES.emulator;
export const EXIT_INIT_FAILED = EXIT_CODES.initFailed;
export const EXIT_NO_OUTPUT = EXIT_CODES.noOutput;
export const EXIT_RESPAWN_LOOP = EXIT_CODES.respawnLoop;

const DEFAULT_TIMEOUT_S = 120;

const HELP = `Usage: bootlab boot [options]

Boots a system through the plan the page uses (src/core/boot/plan.ts). Default: the
prebuilt base BusyBox root filesystem on the tiny kernel, in v86.

At a terminal, the terminal becomes the guest's serial console; press Ctrl-] to leave.
Otherwise bootlab waits for each shell prompt and types the next line of stdin, prints the
serial output on stdout, and exits when the guest powers off (end the input with
\`poweroff -f\`), panics, reboots, stays silent on the serial port, or the time-out passes.
How the boot went is printed on stderr in the words the page's status line uses.

Options:
  --emulator v86|qemu    emulator (default v86; qemu with --arch x86_64)
${SYSTEM_OPTIONS_HELP}
  --disk-writes discard|keep
                         whether the guest's writes to the --disk images reach the files;
                         discard (default): QEMU opens them with snapshot=on, v86 works on a
                         copy in memory; keep: QEMU writes to the files, v86 writes its copy
                         back over each file that changed when the guest stops (only what the
                         guest synced: run sync, or umount, before poweroff -f)
  --timeout SECONDS      give up after this long (default ${DEFAULT_TIMEOUT_S}; at a terminal: none unless given)
  --accel auto|kvm|tcg   QEMU accelerator (default auto: KVM when /dev/kvm is usable)
  --arch i386|x86_64     the architecture: its prebuilt kernels and base archive, and QEMU's
                         binary (default: the kernel's, i386 for the prebuilt ones; a bzImage
                         says in its header whether it is 64-bit); v86 is i386 only
  --warm                 v86: boot from a warm snapshot (the kernel restored at its init, your
                         files handed to it), made on first use and kept in the cache
                         directory ($XDG_CACHE_HOME/bootlab/warm); a system that cannot boot
                         warm (disks, a network, an initrd of your own) boots cold and says why;
                         a C source (static-hello's /init.c) compiles in a warm build guest,
                         its snapshot kept there too
  --quiet                do not print which emulator, accelerator and kernel were chosen
  --timeline             at the end, print the boot's timeline (kernel, initramfs unpack, Run
                         /init, init and rcS, first prompt, power-off) as a text chart on stderr
                         (guest time when --append printk.time=1, else host time)
  --timeline-svg FILE    at the end, write the same timeline as an SVG picture to FILE

Exit codes (the first that applies; what happened is printed on stderr):
  0  the guest powered off (or you left with Ctrl-])
  1  the guest stopped otherwise (it rebooted, or the emulator exited); or the system's C
     source did not compile (static-hello's /init.c: tcc's messages with their lines are
     printed, and nothing boots)
  2  usage: a bad option, a missing file, or a system the plan refuses (what is missing is printed)
  3  kernel panic (the panic line and what usually causes it are printed)
  4  time-out
  5  the emulator could not start (what is missing and how to get it is printed)
  6  /init (or the init= program) exists but could not run: error -2 (a CRLF #! line,
     a missing interpreter), -8 (no #! line, wrong ELF class), -13 (not executable);
     also when the kernel then fell back to /sbin/init and a prompt came
  7  no console output: nothing but firmware on the serial port for 15 s, or until
     the guest stopped (console= missing from the command line, or not ttyS0)
  8  a respawn loop: the same line over and over (init restarting a program that
     fails, e.g. "can't open /dev/tty2"); the device or inittab line is named

Examples:
  bootlab boot
  bootlab boot --template busybox-init
  printf 'uname -a\\npoweroff -f\\n' | bootlab boot --emulator qemu
  bootlab boot --rootfs my-overlay/ --append "rdinit=/sbin/init"
  bootlab boot --template static-hello --rootfs my-init/   # my-init/init.c becomes /init`;

export const bootCommand: Command = {
  name: "boot",
  summary: "boot a template, a directory or an image in v86 or QEMU",
  help: HELP,
  async run(args) {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        ...SYSTEM_OPTIONS,
        emulator: { type: "string" },
        timeout: { type: "string" },
        accel: { type: "string", default: "auto" },
        arch: { type: "string" },
        quiet: { type: "boolean", default: false },
        timeline: { type: "boolean", default: false },
        "timeline-svg": { type: "string" },
        warm: { type: "boolean", default: false },
        "disk-writes": { type: "string", default: "discard" },
      },
    });
    const diskWrites = oneOf("--disk-writes", values["disk-writes"], ["discard", "keep"] as const);
    if (diskWrites === "keep" && !values.disk?.length) throw new CliError("--disk-writes keep: no --disk FILE to keep the guest's writes in", EXIT_USAGE);
    const wantedArch = values.arch === undefined ? undefined : oneOf("--arch", values.arch, ["i386", "x86_64"] as const);
    // A 64-bit system runs in QEMU only, so --arch x86_64 alone means QEMU.
    const emulator = oneOf("--emulator", values.emulator ?? (wantedArch === "x86_64" ? "qemu" : "v86"), ["v86", "qemu"] as const);
    const accel = oneOf("--accel", values.accel, ["auto", "kvm", "tcg"] as const);
    const timeoutS = values.timeout === undefined ? undefined : timeoutSeconds("--timeout", values.timeout);
    if (emulator === "v86" && wantedArch === "x86_64") {
      throw new CliError("--arch x86_64 needs --emulator qemu: v86 emulates a 32-bit CPU only", EXIT_USAGE);
    }
    if (values.warm && emulator !== "v86") throw new CliError("--warm: warm boots are v86's (a restored snapshot); QEMU always boots cold", EXIT_USAGE);
    const { system } = await systemFromOptions(values);
    if (diskWrites === "keep") system.disks = system.disks?.map((disk) => (isHostDisk(disk) ? { ...disk, keepWrites: true } : disk));
    if (wantedArch !== undefined) {
      system.arch = wantedArch;
      if (typeof system.kernel === "object") system.kernel.arch = wantedArch;
    }
    const plan = await planFromOptions(system, { emulator });
    // The QEMU binary follows the kernel the plan picked (a 64-bit bzImage says so in its header).
    const arch = plan.kernel.arch;
    if (emulator === "qemu" && accel === "kvm") {
      const kvm = await kvmStatus(arch);
      if (!kvm.usable) throw new CliError(`--accel kvm: ${kvm.reason}; use --accel tcg`, EXIT_EMULATOR);
    }
    if (!values.quiet) for (const note of plan.notes) process.stderr.write(`bootlab boot: ${note}\n`);
    let warm: WarmStart | undefined;
    if (values.warm) {
      warm = await warmStartFor(system, plan);
      if (!values.quiet) {
        const said = warm.warm ? `warm boot from ${warm.made ? "a snapshot made now and kept in" : "the snapshot in"} ${warm.file}` : `cold boot: ${warm.coldReason}`;
        process.stderr.write(`bootlab boot: ${said}\n`);
      }
    }
    return bootAndReport(plan, { emulator, accel, arch, timeoutS, quiet: values.quiet, session: { ...plan.expectations }, timeline: values.timeline, timelineSvg: values["timeline-svg"], warm });
  },
};

interface BootRunOptions {
  emulator: EmulatorChoice;
  accel: QemuAccel | "auto";
  arch: GuestArch;
  timeoutS: number | undefined;
  quiet: boolean;
  /** What the plan knows to explain the boot better (its expectations: readyPattern, initPath, initHint, inittab). */
  session: BootSessionOptions;
  /** Print the boot's timeline as a text chart on stderr at the end. */
  timeline?: boolean;
  /** Write the boot's timeline as an SVG picture to this file at the end. */
  timelineSvg?: string | undefined;
  /** --warm: the snapshot to restore and the files to hand over (v86). */
  warm?: WarmStart | undefined;
}

async function bootAndReport(plan: BootPlan, options: BootRunOptions): Promise<number> {
  // v86 holds its disks in memory: read the ones the user named now (the plan checked their size).
  const spec = options.emulator === "v86" ? await loadHostDisks(plan.spec) : plan.spec;
  let runner;
  try {
    runner = await createRunner(options.emulator, { accel: options.accel, arch: options.arch });
    if (options.warm?.warm && runner instanceof V86Runner) runner.bootWarm(options.warm.snapshot, options.warm.archive);
  } catch (error) {
    return emulatorCannotStart(error);
  }
  const session = new RunnerSession(runner, options.session);
  session.onOutput((bytes) => process.stdout.write(bytes));
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  if (!options.quiet) {
    const why = runner instanceof QemuRunner && runner.accel === "tcg" && options.accel === "auto" ? `, ${(await kvmStatus(options.arch)).reason}` : "";
    const which = runner instanceof QemuRunner ? `${runner.binary} with ${runner.accel.toUpperCase()}${why}` : "v86";
    process.stderr.write(`bootlab boot: ${which}, the ${plan.kernel.id} kernel${interactive ? "; press Ctrl-] to leave" : ""}\n`);
  }
  // SIGINT, SIGTERM and SIGHUP stop the guest (and QEMU with it) before bootlab exits.
  const offSignals = onTerminationSignal(() => session.stop());
  try {
    try {
      await session.start(spec);
    } catch (error) {
      return emulatorCannotStart(error);
    }
    const timeoutS = options.timeoutS ?? (interactive ? undefined : DEFAULT_TIMEOUT_S);
    const deadline = timeoutS === undefined ? undefined : session.clock.now() + timeoutS * 1000;
    const end: AttachEnd = interactive
      ? await attachTerminal(session, process.stdin as ReadStream, deadline)
      : await driveScriptedConsole(session, process.stdin, deadline!);
    if (end === "timeout") session.markTimedOut(timeoutS! * 1000);
    if (end === "detached") {
      process.stderr.write("\nbootlab boot: left the console (Ctrl-]); the guest was stopped\n");
      session.markStopped();
    }
    const exitCode = report(session.report());
    await showTimeline(session, options);
    return exitCode;
  } finally {
    offSignals();
    await session.stop();
    if (runner instanceof V86Runner) await keepV86DiskWrites(plan.spec, spec, runner, options.quiet);
  }
}

/**
 * --disk-writes keep on v86: each kept disk whose bytes the guest changed is written back over
 * its file (v86 worked on a copy in memory). `loaded` is the spec v86 booted, with the bytes read.
 */
async function keepV86DiskWrites(planned: BootSpec, loaded: BootSpec, runner: V86Runner, quiet: boolean): Promise<void> {
  const now = runner.disks();
  for (const [index, disk] of planned.disks.entries()) {
    if (!isHostDisk(disk) || !disk.keepWrites) continue;
    const before = loaded.disks[index] as Uint8Array;
    const after = now[index];
    if (!after) continue;
    if (Buffer.compare(before, after) === 0) {
      if (!quiet) process.stderr.write(`bootlab boot: the guest changed nothing on ${disk.path}\n`);
      continue;
    }
    try {
      await writeFile(disk.path, after);
    } catch (error) {
      throw new CliError(`--disk-writes keep: could not write the guest's changes back to ${disk.path}: ${(error as Error).message}`, EXIT_FAILED);
    }
    if (!quiet) process.stderr.write(`bootlab boot: kept the guest's writes in ${disk.path}\n`);
  }
}

/** The boot's timeline, as --timeline (a text chart on stderr) and --timeline-svg (a file) ask. */
async function showTimeline(session: RunnerSession, options: BootRunOptions): Promise<void> {
  if (!options.timeline && options.timelineSvg === undefined) return;
  const readyPattern = options.session.readyPattern;
  const timeline = bootTimeline(session.transcript, { ...(readyPattern !== undefined ? { readyPattern } : {}), ...(options.warm?.warm ? { restored: true } : {}) });
  if (options.timeline) {
    const width = process.stderr.columns ?? 80;
    process.stderr.write(`\n${timelineText(timeline, undefined, { width, title: "bootlab boot: timeline" })}\n`);
  }
  if (options.timelineSvg !== undefined) {
    try {
      await writeFile(options.timelineSvg, timelineSvg(timeline));
    } catch (error) {
      process.stderr.write(`bootlab boot: --timeline-svg: cannot write ${options.timelineSvg}: ${(error as Error).message}\n`);
    }
  }
}

/** Says how the boot ended (the same words as the page's status line) and returns its exit code. */
function report(outcome: OutcomeReport): number {
  // A power-off or a stop the user asked for needs no words: the transcript shows it.
  if (outcome.kind !== "powered-off" && outcome.kind !== "stopped") process.stderr.write(`\nbootlab boot: ${formatReport(outcome)}\n`);
  return outcome.exitCode;
}

/** One paragraph: `Headline: "the console line" explanation Fix: ... (look at: file)`. */
export function formatReport(outcome: OutcomeReport): string {
  const line = outcome.line ? `"${outcome.line}" ` : "";
  const fix = outcome.fix ? ` Fix: ${outcome.fix}` : "";
  const file = outcome.fileToFix ? ` (look at: ${outcome.fileToFix})` : "";
  return `${outcome.headline}: ${line}${outcome.explanation}${fix}${file}`;
}

function emulatorCannotStart(error: unknown): number {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`bootlab boot: the emulator could not start: ${message}\n`);
  return EXIT_EMULATOR;
}
