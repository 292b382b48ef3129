// The core boot session's outcomes, from console text as Linux 6.1, BusyBox 1.35 and SeaBIOS
// print it, on a fake clock: each way a boot can end gets its name, its words and its exit code,
// the same for the page and the CLI.
import { test } from "node:test";
import assert from "node:assert/strict";
import { BootFailure, BootSession, EXIT_CODES, describeOutcome, type BootOutcome } from "../../src/core/boot/index.ts";
import { FakeClock } from "./fake-clock.ts";

const KERNEL = [
  "[    0.000000] Linux version 6.1.0 (bootlab@bootlab) (gcc 12.2.0) #1 SMP PREEMPT_DYNAMIC\r\n",
  "[    0.000000] Command line: console=ttyS0\r\n",
  "[    0.350000] Freeing initrd memory: 1024K\r\n",
].join("");

function session(options: ConstructorParameters<typeof BootSession>[0] = {}) {
  const clock = new FakeClock();
  const s = new BootSession({ clock, ...options });
  s.guestStarted();
  const outcomes: BootOutcome[] = [];
  s.onOutcome((o) => outcomes.push(o));
  return { clock, s, outcomes };
}

test("a shell prompt: the outcome, the time to it, exit 0", () => {
  const { clock, s } = session();
  clock.advance(400);
  s.push(KERNEL);
  s.push("[    0.612345] Run /init as init process\r\n/bin/sh: can't access tty; job control turned off\r\n");
  assert.equal(s.outcome.kind, "booting");
  assert.equal(s.report().headline, "Booting: running init…");
  clock.advance(850);
  s.push("~ # ");
  const o = s.outcome;
  assert.equal(o.kind, "prompt");
  assert.equal(o.readyMs, 1250);
  const report = s.report();
  assert.equal(report.headline, "Shell prompt in 1.25 s");
  assert.equal(report.tone, "ok");
  assert.equal(report.exitCode, 0);
});

test("a template's ready text is the ready outcome, not the prompt", () => {
  const { s } = session({ readyPattern: "Hello" });
  s.push(`${KERNEL}[    0.61] Run /init as init process\r\n`);
  assert.equal(s.outcome.kind, "booting");
  s.push("Hello, World!\r\n");
  assert.equal(s.outcome.kind, "ready");
  assert.match(s.report().headline, /^Up in /);
});

// Seed 000's /init saved on Windows: "#!/bin/sh\r" names an interpreter that does not exist, the
// kernel falls back to /sbin/init (BusyBox's, from the base archive), which asks for Enter and
// gives a prompt. The boot must say /init failed, never "Shell prompt".
const CRLF_INIT_BOOT = [
  KERNEL,
  "[    0.612345] Run /init as init process\r\n",
  "[    0.613000] Failed to execute /init (error -2)\r\n",
  "[    0.614000] Run /sbin/init as init process\r\n",
  "\r\nPlease press Enter to activate this console. ",
];

test("a CRLF /init: \"/init could not run\" even though BusyBox init's fallback then asks for Enter and gives a prompt", () => {
  const { s, outcomes } = session();
  for (const chunk of CRLF_INIT_BOOT) s.push(chunk);
  s.send("\n");
  s.push("\r\n/bin/sh: can't access tty; job control turned off\r\n~ # ");
  assert.ok(s.transcript.atPrompt, "the fallback did reach a prompt");
  const o = s.outcome;
  assert.equal(o.kind, "init-failed");
  assert.equal(o.final, false, "the guest still runs");
  assert.equal(o.fallbackInit, "/sbin/init");
  assert.equal(o.promptAfterFailure, true);
  assert.ok(!outcomes.some((x) => x.kind === "prompt"), `no prompt outcome was ever announced: ${outcomes.map((x) => x.kind).join(", ")}`);
  assert.equal(outcomes.at(-1)?.promptAfterFailure, true, "the fallback's prompt was announced, for the words");
  const report = s.report();
  assert.equal(report.headline, "/init could not run");
  assert.match(report.explanation, /error -2/);
  assert.match(report.explanation, /CRLF/);
  assert.match(report.explanation, /ran \/sbin\/init instead, so the prompt you see is not from your init/);
  assert.equal(report.fileToFix, "/init");
  assert.equal(report.line, "Failed to execute /init (error -2)");
  assert.equal(report.exitCode, EXIT_CODES.initFailed);
  assert.equal(report.tone, "error");
});

test("the plan's hint about the file replaces the errno's guess", () => {
  const { s } = session({ initPath: "/init", initHint: "/init's first line ends with a carriage return (CRLF)." });
  for (const chunk of CRLF_INIT_BOOT) s.push(chunk);
  assert.match(s.report().explanation, /error -2\): \/init's first line ends with a carriage return \(CRLF\)\./);
});

test("no exec bit (-13), no #! line or wrong ELF class (-8), each explained; Starting init: X exists but couldn't execute it", () => {
  const cases: Array<[string, RegExp, RegExp, string]> = [
    ["Failed to execute /init (error -13)", /not executable/, /mode 755/, "/init"],
    ["Failed to execute /init (error -8)", /no #! line.*wrong ELF class/, /gcc -m32 -static/, "/init"],
    ["Starting init: /sbin/init exists but couldn't execute it (error -8)", /exec format error/, /#!\/bin\/sh/, "/sbin/init"],
  ];
  for (const [line, reason, fix, file] of cases) {
    const { s } = session();
    s.push(`${KERNEL}[    0.61] Run /init as init process\r\n[    0.62] ${line}\r\n`);
    const report = s.report();
    assert.equal(s.outcome.kind, "init-failed", line);
    assert.equal(report.headline, `${file} could not run`);
    assert.match(report.explanation, reason, line);
    assert.match(report.fix!, fix, line);
    assert.equal(report.fileToFix, file);
  }
});

test("Requested init X failed: init-failed (exit 6), final, and waits end with it after the panic settles", async () => {
  const { clock, s } = session();
  const wait = s.waitForPrompt(0, 60_000);
  s.push(`${KERNEL}[    0.62] Kernel panic - not syncing: Requested init /also-missing failed (error -2).\r\n`);
  assert.equal(s.outcome.kind, "init-failed");
  assert.equal(s.outcome.final, true);
  assert.match(s.report().explanation, /The kernel then panicked/);
  assert.equal(s.report().exitCode, 6);
  clock.advance(300);
  await assert.rejects(wait, (e: unknown) => e instanceof BootFailure && e.kind === "init-failed");
});

const SEABIOS = "SeaBIOS (version 1.16.2-debian-1.16.2-1)\r\n\r\n\r\niPXE (https://ipxe.org) 00:03.0 CA00 PCI2.10 PnP PMM+06FCAE60+06F0AE60 CA00\r\n\r\n\r\n\r\nBooting from ROM..\x1bc";

test("console=tty0 with no output: firmware chatter is not output; the outcome names console=tty0", () => {
  const { clock, s, outcomes } = session({ cmdline: "console=tty0 tsc=reliable", noOutputMs: 10_000 });
  s.push(SEABIOS);
  clock.advance(9_999);
  assert.equal(s.outcome.kind, "booting");
  clock.advance(1);
  const o = s.outcome;
  assert.equal(o.kind, "no-output");
  assert.equal(outcomes.at(-1)?.kind, "no-output", "announced when the time came, without new output");
  assert.deepEqual(o.consoles, ["tty0"]);
  const report = s.report();
  assert.equal(report.headline, "No console output");
  assert.match(report.explanation, /in 10 s: console=tty0 sends its messages to the screen/);
  assert.match(report.fix!, /console=ttyS0/);
  assert.equal(report.exitCode, EXIT_CODES.noOutput);
  // A time-out after that still says why.
  s.markTimedOut(30_000);
  assert.equal(s.outcome.kind, "no-output");
});

test("no console= at all says so; output after the silence clears it", () => {
  const { clock, s } = session({ cmdline: "tsc=reliable" });
  clock.advance(14_999);
  assert.equal(s.outcome.kind, "booting");
  clock.advance(1);
  assert.match(s.report().explanation, /has no console=/);
  s.push("Booting from ROM..[    0.000000] Linux version 6.1.0 (b@b)\r\n");
  assert.equal(s.outcome.kind, "booting");
});

test("a guest that powers off (QEMU exits 0) before the no-output time, having printed nothing but firmware, is no-output too", () => {
  const { clock, s } = session({ cmdline: "console=tty0" });
  // As QEMU printed it: the kernel's real-mode code adds a dot to SeaBIOS's "Booting from ROM..".
  // Chunks end anywhere, also in the middle of a firmware word.
  for (const chunk of ["\x1bc\x1b[?7l\x1b[2J\x1b[0mSe", "aBIOS (version 1.16.2-debian-1.16.2-1)\r\nBooting from ROM..", ".\r\n\x1bc\x1b[?7l\x1b[2J"]) s.push(chunk);
  clock.advance(6_000);
  s.exited({ reason: "qemu-system-i386 exited with code 0", code: 0 });
  assert.equal(s.outcome.kind, "no-output");
  assert.match(s.report().explanation, /in 6 s: console=tty0/);
  // An emulator that failed is not a console problem.
  const failed = session().s;
  failed.exited({ reason: "qemu-system-i386 exited with code 1", code: 1 });
  assert.equal(failed.outcome.kind, "exited");
});

test("the kernel banner on SeaBIOS's line counts as output: no no-output", () => {
  const { clock, s } = session({ cmdline: "console=ttyS0" });
  s.push(`${SEABIOS.replace("\x1bc", "")}[    0.000000] Linux version 6.1.0 (b@b)\r\n`);
  clock.advance(20_000);
  assert.equal(s.outcome.kind, "booting");
});

// Seed 002's system on a kernel without 32-bit time: BusyBox init's default actions include
// askfirst shells on tty2-tty4, which do not exist, and respawns are not throttled.
function seed002Flood(rounds: number): string {
  let text = `${KERNEL}[    0.61] Run /sbin/init as init process\r\n\r\nPlease press Enter to activate this console. `;
  for (let i = 0; i < rounds; i++) for (const tty of [2, 3, 4]) text += `\rcan't open /dev/tty${tty}: No such file or directory\n`;
  return text;
}

test("seed 002's flood of can't open /dev/ttyN is a respawn loop naming the devices", () => {
  const { s } = session();
  s.push(seed002Flood(2));
  assert.equal(s.outcome.kind, "prompt", "a few lines are not a loop (askfirst was the prompt)");
  s.push(seed002Flood(20).slice(seed002Flood(0).length));
  const o = s.outcome;
  assert.equal(o.kind, "respawn-loop");
  assert.deepEqual(o.respawn?.devices, ["/dev/tty2", "/dev/tty3", "/dev/tty4"]);
  const report = s.report();
  assert.equal(report.headline, "Respawn loop");
  assert.match(report.explanation, /"can't open \/dev\/tty\d: No such file or directory"/);
  assert.match(report.explanation, /\/dev\/tty2, \/dev\/tty3, \/dev\/tty4, which do not exist/);
  assert.match(report.explanation, /Without an \/etc\/inittab/);
  assert.equal(report.fileToFix, "/etc/inittab");
  assert.equal(report.exitCode, EXIT_CODES.respawnLoop);
});

test("with the inittab given, the respawn loop names its line", () => {
  const inittab = "::sysinit:/etc/init.d/rcS\n::askfirst:-/bin/sh\ntty2::askfirst:-/bin/sh\n";
  const { s } = session({ inittab });
  s.push(seed002Flood(12));
  assert.equal(s.outcome.respawn?.inittabLine, "tty2::askfirst:-/bin/sh");
  assert.match(s.report().explanation, /The \/etc\/inittab line is "tty2::askfirst:-\/bin\/sh"/);
});

test("the kernel's own look-alike lines before init (no printk.time) are not a respawn loop, even in one chunk with Run /init", () => {
  const { s } = session();
  const pci = Array.from({ length: 12 }, (_, i) => `pci 0000:00:0${i % 10}.0: [8086:7000] type 00 class 0x060100\r\n`).join("");
  s.push(`Linux version 6.1.0 (b@b)\r\n${pci}Run /init as init process\r\n~ # `);
  assert.equal(s.outcome.kind, "prompt");
});

test("a command's repetitive output after the user typed is not a respawn loop", () => {
  const { s } = session();
  s.push(`${KERNEL}[    0.61] Run /init as init process\r\n~ # `);
  s.send("for i in $(seq 30); do echo line $i; done\n");
  s.push(Array.from({ length: 30 }, (_, i) => `line ${i + 1}\r\n`).join("") + "~ # ");
  assert.equal(s.outcome.kind, "prompt");
});

test("a kernel panic: explained, final, exit 3; waiters see the lines after the panic first", async () => {
  const { clock, s } = session();
  const wait = s.waitForPrompt(0, 60_000);
  s.push(`${KERNEL}[    0.61] Run /init as init process\r\nleaving-now\r\n[    0.70] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000\r\n`);
  assert.equal(s.outcome.kind, "panic");
  assert.equal(s.outcome.final, true);
  const report = s.report();
  assert.equal(report.headline, "Kernel panic");
  assert.match(report.explanation, /PID 1/);
  assert.equal(report.fileToFix, "/init");
  assert.equal(report.exitCode, EXIT_CODES.panic);
  let settled = false;
  void wait.catch(() => (settled = true));
  clock.advance(100);
  s.push("[    0.71] ---[ end Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000 ]---\r\n");
  await Promise.resolve();
  assert.equal(settled, false, "still reading the panic");
  clock.advance(200);
  const error = await wait.then(
    () => assert.fail("resolved"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof BootFailure && error.kind === "panic");
  assert.match(s.transcript.text, /end Kernel panic/);
});

test("power-off: from the kernel's line, or from a runner's halt without one; exit 0", () => {
  const { s } = session();
  s.push(`${KERNEL}[    0.61] Run /init as init process\r\n~ # `);
  s.send("poweroff -f\n");
  s.push("poweroff -f\r\n[    3.10] reboot: Power down\r\n");
  assert.equal(s.outcome.kind, "powered-off");
  assert.equal(s.outcome.final, true);
  assert.equal(s.report().exitCode, 0);
  s.exited({ reason: "qemu-system-i386 exited with code 0", code: 0 });
  s.markStopped();
  assert.equal(s.outcome.kind, "powered-off", "what came after the line does not change it");

  const halted = session().s;
  halted.push(`${KERNEL}~ # `);
  halted.exited({ reason: "the guest halted its CPU", halted: true });
  assert.equal(halted.outcome.kind, "powered-off");
});

test("reboot, emulator exit, time-out and stop each have their outcome and exit code", () => {
  const kinds: Array<[(s: BootSession) => void, string, number]> = [
    [(s) => s.push("[    2.00] reboot: Restarting system\r\n"), "rebooted", 1],
    [(s) => s.exited({ reason: "qemu-system-i386 exited with code 1", code: 1 }), "exited", 1],
    [(s) => s.markTimedOut(4_000), "timeout", 4],
    [(s) => s.markStopped(), "stopped", 0],
  ];
  for (const [act, kind, code] of kinds) {
    const { s } = session();
    s.push(`${KERNEL}[    0.61] Run /init as init process\r\n`);
    act(s);
    assert.equal(s.outcome.kind, kind);
    assert.equal(s.outcome.final, true);
    assert.equal(s.report().exitCode, code, kind);
  }
  const { s } = session();
  s.push(KERNEL);
  s.markTimedOut(4_000);
  assert.equal(s.report().headline, "Time-out after 4 s");
  assert.match(s.report().explanation, /the last stage reached was initramfs-unpacked \("Freeing initrd memory: 1024K"\)/);
});

test("describeOutcome is the one wording: the page's headline and the CLI's exit code come from it", () => {
  const outcome: BootOutcome = { kind: "exited", final: true, exit: { reason: "qemu-system-i386 exited with code 1", code: 1 } };
  assert.deepEqual(
    { ...describeOutcome(outcome) },
    { kind: "exited", exitCode: 1, tone: "error", headline: "Emulator exited", explanation: "qemu-system-i386 exited with code 1." },
  );
});
