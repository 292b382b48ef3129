// src/cli/host-tree.ts on its own: reading a host tree (hard links by inode, devices, owners,
// mtimes) and the guards of writing one (never outside DIR, never through a symlink).
import { strict as assert } from "node:assert";
import { existsSync, linkSync, statSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { directoryEntry, fileEntry, type CpioEntry } from "../../src/core/cpio/index.ts";
import { CliError } from "../../src/cli/command.ts";
import { run } from "../../src/cli/exec.ts";
import { readHostTree, writeHostTree } from "../../src/cli/host-tree.ts";

const scratch = mkdtempSync(join(tmpdir(), "bootlab-host-tree-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe("readHostTree", () => {
  it("finds hard links by inode, device numbers, and zeroes owners and mtimes unless asked", async () => {
    const dir = join(scratch, "read");
    mkdirSync(join(dir, "b"), { recursive: true });
    writeFileSync(join(dir, "a"), "data");
    linkSync(join(dir, "a"), join(dir, "b/a2"));
    utimesSync(join(dir, "a"), 1_234_567_890, 1_234_567_890);
    if (process.getuid?.() === 0) await run("mknod", [join(dir, "tty"), "c", "4", "64"]);
    const entries = readHostTree(dir);
    const byPath = new Map(entries.map((e) => [e.path, e]));
    assert.equal(byPath.get("a")?.kind, "file");
    assert.deepEqual(byPath.get("b/a2"), { kind: "hardlink", path: "b/a2", target: "a", mode: 0o644, uid: 0, gid: 0, mtime: 0 });
    assert.equal(byPath.get("a")?.mtime, 0);
    assert.equal(readHostTree(dir, { keepMtimes: true }).find((e) => e.path === "a")?.mtime, 1_234_567_890);
    if (process.getuid?.() === 0) assert.deepEqual(byPath.get("tty"), { kind: "char-device", path: "tty", major: 4, minor: 64, mode: 0o644, uid: 0, gid: 0, mtime: 0 });
  });
  it("says when the directory is missing or not a directory", () => {
    assert.throws(() => readHostTree(join(scratch, "missing")), (e: unknown) => e instanceof CliError && /does not exist/.test(e.message));
    writeFileSync(join(scratch, "plain"), "");
    assert.throws(() => readHostTree(join(scratch, "plain")), /is not a directory/);
  });
});

describe("writeHostTree", () => {
  it("refuses to write through a symlink on disk", async () => {
    const out = join(scratch, "out1");
    const outside = join(scratch, "outside");
    mkdirSync(out);
    mkdirSync(outside);
    symlinkSync(outside, join(out, "etc"));
    // Entries as no flattened tree would give them (the file without its directory entry).
    const entries: CpioEntry[] = [fileEntry("etc/passwd", "root::0:0::/root:/bin/sh\n")];
    const report = await writeHostTree(entries, out);
    assert.equal(report.written, 0);
    assert.deepEqual(report.failed.map((f) => f.path), ["etc/passwd"]);
    assert.match(report.failed[0]!.reason, /^etc in .* is a symlink, not a directory, and writing through it could leave/);
    assert.deepEqual(readdirSync(outside), []);
  });
  it("without /proc (the fallback walk), still writes a tree and refuses to write through a symlink", async () => {
    const out = join(scratch, "out-no-proc");
    const outside = join(scratch, "outside-no-proc");
    mkdirSync(out);
    mkdirSync(outside);
    symlinkSync(outside, join(out, "etc"));
    const entries: CpioEntry[] = [
      fileEntry("etc/passwd", "root::0:0::/root:/bin/sh\n"),
      directoryEntry("bin", { mode: 0o751 }),
      fileEntry("bin/sh", "#!\n", { mode: 0o755 }),
      { kind: "fifo", path: "bin/fifo", mode: 0o640, uid: 0, gid: 0, mtime: 7 },
    ];
    const report = await writeHostTree(entries, out, { useProcFd: false });
    assert.equal(report.raceFree, false);
    assert.deepEqual(report.failed.map((f) => f.path), ["etc/passwd"]);
    assert.deepEqual(readdirSync(outside), []);
    assert.equal(report.written, 3);
    assert.equal(statSync(join(out, "bin")).mode & 0o7777, 0o751);
    assert.ok(statSync(join(out, "bin/fifo")).isFIFO());
    assert.equal(statSync(join(out, "bin/fifo")).mtimeMs, 7000);
    assert.deepEqual(readdirSync(out).sort(), ["bin", "etc"], "the private directory is gone");
  });
  it("refuses a path that is not normalized to stay inside DIR", async () => {
    const out = join(scratch, "out2");
    const evil = { ...fileEntry("x", "x"), path: "../escaped" };
    await assert.rejects(writeHostTree([fileEntry("fine", "x"), evil], out), /refusing to write \.\.\/escaped: it is outside .*nothing was written/);
    assert.equal(existsSync(join(out, "fine")), false);
    assert.deepEqual(readdirSync(scratch).includes("escaped"), false);
  });
  it("reports sockets it cannot create instead of failing", async () => {
    // Device nodes as a non-root user: through the real binary, as nobody, in pack-unpack.test.ts.
    const out = join(scratch, "out3");
    const report = await writeHostTree([directoryEntry("dev"), { kind: "socket", path: "dev/log", mode: 0o755, uid: 0, gid: 0, mtime: 0 }], out);
    assert.equal(report.written, 1);
    assert.deepEqual(report.skipped.map((s) => s.path), ["dev/log"]);
    assert.match(report.skipped[0]!.reason, /socket/);
    assert.deepEqual(readdirSync(join(out, "dev")), []);
    assert.deepEqual(readdirSync(out), ["dev"], "the private directory for FIFOs and devices is gone");
  });
});
