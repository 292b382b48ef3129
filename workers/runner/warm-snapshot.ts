// Taking a warm snapshot: boot the snapshot target (the plan's kernel, command line and memory,
// the base and the warm-boot agent as initrd) to the point where the agent waits, find its
// buffer in guest memory, and save the state. The same in the page's worker and under Node.
import { findAgentBuffer, type WarmSnapshotTarget } from "../../src/core/warm/index.ts";
import { V86Runner, type V86RunnerOptions, type WarmSnapshot } from "./v86-runner.ts";

export interface TakeSnapshotOptions {
  /** Give up after this long (default 60 s): a snapshot boot takes about as long as a cold boot. */
  timeoutMs?: number;
  /** Stop early (the page replaced the system): the promise rejects. */
  signal?: AbortSignal;
}

/** How often guest memory is searched for the agent's buffer while the snapshot boot runs. */
const POLL_MS = 10;

export async function takeWarmSnapshot(runnerOptions: V86RunnerOptions, target: WarmSnapshotTarget, options: TakeSnapshotOptions = {}): Promise<WarmSnapshot> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const runner = new V86Runner(runnerOptions);
  const chunks: Uint8Array[] = [];
  let exit: string | undefined;
  runner.onSerial((bytes) => chunks.push(bytes));
  runner.onExit((e) => (exit = e.reason));
  const log = () => joinBytes(chunks);
  try {
    const spec = await target.spec();
    await runner.start(spec);
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      options.signal?.throwIfAborted();
      const buffer = findAgentBuffer(runner.physicalMemory());
      if (buffer) {
        const state = await runner.saveState();
        return { key: target.key, state, buffer, log: log(), memoryMiB: spec.memoryMiB };
      }
      const said = lastLine(log());
      if (exit !== undefined) throw new Error(`the snapshot boot ended before the warm-boot agent was ready (${exit}); its console's last line: ${said}`);
      if (performance.now() > deadline) throw new Error(`the warm-boot agent was not ready after ${timeoutMs / 1000} s; the snapshot boot's last line: ${said}`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  } finally {
    await runner.dispose();
  }
}

function joinBytes(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

function lastLine(bytes: Uint8Array): string {
  const lines = new TextDecoder().decode(bytes).split(/\r?\n/).filter((line) => line.trim() !== "");
  return JSON.stringify(lines.at(-1) ?? "(nothing)");
}
