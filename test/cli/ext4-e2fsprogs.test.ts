// Differential tests of the ext2/ext4 writer and reader against e2fsprogs, which nobody here
// wrote: every image we write passes `e2fsck -fn` with nothing to fix, `debugfs -R rdump` gives
// back the tree (files, modes, symlinks, empty directories, a 20 MB file, 3000 entries) and
// `debugfs stat` the device numbers, FIFOs, sockets and link counts; images made by
// `mke2fs -d` (ext4 with its default features, htree directories after `e2fsck -D`, and ext2)
// read back with our reader to the tree they were made from. And `bootlab pack -o X.ext4` and
// `bootlab unpack X.ext4` through the real binary.
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { gunzipSync } from "fflate";
import { directoryEntry, fileEntry, type CpioEntry } from "../../src/core/cpio/index.ts";
import fc from "fast-check";
import { Ext4FormatError, readExt4, readExt4Info, writeExt4, type Ext4Flavour } from "../../src/core/ext4/index.ts";
import { findTool, run, type RunResult } from "../../src/cli/exec.ts";
import { describeDisk, describeEntries, makeSampleHostTree } from "../unit/cpio-tree-description.ts";
import { bytes, sampleTree } from "../unit/ext4-sample-tree.ts";

const MiB = 1 << 20;
const scratch = mkdtempSync(join(tmpdir(), "bootlab-ext4-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const skip = ["e2fsck", "debugfs", "mke2fs"].some((t) => !findTool(t)) ? "e2fsprogs is not installed (apt-get install e2fsprogs)" : false;

function bigTree(): CpioEntry[] {
  const tree = sampleTree();
  tree.push(fileEntry("usr/big", bytes(20_000_000, 5)), directoryEntry("many"));
  for (let i = 0; i < 3000; i++) tree.push(fileEntry(`many/entry-${i}`, `${i}\n`, { mode: i % 2 ? 0o644 : 0o600 }));
  return tree;
}

/**
 * The tree without what rdump leaves out (devices, FIFOs, sockets) or cannot say (hard links;
 * setuid and sticky bits, which its chown after chmod clears): `debugfs stat` checks those.
 */
function dumpable(description: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(description)
      .filter(([, line]) => !/^(fifo|char|block|socket)/.test(line))
      .map(([path, line]) => [path, line.replace(/ links .*$/, "").replace(/^(file|dir) \d/, "$1 0")]),
  );
}

async function e2fsck(image: string, options: string[] = []): Promise<void> {
  const result = await run("e2fsck", ["-fn", ...options, image], { check: false });
  const output = result.stdout + result.stderr;
  assert.equal(result.code, 0, output);
  assert.doesNotMatch(output, /Fix\?|Clear\?|Salvage\?|Relocate\?|Create\?/, output);
}

/** `debugfs -R 'stat P'` for each path at once: Type, Mode, Links and device numbers. */
async function stats(image: string, paths: string[]): Promise<Record<string, string>> {
  const commands = join(scratch, "stat-commands");
  writeFileSync(commands, paths.map((p) => `stat "/${p}"\n`).join(""));
  const result = await run("debugfs", ["-f", commands, image], { check: false });
  const out: Record<string, string> = {};
  const chunks = result.stdout.split(/^debugfs: stat /m).slice(1);
  for (const chunk of chunks) {
    const path = chunk.slice(0, chunk.indexOf("\n")).replace(/^"\/|"$/g, "");
    const type = /Type: (\S+)/.exec(chunk)?.[1];
    const mode = /Mode:\s+(\d+)/.exec(chunk)?.[1];
    const links = /Links: (\d+)/.exec(chunk)?.[1];
    const device = /major\/minor number: (\d+):(\d+)/.exec(chunk);
    out[path] = `${type} ${mode} links ${links}${device ? ` ${Number(device[1])},${Number(device[2])}` : ""}`;
  }
  return out;
}

const cases: Array<[Ext4Flavour, 1024 | 4096, boolean]> = [
  ["ext4", 4096, false],
  ["ext4", 1024, true],
  ["ext2", 4096, true],
  ["ext2", 1024, false],
];

describe("images we write, checked by e2fsprogs", { skip }, () => {
  for (const [flavour, blockSize, big] of cases) {
    it(`${flavour}, ${blockSize}-byte blocks${big ? ", a 20 MB file and 3000 entries" : ""}: e2fsck is clean, debugfs gives the tree back`, async () => {
      const tree = big ? bigTree() : sampleTree();
      const image = join(scratch, `${flavour}-${blockSize}.img`);
      writeFileSync(image, writeExt4(tree, { size: (big ? 40 : 4) * MiB, flavour, blockSize }));
      await e2fsck(image);

      const dump = join(scratch, `${flavour}-${blockSize}-dump`);
      mkdirSync(dump);
      const rdump = await run("debugfs", ["-R", `rdump / ${dump}`, image], { check: false });
      assert.equal(rdump.code, 0, rdump.stderr);
      const expected = { ...dumpable(describeEntries(tree)), "lost+found": "dir 0700" };
      assert.deepEqual(dumpable(describeDisk(dump)), expected);

      const specials = await stats(image, ["dev/console", "dev/sda", "dev/nvme-wide", "dev/initctl", "dev/log", "bin/busybox", "etc/fast-59", "etc/slow-60", "tmp"]);
      assert.deepEqual(specials, {
        "dev/console": "character 0600 links 1 5,1",
        "dev/sda": "block 0660 links 1 8,0",
        "dev/nvme-wide": "block 0600 links 1 259,300000",
        "dev/initctl": "FIFO 0640 links 1",
        "dev/log": "socket 0666 links 1",
        "bin/busybox": "regular 04755 links 3",
        "etc/fast-59": "symlink 0777 links 1",
        "etc/slow-60": "symlink 0777 links 1",
        tmp: "directory 01777 links 2",
      });
    });
  }
});

describe("images of awkward sizes, checked by e2fsck", { skip }, () => {
  // The smallest size, a last group a few blocks long (dropped, as mke2fs does), and several
  // groups with backup superblocks (groups 1 and 3 at 1 KiB blocks; 1 at 4 KiB).
  const sizes = [64 << 10, 100 << 10, MiB, 8 * MiB + 1024, 8 * MiB + 3 * 1024, 9 * MiB, 32 * MiB + 3 * 4096, 130 * MiB];
  it(`${sizes.length} sizes x ext2/ext4 x 1/4 KiB blocks, with a time and a label`, async () => {
    const tree = [fileEntry("a", "hello\n"), fileEntry("b", bytes(20_000))];
    for (const size of sizes) {
      for (const blockSize of [1024, 4096] as const) {
        for (const flavour of ["ext2", "ext4"] as const) {
          const image = join(scratch, "sized.img");
          const bytesOut = writeExt4(tree, { size, blockSize, flavour, time: 1_700_000_000, label: "bootlab" });
          writeFileSync(image, bytesOut);
          await e2fsck(image);
          // The copy in group 1 is a whole superblock and descriptor table too: e2fsck from it.
          if (readExt4Info(bytesOut).groups > 1) await e2fsck(image, ["-b", String((blockSize === 1024 ? 1 : 0) + 8 * blockSize), "-B", String(blockSize)]);
        }
      }
    }
  });
});

describe("images mke2fs made, read by our reader", { skip }, () => {
  const source = join(scratch, "source");
  const ready = (async () => {
    mkdirSync(source);
    await makeSampleHostTree(source);
    writeFileSync(join(source, "usr/big"), bytes(20_000_000, 6));
    mkdirSync(join(source, "many"));
    for (let i = 0; i < 3000; i++) writeFileSync(join(source, `many/entry-${i}`), `${i}\n`);
  })();
  const withoutLostFound = (entries: CpioEntry[]): CpioEntry[] => entries.filter((e) => e.path !== "lost+found");

  const variants: Array<[string, string[], boolean]> = [
    ["ext4 (mke2fs defaults: journal, flex_bg, 64bit, metadata_csum)", ["-t", "ext4"], false],
    ["ext4 with htree directories (e2fsck -D)", ["-t", "ext4"], true],
    ["ext2 with 1 KiB blocks", ["-t", "ext2", "-b", "1024"], false],
    ["ext3", ["-t", "ext3"], false],
  ];
  for (const [name, options, reindex] of variants) {
    it(`${name} reads back to the tree it was made from`, async () => {
      await ready;
      const image = join(scratch, `mke2fs-${options.join("")}${reindex ? "-D" : ""}.img`);
      await run("mke2fs", ["-q", "-F", ...options, "-E", "root_owner=0:0", "-d", source, image, "64M"]);
      if (reindex) {
        const result = await run("e2fsck", ["-fyD", image], { check: false });
        assert.ok(result.code <= 1, result.stdout);
        const htree = await run("debugfs", ["-R", "htree /many", image], { check: false });
        assert.match(htree.stdout, /Root node dump/, "e2fsck -D made /many an htree");
      }
      const back = withoutLostFound(readExt4(readFileSync(image)));
      assert.deepEqual(describeEntries(back), describeDisk(source));
    });
  }
});

describe("images mke2fs made: refusals and fuzz", { skip }, () => {
  const small = join(scratch, "small-source");
  const ready = (async () => {
    mkdirSync(small);
    await makeSampleHostTree(small);
  })();

  it("a file e2fsprogs fragmented into an extent tree of depth 2 reads back whole", async () => {
    // Our image of 1000 one-block files; debugfs removes every other one and writes a 700 KB
    // file, which ext2fs's allocator puts into the 500 holes: hundreds of extents, depth 2.
    const entries: CpioEntry[] = [directoryEntry("d")];
    for (let i = 0; i < 1000; i++) entries.push(fileEntry(`d/f${i}`, "x".repeat(1000)));
    const image = join(scratch, "fragmented.img");
    writeFileSync(image, writeExt4(entries, { size: 4 * MiB, blockSize: 1024 }));
    const commands = join(scratch, "fragment-commands");
    const data = join(scratch, "fragment-data");
    const content = bytes(700_000, 8);
    writeFileSync(data, content);
    writeFileSync(commands, Array.from({ length: 500 }, (_, i) => `rm /d/f${2 * i}\n`).join("") + `write ${data} big\n`);
    await run("debugfs", ["-w", "-f", commands, image]);
    const tree = await run("debugfs", ["-R", "ex /big", image]);
    assert.match(tree.stdout, /^ 0\/ 2 /m, "debugfs made a tree of depth 2");
    await e2fsck(image);
    const big = readExt4(readFileSync(image)).find((e) => e.path === "big");
    assert.equal(big?.kind, "file");
    assert.ok(Buffer.from(big.data).equals(Buffer.from(content)));
  });

  it("an image with inline data is refused with a message that says so", async () => {
    await ready;
    const image = join(scratch, "inline.img");
    await run("mke2fs", ["-q", "-F", "-t", "ext4", "-O", "inline_data", "-d", small, image, "4M"]);
    assert.throws(() => readExt4(readFileSync(image)), (e: unknown) => e instanceof Ext4FormatError && /inline_data/.test(e.message));
  });

  it("mutated mke2fs images (64bit, flex_bg, metadata_csum, a journal) only ever throw Ext4FormatError", async () => {
    await ready;
    const path = join(scratch, "fuzz-base.img");
    await run("mke2fs", ["-q", "-F", "-t", "ext4", "-b", "1024", "-N", "64", "-E", "root_owner=0:0", "-d", small, path, "1M"]);
    const image = new Uint8Array(readFileSync(path));
    readExt4(image);
    const started = Date.now();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(64 * 1024 - 1), fc.nat(255)), { minLength: 1, maxLength: 16 }), (edits) => {
        const copy = image.slice();
        for (const [at, value] of edits) copy[at] = value;
        try {
          readExt4(copy, { maxBytes: 8 << 20 });
        } catch (error) {
          if (!(error instanceof Ext4FormatError)) throw error;
        }
      }),
      { numRuns: 500, seed: 56 },
    );
    assert.ok(Date.now() - started < 60_000, "fuzz took too long");
  });
});

describe("bootlab pack and unpack with images", { skip }, () => {
  const bin = resolve(import.meta.dirname, "../../src/cli/bin.mjs");
  const bootlab = (args: string[]): Promise<RunResult> => run(process.execPath, [bin, ...args], { check: false });
  const source = join(scratch, "cli-source");
  const ready = (async () => {
    mkdirSync(source);
    await makeSampleHostTree(source);
  })();

  for (const name of ["disk.ext4", "disk.ext2", "ramdisk.ext4.gz"]) {
    it(`pack -o ${name} writes an image e2fsck passes; unpack gives the tree back`, async () => {
      await ready;
      const out = join(scratch, name);
      const packed = await bootlab(["pack", source, "-o", out, "--size", "6M"]);
      assert.equal(packed.code, 0, packed.stderr);
      let image = readFileSync(out);
      if (name.endsWith(".gz")) {
        image = Buffer.from(gunzipSync(image));
        writeFileSync(`${out}.raw`, image);
      }
      assert.equal(image.length, 6 * MiB);
      await e2fsck(name.endsWith(".gz") ? `${out}.raw` : out);
      const features = await run("debugfs", ["-R", "features", name.endsWith(".gz") ? `${out}.raw` : out], { check: false });
      if (name.includes("ext4")) assert.match(features.stdout, /extent/);
      else assert.doesNotMatch(features.stdout, /extent/);

      const dir = join(scratch, `${name}-unpacked`);
      const unpacked = await bootlab(["unpack", out, "-o", dir, "--devices", "--keep-setid"]);
      assert.equal(unpacked.code, 0, unpacked.stderr);
      assert.deepEqual(describeDisk(dir), { ...describeDisk(source), "lost+found": "dir 0700" });
      const listing = await bootlab(["unpack", "--list", out]);
      assert.match(listing.stdout, /^-rwsr-xr-x .* bin\/busybox$/m);
    });
  }

  it("says how much room a tree needs when --size is too small, and refuses a broken image with its offset", async () => {
    await ready;
    const big = join(scratch, "cli-big-tree");
    mkdirSync(big);
    writeFileSync(join(big, "blob"), bytes(3 * MiB));
    const result = await bootlab(["pack", big, "-o", join(scratch, "small.ext4"), "--size", "2M"]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /got 2 MiB, want at least \d+ MiB/);
    const fine = await bootlab(["pack", big, "-o", join(scratch, "default.ext4")]);
    assert.equal(fine.code, 0, fine.stderr);
    const broken = readFileSync(join(scratch, "default.ext4")).subarray(0, 8192);
    writeFileSync(join(scratch, "broken.ext4"), broken);
    const refused = await bootlab(["unpack", "--list", join(scratch, "broken.ext4")]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /not a valid ext2\/ext4 image: at byte \d+: /);
  });
});
