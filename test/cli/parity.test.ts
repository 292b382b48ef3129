// `bootlab parity` as a user runs it: one plan booted on v86 and QEMU (TCG). A template whose
// output matches exits 0 and shows both timelines; an /init that prints the CPU's model name
// (each emulator has its own CPU) exits 1 and shows that line. Needs prebuilt/ and qemu-system-x86.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/cli/exec.ts";

const BIN = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));

function bootlab(args: string[]) {
  return run(process.execPath, [BIN, "parity", ...args], { check: false });
}

test("bootlab parity --template busybox-init: the same guest-visible output, exit 0, both timelines", async () => {
  const r = await bootlab(["--template", "busybox-init", "--width", "120"]);
  assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
  assert.match(r.stdout, /^v86: Powered off$/m);
  assert.match(r.stdout, /^QEMU: Powered off$/m);
  // The kernel's lines differ, each named; user space is the same.
  assert.match(r.stdout, /^ {2}CPU \(\d+ lines?\): the emulated processors differ/m);
  assert.match(r.stdout, /^ {4}- v86 {3}CPU: Intel Pentium III/m);
  assert.match(r.stdout, /^User space \(everything after "Run \/init", .*\): the same, \d+ lines\.$/m);
  // Both timelines, side by side: one header line, then a row per stage with two bars.
  assert.match(r.stdout, /^v86 timeline +QEMU timeline$/m);
  for (const stage of ["kernel", "initramfs unpack", "Run /init", "init, rcS", "first prompt"]) {
    const row = r.stdout.split("\n").find((l) => l.startsWith(stage));
    assert.ok(row, `a row for ${stage}`);
    assert.equal(row.split("│").length, 5, `two bars on the ${stage} row: ${row}`);
  }
  assert.match(r.stdout, /^parity: the guest-visible output is the same on v86 and QEMU$/m);
});

test("bootlab parity --rootfs DIR whose /init prints the CPU's model name: exit 1, and the line is shown", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bootlab-parity-"));
  try {
    const init = join(dir, "init");
    await writeFile(init, '#!/bin/sh\nmount -t proc proc /proc\ngrep "model name" /proc/cpuinfo\npoweroff -f\n');
    await chmod(init, 0o755);
    const r = await bootlab(["--rootfs", dir]);
    assert.equal(r.code, 1, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /^User space .*: 2 lines differ \(- v86, \+ QEMU\):$/m);
    assert.match(r.stdout, /^ {2}- v86 {3}model name\s*: .*Pentium III/m);
    assert.match(r.stdout, /^ {2}\+ QEMU {2}model name\s*: QEMU Virtual CPU/m);
    assert.match(r.stdout, /^parity: the guest-visible output differs between v86 and QEMU/m);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("bootlab parity without a system to boot is a usage error", async () => {
  const r = await bootlab([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--template ID or --rootfs DIR/);
});
