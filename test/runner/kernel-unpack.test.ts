// Differential test against the kernel itself: a corpus of odd archives (the cases of issue 10
// and seeded fast-check ones) is booted once in qemu-system-i386 with the prebuilt tiny kernel,
// after a small archive whose /lister (BusyBox sh, find, stat, md5sum) prints the tree the
// kernel unpacked and reboots; the same bytes go through unpackLikeKernel and
// `bootlab unpack --list`, and the three must agree on every name, type, mode, owner, link
// count, size, device number, symlink target, mtime and file contents.
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import fc from "fast-check";
import {
  charDeviceEntry,
  concatArchives,
  directoryEntry,
  fileEntry,
  packCpio,
  readCpioRecords,
  unpackLikeKernel,
  type KernelNode,
} from "../../src/core/cpio/index.ts";
import { exitCodeOf, requireTool, run, start } from "../../src/cli/exec.ts";
import { rawArchive, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFREG, selfTrailerGzip, type RawEntry } from "../unit/crafted-archives.ts";

const root = resolve(import.meta.dirname, "../..");
const bin = join(root, "src/cli/bin.mjs");
const KERNEL = join(root, "prebuilt/i386/tiny/bzImage");
const BUSYBOX = join(root, "prebuilt/i386/busybox");
const scratch = mkdtempSync(join(tmpdir(), "bootlab-kernel-unpack-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

// The lister's own names, left out of the comparison.
const LISTER_NAMES = new Set(["bin", "bin/busybox", "lister", "dev", "dev/console"]);

/** One line per name: path|type|mode|nlink|uid|gid|size|rdev|mtime|target-or-md5. */
const LISTER = `#!/bin/busybox sh
B=/bin/busybox
cd /
$B echo "@@NOW $($B date +%s)"
$B echo @@BEGIN
$B find . -xdev | $B sort | while IFS= read -r p; do
  [ "$p" = . ] && continue
  s=$($B stat -c '%F|%a|%h|%u|%g|%s|%t,%T|%Y' "$p")
  case "$s" in
    symbolic*) x=$($B readlink "$p");;
    regular*) x=$($B md5sum < "$p"); x=\${x%% *};;
    *) x=;;
  esac
  $B echo "@@\${p#./}|$s|$x"
done
$B echo @@END
$B reboot -f
`;

const TYPE_NAMES: Record<KernelNode["kind"], string> = {
  file: "regular",
  directory: "directory",
  symlink: "symbolic link",
  "char-device": "character special file",
  "block-device": "block special file",
  fifo: "fifo",
  socket: "socket",
};

const md5 = (b: Uint8Array): string => createHash("md5").update(b).digest("hex");

/** A kernel node in the lister's format (directory sizes and the stat type wording aside). */
function describeNode(n: KernelNode): string {
  const size = n.kind === "file" ? n.data!.length : n.kind === "symlink" ? Buffer.byteLength(n.target!) : 0;
  const rdev = n.major === undefined ? "0,0" : `${n.major.toString(16)},${n.minor!.toString(16)}`;
  const extra = n.kind === "file" ? md5(n.data!) : n.kind === "symlink" ? n.target! : "";
  return `${n.path}|${TYPE_NAMES[n.kind]}|${n.mode.toString(8)}|${n.nlink}|${n.uid}|${n.gid}|${n.kind === "directory" ? "-" : size}|${rdev}|${n.mtime}|${extra}`;
}

/**
 * The lister's line made comparable: "regular empty file" is a regular file, directory sizes
 * are tmpfs's business, and a directory mtime of the boot's own clock (the kernel never got to
 * restore it) is the model's `now`, -1.
 */
function normaliseListerLine(line: string, now: number): string {
  const f = line.split("|");
  if (f[1] === "regular file" || f[1] === "regular empty file") f[1] = "regular";
  if (f[1] === "directory") {
    f[6] = "-";
    if (Math.abs(Number(f[8]) - now) < 120) f[8] = "-1";
  }
  return f.join("|");
}

// The corpus. Each case is its own archive (so TRAILER!!! separates their hard-link tables)
// and uses its own top-level names.
const dir = (name: string, extra: Partial<RawEntry> = {}): RawEntry => ({ name, mode: S_IFDIR | 0o755, mtime: 1_000_000, ...extra });
const file = (name: string, data: string, extra: Partial<RawEntry> = {}): RawEntry => ({ name, mode: S_IFREG | 0o644, data, mtime: 2_000_000, ...extra });
const link = (name: string, target: string, extra: Partial<RawEntry> = {}): RawEntry => ({ name, mode: S_IFLNK | 0o777, data: target, mtime: 3_000_000, ...extra });
const fifo = (name: string, extra: Partial<RawEntry> = {}): RawEntry => ({ name, mode: S_IFIFO | 0o640, mtime: 4_000_000, ...extra });

const CASES: Record<string, RawEntry[]> = {
  "absolute and doubled-slash names, missing parents": [file("/abs1/x", "1"), dir("/abs1"), file("/abs1/x", "2"), file("dbl//b", "3"), dir("dbl"), file("dbl//b", "4", { mode: S_IFREG | 0o4755, uid: 7, gid: 8 })],
  "a symlinked parent": [dir("elsewhere"), link("lnk", "/elsewhere"), file("lnk/x", "through"), link("rel", "elsewhere"), dir("rel/sub")],
  "a directory or device with data": [dir("sized", { data: "junk" }), file("sized/x", "1"), { name: "cdev-sized", mode: S_IFCHR | 0o600, data: "zz", rdevMajor: 5, rdevMinor: 1 }, file("after-sized", "k")],
  "hard-link data in stream order": [file("hl-a", "AAA", { ino: 5, nlink: 2 }), file("hl-a", "BBB", { ino: 6, nlink: 2 }), file("hl-c", "CCC", { ino: 5, nlink: 2 })],
  "hard links the GNU way (data on the last name)": [file("gnu-x", "", { ino: 9, nlink: 3 }), file("gnu-y", "", { ino: 9, nlink: 3 }), file("gnu-z", "data", { ino: 9, nlink: 3, mode: S_IFREG | 0o755 })],
  "dot-dot as met": [dir("dd"), dir("dd/e"), link("ddsl", "dd/e"), file("nonexist/../ddb", "1"), file("ddsl/../ddc", "2"), file("../../ddtop", "3"), file("dd/./e/../f", "4")],
  "two FIFOs of one inode": [fifo("p1", { ino: 7, nlink: 2 }), fifo("p2", { ino: 7, nlink: 2, mode: S_IFIFO | 0o600 })],
  "replacing things": [dir("rd"), file("rd/x", "1"), file("rd", "over"), file("rf", "1"), link("rf", "elsewhere"), dir("re"), link("re", "x"), link("rl", "a"), dir("rl"), file("rg", "old", { ino: 11, nlink: 2 }), file("rh", "", { ino: 11, nlink: 2 }), file("rg", "new!")],
  "devices over devices": [{ name: "cdev", mode: S_IFCHR | 0o666, rdevMajor: 1, rdevMinor: 3 }, { name: "cdev", mode: S_IFCHR | 0o600, rdevMajor: 1, rdevMinor: 5, uid: 3 }, { name: "bdev", mode: S_IFBLK | 0o660, rdevMajor: 8, rdevMinor: 0 }, fifo("bdev")],
  "a directory given twice, mtimes and owners": [dir("twice", { mtime: 111 }), file("twice/f", "x"), dir("twice", { mtime: 222, mode: S_IFDIR | 0o700, uid: 5 })],
  "symlink loops and dangling links": [link("loop1", "loop2"), link("loop2", "loop1"), file("loop1/x", "1"), link("dang", "nowhere/x"), file("dang", "file over a dangling link")],
  "trailing slashes": [dir("ts/"), file("ts/f/", "1"), file("ts/g", "2"), link("ts/h/", "g")],
};
// Last: data written through a hard link onto what is now a device (1,3) makes the kernel
// stop unpacking ("write error"); the entry after it must be in neither tree.
const WRITE_ERROR: RawEntry[] = [
  file("we-b", "x", { ino: 3, nlink: 2 }),
  file("we-c", "", { ino: 3, nlink: 2 }),
  { name: "we-b", mode: S_IFCHR | 0o644, rdevMajor: 1, rdevMinor: 3 },
  file("we-c", "yy", { ino: 3, nlink: 2, uid: 1 }),
  file("we-after", "never"),
];
// A second archive reusing the first one's inode numbers: TRAILER!!! forgot them.
const AFTER_TRAILER: RawEntry[] = [file("hl-d", "DDD", { ino: 5, nlink: 2 }), fifo("hl-p", { ino: 5, nlink: 2 })];

/** Seeded random archives under their own top-level directory; ".." may climb out of it. */
function fuzzedCases(count: number): RawEntry[][] {
  const component = fc.constantFrom("a", "b", "c", ".", "..", "");
  const out: RawEntry[][] = [];
  const archive = (prefix: string) =>
    fc.array(
      fc.record({
        parts: fc.array(component, { minLength: 1, maxLength: 3 }),
        kind: fc.constantFrom("dir", "file", "file", "link", "fifo", "sized-dir", "hardlink", "cdev"),
        uid: fc.constantFrom(0, 0, 1, 1000),
        target: fc.constantFrom("a", "b", "../a", `/${prefix}/b`, `/${prefix}`, ".", "/nonexistent"),
        data: fc.constantFrom("", "x", "yy"),
        ino: fc.constantFrom(1, 2),
        mode: fc.constantFrom(0o755, 0o700, 0o644, 0o1777),
        mtime: fc.integer({ min: 0, max: 2_000_000_000 }),
      }),
      { minLength: 3, maxLength: 10 },
    ).map((items): RawEntry[] => [
      dir(prefix),
      ...items.map((i): RawEntry => {
        const name = `${prefix}/${i.parts.join("/")}`;
        switch (i.kind) {
          case "dir":
            return { name, mode: S_IFDIR | i.mode, mtime: i.mtime, uid: i.uid };
          case "sized-dir":
            return { name, mode: S_IFDIR | i.mode, mtime: i.mtime, data: "!" };
          case "link":
            return { name, mode: S_IFLNK | 0o777, data: i.target, mtime: i.mtime };
          case "fifo":
            return { name, mode: S_IFIFO | (i.mode & 0o777), mtime: i.mtime, ino: 100 + i.ino, nlink: 2, uid: i.uid };
          case "cdev":
            return { name, mode: S_IFCHR | (i.mode & 0o777), mtime: i.mtime, ino: 200 + i.ino, nlink: 1 + i.ino, rdevMajor: 1, rdevMinor: i.ino + 2, gid: i.uid };
          case "hardlink":
            return { name, mode: S_IFREG | (i.mode & 0o777), data: i.data, mtime: i.mtime, ino: i.ino, nlink: 2, uid: i.uid };
          default:
            return { name, mode: S_IFREG | (i.mode & 0o777), data: i.data, mtime: i.mtime };
        }
      }),
    ]);
  // Cases that end the kernel's unpacking early would hide every case after them; WRITE_ERROR
  // covers that once, at the end.
  for (let n = 0; out.length < count; n++) {
    const entries = fc.sample(archive(`f${n}`), { numRuns: 1, seed: 1010 + n })[0]!;
    if (unpackLikeKernel(readCpioRecords(rawArchive(entries))).failed === undefined) out.push(entries);
  }
  return out;
}

describe("the kernel's initramfs unpacker and unpackLikeKernel agree", () => {
  let initrd: Uint8Array;
  let kernelLines: string[];
  let modelLines: string[];
  const archivePath = join(scratch, "corpus.cpio");

  before(async () => {
    const lister = packCpio([
      directoryEntry("bin"),
      fileEntry("bin/busybox", readFileSync(BUSYBOX), { mode: 0o755 }),
      fileEntry("lister", LISTER, { mode: 0o755 }),
      directoryEntry("dev"),
      charDeviceEntry("dev/console", 5, 1, { mode: 0o600 }),
    ]);
    initrd = concatArchives([
      lister,
      ...Object.values(CASES).map(rawArchive),
      rawArchive(AFTER_TRAILER),
      selfTrailerGzip().bytes,
      ...fuzzedCases(60).map(rawArchive),
      rawArchive(WRITE_ERROR),
    ]);
    writeFileSync(archivePath, initrd);
    // Not through the plan, on purpose: the plan inflates gzip members on the host, and here the
    // kernel's own gzip decoder must see the raw bytes (the crafted member is a case).
    const qemu = start(requireTool("qemu-system-i386"), [
      "-kernel", KERNEL, "-initrd", archivePath,
      "-append", "console=ttyS0 rdinit=/lister quiet",
      "-nographic", "-nodefaults", "-serial", "stdio", "-no-reboot", "-m", "128", "-accel", "tcg",
    ], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    qemu.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    qemu.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
    const timer = setTimeout(() => qemu.kill("SIGKILL"), 90_000);
    await exitCodeOf(qemu);
    clearTimeout(timer);
    const now = Number(/@@NOW (\d+)/.exec(output)?.[1] ?? NaN);
    const begin = output.indexOf("@@BEGIN");
    const end = output.indexOf("@@END");
    assert.ok(begin >= 0 && end > begin, `the lister did not run to the end; console output:\n${output.slice(-3000)}`);
    kernelLines = output
      .slice(begin, end)
      .split(/\r?\n/)
      .filter((l) => l.startsWith("@@") && l !== "@@BEGIN")
      .map((l) => normaliseListerLine(l.slice(2), now))
      .filter((l) => !LISTER_NAMES.has(l.split("|")[0]!));
    // The kernel unpacks its built-in initramfs first (CONFIG_INITRAMFS_SOURCE="": the
    // usr/default_cpio_list of /dev, /dev/console and /root), then the initrd.
    const builtin = packCpio([directoryEntry("dev"), charDeviceEntry("dev/console", 5, 1, { mode: 0o600 }), directoryEntry("root", { mode: 0o700 })]);
    const model = unpackLikeKernel(readCpioRecords(concatArchives([builtin, initrd])), { now: -1 });
    assert.match(model.failed ?? "", /write error/);
    assert.match(output, /Initramfs unpacking failed: write error/);
    modelLines = model.nodes.filter((n) => !LISTER_NAMES.has(n.path)).map(describeNode).sort();
  });

  it("names, types, modes, owners, link counts, sizes, devices, targets, mtimes and contents", () => {
    assert.ok(kernelLines.length > 40, `only ${kernelLines.length} names from the kernel`);
    // Only the differences, so a failure reads as a short list rather than a 400-line diff.
    const kernel = new Set(kernelLines);
    const model = new Set(modelLines);
    assert.deepEqual({ onlyInModel: modelLines.filter((l) => !kernel.has(l)), onlyInKernel: kernelLines.filter((l) => !model.has(l)) }, { onlyInModel: [], onlyInKernel: [] });
    assert.equal(modelLines.length, kernelLines.length);
  });

  it("bootlab unpack --list shows the same tree", async () => {
    const result = await run(process.execPath, [bin, "unpack", "--list", archivePath], { check: false });
    assert.equal(result.code, 0, result.stderr);
    // "-rw-r--r--   2 0        0               3 Jan 12  1970 name -> target": type, mode, nlink, owner, name, target.
    const listed = result.stdout
      .trimEnd()
      .split("\n")
      .map((l) => /^(\S)(\S{9})\s+(\d+) (\d+)\s+(\d+)\s+(\d+|\s*\d+,\s+\d+) \w{3} [ \d]\d [ \d]{1,2}\d{1,4}:?\d* (.*?)(?: -> (.*))?$/.exec(l))
      .map((m) => `${m![7]}|${m![1]}|${m![3]}|${m![4]}|${m![5]}|${m![8] ?? ""}`)
      .filter((l) => !LISTER_NAMES.has(l.split("|")[0]!))
      .sort();
    const letter: Record<string, string> = { regular: "-", directory: "d", "symbolic link": "l", "character special file": "c", "block special file": "b", fifo: "p", socket: "s" };
    const fromKernel = kernelLines
      .map((l) => l.split("|"))
      .filter((f) => f[0] !== "root") // from the kernel's built-in initramfs, not the archive
      .map((f) => `${f[0]}|${letter[f[1]!]}|${f[3]}|${f[4]}|${f[5]}|${f[1] === "symbolic link" ? f[9] : ""}`)
      .sort();
    assert.deepEqual(listed, fromKernel);
  });
});
