// `bootlab boot` at a terminal: the terminal becomes the guest's serial console (raw mode, so
// Ctrl-C and arrow keys reach the guest) until Ctrl-] is pressed or the guest stops. The
// terminal is put back however the session ends.
import type { ReadStream } from "node:tty";
import { BootFailure, type BootSession } from "../../../workers/runner/session.ts";
import type { BootEnd } from "./scripted-console.ts";

/** Ctrl-] : the key telnet and QEMU users know for "leave". */
export const DETACH_BYTE = 0x1d;

export type AttachEnd = BootEnd | { kind: "detached" };

export async function attachTerminal(session: BootSession, stdin: ReadStream, deadline: number | undefined): Promise<AttachEnd> {
  let detach: () => void = () => {};
  const detached = new Promise<AttachEnd>((resolve) => (detach = () => resolve({ kind: "detached" })));
  const onData = (chunk: Buffer) => {
    const at = chunk.indexOf(DETACH_BYTE);
    if (at !== -1) {
      if (at > 0) session.runner.send(new Uint8Array(chunk.subarray(0, at)));
      detach();
      return;
    }
    session.runner.send(new Uint8Array(chunk));
  };
  const restore = () => {
    if (stdin.isRaw) stdin.setRawMode(false);
  };
  process.once("exit", restore);
  stdin.setRawMode(true);
  stdin.on("data", onData);
  stdin.resume();
  try {
    const t = session.transcript;
    const ended = session
      .waitFor((tr) => tr.poweredOff || tr.stage("reboot") !== undefined, deadline === undefined ? 2 ** 31 - 1 : Math.max(0, deadline - performance.now()), "the guest to power off")
      .then(
        (): AttachEnd => (t.poweredOff ? { kind: "powered-off" } : { kind: "rebooted" }),
        (error: unknown): AttachEnd => {
          if (!(error instanceof BootFailure)) throw error;
          if (error.kind === "powered-off") return { kind: "powered-off" };
          if (error.kind === "exited" && t.stage("reboot")) return { kind: "rebooted" };
          return { kind: error.kind, failure: error };
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
