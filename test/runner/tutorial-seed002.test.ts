// Seed 002's own QEMU lines, run as written, read from the screen. Cost: one x86_64 named kernel
// build the first time (a full tiny build: ~2 min on 2 idle cores, 23 min on this loaded machine),
// then the stage cache: ~12 s.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, start } from "../../src/cli/exec.ts";
import { prebuiltPath } from "../../src/cli/runners/artifacts.ts";
import { appletPaths, busyboxInstall, tutorialArgs } from "./tutorial-lines.ts";

const scratch = mkdtempSync(join(tmpdir(), "bootlab-seed002-screen-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

// Seed 002 runs QEMU with a window and no console= at all: its kernel (tinyconfig where
// menuconfig's "Enable TTY" also turned on the defaults it makes visible: virtual terminals on a
// VGA text console) prints on the screen. bootlab's tiny kernels have no screen console, so the
// test builds the tutorial's kernel as a named kernel: x86_64 tiny + the two lines below (a cached
// stage after the first run). QEMU gets the tutorial's arguments and, to be read by a test, no
// window (-display none) and its monitor on stdio, through which the screen's text memory
// (0xb8000, all 32 KiB: vgacon scrolls by moving the screen's start) is saved and read.
const SEED_002_FRAGMENT = "# menuconfig's defaults under Enable TTY\nCONFIG_VT_CONSOLE=y\nCONFIG_VGA_CONSOLE=y\n";
const SEED_002_PANIC = "qemu-system-x86_64 -enable-kvm -m 128M -kernel boot/vmlinuz";
const SEED_002_BOOT = "qemu-kvm -m 512M -kernel src/boot/vmlinuz -initrd src/boot/initrd.img";

/** Runs QEMU with the monitor on stdio until the VGA text screen shows `expect`. */
async function screenUntil(binary: string, args: string[], expect: RegExp, timeoutMs = 120_000): Promise<string> {
  const dump = join(scratch, `screen-${Date.now()}.bin`);
  const child = start(binary, [...args, "-display", "none", "-monitor", "stdio"], { stdio: ["pipe", "pipe", "pipe"] });
  let exited = false;
  child.once("exit", () => (exited = true));
  child.stdout!.resume();
  child.stderr!.resume();
  const { readFileSync, existsSync } = await import("node:fs");
  try {
    const deadline = Date.now() + timeoutMs;
    let screen = "";
    while (Date.now() < deadline && !exited) {
      // Quoted: unquoted, the monitor reads "4000 /tmp/..." as one expression (a division).
      // All 32 KiB of text memory: vgacon scrolls by moving the screen's start within it.
      child.stdin!.write(`pmemsave 0xb8000 0x8000 "${dump}"\n`);
      await new Promise((r) => setTimeout(r, 1000));
      if (!existsSync(dump)) continue;
      const bytes = readFileSync(dump);
      screen = Array.from({ length: bytes.length / 160 }, (_, row) => Array.from({ length: 80 }, (_, col) => String.fromCharCode(bytes[(row * 80 + col) * 2] || 32)).join("").trimEnd()).join("\n");
      if (expect.test(screen)) return screen;
    }
    throw new Error(`the screen did not show ${expect}${exited ? " (QEMU exited)" : ""}:\n${screen}`);
  } finally {
    child.kill("SIGKILL");
  }
}

test("seed 002: its two QEMU lines, the kernel alone (panic: no working init) and with the initrd (BusyBox init), on the screen", { timeout: 30 * 60_000 }, async () => {
  const dir = join(scratch, "002");
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "seed002.fragment"), SEED_002_FRAGMENT);
  const out = join(dir, "out");
  const bin = new URL("../../src/cli/bin.mjs", import.meta.url).pathname;
  await run(process.execPath, [bin, "build", "--target", "x86_64", "--name", "seed002", "--kconfig", join(dir, "seed002.fragment"), "--out", out, "-j", "2"]);
  const kernel = join(out, "x86_64/seed002/bzImage");

  const panic = await tutorialArgs(SEED_002_PANIC, { "boot/vmlinuz": kernel });
  assert.match(await screenUntil(panic.binary, panic.args, /not syncing: No working init found/), /Kernel panic/);

  const sysroot = join(dir, "sysroot");
  await busyboxInstall(sysroot, prebuiltPath("x86_64/busybox"), await appletPaths());
  const initrd = join(dir, "initrd.img");
  await run("sh", ["-c", `cd "${sysroot}" && find . | cpio -oH newc > "${initrd}"`]);
  // qemu-kvm is Debian's and Fedora's name for qemu-system-x86_64 with KVM.
  const boot = await tutorialArgs(SEED_002_BOOT.replace(/^qemu-kvm/, "qemu-system-x86_64 -enable-kvm"), { "src/boot/vmlinuz": kernel, "src/boot/initrd.img": initrd });
  await screenUntil(boot.binary, boot.args, /Please press Enter to activate this console/);
});

