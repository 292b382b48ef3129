// Every class of malformed input the reader must reject: a CpioFormatError whose offset points
// at the problem and whose message says "at byte N: got X, want Y". Nothing else is thrown.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import { gzipSync } from "fflate";
import { concatArchives, CpioFormatError, fileEntry, packCpio, packCpioGz, readCpio, symlinkEntry } from "../../src/core/cpio/index.ts";

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (n: number): string => n.toString(16).toUpperCase().padStart(8, "0");

interface Raw {
  magic?: string;
  mode?: number;
  filesize?: number;
  namesize?: number;
  check?: number;
  nlink?: number;
}

/** A header with chosen (possibly lying) fields, followed by `rest` as given. */
function rawHeader(fields: Raw, rest: Uint8Array = new Uint8Array(0)): Uint8Array {
  const values = [1, fields.mode ?? 0o100644, 0, 0, fields.nlink ?? 1, 0, fields.filesize ?? 0, 0, 0, 0, 0, fields.namesize ?? 2, fields.check ?? 0];
  const header = text((fields.magic ?? "070701") + values.map(hex).join(""));
  const out = new Uint8Array(header.length + rest.length);
  out.set(header);
  out.set(rest, header.length);
  return out;
}

function expectFormatError(bytes: Uint8Array, offset: number, message: RegExp): void {
  assert.throws(
    () => readCpio(bytes),
    (error: unknown) => {
      assert.ok(error instanceof CpioFormatError, `want CpioFormatError, got ${String(error)}`);
      assert.match(error.message, message);
      assert.match(error.message, /^at byte \d+: got .*want/);
      assert.equal(error.offset, offset, error.message);
      return true;
    },
  );
}

describe("malformed archives", () => {
  it("bad magic", () => {
    expectFormatError(rawHeader({ magic: "070709" }), 0, /got magic "070709", want "070701" \(newc\) or "070702" \(crc\)/);
    expectFormatError(rawHeader({ magic: "070707" }), 0, /old portable cpio.*cpio -H newc/);
  });
  it("a stray byte where a header, padding or gzip should be", () => {
    const archive = packCpio([fileEntry("a", "a")]);
    expectFormatError(concatArchives([archive, text("junk")]), archive.length, /got byte 0x6a, want a cpio header/);
  });
  it("other compressions are named", () => {
    expectFormatError(new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1, 2]), 0, /got xz-compressed data.*unxz/);
    expectFormatError(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 1, 2]), 0, /zstd/);
  });
  it("truncated header", () => {
    const archive = packCpio([fileEntry("a", "a")]);
    expectFormatError(archive.subarray(0, 50), 0, /got a truncated header of 50 bytes, want 110/);
  });
  it("a field that is not hex", () => {
    const bytes = rawHeader({}, text("a\0"));
    bytes.set(text("00zz"), 6 + 6 * 8);
    expectFormatError(bytes, 54, /got c_filesize "00zz0000", want 8 hex digits/);
  });
  it("absurd name sizes", () => {
    expectFormatError(rawHeader({ namesize: 0 }), 94, /got c_namesize 0, want 1 to 4096/);
    expectFormatError(rawHeader({ namesize: 0xffffffff }), 94, /got c_namesize 4294967295, want 1 to 4096/);
  });
  it("truncated name", () => {
    expectFormatError(rawHeader({ namesize: 100 }, text("abc")), 110, /got a truncated name of 3 bytes, want 100/);
  });
  it("name without its NUL, or with one inside", () => {
    expectFormatError(rawHeader({ namesize: 4 }, text("abcd")), 113, /got name "abcd" ending in 0x64, want it to end with its NUL/);
    expectFormatError(rawHeader({ namesize: 4 }, text("a\0c\0")), 111, /got a NUL inside name/);
  });
  it("truncated data and absurd file sizes, without allocating them", () => {
    expectFormatError(rawHeader({ filesize: 10 }, text("a\0abc")), 112, /got truncated data of 3 bytes, want 10/);
    expectFormatError(rawHeader({ filesize: 0xffffffff }, text("a\0")), 112, /got truncated data of 0 bytes, want 4294967295/);
  });
  it("names that escape the root", () => {
    const bytes = rawHeader({ namesize: 14 }, text("../etc/passwd\0"));
    expectFormatError(bytes, 110, /got name "..\/etc\/passwd", which escapes the root with "..", want a path inside the archive/);
    expectFormatError(rawHeader({ namesize: 9 }, text("/a/../..\0")), 110, /escapes the root/);
  });
  it("names that are not UTF-8", () => {
    expectFormatError(rawHeader({ namesize: 3 }, new Uint8Array([0xff, 0xfe, 0])), 110, /want UTF-8/);
  });
  it("an unknown file type", () => {
    expectFormatError(rawHeader({ mode: 0o170644 }, text("a\0")), 14, /got c_mode 0o170644 for "a", want a file type/);
  });
  it("a symlink without a target or with an absurd one", () => {
    expectFormatError(rawHeader({ mode: 0o120777 }, text("a\0")), 54, /got a symlink target of 0 bytes/);
    const long = new Uint8Array(5000).fill(0x61);
    const bytes = concatArchives([rawHeader({ mode: 0o120777, filesize: 5000 }, text("a\0")), long]);
    expectFormatError(bytes, 54, /got a symlink target of 5000 bytes for a, want 1 to 4096/);
  });
  it("a bad checksum in the crc format", () => {
    const good = rawHeader({ magic: "070702", filesize: 2, check: 0x61 + 0x62 }, text("a\0ab\0\0"));
    assert.equal(readCpio(good).length, 1);
    expectFormatError(rawHeader({ magic: "070702", filesize: 2, check: 5 }, text("a\0ab\0\0")), 102, /got c_chksum 5 for a, want 195/);
  });
  it("a header that is not 4-byte aligned", () => {
    const archive = packCpio([fileEntry("a", "a")]);
    const shifted = new Uint8Array(archive.length + 2);
    shifted.set(archive, 2);
    expectFormatError(shifted, 2, /not a multiple of 4/);
  });
});

describe("malformed gzip", () => {
  const gz = packCpioGz([fileEntry("init", "x".repeat(1000)), symlinkEntry("bin/sh", "busybox")]);
  it("corrupt deflate data", () => {
    const bad = gz.slice();
    for (let i = 12; i < 20; i++) bad[i] = 0xff;
    expectFormatError(bad, 0, /gzip/);
  });
  it("a truncated member", () => {
    // The deflate stream is whole; the error points where its trailer should start.
    expectFormatError(gz.subarray(0, gz.length - 5), gz.length - 8, /got 3 bytes where the gzip member's 8-byte trailer \(CRC-32 and size\) should be/);
    expectFormatError(gz.subarray(0, gz.length - 20), 0, /got end of input at byte \d+ inside the gzip member's deflate stream|corrupt gzip data/);
    expectFormatError(gz.subarray(0, 6), 6, /end of input inside the gzip header/);
  });
  it("a wrong CRC in the trailer", () => {
    const bad = gz.slice();
    bad[bad.length - 8]! ^= 0xff;
    expectFormatError(bad, gz.length - 8, /got CRC-32 0x[0-9a-f]{8} and size \d+ in the gzip trailer, want 0x[0-9a-f]{8} and \d+: the trailer \(CRC-32 and size of the \d+ bytes it decompressed to\) is missing or wrong/);
  });
  it("a method other than deflate", () => {
    const bad = gz.slice();
    bad[2] = 7;
    expectFormatError(bad, 2, /got gzip compression method 7, want 8/);
  });
  it("junk inside a compressed archive", () => {
    expectFormatError(gzipSync(text("hello, world")), 0, /^at byte 0: got byte 0x68 inside a compressed archive, want a cpio header or NUL padding \(at byte 0 of the data decompressed from the gzip member that starts here\)$/);
  });
  it("a malformed entry inside a member names both offsets", () => {
    const inner = packCpio([fileEntry("a", "a")]).slice(0, 200);
    const first = packCpio([fileEntry("z", "z")]);
    const stream = concatArchives([first, gzipSync(inner)]);
    expectFormatError(stream, first.length, /got a truncated header of 84 bytes, want 110 \(at byte 116 of the data decompressed from the gzip member that starts here\)/);
  });
  it("a gzip bomb past the budget", () => {
    const bomb = gzipSync(concatArchives([packCpio([fileEntry("zeros", new Uint8Array(8 << 20))])]));
    assert.ok(bomb.length < 64 * 1024);
    assert.throws(() => readCpio(bomb, { maxBytes: 1 << 20 }), (e: unknown) => e instanceof CpioFormatError && /got more than 1048576 bytes from the gzip member/.test(e.message));
    assert.equal(readCpio(bomb).length, 1);
  });
});
