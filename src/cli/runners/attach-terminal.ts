// `bootlab boot` at a terminal: the terminal becomes the guest's serial console (raw mode, so
// Ctrl-C and arrow keys reach the guest) until Ctrl-] is pressed or the boot ends. The
// terminal is put back however the session ends.
import type { ReadStream } from "node:tty";
import { BootFailure, type RunnerSession } from "../../core/boot/index.ts";
import type { ConsoleEnd } from "./scripted-console.ts";

/** Ctrl-] : the key telnet and QEMU users know for "leave". */
export const DETACH_BYTE = 0x1d;

export type AttachEnd = ConsoleEnd | "detached";

export async function attachTerminal(session: RunnerSession, stdin: ReadStream, deadline: number | undefined): Promise<AttachEnd> {
  let detach: () => void = () => {};
  const detached = new Promise<AttachEnd>((resolve) => (detach = () => resolve("detached")));
  const onData = (chunk: Buffer) => {
    const at = chunk.indexOf(DETACH_BYTE);
    if (at !== -1) {
      if (at > 0) session.send(new Uint8Array(chunk.subarray(0, at)));
      detach();
      return;
    }
    session.send(new Uint8Array(chunk));
  };
  const restore = () => {
    if (stdin.isRaw) stdin.setRawMode(false);
  };
  process.once("exit", restore);
  stdin.setRawMode(true);
  stdin.on("data", onData);
  stdin.resume();
  try {
    // The boot ends when the guest stops, or when its console stays silent (no-output).
    const ended = session
      .waitFor(() => session.outcome.kind === "no-output", deadline === undefined ? 2 ** 31 - 1 : Math.max(0, deadline - session.clock.now()), "the guest to power off")
      .then(
        (): AttachEnd => "ended",
        (error: unknown): AttachEnd => {
          if (!(error instanceof BootFailure)) throw error;
          return error.kind === "timeout" ? "timeout" : "ended";
        },
      );
    return await Promise.race([ended, detached]);
  } finally {
    stdin.off("data", onData);
    stdin.pause();
    restore();
    process.off("exit", restore);
  }
}
