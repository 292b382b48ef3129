// `bootlab boot` without a terminal: wait for each shell prompt and type the next line of
// stdin, press Enter when BusyBox init asks for it, until the boot ends. How it ended is the
// session's outcome (src/core/boot/outcome.ts); this only says whether the time ran out.
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { BootFailure, type RunnerSession } from "../../core/boot/index.ts";

/** "ended": the session has its outcome (the guest stopped, or nothing comes on the console). */
export type ConsoleEnd = "ended" | "timeout";

/** Lines of `input`, handed out one at a time, as they arrive. */
class LineQueue {
  private readonly lines: string[] = [];
  private ended = false;
  private waiting: (() => void) | undefined;

  constructor(input: Readable) {
    const reader = createInterface({ input, crlfDelay: Infinity });
    reader.on("line", (line) => {
      this.lines.push(line);
      this.waiting?.();
    });
    reader.on("close", () => {
      this.ended = true;
      this.waiting?.();
    });
  }

  /** The next line, or undefined once the input has ended and every line was taken. */
  async next(): Promise<string | undefined> {
    while (this.lines.length === 0 && !this.ended) {
      await new Promise<void>((resolve) => (this.waiting = resolve));
      this.waiting = undefined;
    }
    return this.lines.shift();
  }
}

/**
 * Drives the console until the guest stops (power-off, panic, reboot, the emulator exits), the
 * console stays silent (the "no-output" outcome: nothing will be typed into a console nobody
 * reads), or `deadline` (session clock ms) passes. Input lines go one per prompt; when stdin
 * ends the guest keeps running until one of those happens.
 */
export async function driveScriptedConsole(session: RunnerSession, input: Readable, deadline: number): Promise<ConsoleEnd> {
  const queue = new LineQueue(input);
  const t = session.transcript;
  let askfirstAnswered = 0;
  let promptsAnswered = 0;
  let inputDone = false;
  for (;;) {
    const wantInput = !inputDone;
    try {
      await session.waitFor(
        (tr) =>
          session.outcome.kind === "no-output" ||
          tr.askfirstCount > askfirstAnswered ||
          (wantInput && tr.promptCount > promptsAnswered && tr.atPrompt),
        Math.max(0, deadline - session.clock.now()),
        inputDone ? "the guest to power off" : "a shell prompt",
      );
    } catch (error) {
      if (!(error instanceof BootFailure)) throw error;
      return error.kind === "timeout" ? "timeout" : "ended";
    }
    if (session.outcome.kind === "no-output") return "ended";
    if (t.askfirstCount > askfirstAnswered) {
      askfirstAnswered = t.askfirstCount;
      session.send("\n");
      continue;
    }
    promptsAnswered = t.promptCount;
    const line = await queue.next();
    if (line === undefined) {
      inputDone = true;
      continue;
    }
    session.send(`${line}\n`);
  }
}
