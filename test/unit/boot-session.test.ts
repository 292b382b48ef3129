// The core boot session over a replayed console: a Runner that answers each typed line with the
// bytes a real QEMU run printed. Real emulators cannot be made to print a kernel message at a
// chosen instant, so this is how the interleaving that once broke the parity test stays tested.
// Also waitFor (text, RegExp, predicate) and its time-outs on a fake clock.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BootFailure, BootSession, ListenerSet, RunnerSession, type BootSpec, type Runner, type RunnerExit } from "../../src/core/boot/index.ts";
import { FakeClock } from "./fake-clock.ts";

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

async function runOne(reply: string, command = "mount"): Promise<string> {
  const session = new RunnerSession(new ReplayRunner(boot, [reply]));
  await session.start(spec);
  await session.waitForPrompt(0, 5_000);
  try {
    return await session.run(command, 5_000);
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

test("run: a kernel message in the middle of the echo does not cut the echo's end into the output", async () => {
  // As v86 printed it in a parity run of the disks template (full kernel, the PS/2 mouse found
  // 4.3 s in): the message split the echoed command in two lines.
  const command = "cat /mnt/data1/README.txt";
  const reply = "cat /mnt/dat[    4.317029] input: ImExPS/2 Generic Explorer Mouse as /devices/platform/i8042/serio1/input/input2\r\na1/README.txt\r\nfirst disk\r\n/ # ";
  assert.equal(await runOne(reply, command), "first disk");
});

test("run: a chunk that ends just after \"# \" at the start of a line is not the next prompt", async () => {
  // `cat /etc/inittab` of the busybox-init template on QEMU: its comment lines start with "# ",
  // and a chunk ended right there; the command's output is all of it, up to the real prompt.
  const clock = new FakeClock();
  const session = new BootSession({ clock, noOutputMs: 0 });
  session.attach({ onSerial: () => ({ dispose() {} }), onExit: () => ({ dispose() {} }), send() {} });
  const settle = () => new Promise((resolve) => setImmediate(resolve)); // run()'s awaits go on
  session.push(boot);
  const output = session.run("cat /etc/inittab", 5_000);
  session.push("cat /etc/inittab\r\n# id:runlevels:action:process\r\n# ");
  await settle();
  clock.advance(50);
  session.push("controlling terminal\r\nttyS0::respawn:-/bin/sh\r\n/ # ");
  await settle();
  clock.advance(100);
  await settle();
  clock.advance(100);
  assert.equal(await output, "# id:runlevels:action:process\n# controlling terminal\nttyS0::respawn:-/bin/sh");
  session.dispose();
});

test("run: a kernel message right after the shell's prompt does not make it wait for another", async () => {
  // QEMU's refined TSC calibration prints about a second in, here just after `uname`'s prompt.
  const clock = new FakeClock();
  const session = new BootSession({ clock, noOutputMs: 0 });
  session.attach({ onSerial: () => ({ dispose() {} }), onExit: () => ({ dispose() {} }), send() {} });
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  session.push(boot);
  const output = session.run("uname", 5_000);
  session.push("uname\r\nLinux\r\n/ # ");
  await settle();
  clock.advance(20);
  session.push("[    1.348268] clocksource: Switched to clocksource tsc\r\n");
  await settle();
  clock.advance(5_000);
  assert.equal(await output, "Linux");
  session.dispose();
});

test("run: types through the attached source and marks the input, so later repeats are not a respawn loop", async () => {
  const runner = new ReplayRunner(boot, ["echo hi\r\nhi\r\n/ # "]);
  const session = new RunnerSession(runner, { noOutputMs: 0 });
  await session.start(spec);
  await session.waitForPrompt(0, 5_000);
  assert.equal(await session.run("echo hi", 5_000), "hi");
  assert.equal(session.outcome.kind, "prompt");
  await session.stop();
  assert.equal(session.outcome.kind, "stopped");
});

test("waitFor: a string resolves with itself, a RegExp with its match, a predicate with \"\"; now or later", async () => {
  const clock = new FakeClock();
  const s = new BootSession({ clock });
  s.push("Linux version 6.1.0\r\n");
  assert.equal(await s.waitFor("version 6", 1000), "version 6");
  const later = s.waitFor(/answer-(\d+)/g, 1000);
  const predicate = s.waitFor((t) => t.lines.length >= 2, 1000);
  s.push("answer-42\r\n");
  assert.equal(await later, "answer-42");
  assert.equal(await predicate, "");
});

test("waitFor times out on the session's clock, saying what it waited for and how far the boot got", async () => {
  const clock = new FakeClock();
  const s = new BootSession({ clock, noOutputMs: 0 });
  s.push("[    0.35] Freeing initrd memory: 1024K\r\n");
  const wait = s.waitFor("never", 5_000);
  clock.advance(4_999);
  let done = false;
  void wait.catch(() => (done = true));
  await Promise.resolve();
  assert.equal(done, false);
  clock.advance(1);
  await assert.rejects(wait, (e: unknown) => e instanceof BootFailure && e.kind === "timeout" && /timed out after 5\.0 s waiting for "never"; the last stage reached was initramfs-unpacked/.test(e.message));
  assert.equal(clock.pending, 0, "no timer is left behind");
  assert.equal(s.outcome.kind, "booting", "a wait's own time-out does not end the boot");
});

test("waitFor rejects when the guest powers off first, unless that is what it waits for", async () => {
  const s = new BootSession({ clock: new FakeClock() });
  const prompt = s.waitForPrompt(0, 60_000);
  const powerDown = s.waitFor("reboot: Power down", 60_000);
  s.push("[    3.10] reboot: Power down\r\n");
  assert.equal(await powerDown, "reboot: Power down");
  await assert.rejects(prompt, (e: unknown) => e instanceof BootFailure && e.kind === "powered-off" && /powered off before a shell prompt/.test(e.message));
});

test("dispose: pending waits reject, listeners and timers go, later bytes are ignored", async () => {
  const clock = new FakeClock();
  const s = new BootSession({ clock });
  s.guestStarted();
  let seen = 0;
  s.onOutput(() => seen++);
  const wait = s.waitFor("x", 60_000);
  s.dispose();
  await assert.rejects(wait, /the session ended before "x"/);
  assert.equal(clock.pending, 0);
  s.push("late bytes\r\n");
  assert.equal(seen, 0);
  assert.equal(s.transcript.text, "");
});
