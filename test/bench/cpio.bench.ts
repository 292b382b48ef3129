// Benchmark: median time to pack and to read back a ~2 MB root filesystem of a few hundred
// files (half text-like, half random bytes, like scripts and binaries), plain and gzip.
//   node --import tsx test/bench/cpio.bench.ts
import { performance } from "node:perf_hooks";
import { gunzipSync } from "fflate";
import {
  directoryEntry,
  fileEntry,
  flattenEntries,
  packCpio,
  packCpioGz,
  readCpio,
  readCpioRecords,
  symlinkEntry,
  unpackLikeKernel,
  type CpioEntry,
} from "../../src/core/cpio/index.ts";

const RUNS = 21;
// xorshift32: fixed seed, so every run packs the same bytes; random enough not to compress.
let seed = 2463534242;
const next = (): number => {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>>= 0);
};
const words = ["mount", "echo", "/bin/busybox", "exec", "if", "then", "fi", "root", "proc", "sysfs", "tty", "\n"];

function makeTree(): CpioEntry[] {
  const entries: CpioEntry[] = [];
  for (let d = 0; d < 20; d++) entries.push(directoryEntry(`usr/lib/d${d}`));
  for (let i = 0; i < 300; i++) {
    const size = 1000 + (next() % 12_000);
    const data = new Uint8Array(size);
    if (i % 2 === 0) {
      for (let j = 0; j < size; j++) data[j] = next() & 0xff;
    } else {
      const text = new TextEncoder().encode(Array.from({ length: size }, () => words[next() % words.length]).join(" "));
      data.set(text.subarray(0, size));
    }
    entries.push(fileEntry(`usr/lib/d${i % 20}/file${i}`, data, { mode: i % 3 ? 0o644 : 0o755 }));
  }
  for (let i = 0; i < 100; i++) entries.push(symlinkEntry(`bin/applet${i}`, "/bin/busybox"));
  return entries;
}

function median(fn: () => unknown): number {
  const times: number[] = [];
  fn(); // warm-up
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const tree = makeTree();
const plain = packCpio(tree);
const gz = packCpioGz(tree);
const files = tree.filter((e) => e.kind === "file").length;
const bytes = tree.reduce((n, e) => n + (e.kind === "file" ? e.data.length : 0), 0);
console.log(`tree: ${tree.length} entries (${files} files, ${(bytes / 1e6).toFixed(2)} MB of data); archive ${(plain.length / 1e6).toFixed(2)} MB, gzip ${(gz.length / 1e6).toFixed(2)} MB`);
console.log(`median of ${RUNS} runs, Node ${process.version}:`);
const rows: Array<[string, () => unknown]> = [
  ["packCpio", () => packCpio(tree)],
  ["packCpioGz (level 6)", () => packCpioGz(tree)],
  ["readCpio (plain)", () => readCpio(plain)],
  ["readCpio (gzip)", () => readCpio(gz)],
  // For scale: fflate's one-shot gunzip of the same bytes (no bound, no end search, no parse).
  ["  baseline: fflate gunzipSync", () => gunzipSync(gz)],
  ["readCpio + flattenEntries (gzip)", () => flattenEntries(readCpio(gz))],
  ["unpackLikeKernel (gzip)", () => unpackLikeKernel(readCpioRecords(gz))],
];
for (const [name, fn] of rows) console.log(`  ${name.padEnd(34)} ${median(fn).toFixed(2).padStart(8)} ms`);
