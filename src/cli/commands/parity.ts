// `bootlab parity`: plan a system once, boot it on v86 and on QEMU (TCG), type the same commands,
// and show what differs: the kernel's lines where the emulated hardware differs (named), and
// user space exactly after the normalisation of src/core/boot/parity.ts; then both timelines.
import { parseArgs } from "node:util";
import {
  besideText,
  BootFailure,
  bootTimeline,
  compareTranscripts,
  formatParity,
  PARITY_APPEND,
  RunnerSession,
  timelineText,
  type BootPlan,
  type BootTimeline,
} from "../../core/boot/index.ts";
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import { boundedNumber, timeoutSeconds } from "../options.ts";
import { loadHostDisks } from "../input-file.ts";
import { createRunner, type EmulatorChoice } from "../runners/create.ts";
import { planFromOptions, SYSTEM_OPTIONS, SYSTEM_OPTIONS_HELP, systemFromOptions } from "../system-options.ts";

/** Typed at the shell prompt on both emulators, in this order; then `poweroff -f`. */
export const PARITY_COMMANDS = ["uname -a", "cat /proc/cmdline", "ls /"] as const;

const DEFAULT_TIMEOUT_S = 60;
/** A system without a shell is done once its console was silent this long (or it stopped). */
const QUIET_MS = 1500;
const COMMAND_TIMEOUT_MS = 20_000;
const POWER_OFF_MS = 10_000;

const HELP = `Usage: bootlab parity (--template ID | --rootfs DIR) [--append S] [options]

Plans the system once (the plan the page uses), boots the same bytes on v86 and on QEMU
(TCG, no KVM), and when there is a shell types the same commands on both:
${PARITY_COMMANDS.map((c) => `  ${c}`).join("\n")}
  poweroff -f
(BusyBox's "Please press Enter" is answered first; a system without a shell is read until it
stops or falls silent.) Then it prints
- the kernel's own lines up to "Run /init", time stamps removed, each difference named by what
  explains it: the order of parallel work, the memory map, the CPU, the clocks, the devices
  (expected: the two emulate different hardware), or "other";
- everything after "Run /init", compared exactly after the normalisation documented in
  src/core/boot/parity.ts (kernel messages, kernel threads in ps, addresses, tmpfs sizes);
- the two boots' timelines side by side, on one time axis.
The boots get ${PARITY_APPEND} on the command line so that kernel messages can be told apart.

Options:
${SYSTEM_OPTIONS_HELP}
  --timeout SECONDS      give up on a boot after this long (default ${DEFAULT_TIMEOUT_S})
  --width COLUMNS        width of the timelines (default: the terminal's, or 100)

Exit codes:
  0  the guest-visible output (everything after "Run /init") is the same on both
  1  it differs (the differing lines are printed)
  2  usage, a system the plan refuses, or an emulator that cannot start

Examples:
  bootlab parity --template busybox-init
  bootlab parity --rootfs my-overlay/ --append "rdinit=/sbin/init"`;

export const parityCommand: Command = {
  name: "parity",
  summary: "boot one system on v86 and QEMU and show what differs",
  help: HELP,
  async run(args) {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: { ...SYSTEM_OPTIONS, timeout: { type: "string" }, width: { type: "string" } },
    });
    if (values.template === undefined && values.rootfs === undefined && values.bundle === undefined) {
      throw new CliError("bootlab parity: say what to boot: --template ID or --rootfs DIR (see bootlab parity --help)", EXIT_USAGE);
    }
    const timeoutMs = (values.timeout === undefined ? DEFAULT_TIMEOUT_S : timeoutSeconds("--timeout", values.timeout)) * 1000;
    const width = values.width === undefined ? (process.stdout.columns ?? 100) : boundedNumber("--width", values.width, "columns", 20, 1000, { integer: true });
    const append = `${PARITY_APPEND} ${values.append ?? ""}`.trim();
    const { system, what } = await systemFromOptions({ ...values, append });
    // Planned without an emulator: within both emulators' limits, so both boot the same bytes.
    const plan = await planFromOptions(system, {});
    for (const note of plan.notes) process.stderr.write(`bootlab parity: ${note}\n`);

    const boots: ParityBoot[] = [];
    for (const emulator of ["v86", "qemu"] as const) {
      process.stderr.write(`bootlab parity: booting ${what} on ${emulator === "qemu" ? "QEMU (TCG)" : "v86"}...\n`);
      boots.push(await bootOnce(emulator, plan, timeoutMs));
    }
    const [v86, qemu] = boots as [ParityBoot, ParityBoot];
    for (const boot of boots) process.stdout.write(`${boot.name}: ${boot.ending}\n`);
    process.stdout.write("\n");
    const comparison = compareTranscripts(v86.text, qemu.text);
    process.stdout.write(`${formatParity(comparison, [v86.name, qemu.name])}\n\n`);

    const half = Math.max(46, Math.floor((width - 3) / 2));
    const scaleMs = Math.max(v86.timeline.totalMs, qemu.timeline.totalMs, 1);
    const chart = (boot: ParityBoot) => timelineText(boot.timeline, undefined, { width: half, scaleMs, title: `${boot.name} timeline` });
    process.stdout.write(`${besideText(chart(v86), chart(qemu))}\n\n`);

    if (comparison.equal) {
      process.stdout.write("parity: the guest-visible output is the same on v86 and QEMU\n");
      return EXIT_OK;
    }
    process.stdout.write("parity: the guest-visible output differs between v86 and QEMU (the lines above)\n");
    return EXIT_FAILED;
  },
};

interface ParityBoot {
  name: string;
  /** The console text ("\r" removed). */
  text: string;
  timeline: BootTimeline;
  /** How the boot ended, in a few words. */
  ending: string;
}

async function bootOnce(emulator: EmulatorChoice, plan: BootPlan, timeoutMs: number): Promise<ParityBoot> {
  const name = emulator === "qemu" ? "QEMU" : "v86";
  let runner;
  try {
    runner = await createRunner(emulator, emulator === "qemu" ? { accel: "tcg" } : {});
  } catch (error) {
    throw new CliError(`${name} could not start: ${error instanceof Error ? error.message : String(error)}`, EXIT_USAGE);
  }
  const session = new RunnerSession(runner, { ...plan.expectations });
  const ready = plan.expectations.readyPattern ? new RegExp(plan.expectations.readyPattern) : undefined;
  try {
    try {
      // v86 holds its disks in memory; QEMU opens the files the user named itself.
      await session.start(emulator === "v86" ? await loadHostDisks(plan.spec) : plan.spec);
    } catch (error) {
      throw new CliError(`${name} could not start: ${error instanceof Error ? error.message : String(error)}`, EXIT_USAGE);
    }
    try {
      await session.waitFor((t) => t.askfirstCount > 0 || (t.promptCount > 0 && t.atPrompt) || (ready?.test(t.text) ?? false), timeoutMs, "a prompt, the askfirst message or the ready text");
      if (session.transcript.askfirstCount > 0 && session.transcript.promptCount === 0) {
        session.send("\n");
        await session.waitForPrompt(0, timeoutMs);
      }
      if (session.transcript.atPrompt) {
        for (const command of PARITY_COMMANDS) await session.run(command, COMMAND_TIMEOUT_MS);
        session.send("poweroff -f\n");
        await untilStopped(session, POWER_OFF_MS);
      } else {
        await untilQuiet(session, QUIET_MS, timeoutMs);
      }
    } catch (error) {
      // A boot that stops early (a panic, a power-off from /init) is compared as it is: the same
      // panic on both emulators is parity too.
      if (!(error instanceof BootFailure)) throw error;
      if (error.kind === "timeout") session.markTimedOut(timeoutMs);
    }
    const report = session.report();
    return {
      name,
      text: session.transcript.text,
      timeline: bootTimeline(session.transcript, plan.expectations.readyPattern ? { readyPattern: plan.expectations.readyPattern } : {}),
      ending: `${report.headline}${report.kind === "booting" ? " (read until the console fell silent)" : ""}`,
    };
  } finally {
    await session.stop();
  }
}

/** Waits until the guest stops (power-off, panic, exit) or `ms` passes. */
async function untilStopped(session: RunnerSession, ms: number): Promise<void> {
  try {
    await session.waitFor(() => session.outcome.final, ms, "the guest to stop");
  } catch (error) {
    if (!(error instanceof BootFailure)) throw error;
  }
}

/** Waits until the console stopped growing for `quietMs`, the guest stopped, or `limitMs` passed. */
async function untilQuiet(session: RunnerSession, quietMs: number, limitMs: number): Promise<void> {
  const size = () => session.transcript.text.length;
  const deadline = performance.now() + limitMs;
  let last = size();
  let since = performance.now();
  while (performance.now() - since < quietMs && performance.now() < deadline && !session.outcome.final) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (size() !== last) {
      last = size();
      since = performance.now();
    }
  }
}
