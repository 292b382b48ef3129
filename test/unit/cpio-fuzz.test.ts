// Property and fuzz tests of the reader and writer (fast-check): random trees round-trip, and
// thousands of random or mutated archives either read or fail with a CpioFormatError, never
// with anything else, never hanging. Bounded to a few seconds.
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import fc from "fast-check";
import { CpioEntryError, CpioFormatError, flattenEntries, packCpio, packCpioGz, readCpio } from "../../src/core/cpio/index.ts";
import { archiveArb, entryArb, mutate, mutationArb } from "./cpio-arbitraries.ts";

function readsOrRejects(bytes: Uint8Array): void {
  try {
    readCpio(bytes, { maxBytes: 1 << 20 });
  } catch (error) {
    if (!(error instanceof CpioFormatError)) throw error;
    assert.match(error.message, /^at byte \d+: /);
  }
}

describe("cpio properties", () => {
  it("random trees round-trip, plain and gzip, and repack to the same bytes", () => {
    fc.assert(
      fc.property(fc.array(entryArb, { maxLength: 25 }), (entries) => {
        let plain: Uint8Array;
        try {
          plain = packCpio(entries);
        } catch (error) {
          // A file given children, or a hard link to something that is not a file.
          assert.ok(error instanceof CpioEntryError, String(error));
          return;
        }
        const read = readCpio(plain);
        assert.deepEqual(packCpio(read), plain);
        assert.deepEqual(readCpio(packCpioGz(entries)), read);
        const tree = flattenEntries(read);
        assert.deepEqual(tree.map((e) => e.path), read.map((e) => e.path), "a packed tree is already flat");
      }),
      { numRuns: 1000 },
    );
  });
  it("random bytes read or fail with CpioFormatError", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.constantFrom("", "070701", "070702", "\x1f\x8b\x08\x00"), (tail, prefix) => {
        const head = Uint8Array.from(prefix, (c) => c.charCodeAt(0));
        const bytes = new Uint8Array(head.length + tail.length);
        bytes.set(head);
        bytes.set(tail, head.length);
        readsOrRejects(bytes);
      }),
      { numRuns: 5000 },
    );
  });
  it("mutated archives read or fail with CpioFormatError", () => {
    fc.assert(
      fc.property(archiveArb, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (archive, mutations) => {
        readsOrRejects(mutate(archive, mutations));
      }),
      { numRuns: 5000 },
    );
  });
});
