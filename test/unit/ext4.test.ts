// The ext2/ext4 writer and reader on their own (no tools): every entry kind round-trips through
// both flavours and both block sizes, the bytes are reproducible, a tree that does not fit and
// entries ext4 cannot hold are refused with typed errors, big files get block maps and extent
// trees, and a fuzz of mutated images only ever throws Ext4FormatError, quickly.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import fc from "fast-check";
import { charDeviceEntry, directoryEntry, fileEntry, hardlinkEntry, packCpioGz, type CpioEntry } from "../../src/core/cpio/index.ts";
import {
  Ext4EntryError,
  Ext4FormatError,
  Ext4SpaceError,
  defaultImageSize,
  gzipImage,
  isExt4Image,
  readExt4,
  readExt4Info,
  unwrapExt4Image,
  writeExt4,
  type Ext4Flavour,
} from "../../src/core/ext4/index.ts";
import { describeEntries } from "./cpio-tree-description.ts";
import { bytes, sampleTree } from "./ext4-sample-tree.ts";
import { writeExtentTree } from "../../src/core/ext4/extents.ts";

const MiB = 1 << 20;
const withoutLostFound = (entries: CpioEntry[]): CpioEntry[] => entries.filter((e) => e.path !== "lost+found");
const sha = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex");
const ownersOf = (entries: readonly CpioEntry[]): Record<string, string> =>
  Object.fromEntries(entries.filter((e) => e.kind !== "hardlink").map((e) => [e.path, `${e.uid}:${e.gid} ${e.mtime}`]));

const flavours: Array<[Ext4Flavour, 1024 | 4096]> = [["ext2", 1024], ["ext2", 4096], ["ext4", 1024], ["ext4", 4096]];

describe("ext4 writer and reader round trip", () => {
  for (const [flavour, blockSize] of flavours) {
    it(`${flavour} with ${blockSize}-byte blocks gives back every kind, mode, owner and time`, () => {
      const tree = sampleTree();
      const image = writeExt4(tree, { size: 4 * MiB, flavour, blockSize });
      assert.equal(image.length, 4 * MiB);
      assert.ok(isExt4Image(image));
      const info = readExt4Info(image);
      assert.equal(info.blockSize, blockSize);
      assert.equal((info.featureIncompat & 0x40) !== 0, flavour === "ext4", "extents only in ext4");
      const back = readExt4(image);
      const lostFound = back.find((e) => e.path === "lost+found");
      assert.equal(lostFound?.kind, "directory");
      assert.equal(lostFound.mode, 0o700);
      assert.deepEqual(describeEntries(withoutLostFound(back)), describeEntries(tree));
      assert.deepEqual(ownersOf(withoutLostFound(back)), ownersOf(tree));
    });
  }

  it("writes the same bytes every time, and other bytes for another UUID or time", () => {
    const a = writeExt4(sampleTree(), { size: 2 * MiB });
    const b = writeExt4(sampleTree(), { size: 2 * MiB });
    assert.equal(sha(a), sha(b));
    assert.notEqual(sha(writeExt4(sampleTree(), { size: 2 * MiB, time: 1 })), sha(a));
    assert.notEqual(sha(writeExt4(sampleTree(), { size: 2 * MiB, uuid: new Uint8Array(16).fill(7) })), sha(a));
  });

  it("holds a directory of 3000 entries over many blocks", () => {
    const tree: CpioEntry[] = [directoryEntry("many")];
    for (let i = 0; i < 3000; i++) tree.push(fileEntry(`many/name-${String(i).padStart(5, "0")}`, `${i}\n`));
    const back = withoutLostFound(readExt4(writeExt4(tree, { size: 16 * MiB, blockSize: 1024 })));
    assert.deepEqual(describeEntries(back), describeEntries(tree));
  });

  it("maps big files with indirect blocks (ext2) and an extent tree deeper than the inode (ext4)", () => {
    const big = bytes(36 * MiB, 9);
    for (const flavour of ["ext2", "ext4"] as const) {
      // 1 KiB blocks: groups of 8 MiB, so the file crosses five groups and needs more than the
      // four extents an inode holds (ext4), and double indirect blocks (ext2).
      const image = writeExt4([fileEntry("big", big)], { size: 48 * MiB, flavour, blockSize: 1024 });
      const back = readExt4(image);
      const file = back.find((e) => e.path === "big");
      assert.equal(file?.kind, "file");
      assert.equal(sha(file.data), sha(big), flavour);
      if (flavour === "ext4") {
        // i_block of the file's inode (12, the first after lost+found) starts with an extent
        // header whose depth is at least 1.
        const info = readExt4Info(image);
        const view = new DataView(image.buffer);
        const inodeTable = view.getUint32(2 * 1024 + 8, true);
        const inode = inodeTable * 1024 + (12 - 1) * info.inodeSize;
        assert.equal(view.getUint16(inode + 40, true), 0xf30a);
        assert.ok(view.getUint16(inode + 46, true) >= 1, "extent tree depth");
      }
    }
  });
});

describe("ext4 extent trees of depth 2", () => {
  it("writeExtentTree maps 2000 one-block extents through two levels, and the reader follows them", () => {
    // A file of 2000 blocks written contiguously, then moved block by block into the reverse
    // order: 2000 extents, 24 leaves of 84, one index block above them, depth 2 in the inode.
    const content = bytes(2000 * 1024, 4);
    const image = writeExt4([fileEntry("f", content)], { size: 8 * MiB, blockSize: 1024, flavour: "ext4" });
    const view = new DataView(image.buffer);
    const info = readExt4Info(image);
    const inode = view.getUint32(2 * 1024 + 8, true) * 1024 + (12 - 1) * info.inodeSize;
    assert.equal(view.getUint16(inode + 46, true), 0, "written as one extent in the inode");
    const start = view.getUint32(inode + 40 + 12 + 8, true);
    const moved = Array.from({ length: 2000 }, (_, i) => start + 1999 - i);
    moved.forEach((block, i) => image.set(content.subarray(i * 1024, (i + 1) * 1024), block * 1024));
    let free = info.blocksCount;
    const taken = writeExtentTree(view, inode + 40, moved, 1024, () => --free);
    assert.equal(taken, 25);
    assert.equal(view.getUint16(inode + 46, true), 2, "depth");
    const back = readExt4(image).find((e) => e.path === "f");
    assert.equal(back?.kind, "file");
    assert.equal(sha(back.data), sha(content));
  });
});

describe("ext4 writer refusals", () => {
  it("says how much room the tree wants when it does not fit", () => {
    const tree = [fileEntry("big", bytes(5 * MiB))];
    assert.throws(
      () => writeExt4(tree, { size: 4 * MiB }),
      (error: unknown) => {
        assert.ok(error instanceof Ext4SpaceError);
        assert.match(error.message, /got 4 MiB, want at least \d+ MiB/);
        assert.ok(error.wantBytes > 5 * MiB && error.wantBytes <= 7 * MiB, String(error.wantBytes));
        // And the size it asks for is enough.
        writeExt4(tree, { size: error.wantBytes });
        return true;
      },
    );
  });

  it("refuses names over 255 bytes and device numbers over 12:20 bits", () => {
    assert.throws(() => writeExt4([fileEntry("n".repeat(256), "x")], { size: MiB }), Ext4EntryError);
    assert.throws(() => writeExt4([charDeviceEntry("dev", 4096, 0)], { size: MiB }), /want major <= 4095/);
  });

  it("refuses more than 65000 links to one inode", () => {
    const tree: CpioEntry[] = [fileEntry("f", "x")];
    for (let i = 0; i < 65000; i++) tree.push(hardlinkEntry(`l${i}`, "f"));
    assert.throws(() => writeExt4(tree, { size: 8 * MiB }), (e: unknown) => e instanceof Ext4EntryError && /65001 links/.test(e.message));
  });

  it("defaultImageSize leaves headroom and fits", () => {
    const tree = sampleTree();
    const size = defaultImageSize(tree);
    assert.equal(size % MiB, 0);
    writeExt4(tree, { size });
  });
});

describe("ext4 reader refusals", () => {
  const image = (): Uint8Array => writeExt4(sampleTree(), { size: 2 * MiB, blockSize: 1024 });

  it("names the offset of a bad magic, block count and extent header", () => {
    const a = image();
    a[1080] = 0;
    assert.throws(() => readExt4(a), (e: unknown) => e instanceof Ext4FormatError && e.offset === 1080 && /want 0xef53/.test(e.message));
    const b = image();
    new DataView(b.buffer).setUint32(1024 + 4, 1 << 30, true);
    assert.throws(() => readExt4(b), (e: unknown) => e instanceof Ext4FormatError && e.offset === 1028);
    assert.throws(() => readExt4(image().subarray(0, 1500)), Ext4FormatError);
  });

  it("refuses inline data with a clear message", () => {
    const a = image();
    const v = new DataView(a.buffer);
    v.setUint32(1024 + 96, v.getUint32(1024 + 96, true) | 0x8000, true);
    assert.throws(() => readExt4(a), /inline_data/);
  });

  it("detects a directory cycle", () => {
    const a = writeExt4([directoryEntry("d")], { size: MiB, blockSize: 1024 });
    const back = readExt4(a);
    assert.equal(back.length, 2);
    // Point d's first child slot (after "." and "..") back at the root: find "d"'s data block
    // by scanning for a directory block whose "." is inode 12, and rename ".." into a child.
    const v = new DataView(a.buffer);
    let found = false;
    for (let b = 0; b < 1024 && !found; b++) {
      const at = b * 1024;
      if (v.getUint32(at, true) === 12 && a[at + 6] === 1 && a[at + 8] === 0x2e && v.getUint32(at + 12, true) === 2) {
        a[at + 12 + 8 + 1] = 0x78; // ".." -> ".x", a child that is the root again
        found = true;
      }
    }
    assert.ok(found);
    assert.throws(() => readExt4(a), /reached twice/);
  });
});

describe("ext4 reader fuzz", () => {
  const base = writeExt4(sampleTree(), { size: 512 * 1024, blockSize: 1024 });
  const base4k = writeExt4(sampleTree().slice(0, 12), { size: 1 * MiB, flavour: "ext2" });

  function readsOrRejects(image: Uint8Array): void {
    try {
      readExt4(image, { maxBytes: 4 * MiB });
    } catch (error) {
      if (!(error instanceof Ext4FormatError)) throw error;
      assert.match(error.message, /^at byte \d+: /);
    }
  }

  /** Where the metadata of an image is: superblock, descriptors, used inodes, first data blocks. */
  function metadataRegions(image: Uint8Array): Array<[number, number]> {
    const info = readExt4Info(image);
    const first = info.blockSize === 1024 ? 1 : 0;
    const table = new DataView(image.buffer).getUint32((first + 1) * info.blockSize + 8, true) * info.blockSize;
    const tableEnd = table + info.inodesPerGroup * info.inodeSize;
    return [
      [1024, 1024 + 264],
      [(first + 1) * info.blockSize, (first + 1) * info.blockSize + 32],
      [table, table + 48 * info.inodeSize],
      [tableEnd, tableEnd + 24 * info.blockSize],
    ];
  }
  const offsetIn = (regions: Array<[number, number]>): fc.Arbitrary<number> =>
    fc.oneof(...regions.map(([from, to]) => fc.integer({ min: from, max: to - 1 })));

  for (const [name, image] of [["ext4, 1 KiB blocks", base], ["ext2, 4 KiB blocks", base4k]] as const) {
    const regions = metadataRegions(image);
    it(`${name}: mutated bytes of the metadata only ever throw Ext4FormatError, and quickly`, () => {
      const started = Date.now();
      fc.assert(
        fc.property(fc.array(fc.tuple(offsetIn(regions), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
          const copy = image.slice();
          for (const [at, value] of edits) copy[at] = value;
          readsOrRejects(copy);
        }),
        { numRuns: 400, seed: 12 },
      );
      assert.ok(Date.now() - started < 30_000, "fuzz took too long");
    });

    it(`${name}: every block pointer and size of every used inode, set out of range, is refused`, () => {
      const info = readExt4Info(image);
      const [, [table]] = [regions[0], regions[2]!];
      const values = [info.blocksCount, info.blocksCount + 1, 0x7fffffff, 0xfffffff0];
      let refused = 0;
      for (let ino = 2; ino <= 40; ino++) {
        const inode = table + (ino - 1) * info.inodeSize;
        // i_size (4), i_block[0..14] (40..96), i_size_high (108).
        for (const field of [4, ...Array.from({ length: 15 }, (_, i) => 40 + i * 4), 108]) {
          for (const value of values) {
            const copy = image.slice();
            new DataView(copy.buffer).setUint32(inode + field, value, true);
            try {
              readExt4(copy, { maxBytes: 4 * MiB });
            } catch (error) {
              if (!(error instanceof Ext4FormatError)) throw new Error(`inode ${ino} byte ${field} = ${value}: ${String(error)}`);
              refused++;
            }
          }
        }
      }
      assert.ok(refused > 100, `refused ${refused}`);
    });

    it(`${name}: random 32-bit values in the metadata are refused, not trusted`, () => {
      fc.assert(
        fc.property(offsetIn(regions), fc.oneof(fc.nat(0xffffffff), fc.nat(2048)), (at, value) => {
          const copy = image.slice();
          new DataView(copy.buffer).setUint32(at & ~3, value, true);
          readsOrRejects(copy);
        }),
        { numRuns: 600, seed: 34 },
      );
    });
  }
});

describe("ext4 writer parents", () => {
  it("makes parent directories no entry names, 0755, instead of dropping the entry", () => {
    const back = readExt4(writeExt4([fileEntry("usr/lib/x", "x")], { size: MiB }));
    assert.deepEqual(
      back.map((e) => `${e.kind} ${e.path} ${e.mode.toString(8)}`),
      ["directory lost+found 700", "directory usr 755", "directory usr/lib 755", "file usr/lib/x 644"],
    );
  });
});

describe("ext4 images in gzip", () => {
  it("finds an image plain or gzip'd, and not in a cpio.gz; the gzip is reproducible", () => {
    const image = writeExt4(sampleTree(), { size: MiB });
    assert.equal(unwrapExt4Image(image), image);
    const gz = gzipImage(image);
    assert.equal(sha(gzipImage(image)), sha(gz));
    assert.equal(sha(unwrapExt4Image(gz)!), sha(image));
    assert.equal(unwrapExt4Image(packCpioGz(sampleTree())), undefined);
    assert.equal(unwrapExt4Image(new Uint8Array(2000)), undefined);
  });
});
