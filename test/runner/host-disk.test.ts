// `bootlab boot --disk FILE`: the image stays on the host. QEMU reads it where it lies, copy-on-
// write, so even a disk larger than memory boots and the guest's writes never reach the file;
// v86 holds a disk in memory and refuses one over its limit with a message that says so.
// --disk-writes keep makes the guest's writes reach the file, on both emulators.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { fileEntry, readCpio } from "../../src/core/cpio/index.ts";
import { readExt4, writeExt4 } from "../../src/core/ext4/index.ts";
import { findTool, run } from "../../src/cli/exec.ts";
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

/** A 4 MiB ext4 data disk with one file, written by writeExt4 to a file. */
async function dataDisk(dir: string, name: string): Promise<string> {
  const file = join(dir, name);
  await writeFile(file, writeExt4([fileEntry("hello.txt", "from the host\n")], { size: 4 << 20 }));
  return file;
}

const GUEST_WRITES = "mount /dev/sda /mnt && cat /mnt/hello.txt && echo from-the-guest > /mnt/guest.txt && umount /mnt\npoweroff -f\n";

for (const emulator of ["v86", "qemu"] as const) {
  test(`${emulator}: --disk-writes keep makes the guest's writes reach the file (checked with e2fsck and our reader); discard, the default, leaves it as it was`, async () => {
    const dir = await mkdtemp(join(tmpdir(), "bootlab-disk-writes-"));
    try {
      const kept = await dataDisk(dir, "kept.ext4");
      const discarded = await dataDisk(dir, "discarded.ext4");
      const before = await sha(discarded);
      const args = ["--emulator", emulator, "--accel", "tcg", "--timeout", "90"];
      const keep = await bootlab([...args, "--disk", kept, "--disk-writes", "keep"], GUEST_WRITES);
      assert.equal(keep.code, 0, keep.stderr);
      assert.match(keep.stdout, /^from the host\r?$/m);
      const tree = new Map(readExt4(new Uint8Array(await readFile(kept))).map((e) => [e.path, e]));
      const written = tree.get("guest.txt");
      assert.ok(written?.kind === "file", `guest.txt is in the image: ${[...tree.keys()].join(" ")}`);
      assert.equal(new TextDecoder().decode(written.data), "from-the-guest\n");
      if (findTool("e2fsck")) await run("e2fsck", ["-fn", kept]);
      if (emulator === "v86") assert.match(keep.stderr, /kept the guest's writes in .*kept\.ext4/);

      const discard = await bootlab([...args, "--disk", discarded], GUEST_WRITES);
      assert.equal(discard.code, 0, discard.stderr);
      assert.equal(await sha(discarded), before, "the default discards the guest's writes");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}

test("--disk-writes keep without a --disk, or with another value, is a usage error", async () => {
  const none = await bootlab(["--disk-writes", "keep"], "");
  assert.equal(none.code, 2);
  assert.match(none.stderr, /--disk-writes keep: no --disk FILE/);
  const bad = await bootlab(["--disk-writes", "maybe"], "");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--disk-writes/);
});
