import { test } from "node:test";
import assert from "node:assert/strict";
import { qemuArgs, qemuBinary, shellCommand, shellQuote } from "../../src/core/boot/qemu-args.ts";

test("builds the QEMU argument list from data", () => {
  const args = qemuArgs(
    { kernel: "bzImage", initrd: "initrd.cpio.gz", disks: ["root.img", "data,1.img"], cmdline: "console=ttyS0 root=/dev/sda", memoryMiB: 128 },
    { accel: "tcg", arch: "i386" },
  );
  assert.deepEqual(args, [
    "-nographic", "-nodefaults", "-no-reboot", "-accel", "tcg", "-m", "128", "-serial", "stdio",
    "-kernel", "bzImage", "-initrd", "initrd.cpio.gz", "-append", "console=ttyS0 root=/dev/sda",
    "-drive", "file=root.img,format=raw,if=ide,index=0,media=disk,snapshot=on",
    "-drive", "file=data,,1.img,format=raw,if=ide,index=1,media=disk,snapshot=on",
  ]);
  assert.equal(qemuBinary("i386"), "qemu-system-i386");
  assert.equal(qemuBinary("x86_64"), "qemu-system-x86_64");
});

test("a disk whose writes are kept is opened without snapshot=on", () => {
  const args = qemuArgs({ kernel: "k", disks: [{ file: "kept.img", keepWrites: true }, "scratch.img"], cmdline: "", memoryMiB: 64 }, { accel: "tcg", arch: "i386" });
  assert.deepEqual(args.filter((_, i) => args[i - 1] === "-drive"), [
    "file=kept.img,format=raw,if=ide,index=0,media=disk",
    "file=scratch.img,format=raw,if=ide,index=1,media=disk,snapshot=on",
  ]);
});

test("no initrd, KVM and a monitor on stdio for people at a terminal", () => {
  const args = qemuArgs({ kernel: "k", disks: [], cmdline: "", memoryMiB: 64 }, { accel: "kvm", arch: "x86_64", serial: "mon:stdio" });
  assert.ok(!args.includes("-initrd"));
  assert.equal(args[args.indexOf("-accel") + 1], "kvm");
  assert.equal(args[args.indexOf("-serial") + 1], "mon:stdio");
  assert.equal(args[args.indexOf("-append") + 1], "");
});

test("shell command quotes only what needs it", () => {
  assert.equal(shellQuote("bzImage"), "bzImage");
  assert.equal(shellQuote("console=ttyS0 quiet"), "'console=ttyS0 quiet'");
  assert.equal(shellQuote("it's"), "'it'\\''s'");
  assert.equal(shellQuote(""), "''");
  assert.equal(shellCommand("qemu-system-i386", ["-append", "a b"]), "qemu-system-i386 -append 'a b'");
});
