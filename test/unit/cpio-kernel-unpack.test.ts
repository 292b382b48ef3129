// unpackLikeKernel: init/initramfs.c (Linux 6.1) replayed. Each case is one the issue found
// bootlab getting wrong (issue 10); test/runner/kernel-unpack.test.ts checks the same archives
// against the kernel itself.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { formatKernelListing, kernelTreeEntries, readCpioRecords, unpackLikeKernel, type KernelTree } from "../../src/core/cpio/index.ts";
import { concatBytes, rawArchive, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFREG, type RawEntry } from "./crafted-archives.ts";

const dir = (name: string, extra: Partial<RawEntry> = {}): RawEntry => ({ name, mode: S_IFDIR | 0o755, ...extra });
const file = (name: string, data: string, extra: Partial<RawEntry> = {}): RawEntry => ({ name, mode: S_IFREG | 0o644, data, ...extra });
const link = (name: string, target: string): RawEntry => ({ name, mode: S_IFLNK | 0o777, data: target });

function kernel(...archives: RawEntry[][]): KernelTree {
  return unpackLikeKernel(readCpioRecords(concatBytes(archives.map(rawArchive))));
}
/** path -> "file CONTENTS" / "dir" / "symlink -> T" / "fifo n=2" ... */
function shape(tree: KernelTree): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of tree.nodes) {
    out[n.path] =
      n.kind === "file" ? `file ${new TextDecoder().decode(n.data)}${n.nlink > 1 ? ` n=${n.nlink}` : ""}` :
      n.kind === "symlink" ? `symlink -> ${n.target}` :
      n.kind === "directory" ? "dir" : `${n.kind}${n.nlink > 1 ? ` n=${n.nlink}` : ""}`;
  }
  return out;
}
const problems = (tree: KernelTree): string[] => tree.notes.map((n) => `${n.name}: ${n.problem}`);

describe("unpackLikeKernel", () => {
  it("absolute names and doubled slashes are plain paths; a missing parent skips the entry, with a note", () => {
    const tree = kernel([file("/abs/x", "1"), dir("/abs"), file("/abs/x", "2"), file("a//b", "3"), dir("a"), file("a//b", "4")]);
    assert.deepEqual(shape(tree), { a: "dir", "a/b": "file 4", abs: "dir", "abs/x": "file 2" });
    assert.deepEqual(problems(tree), ["/abs/x: skipped, as the kernel does: abs does not exist (ENOENT)", "a//b: skipped, as the kernel does: a does not exist (ENOENT)"]);
  });
  it("writes through a symlinked parent, as the kernel does", () => {
    const tree = kernel([dir("elsewhere"), link("link", "/elsewhere"), file("link/x", "through")]);
    assert.deepEqual(shape(tree), { elsewhere: "dir", "elsewhere/x": "file through", link: "symlink -> /elsewhere" });
    assert.match(problems(tree).join("\n"), /link\/x: the kernel resolves it .* to \/elsewhere\/x/);
  });
  it("skips a directory or device with a non-zero c_filesize, and so its children", () => {
    const tree = kernel([dir("d", { data: "junk" }), file("d/x", "1"), { name: "c", mode: S_IFCHR | 0o600, data: "zz", rdevMajor: 5, rdevMinor: 1 }, file("keep", "k")]);
    assert.deepEqual(shape(tree), { keep: "file k" });
    assert.equal(tree.notes.length, 3);
    assert.match(problems(tree)[0]!, /^d: skipped, as the kernel does: a directory with c_filesize 4/);
  });
  it("applies hard-link data in stream order", () => {
    const tree = kernel([file("a", "AAA", { ino: 5, nlink: 2 }), file("a", "BBB", { ino: 6, nlink: 2 }), file("c", "CCC", { ino: 5, nlink: 2 })]);
    assert.deepEqual(shape(tree), { a: "file CCC n=2", c: "file CCC n=2" });
    // GNU cpio's layout: the data on the last name only.
    assert.deepEqual(shape(kernel([file("x", "", { ino: 9, nlink: 2 }), file("y", "data", { ino: 9, nlink: 2 })])), { x: "file data n=2", y: "file data n=2" });
  });
  it("resolves .. as it meets it, not by normalising the name", () => {
    const tree = kernel([dir("d"), dir("d/e"), link("sl", "d/e"), file("nonexist/../b", "1"), file("sl/../c", "2"), file("../../top", "3")]);
    assert.deepEqual(shape(tree), { d: "dir", "d/c": "file 2", "d/e": "dir", sl: "symlink -> d/e", top: "file 3" });
    assert.match(problems(tree).join("\n"), /nonexist\/\.\.\/b: skipped, as the kernel does: nonexist does not exist/);
  });
  it("links two FIFOs that share an inode", () => {
    const tree = kernel([{ name: "p1", mode: S_IFIFO | 0o644, ino: 7, nlink: 2 }, { name: "p2", mode: S_IFIFO | 0o644, ino: 7, nlink: 2 }]);
    assert.deepEqual(shape(tree), { p1: "fifo n=2", p2: "fifo n=2" });
  });
  it("forgets hard links at TRAILER!!! and keys them by file type too", () => {
    const tree = kernel([file("a", "A", { ino: 5, nlink: 2 })], [file("b", "B", { ino: 5, nlink: 2 }), { name: "p", mode: S_IFIFO | 0o644, ino: 5, nlink: 2 }]);
    assert.deepEqual(shape(tree), { a: "file A", b: "file B", p: "fifo" });
  });
  it("a file over a non-empty directory is skipped; a symlink replaces a file", () => {
    const tree = kernel([dir("d"), file("d/x", "1"), file("d", "over"), file("f", "1"), link("f", "elsewhere")]);
    assert.deepEqual(shape(tree), { d: "dir", "d/x": "file 1", f: "symlink -> elsewhere" });
    assert.match(problems(tree).join("\n"), /^d: skipped, as the kernel does: the name is a directory \(EISDIR\)/m);
  });
  it("a trailing slash on a non-directory fails the lookup, so nothing is replaced (found by the kernel test)", () => {
    const tree = kernel([dir("d"), { name: "d/p", mode: S_IFIFO | 0o644 }, file("d/p/", "x")]);
    assert.deepEqual(shape(tree), { d: "dir", "d/p": "fifo" });
  });
  it("a directory whose name no longer leads to it keeps the unpack time (dir_utime finds something else)", () => {
    const tree = unpackLikeKernel(readCpioRecords(rawArchive([dir("t", { mtime: 5 }), link("t/l", "/t"), dir("t/l/a", { mtime: 7 }), file("t/l", "x"), dir("t", { mtime: 9 })])), { now: 1234 });
    const mtimes = Object.fromEntries(tree.nodes.map((n) => [n.path, n.mtime]));
    // "t" twice: dir_add() pushes at the head, so the first entry's mtime is applied last.
    assert.deepEqual(mtimes, { t: 5, "t/a": 1234, "t/l": 0 });
  });
  it("a failed symlink still chowns what its name leads to; mkdir of \"dangling/\" does not follow (found by the kernel test)", () => {
    const tree = kernel([dir("d", { uid: 5 }), link("d/.", "x"), link("dl", "/nowhere"), dir("dl/"), file("nowhere/f", "1")]);
    assert.equal(tree.nodes.find((n) => n.path === "d")!.uid, 0);
    assert.deepEqual(shape(tree), { d: "dir", dl: "symlink -> /nowhere" });
  });
  it("data written through a hard link onto a device ends the unpacking, as the kernel's write error does", () => {
    const tree = kernel([
      file("b", "x", { ino: 3, nlink: 2 }),
      file("c", "", { ino: 3, nlink: 2 }),
      { name: "b", mode: S_IFCHR | 0o644, rdevMajor: 1, rdevMinor: 3 },
      file("c", "yy", { ino: 3, nlink: 2, uid: 1 }),
      file("after", "never"),
    ]);
    assert.match(tree.failed!, /^Initramfs unpacking failed: write error/);
    assert.deepEqual(shape(tree), { b: "char-device n=2", c: "char-device n=2" });
    assert.equal(tree.nodes.find((n) => n.path === "c")!.uid, 1);
    assert.match(problems(tree).join("\n"), /1 later entry not unpacked/);
  });
  it("the tree's entries and the listing follow the model", () => {
    const bytes = concatBytes([rawArchive([dir("elsewhere"), link("link", "/elsewhere"), file("link/x", "through"), file("a", "AAA", { ino: 5, nlink: 2 }), file("a", "BBB", { ino: 6, nlink: 2 }), file("c", "CCC", { ino: 5, nlink: 2 })])]);
    const entries = kernelTreeEntries(unpackLikeKernel(readCpioRecords(bytes)));
    const read = (path: string): string => {
      const entry = entries.find((e) => e.path === path);
      const data = entry?.kind === "hardlink" ? entries.find((e) => e.path === entry.target) : entry;
      assert.ok(data?.kind === "file", `${path} is a file in the tree`);
      return new TextDecoder().decode(data.data);
    };
    assert.equal(read("elsewhere/x"), "through");
    assert.equal(read("a"), "CCC");
    assert.equal(read("c"), "CCC");
    const listing = formatKernelListing(unpackLikeKernel(readCpioRecords(bytes)).nodes);
    assert.match(listing, /^-rw-r--r--   2 0        0               3 Jan  1  1970 a$/m);
    assert.match(listing, /^lrwxrwxrwx   1 0        0              10 Jan  1  1970 link -> \/elsewhere$/m);
  });
  it("the listing escapes control characters as ls -b does", () => {
    const listing = formatKernelListing(kernel([file("a\nb\t\x1b[31mc\\d", "x"), link("l", "x\ry")]).nodes);
    assert.match(listing, / a\\nb\\t\\033\[31mc\\\\d$/m);
    assert.match(listing, / l -> x\\ry$/m);
    assert.equal(listing.split("\n").length, 3);
  });
});
