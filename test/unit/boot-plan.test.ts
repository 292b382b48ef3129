// The plan against the prebuilt artifacts that ship: the command line's defaults, the kernel it
// picks or refuses (read from each kernel's .config), what goes into the initrd, and the limits.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import {
  DEFAULT_CMDLINE,
  KernelCmdline,
  PlanError,
  planBoot,
  type BootSystem,
  type PlanOptions,
} from "../../src/core/boot/index.ts";
import { fileEntry, flattenEntries, packCpio, readCpio } from "../../src/core/cpio/index.ts";
import { requireTemplate, TEMPLATES, templateDisks, templateFiles, templateSystem } from "../../src/core/templates/index.ts";
import { prebuiltArtifacts, prebuiltPath } from "../../src/cli/runners/artifacts.ts";

const artifacts = await prebuiltArtifacts();

async function templateBoot(id: string): Promise<BootSystem> {
  const template = requireTemplate(id);
  const read = (p: string) => artifacts.bytes(p);
  return templateSystem(template, { files: await templateFiles(template, read), cmdline: template.cmdline, disks: await templateDisks(template, read) });
}

async function problemsOf(system: BootSystem, options: PlanOptions = {}): Promise<string> {
  try {
    await planBoot(system, artifacts, options);
  } catch (error) {
    assert.ok(error instanceof PlanError, `want a PlanError, got ${String(error)}`);
    return error.problems.join("\n");
  }
  assert.fail("the plan accepted a system it should refuse");
}

/** Just enough of an ext4 superblock for the plan's image check: magic and the extents feature. */
function fakeExt4(): Uint8Array {
  const image = new Uint8Array(64 * 1024);
  image[1080] = 0x53;
  image[1081] = 0xef;
  image[1024 + 0x60] = 0x40;
  return image;
}

const BASE_ONLY: BootSystem = { files: [], base: "busybox", cmdline: "" };

test("every template plans: the defaults under its command line, its kernel, the base then its files", async () => {
  const base = await artifacts.plainInitrd(artifacts.base("i386")!.path);
  for (const template of TEMPLATES) {
    const system = await templateBoot(template.id);
    const plan = await planBoot(system, artifacts, { emulator: "v86" });
    const want = KernelCmdline.parse(DEFAULT_CMDLINE).merge(KernelCmdline.parse(template.cmdline)).toString();
    assert.equal(plan.spec.cmdline, want, template.id);
    for (const key of ["console", "tsc", "mitigations", "random.trust_cpu"]) assert.ok(KernelCmdline.parse(plan.spec.cmdline).has(key), `${template.id}: ${key}`);
    assert.equal(plan.kernel.id, template.kernel, template.id);
    assert.equal(plan.usesBase, template.base === "busybox", template.id);
    assert.equal(plan.spec.memoryMiB, 128);
    if (template.disks?.some((d) => d.role === "ramdisk")) continue; // the initrd is the RAM disk: see the file-disk tests
    if (template.files.length === 0 && template.base === "none") {
      assert.deepEqual(plan.spec.initrds, [], `${template.id}: no initramfs`);
      continue;
    }
    const initrd = plan.spec.initrds[0]!;
    if (template.base === "busybox") assert.deepEqual(initrd.subarray(0, base.length), base, `${template.id}: the plain base comes first`);
    const tree = new Map(flattenEntries(readCpio(initrd)).map((e) => [`/${e.path}`, e]));
    for (const file of system.files) assert.ok(tree.has(file.path), `${template.id}: ${file.path} is in the initrd`);
  }
});

test("the same system plans to the same bytes, and the user's files are one plain archive after the base", async () => {
  const system = await templateBoot("busybox-init");
  const a = await planBoot(system, artifacts, { emulator: "v86" });
  const b = await planBoot({ ...system, files: [...system.files].reverse() }, artifacts, { emulator: "v86" });
  assert.deepEqual(a.spec.initrds[0], b.spec.initrds[0]);
  const base = await artifacts.plainInitrd(artifacts.base("i386")!.path);
  const overlay = a.spec.initrds[0]!.subarray((base.length + 3) & ~3);
  assert.ok(readCpio(overlay).some((e) => e.path === "etc/inittab"));
});

test("root=/dev/ram needs the RAM disk driver: the tiny kernel's template is booted on the full kernel, and says so", async () => {
  const system: BootSystem = { files: [], base: "none", kernel: "tiny", initrd: fakeExt4(), cmdline: "root=/dev/ram rw rootfstype=ext4 init=/sbin/init" };
  const plan = await planBoot(system, artifacts, { emulator: "v86" });
  assert.equal(plan.kernel.id, "full");
  assert.equal(plan.usesBase, false);
  assert.match(plan.notes.join("\n"), /full kernel boots this system: root=\/dev\/ram needs a RAM disk driver \(CONFIG_BLK_DEV_RAM\), which the tiny kernel lacks/);
  assert.equal(plan.expectations.initPath, "/sbin/init");
});

test("a pinned kernel is never swapped: the plan names what it lacks and the kernel that has it", async () => {
  const problems = await problemsOf({ files: [], base: "none", kernel: "tiny", kernelPinned: true, initrd: fakeExt4(), cmdline: "root=/dev/ram" });
  assert.match(problems, /root=\/dev\/ram needs a RAM disk driver \(CONFIG_BLK_DEV_RAM\), which the tiny kernel lacks/);
  assert.match(problems, /The full kernel has what is missing \(--kernel full\)/);
});

test("a root on a block device boots without the base archive, on a kernel with IDE disks", async () => {
  const plan = await planBoot({ ...BASE_ONLY, disks: [fakeExt4()], cmdline: "root=/dev/sda init=/init" }, artifacts, { emulator: "v86" });
  assert.equal(plan.usesBase, false);
  assert.deepEqual(plan.spec.initrds, []);
  assert.equal(plan.kernel.id, "full");
  assert.equal(plan.expectations.initPath, "/init");
  assert.match(await problemsOf({ ...BASE_ONLY, cmdline: "root=/dev/sda" }), /root=\/dev\/sda: no disk is attached; attach the root disk image \(--disk FILE\)/);
  assert.match(await problemsOf({ ...BASE_ONLY, disks: [fakeExt4()], cmdline: "root=/dev/sdb" }), /only 1 disk\(s\) are attached/);
  assert.match(await problemsOf({ ...BASE_ONLY, disks: [fakeExt4()], cmdline: "root=/dev/vda" }), /use root=\/dev\/sda/);
  assert.match(await problemsOf({ ...BASE_ONLY, cmdline: "root=/dev/ram" }), /give a file system image/);
});

test("limits: disks per emulator, memory range and v86's initrd rule, control characters, command line length", async () => {
  const disk = new Uint8Array(512);
  assert.match(await problemsOf({ ...BASE_ONLY, disks: [disk, disk, disk] }, { emulator: "v86" }), /disks: got 3, v86 attaches at most 2/);
  assert.match(await problemsOf({ ...BASE_ONLY, disks: [disk, disk, disk, disk, disk] }, { emulator: "qemu" }), /disks: got 5, qemu attaches at most 4/);
  await planBoot({ ...BASE_ONLY, disks: [disk, disk, disk] }, artifacts, { emulator: "qemu" });
  assert.match(await problemsOf({ ...BASE_ONLY, memoryMiB: 4096 }), /memory: got 4096 MiB, want a whole number between 16 and 3072/);
  assert.match(await problemsOf({ ...BASE_ONLY, memoryMiB: 64 }, { emulator: "v86" }), /v86 loads the initrd at 64 MiB, so this \d+ MiB initrd needs at least 6\d MiB/);
  assert.equal((await planBoot({ ...BASE_ONLY, memoryMiB: 64 }, artifacts, { emulator: "qemu" })).spec.memoryMiB, 64);
  assert.match(await problemsOf({ ...BASE_ONLY, cmdline: "quiet\0rdinit=/x" }), /control character \(code 0\) at position 6/);
  assert.match(await problemsOf({ ...BASE_ONLY, cmdline: `x=${"a".repeat(2100)}` }), /characters with bootlab's defaults, the x86 boot protocol allows 2047/);
  assert.match(await problemsOf({ ...BASE_ONLY, kernel: "huge" }), /kernel "huge": no such prebuilt i386 kernel; the i386 kernels are tiny, full/);
});

test("a large initrd raises v86's memory when none was asked for", async () => {
  const big = packCpio([fileEntry("blob", new Uint8Array(80 * 1024 * 1024))]);
  const plan = await planBoot({ files: [], base: "none", initrd: big, cmdline: "" }, artifacts, { emulator: "v86" });
  assert.ok(plan.spec.memoryMiB >= 64 + 80, `got ${plan.spec.memoryMiB} MiB`);
});

test("the session learns why the init program will not run: CRLF, no #!, not executable, a 64-bit or dynamic ELF", async () => {
  const hint = async (init: BootSystem["files"][number], cmdline = "") =>
    (await planBoot({ files: [init], base: "busybox", cmdline }, artifacts, { emulator: "v86" })).expectations.initHint ?? "";
  assert.match(await hint({ path: "/init", kind: "file", mode: 0o755, text: "#!/bin/sh\r\necho hi\r\n" }), /carriage return|CRLF|\\r/i);
  // The same script as bytes, as `bootlab boot --rootfs DIR` reads it from a directory.
  assert.match(await hint({ path: "/init", kind: "file", mode: 0o755, data: new TextEncoder().encode("#!/bin/sh\r\necho hi\r\n") }), /CRLF/);
  assert.match(await hint({ path: "/init", kind: "file", mode: 0o644, text: "#!/bin/sh\necho hi\n" }), /not executable/);
  assert.match(await hint({ path: "/init", kind: "file", mode: 0o755, text: "echo hi\n" }), /No "#!" line/);
  assert.equal(await hint({ path: "/init", kind: "file", mode: 0o755, text: "#!/bin/sh\nexec sh\n" }), "");
  assert.match(await hint({ path: "/boot.sh", kind: "file", mode: 0o644, text: "#!/bin/sh\n" }, "rdinit=/boot.sh"), /not executable/);

  const elf64 = new Uint8Array(64);
  elf64.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  elf64[18] = 62;
  assert.match(await hint({ path: "/init", kind: "file", mode: 0o755, data: elf64 }), /64-bit \(x86-64\) program; an i386 kernel cannot run it \(error -8\)/);
  const hello = new Uint8Array(await readFile(prebuiltPath("i386/hello")));
  assert.equal(await hint({ path: "/init", kind: "file", mode: 0o755, data: hello }), "", "the static i386 hello runs");
  const dynamic = new Uint8Array(await readFile("/bin/true"));
  assert.match(await hint({ path: "/init", kind: "file", mode: 0o755, data: dynamic }), /64-bit|dynamically linked/);
});

test("layers: the devel layer goes between the base and the user's files; an unknown layer or a layer with root= is refused", async () => {
  const files = [{ path: "/etc/motd", kind: "file" as const, mode: 0o644, text: "hi\n" }];
  const plain = await planBoot({ files, base: "busybox", cmdline: "" }, artifacts, { emulator: "v86" });
  const devel = await planBoot({ files, base: "busybox", cmdline: "", layers: ["devel"] }, artifacts, { emulator: "v86" });
  const layer = await artifacts.plainInitrd(artifacts.layer("devel", "i386")!.path);
  const base = await artifacts.plainInitrd(artifacts.base("i386")!.path);
  const initrd = devel.spec.initrds[0]!;
  assert.equal(initrd.length, plain.spec.initrds[0]!.length + layer.length);
  assert.deepEqual(initrd.subarray(base.length, base.length + layer.length), layer, "the layer right after the base");
  const paths = readCpio(initrd).map((e) => e.path);
  assert.ok(paths.includes("usr/bin/tcc") && paths.indexOf("usr/bin/tcc") < paths.lastIndexOf("etc/motd"));
  await assert.rejects(planBoot({ files: [], base: "busybox", cmdline: "", layers: ["gcc"] }, artifacts), (e: unknown) => e instanceof PlanError && /layer "gcc": prebuilt\/manifest.json has no such i386 layer \(it has devel\)/.test(e.message));
  await assert.rejects(planBoot({ files: [], base: "busybox", cmdline: "root=/dev/sda", layers: ["devel"], disks: [new Uint8Array(1 << 20)] }, artifacts), (e: unknown) => e instanceof PlanError && /layer "devel" is an initramfs archive/.test(e.message));
});
