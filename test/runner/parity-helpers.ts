// Boot one planned system on a runner, type the same commands, and reduce the transcript to what
// must be equal on v86 and QEMU.
//
// The normalisation, and why each step:
// 1. Only what comes after the kernel hands over to init ("Run /init as init process") is
//    compared: before that the kernel probes different emulated hardware, and says so.
// 2. Kernel messages are dropped, found by their printk time stamp (the parity boots use
//    printk.time=1 for this), also when one starts mid-line: messages that arrive while user
//    space runs (a clock switch, a device found late) come at emulator-dependent moments.
// 3. `ps`: kernel threads ([kthreadd], [kworker/0:1]...) are dropped and PIDs renumbered by
//    order, since the number of kernel threads follows the emulated devices; the TIME column
//    (CPU time used) is blanked.
// 4. Hexadecimal addresses (0x followed by 6 or more digits) become 0xADDR.
// 5. `mount`: the size=/nr_inodes= of rootfs, tmpfs and devtmpfs become SIZE: they are derived
//    from the RAM the firmware reports, and v86's BIOS reports a few MiB less for the same -m.
import type { BootPlan, Runner } from "../../src/core/boot/index.ts";
import { RunnerSession, stripPrintkTime } from "../../src/core/boot/index.ts";

export interface ParityTranscript {
  /** User-space lines from init's start to the first prompt (or to the hello line). */
  boot: string[];
  /** Each command with its normalised output. */
  commands: Array<{ command: string; output: string[] }>;
}

const BOOT_TIMEOUT_MS = 60_000;
/** A system without a shell is done printing once its console was silent this long. */
const QUIET_MS = 1000;

/** Resolves once `size()` stopped growing for `quietMs` (or after `limitMs` at most). */
async function quiet(size: () => number, quietMs: number, limitMs: number): Promise<void> {
  const deadline = performance.now() + limitMs;
  let last = size();
  let since = performance.now();
  while (performance.now() - since < quietMs && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (size() !== last) {
      last = size();
      since = performance.now();
    }
  }
}
const COMMAND_TIMEOUT_MS = 20_000;

/**
 * Boots `plan` on `runner` until the system is up: a shell prompt (pressing Enter first for
 * BusyBox's askfirst), or the plan's ready text for a system without a shell. Then types
 * `commands` when there is a shell.
 */
export async function collectParityTranscript(runner: Runner, plan: BootPlan, commands: readonly string[]): Promise<{ parity: ParityTranscript; raw: string; shell: boolean }> {
  const session = new RunnerSession(runner, { ...plan.expectations });
  const ready = plan.expectations.readyPattern ? new RegExp(plan.expectations.readyPattern) : undefined;
  try {
    await session.start(plan.spec);
    await session.waitFor((t) => t.askfirstCount > 0 || (t.promptCount > 0 && t.atPrompt) || (ready?.test(t.text) ?? false), BOOT_TIMEOUT_MS, "a prompt, the askfirst message or the ready text");
    if (session.transcript.askfirstCount > 0 && session.transcript.promptCount === 0) {
      runner.send("\n");
      await session.waitForPrompt(0, BOOT_TIMEOUT_MS);
    }
    if (!session.transcript.atPrompt) {
      // A system without a shell (a C init): everything it prints is compared, so wait until it
      // has stopped printing (the emulators deliver the same text in different chunks).
      await quiet(() => session.transcript.text.length, QUIET_MS, BOOT_TIMEOUT_MS);
      const text = session.transcript.text;
      return { parity: { boot: normaliseBoot(text), commands: [] }, raw: text, shell: false };
    }
    const bootText = session.transcript.text;
    const typed: ParityTranscript["commands"] = [];
    for (const command of commands) {
      const output = await session.run(command, COMMAND_TIMEOUT_MS);
      typed.push({ command, output: normaliseOutput(command, output) });
    }
    return { parity: { boot: normaliseBoot(bootText), commands: typed }, raw: session.transcript.text, shell: true };
  } finally {
    await session.stop();
  }
}

const INIT_HANDOVER = /Run \S+ as init process/;

/**
 * Step 2 on text: removes every printk message with its line end, also one that starts in the
 * middle of a line (the kernel prints where the cursor is, e.g. after BusyBox's "Please press
 * Enter to activate this console. "), so the user's text around it joins up again.
 */
export function dropKernelMessages(text: string): string {
  const out: string[] = [];
  let carry: string | undefined; // text before a mid-line message, waiting for the rest of its line
  for (const line of text.split("\n")) {
    const at = line.search(PRINTK_STAMP);
    const kept = (carry ?? "") + (at === -1 ? line : line.slice(0, at));
    if (at === -1) {
      out.push(kept);
      carry = undefined;
    } else if (at > 0 || carry !== undefined) {
      carry = kept; // the message took this line's end: what follows it continues this text
    } // else a message that fills its line goes, line end and all (also as the last line)
  }
  if (carry !== undefined) out.push(carry);
  return out.join("\n");
}

const PRINTK_STAMP = /\[\s*\d+\.\d+\] /;

/** Steps 1, 2 and 4 on the boot output. */
export function normaliseBoot(text: string): string[] {
  const all = text.split("\n");
  const handover = all.findIndex((l) => INIT_HANDOVER.test(stripPrintkTime(l)));
  const lines = dropKernelMessages(all.slice(handover === -1 ? 0 : handover + 1).join("\n")).split("\n");
  // The last line is the prompt the next command is typed at; it belongs to the boot part.
  return lines.map(normaliseAddresses);
}

/** Steps 2, 3 and 4 on one command's output. */
export function normaliseOutput(command: string, output: string): string[] {
  let lines = dropKernelMessages(output).split("\n").map(normaliseAddresses);
  if (command === "ps") lines = normalisePs(lines);
  if (command === "mount") lines = lines.map((l) => l.replace(/size=\d+k,nr_inodes=\d+/, "size=SIZE,nr_inodes=SIZE"));
  return lines;
}

function normaliseAddresses(line: string): string {
  return line.replace(/0x[0-9a-fA-F]{6,}/g, "0xADDR");
}

/** BusyBox ps: "  PID USER       TIME  COMMAND" then one line a process. */
export function normalisePs(lines: string[]): string[] {
  const [header, ...rows] = lines;
  const user = rows.filter((row) => !/\s\[[^\]]+\]\s*$/.test(row));
  return [
    header ?? "",
    ...user.map((row, index) => {
      const m = row.match(/^\s*\d+\s+(\S+)\s+\S+\s+(.*)$/);
      return m ? `#${index + 1} ${m[1]} ${m[2]}` : row;
    }),
  ];
}
