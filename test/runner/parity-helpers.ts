// Boot one planned system on a runner, type the same commands, and reduce the transcript to what
// must be equal on v86 and QEMU.
//
// The normalisation (what is compared, and why) is src/core/boot/parity.ts's, shared with
// `bootlab parity`; it is re-exported here for the tests that import it from this file.
import type { BootPlan, Runner } from "../../src/core/boot/index.ts";
import { normaliseBoot, normaliseOutput, RunnerSession } from "../../src/core/boot/index.ts";

export { dropKernelMessages, normaliseBoot, normaliseOutput, normalisePs } from "../../src/core/boot/index.ts";

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
// Generous: a loaded machine (CI beside other work) runs a command many times slower; a passing run never waits it out.
const COMMAND_TIMEOUT_MS = 60_000;

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
