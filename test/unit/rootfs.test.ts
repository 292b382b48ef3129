// The root filesystem tree model: implied parents, later-wins overrides like the kernel's,
// add/rename/remove/chmod, hard links kept valid, and the way back to sorted entries and cpio.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import {
  charDeviceEntry,
  concatArchives,
  directoryEntry,
  fileEntry,
  flattenEntries,
  hardlinkEntry,
  packCpio,
  packCpioGz,
  readCpio,
  symlinkEntry,
} from "../../src/core/cpio/index.ts";
import { RootFs, RootfsError } from "../../src/core/rootfs/index.ts";

const str = (b: Uint8Array): string => new TextDecoder().decode(b);
const code = (c: string) => (e: unknown) => e instanceof RootfsError && e.code === c;

function busyboxTree(): RootFs {
  return RootFs.fromEntries([
    fileEntry("bin/busybox", "BB", { mode: 0o755 }),
    symlinkEntry("bin/sh", "busybox"),
    hardlinkEntry("bin/ls", "bin/busybox"),
    hardlinkEntry("sbin/init", "bin/busybox"),
    fileEntry("etc/inittab", "::sysinit:/etc/init.d/rcS\n"),
    charDeviceEntry("dev/console", 5, 1),
    fileEntry("init", "#!/bin/sh\n", { mode: 0o755 }),
  ]);
}

describe("RootFs", () => {
  it("creates implied parent directories and lists sorted, parents first", () => {
    const fs = busyboxTree();
    assert.deepEqual(fs.paths(), ["bin", "bin/busybox", "bin/ls", "bin/sh", "dev", "dev/console", "etc", "etc/inittab", "init", "sbin", "sbin/init"]);
    assert.deepEqual(fs.get("/etc"), directoryEntry("etc"));
    assert.deepEqual(fs.list("bin"), ["busybox", "ls", "sh"]);
    assert.deepEqual(fs.list(), ["bin", "dev", "etc", "init", "sbin"]);
  });
  it("later entries win; a directory over a directory keeps its children", () => {
    const fs = busyboxTree();
    fs.add(fileEntry("etc/inittab", "new"));
    fs.add(directoryEntry("etc", { mode: 0o700 }));
    assert.equal(str(fs.readFile("etc/inittab")), "new");
    assert.equal(fs.get("etc")?.mode, 0o700);
    fs.add(symlinkEntry("init", "bin/busybox"));
    assert.equal(fs.get("init")?.kind, "symlink");
  });
  it("refuses to replace a non-empty directory and to put entries under a non-directory", () => {
    const fs = busyboxTree();
    assert.throws(() => fs.add(fileEntry("etc", "x")), code("ENOTEMPTY"));
    assert.throws(() => fs.writeFile("init/x", "x"), code("ENOTDIR"));
    assert.throws(() => fs.writeFile("bin/sh/x", "x"), /a symlink to busybox: use the real path/);
  });
  it("writing through a hard link rewrites the one file all its names share", () => {
    const fs = busyboxTree();
    fs.writeFile("bin/ls", "NEW");
    assert.equal(str(fs.readFile("bin/busybox")), "NEW");
    assert.equal(str(fs.readFile("sbin/init")), "NEW");
    assert.equal(fs.get("bin/busybox")?.mode, 0o755, "writeFile keeps the mode");
  });
  it("removing a hard-linked file keeps the data under its other names", () => {
    const fs = busyboxTree();
    fs.remove("bin/busybox");
    assert.equal(fs.get("bin/ls")?.kind, "file");
    assert.equal(str(fs.readFile("bin/ls")), "BB");
    assert.deepEqual(fs.get("sbin/init"), { ...hardlinkEntry("sbin/init", "bin/ls"), mode: 0o755 });
    fs.toCpio(); // still a valid tree
  });
  it("removes directories only when empty unless recursive", () => {
    const fs = busyboxTree();
    assert.throws(() => fs.remove("bin"), code("ENOTEMPTY"));
    fs.remove("bin", { recursive: true });
    // sbin/init linked into bin: it inherits the data.
    assert.equal(str(fs.readFile("sbin/init")), "BB");
    assert.ok(!fs.has("bin/sh"));
    assert.throws(() => fs.remove("nope"), code("ENOENT"));
  });
  it("renames files and whole directories, retargeting hard links", () => {
    const fs = busyboxTree();
    fs.rename("bin", "usr/bin");
    assert.deepEqual(fs.list("usr/bin"), ["busybox", "ls", "sh"]);
    assert.equal(fs.get("sbin/init")?.kind, "hardlink");
    assert.equal((fs.get("sbin/init") as { target: string }).target, "usr/bin/busybox");
    assert.equal(str(fs.readFile("sbin/init")), "BB");
    fs.rename("init", "sbin/init");
    assert.equal(fs.get("sbin/init")?.kind, "file");
    assert.throws(() => fs.rename("usr", "usr/bin/x"), code("EINVAL"));
    assert.throws(() => fs.rename("etc", "dev"), code("EEXIST"));
    const tree = flattenEntries(readCpio(fs.toCpio()));
    assert.equal(tree.find((e) => e.path === "usr/bin/ls")?.kind, "hardlink");
  });
  it("chmod through a hard link changes the shared inode", () => {
    const fs = busyboxTree();
    fs.chmod("bin/ls", 0o4755);
    assert.equal(fs.get("bin/busybox")?.mode, 0o4755);
    assert.equal(fs.get("sbin/init")?.mode, 0o4755);
    assert.throws(() => fs.chmod("bin/ls", 0o10000), /permission bits only/);
  });
  it("round-trips through cpio, plain and gzip, concatenated with an overlay", () => {
    const fs = busyboxTree();
    const base = packCpioGz(fs.toEntries());
    const overlay = packCpio([fileEntry("etc/inittab", "overlay")]);
    const back = RootFs.fromCpio(concatArchives([base, overlay]));
    assert.equal(str(back.readFile("etc/inittab")), "overlay");
    back.writeFile("etc/inittab", "::sysinit:/etc/init.d/rcS\n");
    assert.deepEqual(back.toCpio(), fs.toCpio());
  });
  it("clones independently", () => {
    const fs = busyboxTree();
    const copy = fs.clone();
    copy.writeFile("init", "changed");
    assert.equal(str(fs.readFile("init")), "#!/bin/sh\n");
  });
  it("rejects paths escaping the root and reading what is not a file", () => {
    const fs = busyboxTree();
    assert.throws(() => fs.writeFile("../x", "x"), /escapes the root/);
    assert.throws(() => fs.readFile("etc"), code("EISDIR"));
    assert.throws(() => fs.readFile("missing"), code("ENOENT"));
    assert.throws(() => fs.add(hardlinkEntry("x", "missing")), code("ENOENT"));
  });
});
