// The status line's words for the first boot's downloads (src/app/emulator/downloads.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { downloadLabel, summarizeDownloads } from "../../src/app/emulator/downloads.ts";

test("the wasm, the kernels and the base are named; the manifest, configs and BIOS are not", () => {
  assert.equal(downloadLabel("v86.wasm"), "emulator");
  assert.equal(downloadLabel("i386/tiny/bzImage"), "kernel");
  assert.equal(downloadLabel("i386/base.cpio.gz"), "base");
  assert.equal(downloadLabel("manifest.json"), undefined);
  assert.equal(downloadLabel("i386/configs/kernel-tiny.config"), undefined);
  assert.equal(downloadLabel("bios/bios.bin"), undefined);
});

test("bytes of each, the sum while sizes are known, and done when every one is", () => {
  assert.equal(summarizeDownloads([{ name: "manifest.json", loaded: 900, total: 900, done: true }]), undefined);
  const partial = summarizeDownloads([
    { name: "manifest.json", loaded: 900, total: 900, done: true },
    { name: "v86.wasm", loaded: 1_200_000, total: 2_101_621, done: false },
    { name: "i386/tiny/bzImage", loaded: 1_040_000, total: 1_040_000, done: true },
    { name: "i386/base.cpio.gz", loaded: 300_000, done: false },
  ]);
  assert.deepEqual(partial, { message: "Fetching emulator 1.2 of 2.1 MB · kernel ✓ 1.0 MB · base 0.3 MB", loaded: 2_540_000, total: undefined, done: false });
  const done = summarizeDownloads([
    { name: "v86.wasm", loaded: 2_101_621, total: 2_101_621, done: true },
    { name: "i386/base.cpio.gz", loaded: 606_965, done: true },
  ]);
  assert.deepEqual(done, { message: "Fetched emulator ✓ 2.1 MB · base ✓ 0.6 MB", loaded: 2_708_586, total: 2_708_586, done: true });
});
