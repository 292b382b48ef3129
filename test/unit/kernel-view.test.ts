// describeKernel against the prebuilt artifacts that ship: the kernel a system boots, the
// committed fragments the manifest names for it (each line with its note), the full .config,
// the plan's note when it picked another kernel, and the QEMU-only systems (a 64-bit kernel, a
// 64-bit /init).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { describeKernel, PlanError, type BootSystem } from "../../src/core/boot/index.ts";
import { requireTemplate, TEMPLATES, templateDisks, templateFiles, templateSystem } from "../../src/core/templates/index.ts";
import { prebuiltArtifacts, prebuiltPath } from "../../src/cli/runners/artifacts.ts";

const artifacts = await prebuiltArtifacts();

async function templateBoot(id: string): Promise<BootSystem> {
  const template = requireTemplate(id);
  const read = (p: string) => artifacts.bytes(p);
  return templateSystem(template, { files: await templateFiles(template, read), cmdline: template.cmdline, disks: await templateDisks(template, read) });
}

test("the default template: the i386 tiny kernel, its two fragments with a note per line, and its .config", async () => {
  const view = await describeKernel(await templateBoot("busybox-init"), artifacts);
  assert.equal(view.id, "tiny");
  assert.equal(view.arch, "i386");
  assert.deepEqual(view.notes, []);
  assert.equal(view.qemuOnly, undefined);
  assert.deepEqual(view.fragments.map((f) => f.path), ["kconfig/i386.fragment", "kconfig/tiny.fragment"]);
  const console = view.fragments[1]!.lines.find((l) => l.symbol === "CONFIG_SERIAL_8250_CONSOLE");
  assert.deepEqual(console, { symbol: "CONFIG_SERIAL_8250_CONSOLE", line: "CONFIG_SERIAL_8250_CONSOLE=y", on: true, note: "the kernel console on a serial port (console=ttyS0): the page's terminal" });
  const smp = view.fragments[0]!.lines.find((l) => l.symbol === "CONFIG_SMP");
  assert.equal(smp?.line, "# CONFIG_SMP is not set");
  assert.equal(smp?.on, false);
  assert.ok(view.fragments.every((f) => f.lines.every((l) => l.note)), "every committed line has a note");
  assert.equal(view.configPath, "i386/configs/kernel-tiny.config");
  assert.equal(view.config, await readFile(prebuiltPath("i386/configs/kernel-tiny.config"), "utf8"));
});

test("a system that needs more than its preferred kernel: the full kernel, the plan's note, three fragments", async () => {
  const ramdisk = await describeKernel(await templateBoot("ramdisk-ext4"), artifacts);
  assert.equal(ramdisk.id, "full");
  assert.deepEqual(ramdisk.fragments.map((f) => f.path), ["kconfig/i386.fragment", "kconfig/tiny.fragment", "kconfig/full.fragment"]);
  assert.equal(ramdisk.configPath, "i386/configs/kernel-full.config");
  const swapped = await describeKernel({ ...(await templateBoot("ramdisk-ext4")), kernel: "tiny" }, artifacts);
  assert.equal(swapped.id, "full");
  assert.match(swapped.notes.join(" "), /full/);
});

test("a 64-bit system runs in QEMU only: the x86_64 kernel, and a 64-bit /init on the page's 32-bit kernel", async () => {
  const x86 = await describeKernel({ ...(await templateBoot("busybox-init")), arch: "x86_64" }, artifacts);
  assert.equal(x86.id, "tiny");
  assert.equal(x86.arch, "x86_64");
  assert.deepEqual(x86.fragments.map((f) => f.path), ["kconfig/x86_64.fragment", "kconfig/tiny.fragment"]);
  assert.deepEqual(x86.qemuOnly, { reason: "the tiny kernel is x86_64: 64-bit systems run in QEMU only (v86 emulates a 32-bit CPU).", arch: "x86_64" });
  assert.match(x86.config, /^CONFIG_64BIT=y$/m);

  const hello64 = new Uint8Array(await readFile(prebuiltPath("x86_64/hello")));
  const elf = await describeKernel({ files: [{ path: "/init", kind: "file", mode: 0o755, data: hello64 }], base: "busybox", cmdline: "" }, artifacts);
  assert.equal(elf.arch, "i386", "the page boots the i386 kernel, which cannot run it");
  assert.deepEqual(elf.qemuOnly, { reason: "/init is a 64-bit (x86_64) program: 64-bit systems run in QEMU only (v86 emulates a 32-bit CPU), with a 64-bit kernel.", arch: "x86_64" });
  assert.match(elf.notes.join(" "), /64-bit \(x86-64\) program/);
});

test("every template has a kernel view (static-hello before its /init.c is compiled too), with its fragments", async () => {
  for (const template of TEMPLATES) {
    const view = await describeKernel(await templateBoot(template.id), artifacts);
    assert.equal(view.arch, "i386", template.id);
    assert.equal(view.qemuOnly, undefined, template.id);
    assert.ok(view.fragments.length >= 2 && view.config.includes("CONFIG_IKCONFIG_PROC=y"), `${template.id}: ${view.id}`);
  }
});
