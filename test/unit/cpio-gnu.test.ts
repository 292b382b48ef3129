// Differential tests against GNU cpio, which nobody here wrote: archives from packCpio extract
// with `cpio -idm` to the tree we meant, and archives from `cpio -o -H newc` (and -H crc, and
// gzip(1) on top) read back to the tree they were made from, hard links included.
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
  blockDeviceEntry,
  charDeviceEntry,
  directoryEntry,
  fifoEntry,
  fileEntry,
  formatEntryListing,
  hardlinkEntry,
  packCpio,
  packCpioGz,
  readCpio,
  symlinkEntry,
  type CpioEntry,
} from "../../src/core/cpio/index.ts";
import { run } from "../../src/cli/exec.ts";
import { describeDisk, describeEntries, makeSampleHostTree } from "./cpio-tree-description.ts";

const scratch = mkdtempSync(join(tmpdir(), "bootlab-cpio-gnu-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const asRoot = process.getuid?.() === 0;

function tree(): CpioEntry[] {
  const bytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff);
  // Parents first and explicit: flattenEntries, like the kernel, drops entries without them.
  return [
    ...["bin", "dev", "etc", "sbin", "usr", "usr/share"].map((d) => directoryEntry(d)),
    fileEntry("init", "#!/bin/sh\necho hello\n", { mode: 0o755 }),
    fileEntry("etc/inittab", "::sysinit:/etc/init.d/rcS\n::askfirst:-/bin/sh\n"),
    fileEntry("etc/odd", bytes(4097), { mode: 0o600, mtime: 1_000_000_000 }),
    fileEntry("etc/empty", new Uint8Array(0), { mode: 0o640 }),
    directoryEntry("root", { mode: 0o700 }),
    directoryEntry("tmp", { mode: 0o1777 }),
    directoryEntry("usr/share/empty"),
    fileEntry("bin/busybox", bytes(10_000), { mode: 0o4755 }),
    hardlinkEntry("bin/ls", "bin/busybox"),
    hardlinkEntry("sbin/init", "bin/busybox"),
    symlinkEntry("bin/sh", "busybox"),
    symlinkEntry("sbin/mount", "/bin/busybox"),
    symlinkEntry("etc/dangling", "../nowhere"),
    fifoEntry("dev/initctl", { mode: 0o640 }),
    charDeviceEntry("dev/console", 5, 1),
    charDeviceEntry("dev/ttyS0", 4, 64, { mode: 0o666 }),
    blockDeviceEntry("dev/sda", 8, 0, { mode: 0o660 }),
    fileEntry("etc/ünïcode", "ok\n"),
  ];
}

describe("packCpio -> GNU cpio -idm", () => {
  it("extracts to the same tree: contents, modes, symlink targets, hard links, devices", async () => {
    const archive = join(scratch, "ours.cpio");
    writeFileSync(archive, packCpio(tree()));
    const out = join(scratch, "gnu-extracted");
    await run("mkdir", ["-p", out]);
    await run("cpio", ["-idm", "--no-absolute-filenames", "-F", archive], { cwd: out });
    const skipSpecial = !asRoot; // without root GNU cpio cannot mknod either
    assert.deepEqual(describeDisk(out, { skipSpecial, mtimes: true }), describeEntries(tree(), { skipSpecial, mtimes: true }));
  });
  it("GNU cpio -tvn lists the same modes, owners, device numbers and names as formatEntryListing", async () => {
    const archive = join(scratch, "ours.cpio");
    const { stdout } = await run("cpio", ["-tvn", "--quiet", "-F", archive], { env: { ...process.env, TZ: "UTC" } });
    // mode nlink uid gid size-or-"maj, min" date name: sizes differ for hard links by design
    // (GNU shows the data with the last name, we with the first), so compare the rest.
    const fields = (listing: string): string[] =>
      listing.trimEnd().split("\n").map((line) => {
        const m = /^(\S+)\s+\d+\s+(\S+)\s+(\S+)\s+(\d+,\s+\d+|\d+)\s+\w{3}\s+\d+\s+[\d:]+\s(.*)$/.exec(line);
        assert.ok(m, line);
        const device = m[4]!.includes(",") ? ` ${m[4]!.replace(/\s+/g, "")}` : "";
        return `${m[1]} ${m[2]}:${m[3]}${device} ${m[5]!.replace(/ link to .*$/, "")}`;
      });
    assert.deepEqual(fields(formatEntryListing(readCpio(packCpio(tree())))), fields(stdout));
  });
  it("gzip(1) decompresses packCpioGz to packCpio's bytes", async () => {
    const gz = join(scratch, "ours.cpio.gz");
    writeFileSync(gz, packCpioGz(tree()));
    await run("gzip", ["-dkf", gz]);
    assert.deepEqual(new Uint8Array(readFileSync(join(scratch, "ours.cpio"))), packCpio(tree()));
  });
});

describe("GNU cpio -o -> readCpio", () => {
  const source = join(scratch, "source");
  let names = "";
  before(async () => {
    await run("mkdir", ["-p", source]);
    await makeSampleHostTree(source);
    names = (await run("find", ["."], { cwd: source })).stdout;
  });
  for (const format of ["newc", "crc"]) {
    it(`reads -H ${format} back to the source tree, hard links included`, async () => {
      const archive = join(scratch, `gnu-${format}.cpio`);
      await run("cpio", ["-o", "--quiet", "-H", format, "-O", archive], { cwd: source, input: names });
      const bytes = new Uint8Array(readFileSync(archive));
      assert.equal(String.fromCharCode(...bytes.subarray(0, 6)), format === "newc" ? "070701" : "070702");
      const entries = readCpio(bytes);
      assert.ok(entries.some((e) => e.kind === "hardlink"), "GNU's hard links come back as links");
      assert.deepEqual(describeEntries(entries, { mtimes: true }), describeDisk(source, { mtimes: true }));
    });
  }
  it("reads gzip(1) output with a file name in its header, concatenated after a GNU archive", async () => {
    const archive = join(scratch, "gnu-newc.cpio");
    await run("gzip", ["-9", "-kf", "-N", archive]);
    const gz = new Uint8Array(readFileSync(archive + ".gz"));
    assert.equal(gz[3]! & 8, 8, "FNAME set");
    const plain = new Uint8Array(readFileSync(archive));
    const stream = new Uint8Array(plain.length + gz.length);
    stream.set(plain);
    stream.set(gz, plain.length);
    const entries = readCpio(stream);
    assert.equal(entries.length, 2 * readCpio(plain).length);
    assert.deepEqual(describeEntries(entries), describeDisk(source));
  });
});
