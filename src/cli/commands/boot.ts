// `bootlab boot`: boot a kernel and root filesystem in v86 (default) or QEMU, either attached
// to the terminal or driven by stdin, and exit with a code that says how the boot ended.
import { parseArgs } from "node:util";
import type { ReadStream } from "node:tty";
import {
  EXIT_CODES,
  KernelCmdline,
  RunnerSession,
  minimumV86MemoryMiB,
  prepareInitrd,
  validateBootSpec,
  type BootSessionOptions,
  type BootSpec,
  type GuestArch,
  type OutcomeReport,
  type QemuAccel,
} from "../../core/boot/index.ts";
import { CliError, EXIT_USAGE, type Command } from "../command.ts";
import { oneOf, positiveNumber } from "../options.ts";
import { loadBundle } from "../bundle.ts";
import { readUserFile } from "../runners/artifacts.ts";
import { attachTerminal, type AttachEnd } from "../runners/attach-terminal.ts";
import { loadBootInputs } from "../runners/boot-inputs.ts";
import { createRunner, type EmulatorChoice } from "../runners/create.ts";
import { kvmStatus } from "../runners/kvm.ts";
import { QemuRunner } from "../runners/qemu-runner.ts";
import { driveScriptedConsole } from "../runners/scripted-console.ts";

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

Boots a kernel and root filesystem. Default: the prebuilt i386 tiny kernel and base BusyBox
root filesystem, in v86.

At a terminal, the terminal becomes the guest's serial console; press Ctrl-] to leave.
Otherwise bootlab waits for each shell prompt and types the next line of stdin, prints the
serial output on stdout, and exits when the guest powers off (end the input with
\`poweroff -f\`), panics, reboots, stays silent on the serial port, or the time-out passes.
How the boot went is printed on stderr in the words the page's status line uses.

Options:
  --emulator v86|qemu    emulator (default v86)
  --kernel FILE          bzImage to boot (default prebuilt/i386/tiny/bzImage)
  --rootfs DIR|FILE      DIR: packed and laid over the base archive as a second initramfs;
                         FILE: a cpio, cpio.gz or RAM-disk image used instead of the base archive
  --append "S"           kernel parameters, set over the defaults (same key: yours wins)
  --disk FILE            raw disk image, repeatable: /dev/sda, /dev/sdb
  --memory MIB           guest memory (default 128; v86 needs more than 64 + the initrd)
  --timeout SECONDS      give up after this long (default ${DEFAULT_TIMEOUT_S}; at a terminal: none unless given)
  --accel auto|kvm|tcg   QEMU accelerator (default auto: KVM when /dev/kvm is usable)
  --arch i386|x86_64     QEMU binary for the kernel (default i386; v86 is i386 only)
  --bundle FILE.zip      boot an export bundle from the page (kernel, initrd, command line)
  --quiet                do not print which emulator and accelerator were chosen

Exit codes (the first that applies; what happened is printed on stderr):
  0  the guest powered off (or you left with Ctrl-])
  1  the guest stopped otherwise (it rebooted, or the emulator exited)
  2  usage: a bad option or a missing file
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
  printf 'uname -a\\npoweroff -f\\n' | bootlab boot --emulator qemu
  bootlab boot --rootfs my-overlay/ --append "rdinit=/sbin/init"`;

export const bootCommand: Command = {
  name: "boot",
  summary: "boot a kernel and root filesystem in v86 or QEMU",
  help: HELP,
  async run(args) {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        emulator: { type: "string", default: "v86" },
        kernel: { type: "string" },
        rootfs: { type: "string" },
        append: { type: "string" },
        disk: { type: "string", multiple: true },
        memory: { type: "string" },
        timeout: { type: "string" },
        accel: { type: "string", default: "auto" },
        arch: { type: "string", default: "i386" },
        bundle: { type: "string" },
        quiet: { type: "boolean", default: false },
      },
    });
    const emulator = oneOf("--emulator", values.emulator, ["v86", "qemu"] as const);
    const accel = oneOf("--accel", values.accel, ["auto", "kvm", "tcg"] as const);
    const arch = oneOf("--arch", values.arch, ["i386", "x86_64"] as const);
    const memoryMiB = values.memory === undefined ? undefined : positiveNumber("--memory", values.memory, "MiB");
    const timeoutS = values.timeout === undefined ? undefined : positiveNumber("--timeout", values.timeout, "seconds");
    if (emulator === "v86" && arch === "x86_64") {
      throw new CliError("--arch x86_64 needs --emulator qemu: v86 emulates a 32-bit CPU only", EXIT_USAGE);
    }
    if (emulator === "qemu" && accel === "kvm") {
      const kvm = await kvmStatus(arch);
      if (!kvm.usable) throw new CliError(`--accel kvm: ${kvm.reason}; use --accel tcg`, EXIT_EMULATOR);
    }

    const spec: BootSpec = values.bundle
      ? await loadBundleSpec(values.bundle, { append: values.append, memoryMiB, disks: values.disk ?? [] })
      : (
          await loadBootInputs({
            kernel: values.kernel,
            rootfs: values.rootfs,
            append: values.append,
            disks: values.disk ?? [],
            memoryMiB,
          })
        ).spec;

    return bootAndReport(spec, { emulator, accel, arch, timeoutS, quiet: values.quiet });
  },
};

interface BootRunOptions {
  emulator: EmulatorChoice;
  accel: QemuAccel | "auto";
  arch: GuestArch;
  timeoutS: number | undefined;
  quiet: boolean;
  /** What the plan knows to explain the boot better (readyPattern, initPath, initHint, inittab). */
  session?: BootSessionOptions;
}

async function bootAndReport(spec: BootSpec, options: BootRunOptions): Promise<number> {
  // Problems with the inputs are usage errors (2), not emulator failures (5): check them first.
  const problems = validateBootSpec(spec);
  // Inflate the initrds once, here: the memory check needs the size, and both runners take a
  // single plain archive as it is instead of inflating the gzip'd base a second time.
  const initrd = spec.initrds.length ? prepareInitrd(spec.initrds) : undefined;
  spec = { ...spec, initrds: initrd ? [initrd] : [] };
  const initrdBytes = initrd?.length ?? 0;
  if (options.emulator === "v86" && spec.memoryMiB < minimumV86MemoryMiB(initrdBytes)) {
    problems.push(`--memory: got ${spec.memoryMiB} MiB, v86 loads the initrd at 64 MiB and needs at least ${minimumV86MemoryMiB(initrdBytes)} MiB here (128 works)`);
  }
  if (options.emulator === "v86" && spec.disks.length > 2) problems.push(`--disk: got ${spec.disks.length}, v86 attaches at most 2`);
  if (problems.length) throw new CliError(problems.join("; "), EXIT_USAGE);
  let runner;
  try {
    runner = await createRunner(options.emulator, { accel: options.accel, arch: options.arch });
  } catch (error) {
    return emulatorCannotStart(error);
  }
  const session = new RunnerSession(runner, { cmdline: spec.cmdline, ...options.session });
  session.onOutput((bytes) => process.stdout.write(bytes));
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  if (!options.quiet) {
    const why = runner instanceof QemuRunner && runner.accel === "tcg" && options.accel === "auto" ? `, ${(await kvmStatus(options.arch)).reason}` : "";
    const which = runner instanceof QemuRunner ? `${runner.binary} with ${runner.accel.toUpperCase()}${why}` : "v86";
    process.stderr.write(`bootlab boot: ${which}${interactive ? "; press Ctrl-] to leave" : ""}\n`);
  }
  const onSignal = () => void session.stop().then(() => process.exit(130));
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
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
    return report(session.report());
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await session.stop();
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

/** `--bundle FILE.zip`: the page's export (kernel, initrd, command line, memory), with the
 * command line's --append, --memory and --disk applied over it. */
async function loadBundleSpec(
  file: string,
  overrides: { append: string | undefined; memoryMiB: number | undefined; disks: string[] },
): Promise<BootSpec> {
  const bundle = await loadBundle(file);
  const disks: Uint8Array[] = [...bundle.disks];
  for (const disk of overrides.disks) disks.push(await readUserFile(disk, "--disk"));
  const cmdline = overrides.append
    ? KernelCmdline.parse(bundle.cmdline).merge(KernelCmdline.parse(overrides.append)).toString()
    : bundle.cmdline;
  return { kernel: bundle.kernel, initrds: bundle.initrds, disks, cmdline, memoryMiB: overrides.memoryMiB ?? bundle.memoryMiB };
}
