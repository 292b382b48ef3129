// The page's BootController over a fake bridge and a fake clock: the status it emits comes from
// the core session's outcome (never "ready" over a failed /init), a stop keeps what was wrong,
// nothing replaces "Stopped" later, and waitFor follows a new boot.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BootController, type BootStatus } from "../../src/app/emulator/boot-controller.ts";
import type { EmulatorBridge } from "../../src/app/emulator/bridge.ts";
import { Emitter } from "../../src/app/ui/dom.ts";
import type { BootRequest, BootStarted, FetchProgress } from "../../workers/emulator.api.ts";
import { FakeClock } from "./fake-clock.ts";

class FakeBridge {
  readonly serial = new Emitter<{ bootId: number; bytes: Uint8Array }>();
  readonly exits = new Emitter<{ bootId: number; reason: string }>();
  readonly restarts = new Emitter<string>();
  readonly downloads = new Emitter<FetchProgress[]>();
  readonly sent: string[] = [];
  private nextId = 1;
  bootId = 0;
  async stop(): Promise<void> {}
  /** Answers as the worker does: the plan's expectations come back with the boot's start. */
  async boot(request: BootRequest): Promise<BootStarted> {
    this.bootId = this.nextId++;
    const expectations: BootStarted["expectations"] = { cmdline: request.system.cmdline, initPath: "/init" };
    if (request.system.readyPattern) expectations.readyPattern = request.system.readyPattern;
    return {
      bootId: this.bootId,
      initrdBytes: 1,
      initrdSha256: "",
      fetchMs: 0,
      planMs: 0,
      emulatorStartMs: 0,
      kernel: { id: "tiny", arch: "i386", summary: "" },
      notes: [], warm: false,
      expectations,
    };
  }
  async send(text: string): Promise<void> {
    this.sent.push(text);
  }
  print(text: string): void {
    this.serial.emit({ bootId: this.bootId, bytes: new TextEncoder().encode(text) });
  }
}

const request: BootRequest = { system: { files: [], base: "busybox", kernel: "tiny", cmdline: "console=ttyS0" } };

function setup() {
  const bridge = new FakeBridge();
  const clock = new FakeClock();
  const controller = new BootController(bridge as unknown as EmulatorBridge, clock);
  const statuses: BootStatus[] = [];
  controller.status.on((s) => statuses.push(s));
  return { bridge, clock, controller, statuses };
}

const KERNEL = "[    0.000000] Linux version 6.1.0 (b@b)\r\n[    0.61] Run /init as init process\r\n";

test("a CRLF /init: the status says /init could not run and never turns ready over the fallback's prompt", async () => {
  const { bridge, controller, statuses } = setup();
  await controller.boot(request);
  bridge.print(`${KERNEL}[    0.62] Failed to execute /init (error -2)\r\n[    0.63] Run /sbin/init as init process\r\n\r\nPlease press Enter to activate this console. `);
  bridge.print("\r\n~ # ");
  assert.ok(!statuses.some((s) => s.phase === "ready"), statuses.map((s) => s.phase).join(", "));
  const last = controller.lastBootStatus;
  assert.equal(last.phase, "init-failed");
  assert.match(last.message, /^\/init could not run: The kernel could not execute \/init \(error -2\)/);
  assert.equal(last.report?.fileToFix, "/init");
  assert.equal(last.report?.line, "Failed to execute /init (error -2)");
  // Stop keeps the finding.
  await controller.stop();
  assert.equal(controller.lastBootStatus.phase, "init-failed");
});

test("a prompt is ready with the time to it; metrics and output come from the session", async () => {
  const { bridge, clock, controller } = setup();
  await controller.boot(request);
  clock.advance(1_500);
  bridge.print(`${KERNEL}~ # `);
  assert.equal(controller.lastBootStatus.phase, "ready");
  assert.equal(controller.lastBootStatus.message, "Shell prompt in 1.50 s: type in the terminal.");
  assert.equal(controller.metrics().timeToPromptMs, 1_500);
  assert.match(controller.output(), /Run \/init as init process\n~ # $/);
  await controller.send("ls\n");
  assert.deepEqual(bridge.sent, ["ls\n"]);
});

test("Stop on a silent guest says Stopped, and no later no-output replaces it", async () => {
  const { clock, controller, statuses } = setup();
  await controller.boot(request);
  assert.equal(controller.lastBootStatus.phase, "booting");
  await controller.stop();
  assert.equal(controller.lastBootStatus.phase, "stopped");
  const count = statuses.length;
  clock.advance(60_000);
  assert.equal(statuses.length, count, "no status after the stop");
  assert.equal(clock.pending, 0, "the stopped session left no timer");
});

test("console=tty0: after 15 s of nothing, the status is no-output and names console=tty0", async () => {
  const { bridge, clock, controller } = setup();
  await controller.boot({ system: { ...request.system, cmdline: "console=tty0" } });
  bridge.print("SeaBIOS (version 1.16.2-debian-1.16.2-1)\r\n");
  clock.advance(15_000);
  assert.equal(controller.lastBootStatus.phase, "no-output");
  assert.match(controller.lastBootStatus.message, /console=tty0/);
});

test("waitFor started before a reboot is answered by the new boot; a panic ends it with its kind", async () => {
  const { bridge, controller } = setup();
  await controller.boot(request);
  const waiting = controller.waitFor("second-boot", 60_000);
  await controller.boot(request);
  bridge.print("second-boot\r\n");
  assert.equal(await waiting, "second-boot");
  const panicWait = controller.waitFor(/never/, 60_000);
  bridge.print("[    0.70] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000\r\n");
  assert.equal(controller.lastBootStatus.phase, "panic");
  assert.match(controller.lastBootStatus.message, /^Kernel panic: .*PID 1/);
  const { clock } = { clock: (controller as unknown as { clock: FakeClock }).clock };
  clock.advance(300);
  await assert.rejects(panicWait, (e: unknown) => (e as { code?: string }).code === "panic");
});

test("the timeline grows with the boot, the previous boot's is kept when a new one starts, and annotations come as lines complete", async () => {
  const { bridge, clock, controller } = setup();
  const progress: number[] = [];
  controller.progress.on(() => progress.push(1));
  assert.equal(controller.timeline(), undefined);
  await controller.boot(request);
  bridge.print("[    0.000000] Linux version 6.1.0 (b@b)\r\n[    0.61] Run /init as ini");
  assert.deepEqual(controller.annotations().map((a) => a.id), ["linux-version"], "the partial line is not annotated yet");
  bridge.print("t process\r\n");
  assert.deepEqual(controller.annotations().map((a) => [a.index, a.id, a.file]), [[0, "linux-version", undefined], [1, "run-init", "/init"]]);
  clock.advance(400);
  bridge.print("~ # ");
  const first = controller.timeline()!;
  assert.deepEqual(first.bars.map((b) => b.id), ["kernel", "init", "userspace", "prompt"]);
  assert.equal(progress.length, 3);
  assert.equal(controller.previousBootTimeline(), undefined);

  await controller.boot(request);
  assert.deepEqual(controller.previousBootTimeline(), first);
  assert.deepEqual(controller.timeline()!.bars, []);
  assert.deepEqual(controller.annotations(), []);
  // A boot that printed nothing does not replace the previous one to compare with.
  await controller.boot(request);
  assert.deepEqual(controller.previousBootTimeline(), first);
});

test("while a boot starts, the status counts the downloads' bytes; once they are in, it says what comes next", async () => {
  const { bridge, controller, statuses } = setup();
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const boot = bridge.boot.bind(bridge);
  bridge.boot = async (r: BootRequest) => {
    await gate;
    return boot(r);
  };
  const booting = controller.boot(request);
  await new Promise((resolve) => setTimeout(resolve, 0));
  bridge.downloads.emit([{ name: "i386/tiny/bzImage", loaded: 500_000, total: 1_000_000, done: false }]);
  const fetching = statuses.at(-1)!;
  assert.equal(fetching.phase, "starting");
  assert.equal(fetching.message, "Fetching kernel 0.5 of 1.0 MB…");
  assert.deepEqual(fetching.downloads, { message: "Fetching kernel 0.5 of 1.0 MB", loaded: 500_000, total: 1_000_000, done: false });
  bridge.downloads.emit([{ name: "i386/tiny/bzImage", loaded: 1_000_000, total: 1_000_000, done: true }]);
  assert.equal(statuses.at(-1)!.message, "Packing the initramfs and starting the emulator…");
  release();
  await booting;
  // Downloads reported later (an export's) do not touch a boot's status.
  const count = statuses.length;
  bridge.downloads.emit([{ name: "i386/full/bzImage", loaded: 1, total: 2, done: false }]);
  assert.equal(statuses.length, count);
});
