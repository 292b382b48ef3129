// The plan of systems with disks made of files (src/core/boot/file-disks.ts): the disk templates'
// images, written twice to the same bytes, of the size asked for, read back to the template's
// files (with BusyBox under them where the disk asks for the base), and the errors of a tree
// that does not fit or a description that cannot be.
import { test } from "node:test";
import assert from "node:assert/strict";
import { PlanError, planBoot, type BootPlan, type BootSystem, type FileDisk } from "../../src/core/boot/index.ts";
import { readExt4 } from "../../src/core/ext4/index.ts";
import { requireTemplate, templateDisks, templateFiles, templateSystem } from "../../src/core/templates/index.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";

const artifacts = await prebuiltArtifacts();
const read = (path: string) => artifacts.bytes(path);

async function templateBoot(id: string): Promise<BootSystem> {
  const template = requireTemplate(id);
  return templateSystem(template, { files: await templateFiles(template, read), cmdline: template.cmdline, disks: await templateDisks(template, read) });
}

async function problemsOf(system: BootSystem): Promise<string> {
  try {
    await planBoot(system, artifacts, { emulator: "v86" });
  } catch (error) {
    assert.ok(error instanceof PlanError, `want a PlanError, got ${String(error)}`);
    return error.problems.join("\n");
  }
  assert.fail("the plan accepted a system it should refuse");
}

function paths(image: Uint8Array): Map<string, { kind: string; data?: Uint8Array }> {
  return new Map(readExt4(image).map((e) => [`/${e.path}`, e as { kind: string; data?: Uint8Array }]));
}

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

test("ramdisk-ext4: the initrd is one plain 2 MiB ext4 image (the plan boots initrds plain) with BusyBox and the template's /etc, no initramfs, on the full kernel", async () => {
  const plan = await planBoot(await templateBoot("ramdisk-ext4"), artifacts, { emulator: "v86" });
  assert.equal(plan.kernel.id, "full");
  assert.equal(plan.usesBase, false);
  assert.equal(plan.spec.initrds.length, 1);
  assert.deepEqual(plan.spec.disks, []);
  const image = plan.spec.initrds[0]!;
  assert.equal(image.length, 2 << 20);
  const tree = paths(image);
  for (const path of ["/bin/busybox", "/sbin/init", "/bin/sh", "/dev/console", "/etc/inittab", "/etc/init.d/rcS", "/etc/fstab"]) assert.ok(tree.has(path), path);
  assert.ok(!tree.has("/init"), "the base's initramfs /init stays out of a disk");
  assert.match(text(tree.get("/etc/inittab")!.data), /::sysinit:\/etc\/init\.d\/rcS/);
  assert.match(plan.spec.cmdline, /root=\/dev\/ram rw rootfstype=ext4 init=\/sbin\/init/);
});

test("disk-root: one IDE disk with the static hello as /init over BusyBox, no initrd", async () => {
  const plan = await planBoot(await templateBoot("disk-root"), artifacts, { emulator: "v86" });
  assert.equal(plan.kernel.id, "full");
  assert.deepEqual(plan.spec.initrds, []);
  assert.equal(plan.spec.disks.length, 1);
  const image = plan.spec.disks[0] as Uint8Array;
  assert.equal(image.length, 8 << 20);
  const tree = paths(image);
  assert.deepEqual(tree.get("/init")!.data, await read("i386/hello"));
  assert.ok(tree.has("/bin/busybox") && tree.has("/dev/console"));
  assert.equal(plan.expectations.initPath, "/init");
});

test("disks: the BusyBox initramfs plus two 4 MiB data disks, each holding its own files only", async () => {
  const plan = await planBoot(await templateBoot("disks"), artifacts, { emulator: "v86" });
  assert.equal(plan.kernel.id, "full");
  assert.equal(plan.usesBase, true);
  assert.equal(plan.spec.disks.length, 2);
  const [data1, data2] = plan.spec.disks.map((d) => paths(d as Uint8Array));
  assert.equal((plan.spec.disks[0] as Uint8Array).length, 4 << 20);
  assert.match(text(data1!.get("/README.txt")!.data), /first data disk/);
  assert.ok(data1!.has("/notes/todo.txt"));
  assert.match(text(data2!.get("/README.txt")!.data), /second data disk/);
  assert.ok(!data1!.has("/bin/busybox"), "a data disk has no base");
});

test("the same disk system plans to the same bytes twice", async () => {
  for (const id of ["ramdisk-ext4", "disk-root", "disks"]) {
    const system = await templateBoot(id);
    const a = await planBoot(system, artifacts, { emulator: "v86" });
    const b = await planBoot(await templateBoot(id), artifacts, { emulator: "qemu" });
    assert.deepEqual(a.spec.initrds, b.spec.initrds, id);
    assert.deepEqual(a.spec.disks, b.spec.disks, id);
  }
});

test("a tree that does not fit its disk is a plan problem naming the disk and the size it wants", async () => {
  const system = await templateBoot("disks");
  const big: FileDisk = { ...system.fileDisks![0]!, files: [...system.fileDisks![0]!.files, { path: "/big.bin", kind: "file", mode: 0o644, data: new Uint8Array(5 << 20) }] };
  const problems = await problemsOf({ ...system, fileDisks: [big, system.fileDisks![1]!] });
  assert.match(problems, /^disk data1: its files do not fit in 4 MiB: \d+(\.\d+)? MiB at least would hold them/);
});

test("disk descriptions the plan refuses: two RAM disks, a size out of range, a RAM disk beside the user's initrd, too many disks for v86", async () => {
  const ramdisk = (await templateBoot("ramdisk-ext4")).fileDisks![0]!;
  assert.match(await problemsOf({ files: [], base: "none", cmdline: "root=/dev/ram", fileDisks: [ramdisk, { ...ramdisk, name: "second" }] }), /got 2 RAM disks/);
  assert.match(await problemsOf({ files: [], base: "none", cmdline: "root=/dev/ram", fileDisks: [{ ...ramdisk, size: 1000 }] }), /disk root: got a size of 1000 bytes, want a whole number from 1 MiB/);
  assert.match(await problemsOf({ files: [], base: "none", cmdline: "root=/dev/ram", initrd: new Uint8Array(8), fileDisks: [ramdisk] }), /cannot bring an initrd of its own too/);
  const disks = await templateBoot("disks");
  const data = disks.fileDisks![1]!;
  const plan: Promise<BootPlan> = planBoot({ ...disks, fileDisks: [...disks.fileDisks!, data] }, artifacts, { emulator: "qemu" });
  assert.equal((await plan).spec.disks.length, 3, "QEMU takes a third disk");
  assert.match(await problemsOf({ ...disks, fileDisks: [...disks.fileDisks!, data] }), /disks: got 3, v86 attaches at most 2/);
});

test("a RAM disk larger than the kernel's RAM disk size is a plan problem naming ramdisk_size=; with it the plan boots", async () => {
  const ramdisk: FileDisk = { name: "root", role: "ramdisk", size: 65 << 20, fs: "ext4", base: "none", files: [{ path: "/x", kind: "file", mode: 0o755, text: "x" }] };
  const system: BootSystem = { files: [], base: "none", cmdline: "root=/dev/ram rootfstype=ext4 init=/x", memoryMiB: 256, fileDisks: [ramdisk] };
  assert.match(await problemsOf(system), /^root=\/dev\/ram: the RAM disk image is 66560 KiB and the full kernel's RAM disk holds 65536 KiB \(CONFIG_BLK_DEV_RAM_SIZE\); add ramdisk_size=66560 to the command line/);
  assert.match(await problemsOf({ ...system, cmdline: `${system.cmdline} ramdisk_size=4096` }), /ramdisk_size=4096 on the command line is smaller; add ramdisk_size=66560/);
  const plan = await planBoot({ ...system, cmdline: `${system.cmdline} ramdisk_size=66560` }, artifacts, { emulator: "v86" });
  assert.equal(plan.spec.initrds[0]!.length, 65 << 20);
});
