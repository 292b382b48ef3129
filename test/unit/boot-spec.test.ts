import { test } from "node:test";
import assert from "node:assert/strict";
import { concatInitrds, isBzImage, minimumV86MemoryMiB, validateBootSpec } from "../../src/core/boot/spec.ts";

function fakeBzImage(size = 4096): Uint8Array {
  const k = new Uint8Array(size);
  k.set([0x48, 0x64, 0x72, 0x53], 0x202); // "HdrS"
  return k;
}

test("concatInitrds pads every part to 4 bytes so the next archive starts aligned", () => {
  const joined = concatInitrds([Uint8Array.of(1, 2, 3), Uint8Array.of(4, 5, 6, 7, 8), Uint8Array.of(9)]);
  assert.deepEqual([...joined], [1, 2, 3, 0, 4, 5, 6, 7, 8, 0, 0, 0, 9, 0, 0, 0]);
  const single = Uint8Array.of(1, 2, 3);
  assert.equal(concatInitrds([single]), single, "one archive is used as it is");
  assert.equal(concatInitrds([]).length, 0);
});

test("v86 memory must exceed 64 MiB plus the initrd", () => {
  assert.equal(minimumV86MemoryMiB(0), 65);
  assert.equal(minimumV86MemoryMiB(1.5 * 1024 * 1024), 67);
});

test("validateBootSpec says what is wrong", () => {
  const ok = { kernel: fakeBzImage(), initrds: [], disks: [], cmdline: "console=ttyS0", memoryMiB: 128 };
  assert.deepEqual(validateBootSpec(ok), []);
  assert.equal(isBzImage(ok.kernel), true);
  assert.match(validateBootSpec({ ...ok, kernel: new Uint8Array(10) })[0]!, /got 10 bytes/);
  assert.match(validateBootSpec({ ...ok, kernel: new Uint8Array(4096) })[0]!, /not a bzImage/);
  assert.match(validateBootSpec({ ...ok, memoryMiB: 8 })[0]!, /got 8 MiB/);
  assert.match(validateBootSpec({ ...ok, cmdline: "x".repeat(3000) })[0]!, /2047/);
});
