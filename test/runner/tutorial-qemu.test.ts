// The tutorials' own QEMU command lines, copied from shared/seeds/ as they are written, with
// bootlab's kernels and images put where the tutorial's files were, run as they are (only
// `-enable-kvm` dropped when this machine has no usable KVM), each until the output the tutorial
// says it gives. The images are made the tutorials' way: `find . | cpio -o -H newc [| gzip]`,
// `echo init | cpio -o -H newc | gzip`, an ext4 image with the init on it.
// Which kernel: the tutorial's lines boot qemu-system-x86_64; seed 000 on the 64-bit tiny
// kernel with the x86_64 BusyBox; seeds 001 and 004 need a RAM disk or an IDE disk with ext4,
// which the full kernel has (i386: qemu-system-x86_64 boots a 32-bit kernel as well), with the
// i386 BusyBox and hello.
import { test } from "node:test";
import assert from "node:assert/strict";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { run } from "../../src/cli/exec.ts";
import { appletPaths, bootUntil, busyboxInstall, tutorialArgs } from "./tutorial-lines.ts";
import { prebuiltPath } from "../../src/cli/runners/artifacts.ts";
import { fileEntry, directoryEntry } from "../../src/core/cpio/index.ts";
import { ext4Image } from "./systems.ts";
import { unzipSync } from "fflate";
import { planBoot } from "../../src/core/boot/index.ts";
import { bundleFromPlan } from "../../src/core/bundle/index.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";

const scratch = mkdtempSync(join(tmpdir(), "bootlab-tutorial-qemu-"));
process.on("exit", () => rmSync(scratch, { recursive: true, force: true }));

test("seed 000: qemu-system-x86_64 -kernel -initrd rootfs.cpio -append console=ttyS0 -nographic", async () => {
  const rootfs = join(scratch, "000", "rootfs");
  await busyboxInstall(rootfs, prebuiltPath("x86_64/busybox"), await appletPaths());
  for (const d of ["dev", "etc", "lib", "var", "proc", "tmp", "home", "root", "mnt", "sys"]) mkdirSync(join(rootfs, d), { recursive: true });
  writeFileSync(join(rootfs, "init"), '#!/bin/sh\nmount -t proc proc /proc\nmount -t sysfs sys /sys\necho "Welcome to Busybox Linux"\nexec /bin/sh\n');
  chmodSync(join(rootfs, "init"), 0o755);
  const cpio = join(scratch, "000", "rootfs.cpio");
  await run("sh", ["-c", `cd "${rootfs}" && find . | cpio -o --format=newc > "${cpio}"`]);
  const line = `qemu-system-x86_64 -kernel /path/to/bzImage -initrd /path/to/rootfs.cpio -append "console=ttyS0" -nographic`;
  const { binary, args } = await tutorialArgs(line, { "/path/to/bzImage": prebuiltPath("x86_64/tiny/bzImage"), "/path/to/rootfs.cpio": cpio });
  const output = await bootUntil(binary, args, /Welcome to Busybox Linux[\s\S]*# $/m);
  assert.match(output, /Linux version 6\.1/);
});

const SEED_001_RAMDISK = `qemu-system-x86_64 \\
-name kardel \\
-smp 2 -m 1024 -nographic \\
-kernel ./bzImage \\
-initrd ./rootfs.img.gz \\
-append "root=/dev/ram rw rootfstype=ext4 console=ttyS0 init=/sbin/init"`;

const SEED_001_HELLO = `qemu-system-x86_64 \\
-name kardel \\
-smp 2 -m 1024 -nographic \\
-kernel ./bzImage \\
-initrd ./test.cpio.gz \\
-append "rw rootfstype=ramfs console=ttyS0"`;

const SEED_001_INITRAMFS = `qemu-system-x86_64 \\
-name kardel \\
-smp 2 -m 1024 -nographic \\
-kernel ./bzImage \\
-initrd ./rootfs.cpio.gz \\
-append "rw rootfstype=ramfs console=ttyS0 rdinit=/sbin/init"`;

/** Seed 001's _install tree: BusyBox with its links, and the etc/ files the tutorial writes. */
async function seed001Tree(root: string): Promise<void> {
  await busyboxInstall(root, prebuiltPath("i386/busybox"), await appletPaths());
  for (const d of ["dev", "proc", "sys", "tmp", "etc/init.d"]) mkdirSync(join(root, d), { recursive: true });
  writeFileSync(join(root, "etc/inittab"), "::sysinit:/etc/init.d/rcS\n::askfirst:-/bin/sh\n::restart:/sbin/init\n::ctrlaltdel:/sbin/reboot\n::shutdown:/bin/umount -a -r\n");
  writeFileSync(join(root, "etc/fstab"), "proc /proc proc defaults 0 0\nsysfs /sys sysfs defaults 0 0\n");
  writeFileSync(join(root, "etc/init.d/rcS"), "#!/bin/sh\nmount -a\necho rcS done\n");
  chmodSync(join(root, "etc/init.d/rcS"), 0o755);
}

test("seed 001: the ext4 RAM disk line (root=/dev/ram init=/sbin/init), on the full kernel", async () => {
  const tree = join(scratch, "001-ramdisk");
  await seed001Tree(tree);
  // The tutorial: dd, mkfs.ext4, a loop mount and cp -a _install/*, then gzip. Here mke2fs -d.
  const image = join(scratch, "rootfs.img");
  await run("mke2fs", ["-q", "-F", "-t", "ext4", "-d", tree, "-E", "root_owner=0:0", image, "16M"]);
  await run("gzip", ["-kf", image]);
  const { binary, args } = await tutorialArgs(SEED_001_RAMDISK, { "./bzImage": prebuiltPath("i386/full/bzImage"), "./rootfs.img.gz": `${image}.gz` });
  const output = await bootUntil(binary, args, /Please press Enter to activate this console/);
  assert.match(output, /VFS: Mounted root \(ext4 filesystem\)/);
  assert.match(output, /rcS done/);
});

test("seed 001: echo init | cpio -o -H newc | gzip, rootfstype=ramfs, the static hello as /init", async () => {
  const dir = join(scratch, "001-hello");
  mkdirSync(dir, { recursive: true });
  copyFileSync(prebuiltPath("i386/hello"), join(dir, "init"));
  chmodSync(join(dir, "init"), 0o755);
  await run("sh", ["-c", `cd "${dir}" && echo init | cpio -o -H newc | gzip > test.cpio.gz`]);
  const { binary, args } = await tutorialArgs(SEED_001_HELLO, { "./bzImage": prebuiltPath("i386/full/bzImage"), "./test.cpio.gz": join(dir, "test.cpio.gz") });
  await bootUntil(binary, args, /Hello, World!/);
});

test("seed 001: find . | cpio -o -H newc | gzip, rdinit=/sbin/init", async () => {
  const tree = join(scratch, "001-initramfs");
  await seed001Tree(tree);
  const archive = join(scratch, "rootfs.cpio.gz");
  await run("sh", ["-c", `cd "${tree}" && find . | cpio -o -H newc | gzip > "${archive}"`]);
  const { binary, args } = await tutorialArgs(SEED_001_INITRAMFS, { "./bzImage": prebuiltPath("i386/full/bzImage"), "./rootfs.cpio.gz": archive });
  const output = await bootUntil(binary, args, /Please press Enter to activate this console/);
  assert.match(output, /Run \/sbin\/init as init process/);
});

const SEED_004 = `qemu-system-x86_64 -kernel /path/to/bzImage \\
                       -append "root=/dev/sda init=/init console=ttyS0" \\
                       -hda /path/to/image.img \\
                       -enable-kvm \\
                       -nographic \\
                       -serial mon:stdio`;

test("seed 004: -append root=/dev/sda init=/init -hda image.img -enable-kvm -nographic -serial mon:stdio", async () => {
  const hello = new Uint8Array(await import("node:fs").then((fs) => fs.readFileSync(prebuiltPath("i386/hello"))));
  const image = join(scratch, "image.img");
  writeFileSync(image, await ext4Image([directoryEntry("dev"), fileEntry("init", hello, { mode: 0o755 })], 8));
  const { binary, args } = await tutorialArgs(SEED_004, { "/path/to/bzImage": prebuiltPath("i386/full/bzImage"), "/path/to/image.img": image });
  const output = await bootUntil(binary, args, /Hello, World!/);
  assert.match(output, /Run \/init as init process/);
});

test("an export bundle's run-qemu.sh gives the boot in the tutorials' arguments, and that line boots as written", async () => {
  const plan = await planBoot({ files: [], base: "busybox", cmdline: "" }, await prebuiltArtifacts(), { emulator: "qemu" });
  const dir = join(scratch, "bundle");
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(unzipSync(bundleFromPlan(plan, { files: [], template: "busybox-init" })))) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  const script = (await import("node:fs")).readFileSync(join(dir, "run-qemu.sh"), "utf8");
  const line = /^#   (qemu-system-x86_64 .*)$/m.exec(script)?.[1];
  assert.ok(line, "run-qemu.sh has the tutorials' line");
  assert.match(line!, /^qemu-system-x86_64 -m 128M -kernel bzImage -initrd initramfs\.cpio\.gz -append '.*console=ttyS0.*' -nographic$/);
  const files = { bzImage: join(dir, "bzImage"), "initramfs.cpio.gz": join(dir, "initramfs.cpio.gz") };
  const { binary, args } = await tutorialArgs(line!.replace(/'/g, '"'), files);
  await bootUntil(binary, args, /# $/m);
});
