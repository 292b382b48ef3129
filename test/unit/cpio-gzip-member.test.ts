// A gzip member ends where its deflate stream ends, and its trailer must be right there: a
// stored block that holds its own CRC-32 and size must not end the member early (issue 10).
import { strict as assert } from "node:assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gzipSync } from "fflate";
import { concatArchives, CpioFormatError, fileEntry, gunzipMember, kernelTreeEntries, packCpio, readCpio, readCpioRecords, unpackLikeKernel } from "../../src/core/cpio/index.ts";
import { run } from "../../src/cli/exec.ts";
import { concatBytes, selfTrailerGzip, storedGzip } from "./crafted-archives.ts";

const scratch = mkdtempSync(join(tmpdir(), "bootlab-gzip-member-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const decode = (b: Uint8Array): string => new TextDecoder().decode(b);

describe("gunzipMember", () => {
  it("a stored block holding its own trailer: /init is what gzip -dc | cpio -i (GNU) gives", async () => {
    const { bytes, good } = selfTrailerGzip();
    const file = join(scratch, "self.cpio.gz");
    writeFileSync(file, bytes);
    await run("gzip", ["-t", file]); // a valid gzip file
    const out = join(scratch, "gnu");
    await run("mkdir", ["-p", out]);
    await run("sh", ["-c", `gzip -dc "$1" | cpio -i --quiet`, "sh", file], { cwd: out });
    const gnu = readFileSync(join(out, "init"), "utf8");
    assert.equal(gnu, good);
    const init = kernelTreeEntries(unpackLikeKernel(readCpioRecords(bytes))).find((e) => e.path === "init");
    assert.equal(init?.kind === "file" ? decode(init.data) : undefined, gnu, "the kernel's tree holds GNU cpio's /init");
    assert.deepEqual(readCpio(bytes).map((e) => e.path), ["hide", "init"]);
  });
  it("ends the member exactly after the trailer, so the next archive starts there", () => {
    const first = storedGzip(packCpio([fileEntry("a", "1")]));
    const second = packCpio([fileEntry("b", "2")]);
    const stream = concatArchives([first, second]);
    assert.equal(gunzipMember(stream, 0, 1 << 20).end, first.length);
    assert.deepEqual(readCpio(stream).map((e) => e.path), ["a", "b"]);
  });
  it("reads concatenated members whatever the last member's size says about the first", () => {
    const big = packCpio([fileEntry("big", "b".repeat(100_000))]);
    const small = packCpio([fileEntry("small", "s")]);
    for (const [one, two] of [[big, small], [small, big], [big, big]] as const) {
      const stream = concatArchives([gzipSync(one), gzipSync(two)]);
      const member = gunzipMember(stream, 0, 1 << 20);
      assert.deepEqual(member.data, one);
      assert.deepEqual(readCpio(stream).map((e) => e.path), [...readCpio(one), ...readCpio(two)].map((e) => e.path));
    }
  });
  it("requires the trailer right after the deflate stream, naming that offset", () => {
    const gz = gzipSync(packCpio([fileEntry("init", "x".repeat(100))]));
    // Eight foreign bytes where the trailer belongs, the real trailer after them.
    const moved = concatBytes([gz.subarray(0, gz.length - 8), new Uint8Array(8).fill(0x55), gz.subarray(gz.length - 8)]);
    assert.throws(
      () => gunzipMember(moved, 0, 1 << 20),
      (e: unknown) => e instanceof CpioFormatError && e.offset === gz.length - 8 && /got CRC-32 0x55555555 and size 1431655765 in the gzip trailer, want 0x/.test(e.message),
    );
  });
});
