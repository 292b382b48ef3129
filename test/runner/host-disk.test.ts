// `bootlab boot --disk FILE`: the image stays on the host. QEMU reads it where it lies, copy-on-
// write, so even a disk larger than memory boots and the guest's writes never reach the file;
// v86 holds a disk in memory and refuses one over its limit with a message that says so.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readCpio } from "../../src/core/cpio/index.ts";
import { run } from "../../src/cli/exec.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";
import { ext4Image } from "./systems.ts";

const BIN = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));
const bootlab = (args: string[], input: string) => run(process.execPath, [BIN, "boot", ...args], { input, check: false });

/** The base system's tree (BusyBox and /dev) as an ext4 root disk, written to a file. */
async function rootDisk(dir: string): Promise<string> {
  const artifacts = await prebuiltArtifacts();
  const base = readCpio(await artifacts.plainInitrd(artifacts.base("i386")!.path)).filter((e) => e.path !== "init");
  const file = join(dir, "root.ext4");
  await writeFile(file, await ext4Image(base, 8));
  return file;
}

const sha = async (file: string) => createHash("sha256").update(await readFile(file)).digest("hex");

test("QEMU boots a root disk from the file itself; what the guest writes does not reach the file", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bootlab-disk-"));
  try {
    const disk = await rootDisk(dir);
    const before = await sha(disk);
    const r = await bootlab(["--emulator", "qemu", "--accel", "tcg", "--disk", disk, "--append", "root=/dev/sda rw init=/bin/sh"], "echo written > /guest-wrote; sync; cat /guest-wrote\npoweroff -f\n");
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^written\r?$/m);
    assert.equal(await sha(disk), before, "the image on the host is unchanged");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a 3 GiB disk: QEMU attaches it without reading it, v86 refuses it naming its limit", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bootlab-disk-"));
  try {
    const big = join(dir, "big.img");
    await writeFile(big, "");
    await truncate(big, 3 * 1024 ** 3); // sparse: no space taken
    const qemu = await bootlab(["--emulator", "qemu", "--accel", "tcg", "--disk", big, "--kernel", "full"], "cat /proc/partitions\npoweroff -f\n");
    assert.equal(qemu.code, 0, qemu.stderr);
    assert.match(qemu.stdout, /\b3145728 sda\b/, "the guest sees a 3 GiB sda");
    const v86 = await bootlab(["--disk", big], "poweroff -f\n");
    assert.equal(v86.code, 2, v86.stderr);
    assert.match(v86.stderr, /disk 1: got 3072 MiB, v86 holds a disk in memory and takes at most 1024 MiB; boot it in QEMU/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
