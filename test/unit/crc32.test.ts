// The one CRC-32 of core, against the standard check value and GNU gzip's own trailer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { crc32, crc32Hex } from "../../src/core/crc32.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

test("the check value of CRC-32/ISO-HDLC: crc32('123456789') = cbf43926", () => {
  assert.equal(crc32Hex(crc32(bytes("123456789"))), "cbf43926");
  assert.equal(crc32(new Uint8Array(0)), 0);
});

test("continuing a CRC over pieces gives the CRC of the whole, at every split", () => {
  const data = bytes("The kernel accepts several cpio archives concatenated.");
  for (let split = 0; split <= data.length; split++) {
    assert.equal(crc32(data.subarray(split), crc32(data.subarray(0, split))), crc32(data));
  }
});

test("agrees with the CRC zlib writes into a gzip trailer", () => {
  const data = new Uint8Array(100_003).map((_, i) => (i * 2654435761) >>> 24);
  const gz = gzipSync(data);
  const trailer = new DataView(gz.buffer, gz.byteOffset + gz.length - 8, 4).getUint32(0, true);
  assert.equal(crc32(data), trailer);
});
