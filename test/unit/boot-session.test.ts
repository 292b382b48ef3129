// BootSession.run against a replayed console: a Runner that answers each typed line with the
// bytes a real QEMU run printed. Real emulators cannot be made to print a kernel message at a
// chosen instant, so this is how the interleaving that once broke the parity test stays tested.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BootSession } from "../../workers/runner/session.ts";
import { ListenerSet, type BootSpec, type Runner, type RunnerExit } from "../../src/core/boot/index.ts";

/** Prints `boot` when started, then for each line typed the next entry of `replies`. */
class ReplayRunner implements Runner {
  readonly emulator = "qemu" as const;
  private readonly serial = new ListenerSet<Uint8Array>();
  private readonly exits = new ListenerSet<RunnerExit>();
  constructor(
    private readonly boot: string,
    private readonly replies: string[],
  ) {}
  async start(_spec: BootSpec) {
    setTimeout(() => this.print(this.boot), 0);
    return { emulatorStartMs: 0 };
  }
  onSerial(listener: (bytes: Uint8Array) => void) {
    return this.serial.add(listener);
  }
  onExit(listener: (exit: RunnerExit) => void) {
    return this.exits.add(listener);
  }
  send(): void {
    const reply = this.replies.shift();
    if (reply !== undefined) setTimeout(() => this.print(reply), 0);
  }
  async stop() {}
  async dispose() {
    this.serial.clear();
    this.exits.clear();
  }
  private print(text: string) {
    this.serial.emit(new TextEncoder().encode(text));
  }
}

const spec: BootSpec = { kernel: new Uint8Array(0), initrds: [], disks: [], cmdline: "console=ttyS0", memoryMiB: 128 };
const boot = "[    0.70] Run /init as init process\r\n/bin/sh: can't access tty; job control turned off\r\n/ # ";

async function runOne(reply: string): Promise<string> {
  const session = new BootSession(new ReplayRunner(boot, [reply]));
  await session.start(spec);
  await session.waitForPrompt(0, 5_000);
  try {
    return await session.run("mount", 5_000);
  } finally {
    await session.stop();
  }
}

test("run: the output starts after the echoed command", async () => {
  assert.equal(await runOne("mount\r\nmount: no /proc/mounts\r\n/ # "), "mount: no /proc/mounts");
});

test("run: a kernel message between the prompt and the echo does not turn the echo into output", async () => {
  // As QEMU printed it in a parity run of seed 004 (full kernel): the clocksource switch came
  // after the prompt and before the echo of the typed command.
  const reply = "[    1.248126] clocksource: tsc: mask: 0xffffffffffffffff max_cycles: 0x233fb4d7a24\r\nmount\r\nmount: no /proc/mounts\r\n/ # ";
  assert.equal(await runOne(reply), "mount: no /proc/mounts");
});
