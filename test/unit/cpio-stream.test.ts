// The streaming reader (CpioStreamReader) gives exactly the records and the error of the
// whole-buffer reader, however the input is cut into pieces: 1-byte pieces, random cuts, cuts
// inside headers, names, padding, data, gzip headers and trailers and at member boundaries,
// on valid, concatenated, mutated and crafted archives (issue 10: stream a 1,000 MiB member).
import { strict as assert } from "node:assert";
import { describe, it } from "node:test";
import fc from "fast-check";
import { gzipSync } from "fflate";
import {
  concatArchives,
  CpioError,
  CpioStreamReader,
  fileEntry,
  KernelUnpackSink,
  packCpio,
  packCpioGz,
  readCpioRecords,
  symlinkEntry,
  unpackLikeKernel,
  type CpioHeader,
  type KernelTree,
} from "../../src/core/cpio/index.ts";
import { archiveArb, entryArb, mutate, mutationArb } from "./cpio-arbitraries.ts";
import { concatBytes, rawArchive, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFREG, selfTrailerGzip, storedGzip, type RawEntry } from "./crafted-archives.ts";

interface Outcome {
  records: Array<Omit<CpioHeader, "size"> & { data: number[] }>;
  error?: { name: string; message: string; offset: number | undefined; decompressedOffset: number | undefined };
}

const MAX = 1 << 20;

function errorOf(error: unknown): Outcome["error"] {
  if (!(error instanceof CpioError)) throw error;
  const e = error as CpioError & { offset?: number; decompressedOffset?: number };
  return { name: e.name, message: e.message, offset: e.offset, decompressedOffset: e.decompressedOffset };
}

/** The whole-buffer reader's view: the records, or the error. */
function whole(bytes: Uint8Array): Outcome {
  try {
    return { records: readCpioRecords(bytes, { maxBytes: MAX }).map((r) => ({ ...r, data: [...r.data] })) };
  } catch (error) {
    return { records: [], error: errorOf(error) };
  }
}

/** The streaming reader fed `bytes` cut at `cuts`: the records it completed, and the error. */
function streamed(bytes: Uint8Array, cuts: readonly number[]): Outcome {
  const records: Outcome["records"] = [];
  let header: CpioHeader | undefined;
  let data: number[] = [];
  const reader = new CpioStreamReader(
    {
      begin(h: CpioHeader) {
        assert.equal(header, undefined, "begin before the previous record ended");
        header = h;
        data = [];
      },
      data(chunk: Uint8Array) {
        assert.ok(header, "data outside a record");
        assert.ok(chunk.length > 0, "an empty piece of data");
        data.push(...chunk);
      },
      end() {
        const { size, ...rest } = header!;
        assert.equal(data.length, size, "end after as many bytes as c_filesize");
        records.push({ ...rest, data });
        header = undefined;
      },
    },
    { maxBytes: MAX },
  );
  const points = [...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b);
  let from = 0;
  try {
    for (const to of [...points, bytes.length]) {
      reader.push(bytes.subarray(from, to));
      from = to;
    }
    reader.end();
    return { records };
  } catch (error) {
    return { records: [], error: errorOf(error) };
  }
}

const everyByte = (bytes: Uint8Array): number[] => Array.from({ length: bytes.length }, (_, i) => i);

function sameEveryWay(bytes: Uint8Array, extraCuts: number[][] = []): void {
  const expected = whole(bytes);
  assert.deepEqual(streamed(bytes, []), expected, "one piece");
  assert.deepEqual(streamed(bytes, everyByte(bytes)), expected, "1-byte pieces");
  for (const cuts of extraCuts) assert.deepEqual(streamed(bytes, cuts), expected, `cut at ${cuts.join(", ")}`);
}

/** A valid stream: archives, plain or gzip (some members over the 16 KiB inflate slice), NUL padding between. */
const streamArb = fc
  .array(
    fc.tuple(fc.array(entryArb, { maxLength: 5 }), fc.constantFrom("plain", "gzip", "stored", "big"), fc.nat(8)),
    { minLength: 1, maxLength: 3 },
  )
  .map((parts) =>
    concatBytes(
      parts.map(([entries, how, pad]) => {
        let archive: Uint8Array;
        try {
          archive = packCpio(how === "big" ? [...entries, fileEntry("big", bigData)] : entries);
        } catch {
          archive = packCpio([]);
        }
        const packed = how === "plain" ? archive : how === "stored" && archive.length <= 0xffff ? storedGzip(archive) : gzipSync(archive, { level: 1 });
        return concatBytes([packed, new Uint8Array(pad4(packed.length) - packed.length + (pad & ~3))]);
      }),
    ),
  );

const pad4 = (n: number): number => (n + 3) & ~3;
/** 40 KiB that deflate barely shrinks: a member spanning several inflate slices. */
const bigData = Uint8Array.from({ length: 40 * 1024 }, (_, i) => (i * 2654435761) >>> 24);

const cutsArb = fc.array(fc.nat(120_000), { maxLength: 12 });

describe("CpioStreamReader", () => {
  it("valid streams: the same records whatever the pieces", () => {
    fc.assert(
      fc.property(streamArb, cutsArb, fc.integer({ min: 1, max: 4096 }), (bytes, cuts, step) => {
        const expected = whole(bytes);
        assert.equal(expected.error, undefined, expected.error?.message);
        assert.deepEqual(streamed(bytes, cuts), expected);
        assert.deepEqual(streamed(bytes, Array.from({ length: Math.ceil(bytes.length / step) }, (_, i) => i * step)), expected);
      }),
      { numRuns: 300 },
    );
  });
  it("mutated and truncated archives: the same records or the same error, even in 1-byte pieces", () => {
    fc.assert(
      fc.property(fc.oneof(archiveArb, streamArb), fc.array(mutationArb, { minLength: 1, maxLength: 4 }), cutsArb, (archive, mutations, cuts) => {
        const bytes = mutate(archive, mutations);
        const expected = whole(bytes);
        assert.deepEqual(streamed(bytes, cuts), expected);
        if (bytes.length <= 4096) assert.deepEqual(streamed(bytes, everyByte(bytes)), expected);
      }),
      { numRuns: 1500 },
    );
  });
  it("random bytes after a header or gzip magic: the same error in any pieces", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.constantFrom("", "070701", "070702", "\x1f\x8b\x08\x00", "\x1f\x8b\x08\x1c"), cutsArb, (tail, prefix, cuts) => {
        const bytes = concatBytes([Uint8Array.from(prefix, (c) => c.charCodeAt(0)), tail]);
        const expected = whole(bytes);
        assert.deepEqual(streamed(bytes, cuts), expected);
        assert.deepEqual(streamed(bytes, everyByte(bytes)), expected);
      }),
      { numRuns: 1500 },
    );
  });
  it("the crafted gzip member whose stored block holds its own trailer, cut anywhere", () => {
    const { bytes } = selfTrailerGzip();
    const expected = whole(bytes);
    assert.deepEqual(expected.records.map((r) => r.name), ["hide", "init", "TRAILER!!!"]);
    sameEveryWay(bytes, everyByte(bytes).map((i) => [i]));
  });
  it("cuts at member boundaries, inside gzip headers with a name, and inside trailers", () => {
    const one = packCpio([fileEntry("a", "1"), symlinkEntry("l", "a")]);
    const two = packCpio([fileEntry("b", bigData)]);
    const named = gzipSync(two, { filename: "rootfs.cpio", level: 1 });
    const stream = concatArchives([gzipSync(one), named, storedGzip(one), packCpio([fileEntry("c", "3")])]);
    const expected = whole(stream);
    assert.deepEqual(expected.records.filter((r) => r.name !== "TRAILER!!!").map((r) => r.name), ["a", "l", "b", "a", "l", "c"]);
    // Every cut point, singly, and pairs around each member's edges.
    const firstEnd = pad4(gzipSync(one).length);
    sameEveryWay(stream, [...everyByte(stream).filter((i) => i % 61 === 0 || (i > firstEnd - 40 && i < firstEnd + 40)).map((i) => [i]), [firstEnd - 1, firstEnd + 1], [firstEnd + 5, firstEnd + 12, firstEnd + 16 * 1024 + 20]]);
  });
  it("errors that need bytes further on: an ext image, a truncated member, a bad trailer", () => {
    const ext = new Uint8Array(4096);
    ext[1080] = 0x53;
    ext[1081] = 0xef;
    const gz = gzipSync(packCpio([fileEntry("init", "x".repeat(100))]));
    const badTrailer = gz.slice();
    badTrailer[badTrailer.length - 1] = badTrailer[badTrailer.length - 1]! ^ 1;
    const junkInMember = gzipSync(concatBytes([ext]));
    const afterArchive = concatBytes([packCpio([fileEntry("a", "1")]), Uint8Array.from([0x42, 0x5a, 0x68, 0x39])]);
    const cases = [ext, gz.subarray(0, gz.length - 3), gz.subarray(0, 12), badTrailer, junkInMember, afterArchive, rawArchive([{ name: "f", mode: S_IFREG | 0o644, data: "abc", filesize: 10 }]).subarray(0, 120)];
    for (const bytes of cases) {
      const expected = whole(bytes);
      assert.ok(expected.error, "each case is an error");
      sameEveryWay(bytes, [[1], [1079, 1082], [bytes.length - 1]]);
    }
  });
  it("a gzip bomb stops at the budget in pieces too", () => {
    const bomb = packCpioGz([fileEntry("zeros", new Uint8Array(3 << 20))]);
    const expected = whole(bomb);
    assert.match(expected.error?.message ?? "", /got more than 1048576 bytes from the gzip member/);
    assert.deepEqual(streamed(bomb, everyByte(bomb)), expected);
  });
});

/** Odd archives for the kernel's rules: clashing names, symlinked parents, "..", hard links in stream order, data on directories. */
const rawEntryArb: fc.Arbitrary<RawEntry> = fc.record({
  name: fc.constantFrom("a", "a/b", "a/b/c", "/a/x", "a//b", "l", "l/x", "l/../y", "nonexist/../b", "d", "d/e", "TRAILER!!!"),
  // Mostly regular files, so that names share inodes and data moves between them.
  mode: fc.oneof(
    { arbitrary: fc.constantFrom(S_IFREG | 0o644, S_IFREG | 0o4755), weight: 6 },
    { arbitrary: fc.constantFrom(S_IFDIR | 0o755, S_IFLNK | 0o777, S_IFCHR | 0o600, S_IFBLK | 0o600, S_IFIFO | 0o644), weight: 4 },
  ),
  data: fc.constantFrom("", "AAA", "BBBB", "a", "/a", "d"),
  ino: fc.integer({ min: 1, max: 2 }),
  nlink: fc.constantFrom(1, 2),
  mtime: fc.nat(9),
});

interface Stored {
  bytes: number[];
  released: boolean;
}

/** unpackLikeKernel's tree through the streaming reader and KernelUnpackSink, fed in pieces. */
function kernelStreamed(bytes: Uint8Array, cuts: readonly number[]): { tree: KernelTree<Stored>; stored: Stored[] } {
  const stored: Stored[] = [];
  const empty: Stored = { bytes: [], released: false };
  const sink = new KernelUnpackSink<Stored>({
    empty,
    create: () => {
      const content: Stored = { bytes: [], released: false };
      stored.push(content);
      return { write: (chunk) => content.bytes.push(...chunk), close: () => content };
    },
    release: (content) => {
      assert.equal(content.released, false, "released twice");
      content.released = true;
    },
  });
  const reader = new CpioStreamReader(sink);
  let from = 0;
  for (const to of [...[...new Set(cuts.map((c) => Math.min(c, bytes.length)))].sort((a, b) => a - b), bytes.length]) {
    reader.push(bytes.subarray(from, to));
    from = to;
  }
  reader.end();
  return { tree: sink.finish(), stored };
}

describe("KernelUnpackSink", () => {
  it("streamed in any pieces, gives unpackLikeKernel's tree, and releases exactly the data the tree dropped", () => {
    fc.assert(
      fc.property(fc.array(rawEntryArb, { minLength: 1, maxLength: 10 }), fc.boolean(), cutsArb, (entries, gz, cuts) => {
        const plain = rawArchive(entries);
        const bytes = gz ? gzipSync(plain) : plain;
        const pieces = [...cuts.map((c) => c % (bytes.length + 1)), ...everyByte(bytes).filter((i) => i % 13 === 0)];
        let expected: KernelTree;
        try {
          expected = unpackLikeKernel(readCpioRecords(bytes));
        } catch (error) {
          // A record the reader refuses (a symlink with no target): refused in pieces too.
          assert.throws(() => kernelStreamed(bytes, pieces), { message: (error as Error).message });
          return;
        }
        const { tree, stored } = kernelStreamed(bytes, pieces);
        const asBytes = tree.nodes.map((n) => (n.kind === "file" ? { ...n, data: Uint8Array.from(n.data!.bytes) } : n));
        assert.deepEqual(asBytes, expected.nodes);
        assert.deepEqual(tree.notes, expected.notes);
        assert.equal(tree.applied, expected.applied);
        assert.equal(tree.failed, expected.failed);
        // Nothing the tree holds was released; whatever it does not hold was, unless its inode was unlinked whole.
        const held = new Set(tree.nodes.map((n) => n.data).filter((d) => d !== undefined));
        for (const content of held) assert.equal(content!.released, false, "the tree holds released data");
        const dropped = stored.filter((c) => !held.has(c) && !c.released);
        assert.ok(dropped.length <= entries.length, "stored data neither held nor released is bounded by the entries unlinked");
      }),
      { numRuns: 1500 },
    );
  });
  it("hard links in stream order (the issue's a, a, c): a = c = CCC, and the data they replaced is released", () => {
    const bytes = rawArchive([
      { name: "a", mode: S_IFREG | 0o644, ino: 5, nlink: 2, data: "AAA" },
      { name: "a", mode: S_IFREG | 0o644, ino: 6, nlink: 2, data: "BBB" },
      { name: "c", mode: S_IFREG | 0o644, ino: 5, nlink: 2, data: "CCC" },
    ]);
    const { tree, stored } = kernelStreamed(bytes, everyByte(bytes));
    const text = (name: string) => new TextDecoder().decode(Uint8Array.from(tree.nodes.find((n) => n.path === name)!.data!.bytes));
    assert.equal(text("a"), "CCC");
    assert.equal(text("c"), "CCC");
    assert.deepEqual(stored.map((c) => [new TextDecoder().decode(Uint8Array.from(c.bytes)), c.released]), [["AAA", true], ["BBB", true], ["CCC", false]]);
  });
});
