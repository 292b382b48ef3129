// `bootlab unpack` and `unpack --list` read an archive in pieces (issue 10: a 1,000 MiB member
// peaked at 3.4 GB): their memory does not grow with the data. A 300 MiB file of zeros (1.4 MB
// gzip'd, made in a few seconds) is listed and unpacked by the real binary, and the peak RSS of
// that process (getrusage at exit, through test/cli/peak-rss.mjs) must stay within 150 MiB of
// what listing a one-file archive takes. The whole-buffer reader held the input and the inflated
// member, 300 MiB or more above that (measured: 380 MiB for the gzip'd list, 300 for the plain).
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, openSync, readSync, closeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { run } from "../../src/cli/exec.ts";
import { fileEntry, packCpio } from "../../src/core/cpio/index.ts";
import { rawEntry, S_IFREG } from "../unit/crafted-archives.ts";

const bin = resolve(import.meta.dirname, "../../src/cli/bin.mjs");
const peakRss = resolve(import.meta.dirname, "peak-rss.mjs");
const scratch = mkdtempSync(join(tmpdir(), "bootlab-unpack-memory-"));
after(() => rmSync(scratch, { recursive: true, force: true }));

const DATA = 300 * 1024 * 1024;
const MiB = 1024;
/** Most KiB a command may take above listing a one-file archive. */
const ALLOWANCE = 150 * MiB;

/** Runs the real binary; returns its output and its own peak RSS in KiB. */
async function bootlab(args: string[]): Promise<{ code: number; stdout: string; stderr: string; peak: number }> {
  const peakFile = join(scratch, `peak-${Math.random().toString(36).slice(2)}`);
  const result = await run("timeout", ["-s", "KILL", "60", process.execPath, "--import", peakRss, bin, ...args], {
    check: false,
    env: { ...process.env, BOOTLAB_PEAK_RSS_FILE: peakFile },
  });
  return { ...result, peak: Number(readFileSync(peakFile, "utf8")) };
}

let baseline = 0;
const big = join(scratch, "big.cpio");
const bigGz = join(scratch, "big.cpio.gz");

before(async () => {
  // The header of one 300 MiB file, the zeros, the trailer: written by the shell, gzip'd by gzip.
  writeFileSync(join(scratch, "head"), rawEntry({ name: "zeros", mode: S_IFREG | 0o644, filesize: DATA }));
  writeFileSync(join(scratch, "tail"), rawEntry({ name: "TRAILER!!!", mode: 0, ino: 0 }));
  await run("sh", ["-c", `{ cat head; head -c ${DATA} /dev/zero; cat tail; } > big.cpio && gzip -1 -c big.cpio > big.cpio.gz`], { cwd: scratch });
  const small = join(scratch, "small.cpio");
  writeFileSync(small, packCpio([fileEntry("small", "x")]));
  baseline = (await bootlab(["unpack", "--list", small])).peak;
});

function withinAllowance(peak: number, what: string): void {
  assert.ok(peak > 0, "the peak was reported");
  assert.ok(
    peak - baseline < ALLOWANCE,
    `${what}: peak RSS ${Math.round(peak / MiB)} MiB, ${Math.round((peak - baseline) / MiB)} MiB above a one-file archive's ${Math.round(baseline / MiB)} MiB; want under ${ALLOWANCE / MiB} MiB above it for ${DATA / 1024 / MiB} MiB of data`,
  );
}

describe("bootlab unpack: memory does not grow with the archive", () => {
  it("--list of a 300 MiB member, gzip'd", async () => {
    const r = await bootlab(["unpack", "--list", bigGz]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`-rw-r--r-- +1 0 +0 +${DATA} .* zeros\\n`));
    withinAllowance(r.peak, "unpack --list big.cpio.gz");
  });
  it("--list of a 300 MiB plain archive", async () => {
    const r = await bootlab(["unpack", "--list", big]);
    assert.equal(r.code, 0, r.stderr);
    withinAllowance(r.peak, "unpack --list big.cpio");
  });
  it("-o DIR of a 300 MiB member, gzip'd: the file is whole", async () => {
    const out = join(scratch, "out");
    const r = await bootlab(["unpack", bigGz, "-o", out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /unpacked 1 entries into/);
    assert.equal(statSync(join(out, "zeros")).size, DATA);
    // The last bytes are there (zeros), and nothing else is left in DIR.
    const fd = openSync(join(out, "zeros"), "r");
    const tail = new Uint8Array(4096);
    assert.equal(readSync(fd, tail, 0, tail.length, DATA - tail.length), tail.length);
    closeSync(fd);
    assert.ok(tail.every((b) => b === 0));
    assert.deepEqual((await run("ls", ["-A", out])).stdout.trim().split("\n"), ["zeros"]);
    withinAllowance(r.peak, "unpack big.cpio.gz -o DIR");
    rmSync(out, { recursive: true, force: true });
  });
});
