// The annotated boot log: the lines a learner should understand, on recorded boots of every template.
import { test } from "node:test";
import assert from "node:assert/strict";
import { annotateLines, CMDLINE_SOURCE, type AnnotationId } from "../../src/core/boot/index.ts";
import { EMULATORS, replayTranscript, TEMPLATE_IDS } from "./transcript-fixtures.ts";

function annotated(name: string) {
  const lines = replayTranscript(name).lines.map((l) => l.text);
  return { lines, annotations: annotateLines(lines) };
}

/** What every recorded boot shows: the kernel's start to init's. */
const EVERY_BOOT: AnnotationId[] = ["linux-version", "memory-map", "memory-map-usable", "memory-map-reserved", "initrd-location", "kernel-command-line", "memory-available", "console-enabled", "cpu", "devtmpfs-initialized", "unpacking-initramfs", "serial-port", "freeing-initrd", "freeing-init-memory", "run-init"];

for (const template of TEMPLATE_IDS) {
  for (const emulator of EMULATORS) {
    const name = `${template}.${emulator}`;
    test(`annotations of ${name}: the learner's lines, in order, each explained on its own line`, () => {
      const { lines, annotations } = annotated(name);
      const ids = annotations.map((a) => a.id);
      for (const id of EVERY_BOOT) assert.ok(ids.includes(id), `${name}: ${id} missing from ${ids.join(", ")}`);
      let last = -1;
      for (const a of annotations) {
        assert.ok(a.index > last, "one annotation a line, in line order");
        last = a.index;
        assert.match(a.explanation, /^[A-Z].*\.$/, `${a.id}: one sentence`);
      }
      const at = (id: AnnotationId) => annotations.find((a) => a.id === id)!;
      assert.match(lines[at("kernel-command-line").index]!, /Kernel command line: console=ttyS0/);
      assert.equal(at("kernel-command-line").file, CMDLINE_SOURCE);
      assert.match(lines[at("unpacking-initramfs").index]!, /Unpacking initramfs\.\.\./);
      assert.match(lines[at("freeing-initrd").index]!, /Freeing initrd memory: \d+K/);
      assert.match(lines[at("serial-port").index]!, /serial8250: ttyS0 at I\/O 0x3f8/);
      assert.match(at("serial-port").explanation, /ttyS0 at I\/O port 0x3f8/);
      assert.match(lines[at("run-init").index]!, /Run \/(?:sbin\/)?init as init process/);
      assert.equal(at("run-init").file, template === "tiny-system" ? "/sbin/init" : "/init");
    });
  }
}

test("the initrd location says where each emulator's loader put it", () => {
  const v86 = annotated("busybox-init.v86").annotations.find((a) => a.id === "initrd-location")!;
  assert.match(v86.explanation, /at 0x04000000;/);
  assert.match(v86.explanation, /992 KiB/);
  const qemu = annotated("busybox-init.qemu").annotations.find((a) => a.id === "initrd-location")!;
  assert.match(qemu.explanation, /at 0x07ee8000;/);
});

test("the CPU line names each emulator's processor; the memory map its sizes", () => {
  assert.match(annotated("minimal-init.v86").annotations.find((a) => a.id === "cpu")!.explanation, /Intel Pentium III \(Katmai\)\./);
  assert.match(annotated("minimal-init.qemu").annotations.find((a) => a.id === "cpu")!.explanation, /QEMU Virtual CPU version/);
  const usable = annotated("minimal-init.qemu").annotations.filter((a) => a.id === "memory-map-usable").map((a) => a.explanation);
  assert.match(usable[0]!, /^RAM the kernel may use: 639 KiB from 0x0000000000000000 /);
  assert.match(usable[1]!, /^RAM the kernel may use: 126.9 MiB from 0x0000000000100000 /);
});

test("init's own messages point at the file that made them", () => {
  const tiny = annotated("tiny-system.v86").annotations;
  assert.equal(tiny.find((a) => a.id === "rcs-missing")?.file, "/etc/init.d/rcS");
  assert.equal(tiny.find((a) => a.id === "askfirst")?.file, "/etc/inittab");
  assert.equal(tiny.filter((a) => a.id === "tty-missing").length, 1, "a repeated line is explained once");
  assert.equal(annotated("minimal-init.v86").annotations.find((a) => a.id === "no-job-control")?.file, undefined);
  assert.equal(annotated("busybox-init.v86").annotations.at(-1)?.id, "power-down");
});

test("a panic is explained by the diagnosis catalogue, with the file to fix", () => {
  const lines = ["[    0.5] Run /init as init process", "[    0.6] Failed to execute /init (error -8)", "[    0.7] Kernel panic - not syncing: No working init found.  Try passing init= option to kernel."];
  const annotations = annotateLines(lines);
  assert.deepEqual(annotations.map((a) => [a.index, a.id, a.file]), [[0, "run-init", "/init"], [1, "warning", "/init"], [2, "panic", "/init"]]);
  assert.match(annotations[1]!.explanation, /ENOEXEC/);
});

test("a RAM-disk root: the image found and the root mounted, both from the command line", () => {
  const annotations = annotateLines(["RAMDISK: gzip image found at block 0", "VFS: Mounted root (ext4 filesystem) on device 1:0.", "devtmpfs: mounted"]);
  assert.deepEqual(annotations.map((a) => [a.id, a.file]), [["ramdisk-found", CMDLINE_SOURCE], ["root-mounted", CMDLINE_SOURCE], ["devtmpfs-mounted", undefined]]);
  assert.match(annotations[1]!.explanation, /a ext4 file system/);
});
