// The 64-bit system: the prebuilt x86_64 tiny kernel with the x86_64 base (a musl x86_64 BusyBox),
// as `bootlab boot --arch x86_64` picks them, in QEMU; and seed 002's system as the tutorial
// makes it: BusyBox installed into a sysroot (the binary, `linuxrc` and the applet links
// `make install` writes), `find . | cpio -oH newc` into initrd.img, no /init, so the kernel
// runs /sbin/init (BusyBox init with no inittab), booted on the 64-bit kernel with 512 MiB.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { planBoot, RunnerSession } from "../../src/core/boot/index.ts";
import { run } from "../../src/cli/exec.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { prebuiltArtifacts, prebuiltPath } from "../../src/cli/runners/artifacts.ts";

const BIN = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));

test("bootlab boot --arch x86_64: the 64-bit kernel and the x86_64 base, in QEMU; uname -m says x86_64", async () => {
  const r = await run(process.execPath, [BIN, "boot", "--arch", "x86_64", "--accel", "tcg", "--timeout", "90"], { input: "uname -m\npoweroff -f\n", check: false });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^x86_64\r?$/m);
  assert.match(r.stderr, /qemu/i);
  assert.doesNotMatch(r.stderr, /i386 BusyBox/, "no fallback to the i386 base");
  const plan = await planBoot({ files: [], base: "busybox", cmdline: "", arch: "x86_64" }, await prebuiltArtifacts(), { emulator: "qemu" });
  assert.equal(plan.kernel.arch, "x86_64");
  assert.equal(plan.kernel.bzImage, "x86_64/tiny/bzImage");
  assert.deepEqual(plan.notes, []);
});

test("bootlab boot --arch x86_64 --emulator v86 is refused, saying why", async () => {
  const r = await run(process.execPath, [BIN, "boot", "--arch", "x86_64", "--emulator", "v86"], { input: "", check: false });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /v86 emulates a 32-bit CPU only/);
});

test("seed 002's system: a sysroot with BusyBox installed, find . | cpio -oH newc, the 64-bit kernel, 512M", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bootlab-seed002-"));
  try {
    // `make install` of BusyBox: bin/busybox, linuxrc and a symlink per applet, relative.
    const sysroot = join(dir, "sysroot");
    mkdirSync(join(sysroot, "bin"), { recursive: true });
    copyFileSync(prebuiltPath("x86_64/busybox"), join(sysroot, "bin/busybox"));
    // The x86_64 BusyBox runs on this x86_64 host: it lists its own applets' install paths.
    const list = await run(join(sysroot, "bin/busybox"), ["--list-full"]);
    for (const path of new Set(["linuxrc", ...list.stdout.split("\n").filter(Boolean)])) {
      if (path === "bin/busybox") continue;
      mkdirSync(dirname(join(sysroot, path)), { recursive: true });
      symlinkSync(relative(dirname(join(sysroot, path)), join(sysroot, "bin/busybox")), join(sysroot, path));
    }
    const initrd = join(dir, "initrd.img");
    await run("sh", ["-c", `cd "${sysroot}" && find . | cpio -oH newc > "${initrd}"`]);

    const runner = await createRunner("qemu", { arch: "x86_64", accel: "tcg" });
    const session = new RunnerSession(runner);
    try {
      // -m 512M -kernel vmlinuz -initrd initrd.img; the serial console so the test can read it
      // (this tiny kernel has no screen console).
      await session.start({ kernel: new Uint8Array(readFileSync(prebuiltPath("x86_64/tiny/bzImage"))), initrds: [new Uint8Array(readFileSync(initrd))], disks: [], cmdline: "console=ttyS0", memoryMiB: 512 });
      await session.waitFor("Please press Enter to activate this console", 90_000);
      session.send("\n");
      await session.waitFor("/ # ", 30_000);
      // The kernel's last lines (the TSC calibration) may land after that first prompt: ask for a fresh one.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const prompts = session.transcript.promptCount;
      session.send("\n");
      await session.waitForPrompt(prompts, 30_000);
      assert.equal(await session.run("uname -m"), "x86_64");
      // No /proc: the tutorial mounts nothing; its sysroot is what make install wrote.
      assert.equal(await session.run("readlink /linuxrc"), "bin/busybox");
    } finally {
      await session.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
