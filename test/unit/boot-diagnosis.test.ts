import { test } from "node:test";
import assert from "node:assert/strict";
import { diagnoseLines, explainErrno, explainInitExitCode } from "../../src/core/boot/diagnosis.ts";

// Each case: the lines Linux 6.1 prints for the failure (init/main.c, init/do_mounts.c,
// kernel/exit.c), and what the catalogue must say.
test("no working init: the panic plus why each candidate failed", () => {
  const found = diagnoseLines([
    "[    0.61] Run /init as init process",
    "[    0.62] Failed to execute /init (error -8)",
    "[    0.63] Run /sbin/init as init process",
    "[    0.64] Kernel panic - not syncing: No working init found.  Try passing init= option to kernel. See Linux Documentation/admin-guide/init.rst for guidance.",
    "[    0.65] ---[ end Kernel panic - not syncing: No working init found.  Try passing init= option to kernel. See Linux Documentation/admin-guide/init.rst for guidance. ]---",
  ]);
  assert.deepEqual(found.map((d) => [d.id, d.severity]), [
    ["init-exec-failed", "warning"],
    ["no-working-init", "panic"],
  ]);
  assert.match(found[0]!.explanation, /exec format error/);
  assert.match(found[0]!.fix, /gcc -m32 -static/);
  assert.equal(found[0]!.fileToFix, "/init");
  assert.equal(found[1]!.fileToFix, "/init");
  assert.equal(found[1]!.line.startsWith("Kernel panic - not syncing: No working init found."), true);
});

test("init exited: decodes the exit status and the signal", () => {
  const [d] = diagnoseLines(["Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000000"]);
  assert.equal(d!.id, "init-exited");
  assert.match(d!.explanation, /exited with status 0/);
  assert.match(d!.fix, /exec \/bin\/sh/);
  assert.equal(explainInitExitCode(0x0000000b), "init was killed by signal 11 (SIGSEGV: it crashed)");
  assert.equal(explainInitExitCode(0x00000200), "init exited with status 2");
});

test("requested init failed names the program and the errno", () => {
  const [d] = diagnoseLines(["Kernel panic - not syncing: Requested init /sbin/init failed (error -2)."]);
  assert.equal(d!.id, "requested-init-failed");
  assert.match(d!.explanation, /\/sbin\/init could not be started: ENOENT/);
  assert.match(d!.fileToFix, /init=/);
});

test("cannot open an initial console points at /dev/console", () => {
  const [d] = diagnoseLines(["[    0.6] Warning: unable to open an initial console."]);
  assert.equal(d!.id, "no-initial-console");
  assert.equal(d!.severity, "warning");
  assert.equal(d!.fileToFix, "/dev/console");
});

test("root device: unknown device vs. a device no file system could mount", () => {
  const unknown = diagnoseLines([
    'VFS: Cannot open root device "sda" or unknown-block(0,0): error -6',
    'Please append a correct "root=" boot option; here are the available partitions:',
    "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
  ]);
  assert.equal(unknown.at(-1)!.id, "unknown-root-device");
  assert.match(unknown.at(-1)!.fileToFix, /root=/);
  const unmountable = diagnoseLines([
    "List of all partitions:",
    "0800           65536 sda ",
    "No filesystem could mount root, tried: ",
    "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(8,0)",
  ]);
  assert.equal(unmountable.at(-1)!.id, "root-fs-unmountable");
  assert.match(unmountable.at(-1)!.fix, /mke2fs/);
});

test("initramfs and RAM disk problems are warnings with the fix", () => {
  const found = diagnoseLines([
    "Initramfs unpacking failed: invalid magic at start of compressed archive",
    "RAMDISK: Couldn't find valid RAM disk image starting at 0.",
  ]);
  assert.deepEqual(found.map((d) => d.id), ["initramfs-unpack-failed", "ramdisk-not-found"]);
  assert.match(found[0]!.explanation, /invalid magic/);
});

test("a RAM-disk image on a kernel without RAM-disk support: the panic names the failed unpacking, not a missing init", () => {
  // The tiny kernel (no CONFIG_BLK_DEV_RAM, no CONFIG_BLOCK) given an ext4 image as its initrd.
  const found = diagnoseLines([
    "[    0.21] Trying to unpack rootfs image as initramfs...",
    "[    0.25] Initramfs unpacking failed: invalid magic at start of compressed archive",
    "[    0.60] Run /sbin/init as init process",
    "[    0.61] Run /etc/init as init process",
    "[    0.62] Kernel panic - not syncing: No working init found.  Try passing init= option to kernel. See Linux Documentation/admin-guide/init.rst for guidance.",
  ]);
  const panic = found.find((d) => d.severity === "panic")!;
  assert.match(panic.explanation, /could not unpack the initrd.*invalid magic/);
  assert.match(panic.explanation, /RAM-disk support \(CONFIG_BLK_DEV_RAM\)/);
  assert.doesNotMatch(panic.fileToFix, /^\/init$/);
  // With root=/dev/ram0 the same kernel panics on the root device instead: same cause.
  const root = diagnoseLines([
    "Initramfs unpacking failed: no cpio magic",
    'VFS: Cannot open root device "ram0" or unknown-block(0,0): error -6',
    "Kernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)",
  ]).at(-1)!;
  assert.match(root.explanation, /Initramfs unpacking failed: no cpio magic/);
});

test("an unknown panic is still reported, once", () => {
  const found = diagnoseLines([
    "Kernel panic - not syncing: Fatal exception",
    "Kernel panic - not syncing: Fatal exception in interrupt",
  ]);
  assert.equal(found.length, 1);
  assert.equal(found[0]!.id, "kernel-panic");
  assert.match(found[0]!.explanation, /Fatal exception/);
});

test("ordinary boot lines give no findings", () => {
  assert.deepEqual(diagnoseLines(["Linux version 6.1", "Run /init as init process", "/ # "]), []);
  assert.match(explainErrno(-13), /EACCES/);
  assert.equal(explainErrno(-99), "error -99");
});
