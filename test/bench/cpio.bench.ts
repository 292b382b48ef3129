// Benchmark: median time to pack and to read back a ~2 MB root filesystem of a few hundred
// files (half text-like, half random bytes, like scripts and binaries), plain and gzip.
//   node --import tsx test/bench/cpio.bench.ts
import { gunzipSync } from "fflate";
import { flattenEntries, packCpio, packCpioGz, readCpio, readCpioRecords, unpackLikeKernel } from "../../src/core/cpio/index.ts";
import { median, RUNS, sampleTree } from "./sample-tree.ts";

const tree = sampleTree();
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
