// `bootlab boot` without a terminal: wait for each shell prompt and type the next line of
// stdin, press Enter when BusyBox init asks for it, and report how the boot ended.
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { BootFailure, type BootSession } from "../../../workers/runner/session.ts";

export type BootEnd =
  | { kind: "powered-off" }
  | { kind: "panic"; failure: BootFailure }
  | { kind: "timeout"; failure: BootFailure }
  | { kind: "exited"; failure: BootFailure }
  | { kind: "rebooted" };

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
 * Drives the console until the guest powers off, panics, reboots, the emulator exits, or
 * `deadline` (performance.now() ms) passes. Input lines go one per prompt; when stdin ends the
 * guest keeps running until one of those happens.
 */
export async function driveScriptedConsole(session: BootSession, input: Readable, deadline: number): Promise<BootEnd> {
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
          tr.poweredOff ||
          tr.stage("reboot") !== undefined ||
          tr.askfirstCount > askfirstAnswered ||
          (wantInput && tr.promptCount > promptsAnswered && tr.atPrompt),
        Math.max(0, deadline - performance.now()),
        inputDone ? "the guest to power off" : "a shell prompt",
      );
    } catch (error) {
      if (!(error instanceof BootFailure)) throw error;
      if (error.kind === "powered-off") return { kind: "powered-off" };
      if (error.kind === "exited" && t.stage("reboot")) return { kind: "rebooted" };
      return { kind: error.kind, failure: error };
    }
    if (t.poweredOff) return { kind: "powered-off" };
    if (t.stage("reboot")) return { kind: "rebooted" };
    if (t.askfirstCount > askfirstAnswered) {
      askfirstAnswered = t.askfirstCount;
      session.runner.send("\n");
      continue;
    }
    promptsAnswered = t.promptCount;
    const line = await queue.next();
    if (line === undefined) {
      inputDone = true;
      continue;
    }
    session.runner.send(`${line}\n`);
  }
}
