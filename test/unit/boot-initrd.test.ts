import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { MAX_INFLATED_INITRD_BYTES, inflateInitrd, prepareInitrd } from "../../src/core/boot/initrd.ts";
import { fileEntry, packCpio, packCpioGz, readCpio } from "../../src/core/cpio/index.ts";

const enc = (s: string) => new TextEncoder().encode(s);

test("a gzip'd archive is inflated; the files read back the same", () => {
  const entries = [fileEntry("init", "#!/bin/sh\nexec sh\n", { mode: 0o755 }), fileEntry("etc/motd", "hi\n")];
  const gz = packCpioGz(entries);
  const inflated = inflateInitrd(gz);
  assert.deepEqual(inflated, packCpio(entries));
  assert.deepEqual(readCpio(inflated), readCpio(gz));
});

test("several members, NUL padding and a trailing plain part: each piece starts 4-aligned", () => {
  const a = enc("abcde"); // 5 bytes -> padded to 8
  const b = enc("0707"); // a plain part after the members
  const joined = new Uint8Array([...gzipSync(a), 0, 0, 0, ...gzipSync(enc("xy")), ...b]);
  const out = inflateInitrd(joined);
  assert.deepEqual([...out], [...a, 0, 0, 0, ...enc("xy"), 0, 0, ...b]);
});

test("not gzip, corrupt gzip, or too big: the bytes stay as they are, for the kernel to judge", () => {
  const plain = enc("070701...");
  assert.equal(inflateInitrd(plain), plain);
  const corrupt = gzipSync(enc("hello world"));
  const at = corrupt.length - 5;
  corrupt[at] = corrupt[at]! ^ 0xff; // break the CRC
  assert.equal(inflateInitrd(corrupt), corrupt);
  const bomb = gzipSync(new Uint8Array(MAX_INFLATED_INITRD_BYTES + 1024));
  assert.equal(inflateInitrd(bomb), bomb);
});

test("prepareInitrd inflates each archive and joins them", () => {
  const base = packCpioGz([fileEntry("bin/x", "1")]);
  const overlay = packCpioGz([fileEntry("bin/x", "2")]);
  const joined = prepareInitrd([base, overlay]);
  const files = readCpio(joined).filter((e) => e.path === "bin/x");
  assert.equal(files.length, 2, "both archives are there, the overlay last");
});
