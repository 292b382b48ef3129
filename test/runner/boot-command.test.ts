// `bootlab boot` as a user runs it without a terminal: stdin typed a line per prompt, serial
// output on stdout, and an exit code for each way a boot ends (documented in --help).
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { chmod, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/cli/exec.ts";
import { EXIT_EMULATOR, EXIT_INIT_FAILED, EXIT_NO_OUTPUT, EXIT_RESPAWN_LOOP, EXIT_TIMEOUT } from "../../src/cli/commands/boot.ts";

const BIN = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));

function bootlab(args: string[], input = "", env: NodeJS.ProcessEnv = process.env) {
  return run(process.execPath, [BIN, "boot", ...args], { input, check: false, env });
}

test("types stdin at the prompts and exits 0 when the guest powers off (QEMU)", async () => {
  const r = await bootlab(["--emulator", "qemu", "--accel", "tcg"], "echo typed-$((1+2))\npoweroff -f\n");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /typed-3/);
  assert.match(r.stdout, /reboot: Power down/);
});

test("types stdin at the prompts and exits 0 when the guest powers off (v86)", async () => {
  const r = await bootlab([], "uname -m\npoweroff -f\n");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /uname -m\r?\ni686/);
});

test("an init= that cannot run exits 6 and quotes the kernel's line with the explanation", async () => {
  // An rdinit= that is not there: the kernel falls back to init= which is not there either,
  // and panics ("Requested init ... failed"): the init could not run.
  const r = await bootlab(["--emulator", "qemu", "--accel", "tcg", "--append", "rdinit=/missing init=/also-missing"]);
  assert.equal(r.code, EXIT_INIT_FAILED, r.stderr);
  assert.match(r.stderr, /\/also-missing could not run: "Kernel panic - not syncing: Requested init \/also-missing failed \(error -2\)\." The kernel could not execute \/also-missing \(error -2\): \/also-missing does not exist/);
  assert.match(r.stderr, /look at: \/also-missing/);
});

test("a boot that never reaches a prompt exits 4 and says how far it got", async () => {
  // cat as init: it waits for console input forever, and no shell ever prints a prompt.
  const r = await bootlab(["--emulator", "qemu", "--accel", "tcg", "--timeout", "4", "--append", "rdinit=/bin/cat"]);
  assert.equal(r.code, EXIT_TIMEOUT, r.stderr);
  assert.match(r.stderr, /Time-out after 4 s: the last stage reached was [a-z-]+ \("/);
});

test("an emulator that is not installed exits 5 and names the package to install", async () => {
  const r = await bootlab(["--emulator", "qemu", "--accel", "tcg"], "", { ...process.env, PATH: "/nonexistent" });
  assert.equal(r.code, EXIT_EMULATOR, r.stderr);
  assert.match(r.stderr, /qemu-system-i386 not found: install the Debian package qemu-system-x86/);
});

test("bad options and missing files are usage errors (exit 2) that say what was wrong", async () => {
  const r1 = await bootlab(["--emulator", "bochs"]);
  assert.equal(r1.code, 2);
  assert.match(r1.stderr, /--emulator: got "bochs", want one of v86, qemu/);
  const r2 = await bootlab(["--kernel", "/nonexistent/bzImage"]);
  assert.equal(r2.code, 2);
  assert.match(r2.stderr, /--kernel \/nonexistent\/bzImage: no such file/);
  const r3 = await bootlab(["--memory", "64"]);
  assert.equal(r3.code, 2);
  assert.match(r3.stderr, /v86 loads the initrd at 64 MiB/);
});

test("--rootfs DIR is packed and laid over the base archive", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bootlab-overlay-"));
  try {
    await writeFile(join(dir, "hello.txt"), "from the overlay\n");
    const r = await bootlab(["--emulator", "qemu", "--accel", "tcg", "--rootfs", dir], "cat /hello.txt\nls /bin/busybox\npoweroff -f\n");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /from the overlay/);
    assert.match(r.stdout, /\/bin\/busybox/, "the base archive is still there");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

/** A --rootfs DIR holding only /init, with the given text and mode. */
async function initOverlay(text: string, mode: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "bootlab-init-"));
  await writeFile(join(dir, "init"), text);
  await chmod(join(dir, "init"), mode);
  return dir;
}

test("a CRLF /init exits 6 saying /init could not run, though the kernel fell back to /sbin/init and powered off", async () => {
  const dir = await initOverlay("#!/bin/sh\r\necho from-my-init\r\nexec /bin/sh\r\n", 0o755);
  try {
    const r = await bootlab(["--emulator", "qemu", "--accel", "tcg", "--rootfs", dir], "poweroff -f\n");
    assert.equal(r.code, EXIT_INIT_FAILED, r.stderr);
    assert.match(r.stdout, /Failed to execute \/init \(error -2\)/);
    assert.doesNotMatch(r.stdout, /from-my-init/);
    assert.match(r.stderr, /\/init could not run: "Failed to execute \/init \(error -2\)".*CRLF/);
    assert.match(r.stderr, /ran \/sbin\/init instead/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a non-executable /init exits 6 and says so", async () => {
  const dir = await initOverlay("#!/bin/sh\nexec /bin/sh\n", 0o644);
  try {
    const r = await bootlab(["--emulator", "qemu", "--accel", "tcg", "--rootfs", dir], "poweroff -f\n");
    assert.equal(r.code, EXIT_INIT_FAILED, r.stderr);
    assert.match(r.stderr, /\/init could not run: .*error -13.*not executable/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("console=tty0 exits 7: no console output, naming console=tty0", async () => {
  const r = await bootlab(["--emulator", "qemu", "--accel", "tcg", "--append", "console=tty0"]);
  assert.equal(r.code, EXIT_NO_OUTPUT, r.stderr);
  assert.match(r.stderr, /No console output: .*console=tty0 sends its messages to the screen/);
});

for (const emulator of ["qemu", "v86"] as const) {
  test(`seed 002's system (the tiny-system template: BusyBox init, no inittab) on ${emulator} waits for Enter without a flood`, async () => {
    const r = await bootlab(["--emulator", emulator, "--accel", "tcg", "--template", "tiny-system"], "uname -m\npoweroff -f\n");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Please press Enter to activate this console\./);
    assert.match(r.stdout, /^i686\r?$/m);
    assert.doesNotMatch(r.stdout, /can't open \/dev\/tty/);
  });
}

test("an inittab that respawns a shell on a port the kernel lacks exits 8: a respawn loop naming the line and the device", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bootlab-inittab-"));
  try {
    await mkdir(join(dir, "etc"));
    // The tiny kernel has one serial port: /dev/ttyS3 does not exist, so init restarts the shell once a second.
    await writeFile(join(dir, "etc/inittab"), "::sysinit:/bin/mount -t proc proc /proc\nttyS3::respawn:-/bin/sh\n");
    const r = await bootlab(["--emulator", "qemu", "--accel", "tcg", "--timeout", "60", "--rootfs", dir, "--append", "rdinit=/sbin/init"]);
    assert.equal(r.code, EXIT_RESPAWN_LOOP, r.stderr);
    assert.match(r.stderr, /Respawn loop: .*can't open \/dev\/ttyS3/);
    assert.match(r.stderr, /ttyS3::respawn:-\/bin\/sh/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("--warm: the first boot makes and keeps the snapshot, the next restores it; a damaged one is made again", async () => {
  const cache = await mkdtemp(join(tmpdir(), "bootlab-warm-cache-"));
  try {
    const env = { ...process.env, XDG_CACHE_HOME: cache };
    const args = ["--template", "busybox-init", "--warm"];
    const first = await bootlab(args, "echo warm-$((6*7))\npoweroff -f\n", env);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /warm boot from a snapshot made now and kept in /);
    assert.match(first.stdout, /Run \/init as init process[\s\S]*warm-42/);
    const second = await bootlab(args, "echo again-$((6*7))\npoweroff -f\n", env);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /warm boot from the snapshot in /);
    assert.match(second.stdout, /again-42/);
    // A damaged state is detected by its sha256 and replaced, never restored.
    const state = /snapshot in (\S+\.state)/.exec(second.stderr)![1]!;
    await writeFile(state, "not a state");
    const third = await bootlab(args, "poweroff -f\n", env);
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stderr, /made now/);
    const qemu = await bootlab([...args, "--emulator", "qemu"], "", env);
    assert.equal(qemu.code, 2);
    assert.match(qemu.stderr, /QEMU always boots cold/);
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
});
