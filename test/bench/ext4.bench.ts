// Benchmark: median time to write a ~2 MB root filesystem of a few hundred files as an ext4
// image (and ext2, and gzip'd as a RAM disk), beside packCpio of the same tree, and to read the
// image back. The tree is cpio.bench.ts's: half text-like, half random bytes.
//   node --import tsx test/bench/ext4.bench.ts
import { performance } from "node:perf_hooks";
import { directoryEntry, fileEntry, packCpio, packCpioGz, symlinkEntry, type CpioEntry } from "../../src/core/cpio/index.ts";
import { defaultImageSize, gzipImage, readExt4, writeExt4 } from "../../src/core/ext4/index.ts";

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
  // Unlike cpio.bench.ts, the parents are named: packCpio would store them anyway, and the
  // kernel (so flattenEntries, so the image) drops entries whose parent is missing.
  const entries: CpioEntry[] = ["bin", "usr", "usr/lib"].map((d) => directoryEntry(d));
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
const size = defaultImageSize(tree);
const image = writeExt4(tree, { size });
const files = tree.filter((e) => e.kind === "file").length;
const bytes = tree.reduce((n, e) => n + (e.kind === "file" ? e.data.length : 0), 0);
console.log(`tree: ${tree.length} entries (${files} files, ${(bytes / 1e6).toFixed(2)} MB of data); image ${(size / 2 ** 20).toFixed(0)} MiB (the default size), cpio ${(packCpio(tree).length / 1e6).toFixed(2)} MB`);
console.log(`median of ${RUNS} runs, Node ${process.version}:`);
const rows: Array<[string, () => unknown]> = [
  ["packCpio", () => packCpio(tree)],
  ["writeExt4 (ext4, 4 KiB blocks)", () => writeExt4(tree, { size })],
  ["writeExt4 (ext2, 4 KiB blocks)", () => writeExt4(tree, { size, flavour: "ext2" })],
  ["writeExt4 (ext4, 1 KiB blocks)", () => writeExt4(tree, { size, blockSize: 1024 })],
  ["packCpioGz (level 6)", () => packCpioGz(tree)],
  ["writeExt4 + gzipImage (level 6)", () => gzipImage(writeExt4(tree, { size }))],
  ["readExt4", () => readExt4(image)],
];
for (const [name, fn] of rows) console.log(`  ${name.padEnd(34)} ${median(fn).toFixed(2).padStart(8)} ms`);
