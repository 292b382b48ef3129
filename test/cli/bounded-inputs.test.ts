// Every input bootlab reads is bounded: devices and FIFOs are refused at once, files over the
// size limit are refused with a message that names the limit and --max-size, and unreadable
// files are named one by one (exit 2), never a hang, a RangeError or a stack trace.
import { strict as assert } from "node:assert";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync } from "fflate";
import { CliError } from "../../src/cli/command.ts";
import { run, type RunResult } from "../../src/cli/exec.ts";
import { readInputFile, readInputFileSync } from "../../src/cli/input-file.ts";
import { readUserFile } from "../../src/cli/runners/artifacts.ts";
import { fileEntry, packCpio } from "../../src/core/cpio/index.ts";

const bin = resolve(import.meta.dirname, "../../src/cli/bin.mjs");
const scratch = mkdtempSync(join(tmpdir(), "bootlab-bounded-"));
chmodSync(scratch, 0o755);
after(() => rmSync(scratch, { recursive: true, force: true }));
const asRoot = process.getuid?.() === 0;

/** The real binary, killed after `seconds` (a hang is a failure, not a stuck test run). */
async function bootlab(args: string[], options: { asNobody?: boolean; seconds?: number } = {}): Promise<RunResult & { ms: number }> {
  const started = performance.now();
  const argv = ["-s", "KILL", String(options.seconds ?? 30), process.execPath, bin, ...args];
  const result =
    options.asNobody && asRoot
      ? await run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "timeout", ...argv], { check: false })
      : await run("timeout", argv, { check: false });
  return { ...result, ms: performance.now() - started };
}

function refused(result: RunResult & { ms: number }, code: number, message: RegExp): void {
  assert.equal(result.code, code, `exit ${result.code} after ${Math.round(result.ms)} ms\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  assert.match(result.stderr, message);
  assert.doesNotMatch(result.stderr, /unexpected error|\n\s+at /, "no stack trace");
}

describe("bootlab unpack: bounded input", () => {
  it("refuses --list /dev/zero at once instead of reading forever", async () => {
    refused(await bootlab(["unpack", "--list", "/dev/zero"]), 2, /archive \/dev\/zero: is a character device, want a regular file/);
  });
  it("refuses a FIFO without waiting for a writer", async () => {
    const fifo = join(scratch, "fifo");
    await run("mkfifo", [fifo]);
    refused(await bootlab(["unpack", "--list", fifo], { seconds: 10 }), 2, /is a FIFO \(named pipe\), want a regular file/);
  });
  it("refuses an archive over --max-size, naming the limit and the option", async () => {
    const archive = join(scratch, "big.cpio");
    writeFileSync(archive, packCpio([fileEntry("a", new Uint8Array(4096))]));
    refused(await bootlab(["unpack", "--list", "--max-size", "1K", archive]), 2, /bytes, more than the limit of 1 KiB; if it is genuine, raise the limit with --max-size SIZE/);
    assert.equal((await bootlab(["unpack", "--list", "--max-size", "1M", archive])).code, 0);
    refused(await bootlab(["unpack", "--list", "--max-size", "lots", archive]), 2, /--max-size: got "lots"/);
  });
  it("says which option raises the inflate limit of a gzip member", async () => {
    const archive = join(scratch, "bomb.cpio.gz");
    writeFileSync(archive, gzipSync(packCpio([fileEntry("zeros", new Uint8Array(4 * 1024 * 1024))])));
    refused(await bootlab(["unpack", "--list", "--max-size", "1M", archive]), 1, /raise it with --max-size SIZE/);
  });
});

describe("bootlab pack: bounded input", () => {
  it("refuses a gen_init_cpio list naming /dev/zero, with the line", async () => {
    const list = join(scratch, "list.txt");
    writeFileSync(list, "dir /etc 0755 0 0\nfile /etc/zero /dev/zero 0644 0 0\n");
    refused(await bootlab(["pack", "--list", list, "-o", join(scratch, "out.cpio")]), 2, /line 2: cannot read \/dev\/zero: is a character device, want a regular file/);
  });
  it("refuses a list whose files together pass --max-size", async () => {
    writeFileSync(join(scratch, "4k"), new Uint8Array(4096));
    const list = join(scratch, "list2.txt");
    writeFileSync(list, "file /a 4k 0644 0 0\nfile /b 4k 0644 0 0\n");
    refused(await bootlab(["pack", "--list", list, "--max-size", "6K", "-o", join(scratch, "out.cpio")]), 2, /line 2: .*more than the limit of 6 KiB; .*--max-size/);
  });
  it("refuses a DIR with a 3 GB sparse file at once, naming it and the limit", async () => {
    const dir = join(scratch, "sparse");
    mkdirSync(dir);
    writeFileSync(join(dir, "huge.img"), "");
    truncateSync(join(dir, "huge.img"), 3 * 1024 ** 3);
    writeFileSync(join(dir, "init"), "#!/bin/sh\n");
    const result = await bootlab(["pack", dir, "-o", join(scratch, "sparse.cpio")]);
    refused(result, 2, /cannot pack 1 entry of .*sparse, so nothing was packed:\n\s+huge\.img: 3221225472 bytes, more than the limit of 1 GiB; if it is genuine, raise the limit with --max-size/);
    assert.ok(result.ms < 20_000, `took ${result.ms} ms`);
  });
  it("names every unreadable file of a DIR and writes nothing", async () => {
    // As root the files are root's own and bootlab runs as nobody (setpriv, util-linux); as
    // another user they are made unreadable to their owner too.
    if (asRoot) assert.match((await run("setpriv", ["--help"], { check: false })).stdout, /--reuid/, "setpriv can drop root");
    const dir = join(scratch, "secrets");
    mkdirSync(join(dir, "private"), { recursive: true });
    writeFileSync(join(dir, "ok"), "fine\n");
    writeFileSync(join(dir, "a-secret"), "no\n", { mode: asRoot ? 0o600 : 0o000 });
    writeFileSync(join(dir, "b-secret"), "no\n", { mode: asRoot ? 0o600 : 0o000 });
    chmodSync(join(dir, "private"), asRoot ? 0o700 : 0o000);
    const out = join(scratch, "nobody-out");
    mkdirSync(out);
    chmodSync(out, 0o777);
    const result = await bootlab(["pack", dir, "-o", join(out, "secrets.cpio")], { asNobody: true });
    refused(result, 2, /cannot pack 3 entries of .*secrets, so nothing was packed:\n\s+a-secret: permission denied.*\n\s+b-secret: permission denied.*\n\s+private\/: cannot list the directory: permission denied/);
  });
});

describe("readInputFile (what boot --kernel/--rootfs/--disk/--bundle read through readUserFile)", () => {
  it("refuses devices, FIFOs, directories and files over the limit with the option's name", async () => {
    await assert.rejects(readUserFile("/dev/zero", "--rootfs"), (e: unknown) => e instanceof CliError && e.exitCode === 2 && /^--rootfs \/dev\/zero: is a character device, want a regular file$/.test(e.message));
    await assert.rejects(readUserFile(scratch, "--kernel"), /--kernel .*: is a directory, want a file/);
    await assert.rejects(readUserFile(join(scratch, "missing"), "--disk"), /--disk .*missing: no such file/);
    const file = join(scratch, "2k");
    writeFileSync(file, new Uint8Array(2048));
    await assert.rejects(readUserFile(file, "--disk", 1024, "--max-disk-size"), /--disk .*2k: 2048 bytes, more than the limit of 1 KiB; if it is genuine, raise the limit with --max-disk-size SIZE/);
    assert.equal((await readUserFile(file, "--disk", 2048)).length, 2048);
    assert.equal((await readInputFile(file, { label: "x" })).length, 2048);
    assert.equal(readInputFileSync(file, { label: "x" }).length, 2048);
    assert.throws(() => readInputFileSync("/dev/zero", { label: "x" }), /is a character device/);
  });
});
