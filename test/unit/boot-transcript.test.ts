import { test } from "node:test";
import assert from "node:assert/strict";
import { BootTranscript, isPrompt } from "../../src/core/boot/transcript.ts";

// Lines as Linux 6.1 prints them on ttyS0 with printk.time=1 (taken from a tinyconfig boot).
const TIMED_BOOT = [
  "[    0.000000] Linux version 6.1.0 (b@b) (gcc (Debian 12.2.0-14) 12.2.0, GNU ld (GNU Binutils for Debian) 2.40) #1 Mon Jan  1 00:00:00 UTC 2024\r\n",
  "[    0.000000] Command line: console=ttyS0 printk.time=1\r\n",
  "[    0.210000] Trying to unpack rootfs image as initramfs...\r\n",
  "[    0.350000] Freeing initrd memory: 1024K\r\n",
  "[    0.612345] Run /init as init process\r\n",
  "Welcome to Busybox Linux\r\n",
  "/bin/sh: can't access tty; job control turned off\r\n",
  "/ # ",
];

test("finds the stages and orders the timeline by printk time", () => {
  const t = new BootTranscript();
  TIMED_BOOT.forEach((chunk, i) => t.push(chunk, 1000 + i * 10));
  assert.equal(t.stage("kernel-start")?.kernelSeconds, 0);
  assert.equal(t.stage("initramfs-unpack")?.lineIndex, 2);
  assert.equal(t.stage("initramfs-unpacked")?.line, "Freeing initrd memory: 1024K");
  assert.equal(t.stage("first-prompt")?.lineIndex, 7, "the prompt is the partial line after the 7 complete ones");
  assert.equal(t.stage("run-init")?.kernelSeconds, 0.612345);
  assert.equal(t.stage("first-prompt")?.hostMs, 1070);
  assert.equal(t.atPrompt, true);
  assert.equal(t.promptCount, 1);
  const timeline = t.timeline();
  assert.deepEqual(
    timeline.map((e) => [e.stage, e.ms, e.source]),
    [
      ["kernel-start", 0, "printk"],
      ["initramfs-unpack", 210, "printk"],
      ["initramfs-unpacked", 350, "printk"],
      ["run-init", 612.345, "printk"],
      ["first-prompt", 70, "host"],
    ].sort((a, b) => (a[1] as number) - (b[1] as number)),
  );
  assert.equal(t.lines[1]!.text, "[    0.000000] Command line: console=ttyS0 printk.time=1", "\\r is dropped");
});

test("without printk times, host receive times relative to the kernel banner are used", () => {
  const t = new BootTranscript();
  t.push("SeaBIOS noise\n", 0);
  t.push("Linux version 6.1.0 (x)\n", 500);
  t.push("Run /init as init process\n", 900);
  t.push("~ # ", 1200);
  assert.deepEqual(
    t.timeline().map((e) => [e.stage, e.ms, e.source]),
    [
      ["kernel-start", 0, "host"],
      ["run-init", 400, "host"],
      ["first-prompt", 700, "host"],
    ],
  );
});

test("lines split across chunks and multi-byte characters split across chunks survive", () => {
  const t = new BootTranscript();
  const bytes = new TextEncoder().encode("Linux vers" + "ion 6.1 café\nnext");
  t.push(bytes.slice(0, 5), 1);
  t.push(bytes.slice(5, 22), 2); // cuts "é" in half
  t.push(bytes.slice(22), 3);
  assert.equal(t.lines[0]!.text, "Linux version 6.1 café");
  assert.equal(t.lines[0]!.hostMs, 1);
  assert.equal(t.partialLine, "next");
  assert.equal(t.text, "Linux version 6.1 café\nnext");
  assert.ok(t.stage("kernel-start"));
});

test("counts each new prompt once, also when it arrives byte by byte", () => {
  const t = new BootTranscript();
  for (const ch of "/ # ") t.push(ch, 1);
  assert.equal(t.promptCount, 1);
  t.push("uname\n", 2);
  assert.equal(t.atPrompt, false);
  t.push("Linux\n/ ", 3);
  t.push("# ", 4);
  assert.equal(t.promptCount, 2);
  t.push("", 5);
  assert.equal(t.promptCount, 2);
});

test("recognises power-off, reboot and BusyBox askfirst", () => {
  const t = new BootTranscript();
  t.push("Please press Enter to activate this console. \n", 1);
  t.push("The system is going down NOW!\r\nSent SIGTERM to all processes\r\nRequesting system poweroff\r\n[   12.5] reboot: Power down\r\n", 2);
  assert.equal(t.askfirstCount, 1);
  assert.equal(t.poweredOff, true);
  assert.equal(t.stage("power-off")?.kernelSeconds, 12.5);
  const r = new BootTranscript();
  r.push("reboot: Restarting system\n", 1);
  assert.equal(r.poweredOff, false);
  assert.ok(r.stage("reboot"));
});

test("a panic is found with its diagnosis, also in the last unterminated line", () => {
  const t = new BootTranscript();
  t.push("[    0.700000] Run /init as init process\n[    0.710000] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000100", 5);
  assert.equal(t.panic?.id, "init-exited");
  assert.match(t.panic!.explanation, /exited with status 1/);
  assert.ok(t.stage("panic") === undefined, "the stage needs the complete line");
  t.push("\n", 6);
  assert.equal(t.stage("panic")?.kernelSeconds, 0.71);
});

test("isPrompt accepts shell prompts and refuses ordinary output", () => {
  for (const p of ["/ # ", "~ # ", "# ", "$ ", "user@box:~$ ", "[root@lab /]# ", "> ", "\x1b[1;32m/ #\x1b[0m "]) {
    assert.equal(isPrompt(p), true, JSON.stringify(p));
  }
  for (const p of ["", "/ #", "Loading", "[    0.1] x", "100% done ", "a #b "]) {
    assert.equal(isPrompt(p), false, JSON.stringify(p));
  }
});

test("terminal escapes before the banner (SeaBIOS under QEMU) do not hide it", () => {
  const t = new BootTranscript();
  // The bytes qemu-system-i386 -nographic prints: SeaBIOS clears the screen, and the kernel's
  // banner follows "Booting from ROM.." on the same line.
  t.push("\x1bc\x1b[?7l\x1b[2J\x1b[0mSeaBIOS (version 1.16.2)\r\nBooting from ROM..\x1bc\x1b[?7l\x1b[2JLinux version 6.1.192 (b@b)\r\n", 5);
  assert.equal(t.stage("kernel-start")?.line, "Booting from ROM..Linux version 6.1.192 (b@b)");
  assert.deepEqual(t.reached().map((m) => m.stage), ["kernel-start"]);
});

test("BusyBox's askfirst message counts once, before and after its line ends", () => {
  const t = new BootTranscript();
  t.push("\nPlease press Enter to activate this console. ", 1);
  assert.equal(t.askfirstCount, 1);
  t.push("\n", 2);
  assert.equal(t.askfirstCount, 1);
  t.push("Please press Enter to activate this console. \n", 3);
  assert.equal(t.askfirstCount, 2);
});
