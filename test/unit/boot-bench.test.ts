import { test } from "node:test";
import assert from "node:assert/strict";
import { formatBench, stats } from "../../src/cli/commands/bench.ts";

test("stats: median, extremes and interquartile range", () => {
  assert.deepEqual(stats([5, 1, 4, 2, 3]), { n: 5, medianMs: 3, minMs: 1, maxMs: 5, iqrMs: 2 });
  assert.deepEqual(stats([10, 20]), { n: 2, medianMs: 15, minMs: 10, maxMs: 20, iqrMs: 5 });
  assert.deepEqual(stats([7]), { n: 1, medianMs: 7, minMs: 7, maxMs: 7, iqrMs: 0 });
});

test("the report names each emulator, the start-up apart from the boot, and the ratio", () => {
  const s = stats([1000, 1100, 1200]);
  const text = formatBench({
    runs: 3,
    cmdline: "console=ttyS0",
    artifacts: "k + r",
    planMs: { ...stats([5, 6, 7]), initrdBytes: 600 * 1024 },
    v86WasmCompileMs: stats([10, 11, 12]),
    targets: { v86: { emulatorStartMs: stats([50, 60, 70]), toPromptMs: stats([1500, 1650, 1800]) }, "qemu-tcg": { emulatorStartMs: s, toPromptMs: s } },
    ratioV86ToQemuTcg: 1.5,
    kvm: "no KVM",
  });
  assert.match(text, /plan the boot \(initrd 600 KiB\):\s+median\s+6 ms/);
  assert.match(text, /v86\n  emulator start-up:\s+median\s+60 ms/);
  assert.match(text, /guest to prompt:\s+median\s+1650 ms/);
  assert.match(text, /ratio v86 \/ QEMU-TCG \(median guest boot to prompt\): 1\.50/);
});
