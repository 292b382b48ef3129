// The kernel as a third judge of the images we write: the prebuilt "full" kernel (IDE, RAM disk,
// ext4) boots QEMU with an image from writeExt4 as its root file system, on /dev/sda (ext4 and
// ext2 with 1 KiB blocks) and as a gzip'd RAM disk on /dev/ram, reads a directory of 2000
// entries and a 5 MB file in it, writes to it, and logs no file-system error.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { directoryEntry, fileEntry, symlinkEntry, type CpioEntry } from "../../src/core/cpio/index.ts";
import { gzipImage, writeExt4, type Ext4WriteOptions } from "../../src/core/ext4/index.ts";
import { findTool, run } from "../../src/cli/exec.ts";
import { bytes } from "../unit/ext4-sample-tree.ts";

const root = resolve(import.meta.dirname, "../..");
const bin = join(root, "src/cli/bin.mjs");
const scratch = mkdtempSync(join(tmpdir(), "bootlab-ext4-boot-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const skip = findTool("qemu-system-i386") ? false : "qemu-system-i386 is not installed (apt-get install qemu-system-x86)";

const big = bytes(5_000_000, 11);
const INIT = `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
echo "ROOT: $(/bin/busybox grep ' / ' /proc/mounts)"
echo "ENTRIES: $(/bin/busybox ls /many | /bin/busybox wc -l)"
/bin/busybox md5sum /big
echo written-by-guest > /guest.txt && /bin/busybox cat /guest.txt
/bin/busybox sync
/bin/busybox dmesg | /bin/busybox grep -i "fs error\\|EXT4-fs warning\\|corrupt"
/bin/busybox poweroff -f
`;

function tree(): CpioEntry[] {
  const entries: CpioEntry[] = [
    directoryEntry("bin"),
    directoryEntry("proc"),
    directoryEntry("dev"),
    fileEntry("bin/busybox", readFileSync(join(root, "prebuilt/i386/busybox")), { mode: 0o755 }),
    symlinkEntry("bin/sh", "busybox"),
    fileEntry("init", INIT, { mode: 0o755 }),
    fileEntry("big", big),
    directoryEntry("many"),
  ];
  for (let i = 0; i < 2000; i++) entries.push(fileEntry(`many/f${i}`, `${i}\n`));
  return entries;
}

async function boot(args: string[]): Promise<string> {
  const result = await run(process.execPath, [bin, "boot", "--emulator", "qemu", "--accel", "tcg", "--kernel", "full", "--timeout", "120", ...args], { check: false, input: "" });
  assert.equal(result.code, 0, `${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

function checkGuest(output: string, fs: "ext2" | "ext4"): void {
  assert.match(output, new RegExp(`ROOT: /dev/root / ${fs} rw`));
  assert.match(output, /ENTRIES: 2000/);
  assert.match(output, new RegExp(`${createHash("md5").update(big).digest("hex")}  /big`));
  assert.match(output, /^written-by-guest/m);
  assert.doesNotMatch(output, /fs error|EXT4-fs warning|corrupt/i);
}

describe("the kernel mounts the images we write", { skip }, () => {
  const disks: Array<[string, Ext4WriteOptions]> = [
    ["ext4", { size: 24 << 20 }],
    ["ext2", { size: 24 << 20, flavour: "ext2", blockSize: 1024 }],
  ];
  for (const [fs, options] of disks) {
    it(`${fs} (${options.blockSize ?? 4096}-byte blocks) as root=/dev/sda`, async () => {
      const image = join(scratch, `root.${fs}`);
      writeFileSync(image, writeExt4(tree(), options));
      checkGuest(await boot(["--disk", image, "--append", "root=/dev/sda rw init=/init"]), fs as "ext2" | "ext4");
    });
  }

  it("ext4, gzip'd, as a RAM disk: root=/dev/ram rootfstype=ext4", async () => {
    const image = join(scratch, "ramdisk.ext4.gz");
    writeFileSync(image, gzipImage(writeExt4(tree(), { size: 24 << 20 })));
    // The RAM disk holds 4 MiB unless told more.
    checkGuest(await boot(["--rootfs", image, "--append", "root=/dev/ram rw rootfstype=ext4 ramdisk_size=24576 init=/init"]), "ext4");
  });
});
