// A file that is not an initramfs is named for what it is (issue 10): an ext2/3/4 image, gzip
// of something else, xz, zstd, an ELF, a zip, a kernel; not "want a cpio header".
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync, zipSync } from "fflate";
import { CpioFormatError, fileEntry, packCpio, readCpio } from "../../src/core/cpio/index.ts";
import { run } from "../../src/cli/exec.ts";

const scratch = mkdtempSync(join(tmpdir(), "bootlab-sniff-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const prebuilt = resolve(import.meta.dirname, "../../prebuilt/i386");

function problem(bytes: Uint8Array): string {
  try {
    readCpio(bytes);
  } catch (error) {
    assert.ok(error instanceof CpioFormatError, String(error));
    return error.message;
  }
  assert.fail("want a CpioFormatError");
}

async function extImage(type: string): Promise<Uint8Array> {
  const file = join(scratch, `${type}.img`);
  writeFileSync(file, new Uint8Array(4 << 20)); // ext3 needs room for a journal
  await run("mke2fs", ["-q", "-F", "-t", type, file]);
  return readFileSync(file);
}

describe("what a non-cpio file is", () => {
  for (const type of ["ext2", "ext3", "ext4"]) {
    it(`an ${type} image`, async () => {
      assert.match(problem(await extImage(type)), new RegExp(`got an ${type} filesystem image \\(magic 0xEF53 at byte 1080\\)`));
    });
  }
  it("gzip of something that is not a cpio archive", async () => {
    assert.match(problem(gzipSync(await extImage("ext4"))), /got gzip-compressed data that is an ext4 filesystem image/);
    assert.match(problem(gzipSync(readFileSync(join(prebuilt, "busybox")))), /got gzip-compressed data that is an ELF 32-bit file/);
  });
  it("xz and zstd", async () => {
    const cpio = join(scratch, "a.cpio");
    writeFileSync(cpio, packCpio([fileEntry("init", "x")]));
    await run("xz", ["-kf", cpio]);
    await run("zstd", ["-qf", cpio]);
    assert.match(problem(readFileSync(cpio + ".xz")), /got xz-compressed data, want a plain or gzip-compressed cpio archive \(decompress it first, e.g. unxz\)/);
    assert.match(problem(readFileSync(cpio + ".zst")), /got zstd-compressed data/);
  });
  it("an ELF, a zip, a kernel", () => {
    assert.match(problem(readFileSync(join(prebuilt, "busybox"))), /^at byte 0: got an ELF 32-bit file/);
    assert.match(problem(zipSync({ "bundle.json": new Uint8Array([123, 125]) })), /got a zip archive, want a cpio archive .*: a bootlab export bundle boots with bootlab boot --bundle FILE\.zip$/);
    assert.match(problem(readFileSync(join(prebuilt, "tiny/bzImage"))), /got a Linux kernel image \(bzImage/);
  });
  it("something unknown still says what was wanted", () => {
    assert.match(problem(new TextEncoder().encode("hello")), /^at byte 0: got byte 0x68, want a cpio header \("070701"\), NUL padding or gzip data \(1f 8b\)$/);
  });
});
