// Comparing two boots of one plan (src/core/boot/parity.ts), on the recorded v86 and QEMU boots.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compareTranscripts, diffLines, formatParity, kernelLines, normaliseUserSpace } from "../../src/core/boot/index.ts";
import { transcriptText } from "./transcript-fixtures.ts";

for (const template of ["busybox-init", "minimal-init", "static-hello"]) {
  test(`${template}: v86 and QEMU differ only where the emulated hardware does`, () => {
    const v86 = transcriptText(`${template}.v86`);
    const qemu = transcriptText(`${template}.qemu`);
    const comparison = compareTranscripts(v86, qemu);
    assert.equal(comparison.equal, true, formatParity(comparison, ["v86", "qemu"]));
    assert.ok(comparison.kernel.differences.length > 0, "the kernel's lines do differ");
    assert.equal(comparison.kernel.unexplained, 0, formatParity(comparison, ["v86", "qemu"]));
    assert.ok(comparison.kernel.same > 30);
    const kinds = new Set(comparison.kernel.differences.map((d) => d.kind));
    for (const kind of ["CPU", "clocks", "memory map"]) assert.ok(kinds.has(kind as never), `${kind} in ${[...kinds].join(", ")}`);
  });
}

test("the kernel's lines: from the banner (SeaBIOS's text before it cut) to init's start, stamps removed", () => {
  const lines = kernelLines(transcriptText("busybox-init.qemu"));
  assert.match(lines[0]!, /^Linux version 6\.1\.\d+ /);
  assert.equal(lines.at(-1), "Write protecting kernel text and read-only data: 1680k");
  assert.ok(lines.every((l) => !/^\[\s*\d/.test(l)));
});

test("user space is compared exactly: one changed line fails parity and is shown", () => {
  const v86 = transcriptText("busybox-init.v86");
  const qemu = transcriptText("busybox-init.qemu").replace("Welcome to BusyBox Linux on 6.1.192", "Welcome to BusyBox Linux on QEMU");
  const comparison = compareTranscripts(v86, qemu);
  assert.equal(comparison.equal, false);
  const text = formatParity(comparison, ["v86", "qemu"]);
  assert.match(text, /User space .*: 2 lines differ \(- v86, \+ qemu\):/);
  assert.match(text, /^ {2}- v86 {3}Welcome to BusyBox Linux on 6\.1\.192$/m);
  assert.match(text, /^ {2}\+ qemu {2}Welcome to BusyBox Linux on QEMU$/m);
  assert.match(text, /^ {10}root@bootlab:\/ # poweroff -f$/m, "context around the change");
});

test("a kernel line both printed, at another place, is a difference of order", () => {
  const comparison = compareTranscripts(transcriptText("static-hello.v86"), transcriptText("static-hello.qemu"));
  const order = comparison.kernel.differences.filter((d) => d.kind === "order").map((d) => d.line);
  assert.ok(order.includes("Freeing initrd memory: 20K"), order.join("\n"));
  assert.equal(order.length % 2, 0, "in pairs");
});

test("an unknown kernel difference is shown as not explained, and does not fail parity", () => {
  const v86 = transcriptText("minimal-init.v86");
  const qemu = transcriptText("minimal-init.qemu").replace("signal: max sigframe size: 1440", "signal: max sigframe size: 2048");
  const comparison = compareTranscripts(v86, qemu);
  assert.equal(comparison.equal, true);
  assert.equal(comparison.kernel.unexplained, 2);
  assert.match(formatParity(comparison, ["v86", "qemu"]), /other \(2 lines\): not a known hardware difference\n {4}\+ qemu {2}signal: max sigframe size: 2048\n {4}- v86 {3}signal: max sigframe size: 1440/);
});

test("user space normalised: kernel messages mid-session dropped, sizes and addresses blanked", () => {
  assert.deepEqual(
    normaliseUserSpace("[ 0.1] Run /init as init process\n/ # mount\nrootfs on / type rootfs (rw,size=54572k,nr_inodes=13643)\n[    1.2] clocksource: x\nat 0xc1234567\n/ # "),
    ["/ # mount", "rootfs on / type rootfs (rw,size=SIZE,nr_inodes=SIZE)", "at 0xADDR", "/ # "],
  );
});

test("diffLines keeps the common lines in order", () => {
  assert.deepEqual(diffLines(["a", "b", "c"], ["a", "x", "c", "d"]), [
    { side: "both", line: "a" },
    { side: "right", line: "x" },
    { side: "left", line: "b" },
    { side: "both", line: "c" },
    { side: "right", line: "d" },
  ]);
});
