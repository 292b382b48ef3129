// The two Runner implementations beyond booting: input checks with clear messages, exits,
// clean stops, and listeners that go away on dispose.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { RunnerSession, type BootSpec } from "../../src/core/boot/index.ts";
import { loadBios, loadV86Wasm } from "../../src/cli/runners/artifacts.ts";
import { QemuRunner } from "../../src/cli/runners/qemu-runner.ts";
import { V86Runner } from "../../workers/runner/v86-runner.ts";
import { BASE_SYSTEM, planFor } from "./systems.ts";

/** The base system as planned, with runner-level overrides the plan would refuse (to test the runners' own checks). */
async function baseSpec(overrides: Partial<BootSpec> = {}): Promise<BootSpec> {
  return { ...(await planFor(BASE_SYSTEM)).spec, ...overrides };
}

const newV86 = async () => new V86Runner({ bios: await loadBios(), wasm: loadV86Wasm });

test("V86Runner refuses too little memory for its initrd, and more than two disks, saying why", async () => {
  const runner = await newV86();
  await assert.rejects(runner.start(await baseSpec({ memoryMiB: 64 })), /v86 loads the initrd at 64 MiB so it needs at least 6\d MiB/);
  const again = await newV86();
  const disk = new Uint8Array(512);
  await assert.rejects(again.start(await baseSpec({ disks: [disk, disk, disk] })), /disks: got 3, v86 attaches at most 2/);
});

test("V86Runner: serial output comes in chunks, stop() mid-boot is clean, dispose() drops listeners", async () => {
  const runner = await newV86();
  let chunks = 0;
  let bytes = 0;
  runner.onSerial((b) => {
    chunks++;
    bytes += b.length;
  });
  let disposedListenerCalls = 0;
  runner.onSerial(() => disposedListenerCalls++);
  const session = new RunnerSession(runner);
  await session.start(await baseSpec());
  await session.waitFor((t) => t.stage("kernel-start") !== undefined, 60_000, "the kernel banner");
  assert.ok(bytes > chunks, `bytes are batched (${bytes} bytes in ${chunks} chunks)`);
  // Watch the emulator itself, not through the runner's listeners (dispose() removes those, so
  // they could never see output after it): v86's own serial event and its instruction counter.
  const instance = (runner as unknown as { instance: { add_listener(e: string, l: (byte: number) => void): void; get_instruction_counter(): number } }).instance;
  let rawBytes = 0;
  instance.add_listener("serial0-output-byte", () => rawBytes++);
  await session.waitFor((t) => t.stage("run-init") !== undefined, 60_000, "Run /init");
  assert.ok(rawBytes > 0, "the independent hook sees the guest's output while it runs");
  const callsBefore = disposedListenerCalls;
  await runner.dispose();
  await runner.stop(); // twice is fine
  runner.send("ignored after stop\n");
  const seenBytes = rawBytes;
  const seenInstructions = instance.get_instruction_counter();
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.equal(instance.get_instruction_counter(), seenInstructions, "the guest's CPU stopped");
  assert.equal(rawBytes, seenBytes, "no output after dispose");
  assert.equal(disposedListenerCalls, callsBefore, "listeners are not called after dispose");
  await assert.rejects(runner.start(await baseSpec()), /was stopped; create a new one/);
});

test("V86Runner reports a guest that powered off as an exit (v86 has no ACPI power-off: its CPU halts)", async () => {
  const runner = await newV86();
  const exited = new Promise<{ reason: string; halted?: boolean }>((resolve) => runner.onExit(resolve));
  const session = new RunnerSession(runner);
  try {
    await session.start(await baseSpec());
    await session.waitForPrompt(0, 60_000);
    session.send("poweroff -f\n");
    const noExit = new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no exit within 30 s of poweroff -f")), 30_000).unref());
    const exit = await Promise.race([exited, noExit]);
    assert.equal(exit.halted, true);
    assert.match(session.transcript.text, /reboot: Power down/, "the kernel's line came before the exit");
    assert.equal(session.outcome.kind, "powered-off");
  } finally {
    await session.stop();
  }
});

test("QemuRunner reports its own exit (power-off with -no-reboot) and removes its files on stop", async () => {
  const runner = new QemuRunner({ accel: "tcg" });
  const exited = new Promise<{ code?: number; reason: string }>((resolve) => runner.onExit(resolve));
  const session = new RunnerSession(runner);
  await session.start(await baseSpec());
  const dir = runner.workDirectory!;
  assert.ok(existsSync(dir));
  await session.waitForPrompt(0, 60_000);
  runner.send("poweroff -f\n");
  const exit = await exited;
  assert.equal(exit.code, 0);
  assert.match(exit.reason, /qemu-system-i386 exited with code 0/);
  assert.ok(session.transcript.poweredOff);
  await session.stop();
  assert.ok(!existsSync(dir), `${dir} is removed`);
});

test("QemuRunner refuses a file that is not a bzImage before starting QEMU", async () => {
  const runner = new QemuRunner({ accel: "tcg" });
  await assert.rejects(runner.start(await baseSpec({ kernel: new Uint8Array(4096) })), /not a bzImage/);
  await runner.dispose();
});

test("V86Runner jit \"auto\": the JIT comes on with the first input; \"off\" keeps it off", async () => {
  for (const jit of ["auto", "off"] as const) {
    const runner = new V86Runner({ bios: await loadBios(), wasm: loadV86Wasm, jit });
    const session = new RunnerSession(runner);
    try {
      await session.start(await baseSpec());
      await session.waitForPrompt(0, 60_000);
      assert.equal(await session.run("echo $((40 + 2))"), "42");
      assert.equal(runner.jitActive, jit === "auto", `jit ${jit} after typing`);
    } finally {
      await session.stop();
    }
  }
});
