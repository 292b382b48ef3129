// `bootlab pack` and `bootlab unpack`, through the real binary (node src/cli/bin.mjs), checked
// against GNU cpio and against the source trees on disk; the non-root cases run as nobody.
import { strict as assert } from "node:assert";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { run, type RunResult } from "../../src/cli/exec.ts";
import { describeDisk, makeSampleHostTree } from "../unit/cpio-tree-description.ts";
import { rawArchive, S_IFDIR, S_IFLNK, S_IFREG } from "../unit/crafted-archives.ts";

const bin = resolve(import.meta.dirname, "../../src/cli/bin.mjs");
const scratch = mkdtempSync(join(tmpdir(), "bootlab-pack-"));
chmodSync(scratch, 0o755); // nobody must reach the files of the non-root cases
after(() => rmSync(scratch, { recursive: true, force: true }));
const asRoot = process.getuid?.() === 0;
const NOBODY = ["--reuid=65534", "--regid=65534", "--clear-groups"];

/** Runs the real binary; `asNobody` drops to uid 65534 when the tests run as root. */
function bootlab(args: string[], options: { asNobody?: boolean } = {}): Promise<RunResult> {
  if (options.asNobody && asRoot) return run("setpriv", [...NOBODY, process.execPath, bin, ...args], { check: false });
  return run(process.execPath, [bin, ...args], { check: false });
}

function succeeded(result: RunResult): RunResult {
  assert.equal(result.code, 0, `exit ${result.code}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

const source = join(scratch, "source");
let madeDevices = false;
before(async () => {
  mkdirSync(source);
  madeDevices = await makeSampleHostTree(source);
});

describe("bootlab --help", () => {
  it("lists pack and unpack, and each command's help has an example", async () => {
    const overview = succeeded(await bootlab(["--help"])).stdout;
    assert.match(overview, /^\s+pack\s+/m);
    assert.match(overview, /^\s+unpack\s+/m);
    for (const command of ["pack", "unpack"]) {
      const help = succeeded(await bootlab([command, "--help"])).stdout;
      assert.match(help, /^Usage: bootlab /);
      assert.match(help, /Examples?:\n\s+bootlab /);
    }
  });
});

describe("bootlab pack DIR", () => {
  it("makes an archive GNU cpio -idm extracts to the same tree", async () => {
    const archive = join(scratch, "source.cpio");
    assert.match(succeeded(await bootlab(["pack", source, "-o", archive])).stdout, /packed \d+ entries/);
    const out = join(scratch, "gnu-out");
    mkdirSync(out);
    await run("cpio", ["-idm", "--no-absolute-filenames", "-F", archive], { cwd: out });
    // Reproducible by default: mtimes become 0, so compare without them.
    assert.deepEqual(describeDisk(out), describeDisk(source));
    if (madeDevices) assert.match(describeDisk(out)["dev/console"]!, /^char 5,1 0600/);
  });
  it("is reproducible: the same tree gives the same bytes, whatever the mtimes", async () => {
    const first = join(scratch, "one.cpio.gz");
    const second = join(scratch, "two.cpio.gz");
    succeeded(await bootlab(["pack", source, "-o", first]));
    utimesSync(join(source, "init"), 1_500_000_000, 1_500_000_000);
    succeeded(await bootlab(["pack", source, "-o", second]));
    const a = readFileSync(first);
    assert.deepEqual([...a.subarray(0, 2)], [0x1f, 0x8b], ".gz selects gzip");
    assert.ok(a.equals(readFileSync(second)));
  });
  it("round-trips through bootlab unpack, gzip included", async () => {
    const archive = join(scratch, "one.cpio.gz");
    const out = join(scratch, "roundtrip");
    const result = succeeded(await bootlab(["unpack", "--devices", "--keep-setid", archive, "-o", out]));
    assert.match(result.stdout, /unpacked \d+ entries into/);
    assert.deepEqual(describeDisk(out), describeDisk(source));
  });
});

describe("bootlab pack --list", () => {
  it("puts device nodes in without root, from a gen_init_cpio list", async () => {
    const dir = join(scratch, "list");
    mkdirSync(dir);
    writeFileSync(join(dir, "init.sh"), "#!/bin/sh\necho hi\n");
    writeFileSync(join(dir, "list.txt"), ["dir /dev 0755 0 0", "nod /dev/console 0600 0 0 c 5 1", "file /init init.sh 0755 0 0 /linit", "slink /bin/sh busybox 0777 0 0"].join("\n"));
    chmodSync(dir, 0o777);
    const archive = join(dir, "initramfs.cpio");
    succeeded(await bootlab(["pack", "--list", join(dir, "list.txt"), "-o", archive], { asNobody: true }));
    const listing = succeeded(await bootlab(["unpack", "--list", archive])).stdout;
    assert.match(listing, /^crw-------   1 0        0          5,   1 Jan  1  1970 dev\/console$/m);
    assert.match(listing, /^-rwxr-xr-x   2 0        0              \d+ Jan  1  1970 init$/m);
    assert.match(listing, /^lrwxrwxrwx .* bin\/sh -> busybox$/m);
    // GNU cpio agrees about the device node.
    const gnu = await run("cpio", ["-tvn", "--quiet", "-F", archive], { env: { ...process.env, TZ: "UTC" } });
    assert.match(gnu.stdout, /^crw-------\s+1 0\s+0\s+5,\s+1 .* dev\/console$/m);
  });
  it("names the line of a bad list, and refuses a name with ..", async () => {
    const list = join(scratch, "bad-list.txt");
    writeFileSync(list, "dir /dev 0755 0 0\nslink /../etc/x y 0777 0 0\n");
    const result = await bootlab(["pack", "--list", list, "-o", join(scratch, "bad.cpio")]);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /line 2: name "\/..\/etc\/x": escapes the root with "\.\."/);
  });
});

describe("bootlab unpack", () => {
  it("unpacks GNU cpio -o -H newc archives, hard links included, to the same tree", async () => {
    const names = (await run("find", ["."], { cwd: source })).stdout;
    const archive = join(scratch, "gnu.cpio");
    await run("cpio", ["-o", "--quiet", "-H", "newc", "-O", archive], { cwd: source, input: names });
    const out = join(scratch, "from-gnu");
    succeeded(await bootlab(["unpack", "--devices", "--keep-setid", archive, "-o", out]));
    assert.deepEqual(describeDisk(out, { mtimes: true }), describeDisk(source, { mtimes: true }));
    assert.match(describeDisk(out)["bin/ls"]!, / links bin\/busybox,bin\/ls,sbin\/init$/);
  });
  it("as a non-root user, reports the device nodes it cannot create and unpacks the rest", async () => {
    // The GNU archive of the source tree, then one from a list whose device nodes need no root
    // to pack, so the archive always holds devices whoever runs the tests.
    const devices = join(scratch, "devices.txt");
    writeFileSync(devices, "dir /dev 0755 0 0\nnod /dev/console 0600 0 0 c 5 1\nnod /dev/sda 0660 0 0 b 8 0\n");
    const devicesArchive = join(scratch, "devices.cpio");
    succeeded(await bootlab(["pack", "--list", devices, "-o", devicesArchive]));
    const archive = join(scratch, "gnu-and-devices.cpio");
    writeFileSync(archive, Buffer.concat([readFileSync(join(scratch, "gnu.cpio")), readFileSync(devicesArchive)]));
    const out = join(scratch, "nobody-out");
    mkdirSync(out);
    chmodSync(out, 0o777);
    const result = succeeded(await bootlab(["unpack", archive, "-o", out], { asNobody: true }));
    assert.match(result.stderr, /skipped dev\/console: character device 5,1: creating device nodes needs root/);
    assert.match(result.stderr, /skipped dev\/sda: block device 8,0/);
    assert.match(result.stdout, new RegExp(`\\(${madeDevices ? 3 : 2} skipped, see above\\)`));
    assert.deepEqual(describeDisk(out, { skipSpecial: true }), describeDisk(source, { skipSpecial: true }));
  });
  it("--list prints like cpio -tv", async () => {
    const listing = succeeded(await bootlab(["unpack", "--list", join(scratch, "source.cpio")])).stdout;
    assert.match(listing, /^drwxrwxrwt   2 0        0               0 Jan  1  1970 tmp$/m);
    assert.match(listing, /^-rwsr-xr-x   3 0        0            4096 Jan  1  1970 bin\/busybox$/m);
    assert.match(listing, /^lrwxrwxrwx   1 0        0              12 Jan  1  1970 sbin\/mount -> \/bin\/busybox$/m);
  });
  it("says what is wrong with a missing input, a malformed archive and an escaping path", async () => {
    const missing = await bootlab(["unpack", join(scratch, "nope.cpio"), "-o", join(scratch, "x")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /archive .*nope\.cpio: no such file/);

    const broken = join(scratch, "broken.cpio");
    const good = readFileSync(join(scratch, "source.cpio"));
    writeFileSync(broken, good.subarray(0, 300));
    const malformed = await bootlab(["unpack", broken, "-o", join(scratch, "x")]);
    assert.equal(malformed.code, 1);
    assert.match(malformed.stderr, /is not a valid initramfs: at byte \d+: got .*, want /);

    const evil = join(scratch, "evil.cpio");
    const name = "../escape\0";
    const header = "070701" + [1, 0o100644, 0, 0, 1, 0, 0, 0, 0, 0, 0, name.length, 0].map((n) => n.toString(16).padStart(8, "0")).join("");
    writeFileSync(evil, Buffer.from(header + name + "\0".repeat(((110 + name.length + 3) & ~3) - 110 - name.length), "latin1"));
    // The kernel resolves ".." of its root to the root: "../escape" is /escape, inside DIR.
    const escaping = succeeded(await bootlab(["unpack", evil, "-o", join(scratch, "x")]));
    assert.match(escaping.stderr, /note: "\.\.\/escape" at byte 0: the kernel resolves it .* to \/escape/);
    assert.deepEqual(readdirSync(join(scratch, "x")), ["escape"]);

    const noOutput = await bootlab(["pack", source]);
    assert.equal(noOutput.code, 2);
    assert.match(noOutput.stderr, /missing -o/);
    const noDir = await bootlab(["pack", join(scratch, "no-such-dir"), "-o", join(scratch, "x.cpio")]);
    assert.equal(noDir.code, 2);
    assert.match(noDir.stderr, /input directory .*no-such-dir does not exist/);
  });
  it("follows the kernel: writes through a symlinked parent, and says what it skips", async () => {
    const archive = join(scratch, "kernel-odd.cpio");
    writeFileSync(archive, rawArchive([
      { name: "elsewhere", mode: S_IFDIR | 0o755 },
      { name: "link", mode: S_IFLNK | 0o777, data: "/elsewhere" },
      { name: "link/x", mode: S_IFREG | 0o644, data: "through\n" },
      { name: "/abs/x", mode: S_IFREG | 0o644, data: "lost\n" },
    ]));
    const out = join(scratch, "kernel-odd");
    const result = succeeded(await bootlab(["unpack", archive, "-o", out]));
    assert.equal(readFileSync(join(out, "elsewhere/x"), "utf8"), "through\n");
    assert.match(result.stderr, /note: "\/abs\/x" at byte \d+: skipped, as the kernel does: abs does not exist \(ENOENT\)/);
    assert.match(result.stderr, /note: "link\/x" at byte \d+: the kernel resolves it .* to \/elsewhere\/x/);
    const listing = succeeded(await bootlab(["unpack", "--list", archive])).stdout;
    assert.match(listing, /^-rw-r--r--   1 0        0               8 Jan  1  1970 elsewhere\/x$/m);

    // Nothing the kernel would unpack: not "unpacked 0 entries" and exit 0.
    const lost = join(scratch, "lost.cpio");
    writeFileSync(lost, rawArchive([{ name: "/abs/x", mode: S_IFREG | 0o644, data: "lost\n" }, { name: "a//b", mode: S_IFREG | 0o644, data: "lost\n" }]));
    const nothing = await bootlab(["unpack", lost, "-o", join(scratch, "lost")]);
    assert.equal(nothing.code, 1, nothing.stdout + nothing.stderr);
    assert.match(nothing.stderr, /the kernel would unpack none of its entries/);
    assert.doesNotMatch(nothing.stdout, /unpacked 0 entries/);
  });
  it("unpacks an ext4 image as its tree, names a file that is neither, and --list escapes control characters as ls -b does", async () => {
    const image = join(scratch, "disk.ext4");
    writeFileSync(image, new Uint8Array(4 << 20));
    await run("mke2fs", ["-q", "-F", "-t", "ext4", image]);
    const ext4 = succeeded(await bootlab(["unpack", image, "-o", join(scratch, "ext4-out")]));
    assert.match(ext4.stdout, /unpacked 1 entries into/); // lost+found
    const elf = await bootlab(["unpack", process.execPath, "-o", join(scratch, "elf-out")]);
    assert.equal(elf.code, 1);
    assert.match(elf.stderr, /is not a valid initramfs: at byte \d+: got an ELF 64-bit file/);

    const odd = join(scratch, "odd-names.cpio");
    writeFileSync(odd, rawArchive([{ name: "evil\n\u001b[2Jname", mode: S_IFREG | 0o644, data: "x" }]));
    const listing = succeeded(await bootlab(["unpack", "--list", odd])).stdout;
    assert.equal(listing.split("\n").length, 2, listing);
    assert.match(listing, / evil\\n\\033\[2Jname\n$/);
  });
  it("replaces a symlink already in DIR instead of writing through it", async () => {
    const out = join(scratch, "trap");
    const outside = join(scratch, "outside");
    mkdirSync(out);
    mkdirSync(outside);
    symlinkSync(outside, join(out, "etc"));
    succeeded(await bootlab(["unpack", join(scratch, "source.cpio"), "-o", out]));
    assert.deepEqual(readdirSync(outside), []);
    assert.match(describeDisk(out).etc!, /^dir /);
  });
});
