// Benchmark: median time to write a ~2 MB root filesystem of a few hundred files as an ext4
// image (and ext2, and gzip'd as a RAM disk), beside packCpio of the same tree, and to read the
// image back, and what the page's read-back of a disk costs (diskChanges: two images read and
// compared). The tree is sample-tree.ts's, the one cpio.bench.ts packs.
//   node --import tsx test/bench/ext4.bench.ts
import { diskChanges } from "../../src/core/boot/disk-changes.ts";
import { packCpio, packCpioGz } from "../../src/core/cpio/index.ts";
import { defaultImageSize, gzipImage, readExt4, writeExt4 } from "../../src/core/ext4/index.ts";
import { median, RUNS, sampleTree } from "./sample-tree.ts";

const tree = sampleTree();
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
  ["diskChanges (2 images read, compared)", () => diskChanges(image, image)],
];
for (const [name, fn] of rows) console.log(`  ${name.padEnd(40)} ${median(fn).toFixed(2).padStart(8)} ms`);
