// The cpio library: constructors, paths, the writer's layout and reproducibility, round trips,
// hard links, concatenation, the kernel's override order, listings and gen_init_cpio lists.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { gunzipSync, gzipSync } from "fflate";
import {
  blockDeviceEntry,
  charDeviceEntry,
  concatArchives,
  CpioEntryError,
  CpioFormatError,
  CpioListError,
  CpioPathError,
  directoryEntry,
  fifoEntry,
  fileEntry,
  flattenEntries,
  formatEntryListing,
  hardlinkEntry,
  normalizeEntryPath,
  packCpio,
  packCpioGz,
  parseInitramfsList,
  readCpio,
  socketEntry,
  symlinkEntry,
  type CpioEntry,
} from "../../src/core/cpio/index.ts";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const ascii = (b: Uint8Array): string => String.fromCharCode(...b);

function sampleTree(): CpioEntry[] {
  return [
    fileEntry("/init", "#!/bin/sh\nexec /bin/sh\n", { mode: 0o755 }),
    directoryEntry("etc"),
    fileEntry("etc/inittab", "::sysinit:/etc/init.d/rcS\n"),
    fileEntry("etc/init.d/rcS", "#!/bin/sh\nmount -t proc proc /proc\n", { mode: 0o755 }),
    directoryEntry("root", { mode: 0o700 }),
    directoryEntry("tmp", { mode: 0o1777 }),
    fileEntry("bin/busybox", new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]), { mode: 0o4755 }),
    symlinkEntry("bin/sh", "busybox"),
    hardlinkEntry("bin/ls", "bin/busybox"),
    hardlinkEntry("bin/cat", "/bin/busybox"),
    charDeviceEntry("dev/console", 5, 1),
    blockDeviceEntry("dev/sda", 8, 0, { mode: 0o660, gid: 6 }),
    fifoEntry("run/initctl"),
    socketEntry("run/log", { uid: 1000, gid: 1000, mtime: 1_700_000_000 }),
    fileEntry("empty", new Uint8Array(0)),
  ];
}

describe("normalizeEntryPath", () => {
  it("strips leading / and ./ and collapses . and ..", () => {
    assert.equal(normalizeEntryPath("/etc//init.d/./rcS"), "etc/init.d/rcS");
    assert.equal(normalizeEntryPath("./init"), "init");
    assert.equal(normalizeEntryPath("a/b/../c"), "a/c");
    assert.equal(normalizeEntryPath("dev/"), "dev");
  });
  it("refuses paths escaping the root, the root itself and NUL", () => {
    for (const bad of ["..", "../etc/passwd", "/a/../../b", "./..", "", "/", ".", "a\0b"]) {
      assert.throws(() => normalizeEntryPath(bad), CpioPathError, bad);
    }
  });
});

describe("entry constructors", () => {
  it("fill reproducible defaults", () => {
    assert.deepEqual(fileEntry("/x", "hi"), { kind: "file", path: "x", data: text("hi"), mode: 0o644, uid: 0, gid: 0, mtime: 0 });
    assert.equal(directoryEntry("d").mode, 0o755);
    assert.equal(symlinkEntry("s", "t").mode, 0o777);
    assert.deepEqual(charDeviceEntry("/dev/console", 5, 1), { kind: "char-device", path: "dev/console", major: 5, minor: 1, mode: 0o600, uid: 0, gid: 0, mtime: 0 });
    assert.equal(hardlinkEntry("a", "/b").target, "b");
  });
  it("refuse modes with type bits, negative ids and bad targets", () => {
    assert.throws(() => fileEntry("x", "", { mode: 0o100644 }), CpioEntryError);
    assert.throws(() => fileEntry("x", "", { uid: -1 }), CpioEntryError);
    assert.throws(() => fileEntry("x", "", { mtime: 2 ** 32 }), CpioEntryError);
    assert.throws(() => symlinkEntry("x", ""), CpioEntryError);
    assert.throws(() => charDeviceEntry("x", 1.5, 0), CpioEntryError);
  });
});

describe("packCpio layout", () => {
  it("writes the newc header, 4-byte aligned name and data, and the trailer", () => {
    const bytes = packCpio([fileEntry("init", "hi", { mode: 0o755 })]);
    const header = ascii(bytes.subarray(0, 110));
    assert.equal(header.slice(0, 6), "070701");
    const field = (i: number): number => parseInt(header.slice(6 + i * 8, 14 + i * 8), 16);
    assert.equal(field(0), 1, "c_ino");
    assert.equal(field(1), 0o100755, "c_mode");
    assert.equal(field(4), 1, "c_nlink");
    assert.equal(field(5), 0, "c_mtime");
    assert.equal(field(6), 2, "c_filesize");
    assert.equal(field(11), 5, "c_namesize counts the NUL");
    assert.equal(ascii(bytes.subarray(110, 115)), "init\0");
    // 110 + 5 = 115, padded to 116; the data then starts at 116 and is padded to 120.
    assert.equal(ascii(bytes.subarray(115, 118)), "\0hi");
    assert.equal(ascii(bytes.subarray(118, 120)), "\0\0");
    assert.equal(ascii(bytes.subarray(120, 126)), "070701");
    assert.equal(ascii(bytes.subarray(230, 241)), "TRAILER!!!\0");
    assert.equal(bytes.length, 244);
    assert.equal(bytes.length % 4, 0);
  });
  it("adds missing parents, parents before children", () => {
    const entries = readCpio(packCpio([fileEntry("a/b/c", "x")]));
    assert.deepEqual(entries.map((e) => `${e.kind} ${e.path}`), ["directory a", "directory a/b", "file a/b/c"]);
  });
  it("lets a later duplicate win and refuses a file under a file", () => {
    const entries = readCpio(packCpio([fileEntry("x", "old"), fileEntry("x", "new")]));
    assert.equal(entries.length, 1);
    assert.deepEqual((entries[0] as { data: Uint8Array }).data, text("new"));
    assert.throws(() => packCpio([fileEntry("x", ""), fileEntry("x/y", "")]), /parent x is a file, want a directory/);
  });
  it("refuses dangling hard links and names longer than PATH_MAX", () => {
    assert.throws(() => packCpio([hardlinkEntry("a", "missing")]), CpioEntryError);
    assert.throws(() => packCpio([directoryEntry("d"), hardlinkEntry("a", "d")]), /want a regular file/);
    assert.throws(() => packCpio([fileEntry("n".repeat(4096), "")]), /PATH_MAX/);
  });
});

describe("reproducibility", () => {
  it("gives the same bytes whatever the input order", () => {
    const tree = sampleTree();
    const shuffled = [...tree].reverse();
    // Reversing changes nothing because no path is given twice.
    assert.deepEqual(packCpio(shuffled), packCpio(tree));
    assert.deepEqual(packCpioGz(shuffled), packCpioGz(tree));
  });
  it("writes a gzip header without mtime or file name", () => {
    const gz = packCpioGz(sampleTree());
    assert.deepEqual([...gz.subarray(0, 3)], [0x1f, 0x8b, 8]);
    assert.equal(gz[3], 0, "no FNAME/FCOMMENT/FEXTRA flags");
    assert.deepEqual([...gz.subarray(4, 8)], [0, 0, 0, 0], "mtime 0");
    assert.deepEqual(gunzipSync(gz), packCpio(sampleTree()));
  });
});

describe("round trip", () => {
  const expected = flattenEntries(readCpio(packCpio(sampleTree())));
  it("reads back every kind with its metadata", () => {
    const byPath = new Map(expected.map((e) => [e.path, e]));
    assert.deepEqual(byPath.get("dev/console"), charDeviceEntry("dev/console", 5, 1));
    assert.deepEqual(byPath.get("dev/sda"), blockDeviceEntry("dev/sda", 8, 0, { mode: 0o660, gid: 6 }));
    assert.deepEqual(byPath.get("run/log"), socketEntry("run/log", { uid: 1000, gid: 1000, mtime: 1_700_000_000 }));
    assert.deepEqual(byPath.get("run/initctl"), fifoEntry("run/initctl"));
    assert.deepEqual(byPath.get("bin/sh"), symlinkEntry("bin/sh", "busybox"));
    assert.deepEqual(byPath.get("tmp"), directoryEntry("tmp", { mode: 0o1777 }));
    assert.deepEqual(byPath.get("empty"), fileEntry("empty", new Uint8Array(0)));
    assert.deepEqual(byPath.get("bin/busybox"), fileEntry("bin/busybox", new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]), { mode: 0o4755 }));
  });
  it("is stable: pack(read(pack(tree))) == pack(tree)", () => {
    const once = packCpio(sampleTree());
    assert.deepEqual(packCpio(flattenEntries(readCpio(once))), once);
    assert.deepEqual(packCpio(readCpio(once)), once);
  });
  it("reads gzip archives", () => {
    assert.deepEqual(flattenEntries(readCpio(packCpioGz(sampleTree()))), expected);
  });
});

describe("hard links", () => {
  const bytes = packCpio(sampleTree());
  it("share one inode and store the data once, with the last name", () => {
    const headers: Array<{ name: string; ino: number; nlink: number; size: number }> = [];
    let at = 0;
    while (at < bytes.length) {
      const h = ascii(bytes.subarray(at, at + 110));
      const f = (i: number): number => parseInt(h.slice(6 + i * 8, 14 + i * 8), 16);
      const name = ascii(bytes.subarray(at + 110, at + 110 + f(11) - 1));
      headers.push({ name, ino: f(0), nlink: f(4), size: f(6) });
      at += ((110 + f(11) + 3) & ~3) + ((f(6) + 3) & ~3);
    }
    const group = headers.filter((h) => ["bin/busybox", "bin/cat", "bin/ls"].includes(h.name));
    assert.equal(new Set(group.map((h) => h.ino)).size, 1);
    assert.deepEqual(group.map((h) => h.nlink), [3, 3, 3]);
    // Archive order is bin/busybox, bin/cat, bin/ls: the data goes with the last of them.
    assert.deepEqual(group.map((h) => `${h.name}:${h.size}`), ["bin/busybox:0", "bin/cat:0", "bin/ls:7"]);
    const inodes = headers.filter((h) => h.name !== "TRAILER!!!").map((h) => h.ino);
    assert.deepEqual([...new Set(inodes)], [...new Set(inodes)].sort((a, b) => a - b), "inode numbers in order");
  });
  it("come back as a file plus links to it, data on the file", () => {
    const entries = readCpio(bytes);
    const busybox = entries.find((e) => e.path === "bin/busybox");
    assert.equal(busybox?.kind, "file");
    assert.equal((busybox as { data: Uint8Array }).data.length, 7);
    assert.deepEqual(
      entries.filter((e) => e.kind === "hardlink").map((e) => `${e.path}->${(e as { target: string }).target}`),
      ["bin/cat->bin/busybox", "bin/ls->bin/busybox"],
    );
  });
  it("are not linked across a TRAILER!!! (the kernel forgets inodes there)", () => {
    const one = packCpio([fileEntry("a", "1"), hardlinkEntry("b", "a")]);
    const two = packCpio([fileEntry("c", "2"), hardlinkEntry("d", "c")]);
    const entries = readCpio(concatArchives([one, two]));
    assert.deepEqual(entries.map((e) => e.kind), ["file", "hardlink", "file", "hardlink"]);
    assert.equal((entries[3] as { target: string }).target, "c");
  });
});

describe("concatenation", () => {
  it("reads plain and gzip parts in stream order, padding odd lengths", () => {
    const base = packCpioGz([fileEntry("init", "base"), fileEntry("etc/motd", "hello")]);
    const overlay = packCpio([fileEntry("init", "overlay")]);
    const third = packCpioGz([fileEntry("extra", "x")]);
    const stream = concatArchives([base, overlay, third, overlay]);
    const paths = readCpio(stream).map((e) => e.path);
    assert.deepEqual(paths, ["etc", "etc/motd", "init", "init", "extra", "init"]);
  });
  it("refuses a plain part that is not 4-byte aligned, as the kernel does", () => {
    const gz = packCpioGz([fileEntry("a", "a")]);
    const plain = packCpio([fileEntry("b", "b")]);
    const pad = gz.length % 4 === 0 ? 1 : 0; // make the plain part start off the boundary
    const joined = new Uint8Array(gz.length + pad + plain.length);
    joined.set(gz);
    joined.set(plain, gz.length + pad);
    assert.notEqual((gz.length + pad) % 4, 0);
    assert.throws(() => readCpio(joined), (e: unknown) => e instanceof CpioFormatError && /multiple of 4/.test(e.message));
  });
  it("accepts NUL padding to 512-byte blocks and archives without trailer", () => {
    const archive = packCpio([fileEntry("a", "a")]);
    const padded = new Uint8Array(1024);
    padded.set(archive);
    assert.equal(readCpio(padded).length, 1);
    assert.equal(readCpio(packCpio([fileEntry("a", "a")], { trailer: false })).length, 1);
    assert.deepEqual(readCpio(new Uint8Array(0)), []);
  });
});

describe("override order (flattenEntries)", () => {
  const read = (...parts: CpioEntry[][]): Map<string, CpioEntry> =>
    new Map(flattenEntries(readCpio(concatArchives(parts.map((p) => packCpio(p))))).map((e) => [e.path, e]));
  const data = (e: CpioEntry | undefined): string => new TextDecoder().decode((e as { data: Uint8Array }).data);

  it("later archives win", () => {
    assert.equal(data(read([fileEntry("etc/inittab", "A")], [fileEntry("etc/inittab", "B")]).get("etc/inittab")), "B");
    assert.equal(data(read([fileEntry("etc/inittab", "B")], [fileEntry("etc/inittab", "A")]).get("etc/inittab")), "A");
  });
  it("a directory over a directory keeps the children and takes the new mode", () => {
    const tree = read([fileEntry("etc/a", "a")], [directoryEntry("etc", { mode: 0o700 })]);
    assert.equal(tree.get("etc")?.mode, 0o700);
    assert.ok(tree.has("etc/a"));
  });
  it("a file does not replace a non-empty directory, but replaces an empty one", () => {
    assert.equal(read([fileEntry("etc/a", "a")], [fileEntry("etc", "x")]).get("etc")?.kind, "directory");
    assert.equal(read([directoryEntry("etc")], [fileEntry("etc", "x")]).get("etc")?.kind, "file");
  });
  it("a symlink replaces a file, and a file a symlink", () => {
    assert.equal(read([fileEntry("bin/sh", "x")], [symlinkEntry("bin/sh", "busybox")]).get("bin/sh")?.kind, "symlink");
    assert.equal(read([symlinkEntry("bin/sh", "busybox")], [fileEntry("bin/sh", "x")]).get("bin/sh")?.kind, "file");
  });
  it("a device over a device of the same type keeps its numbers and takes the new mode", () => {
    const tree = read([charDeviceEntry("dev/console", 5, 1)], [charDeviceEntry("dev/console", 4, 64, { mode: 0o622 })]);
    assert.deepEqual(tree.get("dev/console"), charDeviceEntry("dev/console", 5, 1, { mode: 0o622 }));
  });
  it("rewriting a hard-linked file changes every name of it (one inode)", () => {
    const tree = read([fileEntry("bin/a", "old"), hardlinkEntry("bin/b", "bin/a")], [fileEntry("bin/a", "new")]);
    assert.equal(tree.get("bin/b")?.kind, "hardlink");
    assert.equal(data(tree.get("bin/a")), "new");
  });
  it("drops entries whose parent does not exist, as the kernel does", () => {
    const tree = flattenEntries([fileEntry("missing/x", "x"), directoryEntry("d"), fileEntry("d/y", "y")]);
    assert.deepEqual(tree.map((e) => e.path), ["d", "d/y"]);
  });
});

/** A hand-made newc entry: header fields as given (default 0), the name, the data, padding. */
function rawEntry(name: string, mode: number, data: Uint8Array = new Uint8Array(0), fields: Partial<Record<"ino" | "nlink", number>> = {}): Uint8Array {
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(8, "0");
  const nameBytes = text(name + "\0");
  const header = "070701" + [fields.ino ?? 0, mode, 0, 0, fields.nlink ?? 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0].map(hex).join("");
  const nameEnd = (110 + nameBytes.length + 3) & ~3;
  const out = new Uint8Array(nameEnd + ((data.length + 3) & ~3));
  out.set(text(header));
  out.set(nameBytes, 110);
  out.set(data, nameEnd);
  return out;
}

describe("the root entry", () => {
  it("skips '.' from `find . | cpio -o`", () => {
    const stream = concatArchives([rawEntry(".", 0o40755), rawEntry("./d", 0o40700), packCpio([fileEntry("d/x", "x")])]);
    assert.deepEqual(readCpio(stream).map((e) => e.path), ["d", "d", "d/x"]);
    assert.throws(() => readCpio(rawEntry(".", 0o100644)), /want the root to be a directory/);
  });
  it("takes GNU cpio's layout of hard links: data on the last name", () => {
    const stream = concatArchives([
      rawEntry("a", 0o100644, new Uint8Array(0), { ino: 7, nlink: 2 }),
      rawEntry("b", 0o100644, text("data"), { ino: 7, nlink: 2 }),
    ]);
    const tree = flattenEntries(readCpio(stream));
    assert.deepEqual(tree, [fileEntry("a", "data"), hardlinkEntry("b", "a")]);
  });
});

describe("formatEntryListing", () => {
  it("prints like cpio -tvn", () => {
    const listing = formatEntryListing(readCpio(packCpio(sampleTree())));
    const lines = listing.trimEnd().split("\n");
    assert.ok(lines.includes("drwxrwxrwt   2 0        0               0 Jan  1  1970 tmp"), listing);
    assert.ok(lines.includes("-rwsr-xr-x   3 0        0               7 Jan  1  1970 bin/busybox"), listing);
    assert.ok(lines.includes("crw-------   1 0        0          5,   1 Jan  1  1970 dev/console"), listing);
    assert.ok(lines.includes("lrwxrwxrwx   1 0        0               7 Jan  1  1970 bin/sh -> busybox"), listing);
    assert.ok(lines.includes("srwxr-xr-x   1 1000     1000            0 Nov 14  2023 run/log"), listing);
    assert.equal(formatEntryListing([fileEntry("x", "", { mtime: 1_700_000_000 })], { now: 1_700_000_100 }).trim(), "-rw-r--r--   1 0        0               0 Nov 14 22:13 x");
  });
});

describe("parseInitramfsList", () => {
  const files: Record<string, Uint8Array> = { "/src/init": text("#!/bin/sh\n"), "/opt/busybox": text("BB") };
  const reader = (p: string): Uint8Array => {
    const data = files[p];
    if (!data) throw new Error("no such file");
    return data;
  };
  it("reads every line type, with device nodes and hard links", () => {
    const list = [
      "# A simple initramfs",
      "dir /dev 0755 0 0",
      "nod /dev/console 0600 0 0 c 5 1",
      "nod /dev/sda 0660 0 6 b 8 0",
      "dir /root 0700 0 0",
      "",
      "file /init ${SRC}/init 0755 0 0",
      "file /bin/busybox /opt/busybox 4755 0 0 /bin/ls /bin/cat",
      "slink /bin/sh busybox 0777 0 0",
      "pipe /run/fifo 0644 0 0",
      "sock /run/sock 0755 1 1",
      "dir / 0755 0 0",
    ].join("\n");
    const entries = parseInitramfsList(list, reader, { env: { SRC: "/src" } });
    assert.deepEqual(entries[1], charDeviceEntry("dev/console", 5, 1));
    assert.deepEqual(entries[2], blockDeviceEntry("dev/sda", 8, 0, { mode: 0o660, gid: 6 }));
    assert.deepEqual(entries[4], fileEntry("init", "#!/bin/sh\n", { mode: 0o755 }));
    assert.deepEqual(entries.slice(6, 8).map((e) => `${e.kind} ${e.path}`), ["hardlink bin/ls", "hardlink bin/cat"]);
    assert.deepEqual(entries.map((e) => e.kind).slice(8), ["symlink", "fifo", "socket"]);
    assert.equal(entries.length, 11);
    const tree = flattenEntries(readCpio(packCpio(entries)));
    assert.equal(tree.find((e) => e.path === "bin/cat")?.kind, "hardlink");
  });
  it("names the line of each error", () => {
    const cases: Array<[string, RegExp]> = [
      ["dir /a 0755 0 0\nfoo /x", /^line 2: got entry type "foo"/],
      ["dir /a 0755 0", /^line 1: got 3 fields after "dir"/],
      ["dir /a 0955 0 0", /^line 1: got mode "0955", want octal/],
      ["dir /a 0755 root 0", /^line 1: got uid "root", want a decimal number/],
      ["nod /dev/x 0600 0 0 x 1 1", /^line 1: got device type "x"/],
      ["\n\nslink /../x y 0777 0 0", /^line 3: name "\/..\/x": escapes the root/],
      ["file /x ${NOPE}/x 0644 0 0", /^line 1: got \$\{NOPE\}/],
      ["file /x /nonexistent 0644 0 0", /^line 1: cannot read \/nonexistent: no such file/],
      ["dir /a 0755 0 0 extra", /^line 1: got 5 fields/],
    ];
    for (const [list, message] of cases) {
      assert.throws(() => parseInitramfsList(list, reader), (e: unknown) => e instanceof CpioListError && message.test(e.message), list);
    }
    assert.throws(() => parseInitramfsList("file /x /src/init 0644 0 0"), /host file reader/);
  });
});

describe("fflate interplay", () => {
  it("reads gzip members with a file name and extra field (as gzip(1) writes)", () => {
    const plain = packCpio([fileEntry("a", "a")]);
    const gz = gzipSync(plain, { filename: "rootfs.cpio", mtime: 1_600_000_000 });
    assert.equal(gz[3]! & 8, 8);
    assert.equal(readCpio(gz).length, 1);
  });
});
