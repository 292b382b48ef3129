// fast-check arbitraries of cpio entries, archives and mutations, shared by the fuzz tests of
// the reader (cpio-fuzz.test.ts) and of its streaming form (cpio-stream.test.ts).
import fc from "fast-check";
import { packCpio, packCpioGz, type CpioEntry } from "../../src/core/cpio/index.ts";

const component = fc.constantFrom("a", "b", "bin", "etc", "x.txt", "é", "long-name-" + "n".repeat(40));
const pathArb = fc.array(component, { minLength: 1, maxLength: 3 }).map((parts) => parts.join("/"));
const owner = fc.record({
  mode: fc.integer({ min: 0, max: 0o7777 }),
  uid: fc.integer({ min: 0, max: 0xffffffff }),
  gid: fc.integer({ min: 0, max: 0xffffffff }),
  mtime: fc.integer({ min: 0, max: 0xffffffff }),
});
export const entryArb: fc.Arbitrary<CpioEntry> = fc.oneof(
  fc.record({ kind: fc.constant("file" as const), path: pathArb, data: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ kind: fc.constant("directory" as const), path: pathArb }),
  fc.record({ kind: fc.constant("symlink" as const), path: pathArb, target: fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !s.includes("\0")) }),
  fc.record({ kind: fc.constantFrom("char-device" as const, "block-device" as const), path: pathArb, major: fc.nat(0xffffffff), minor: fc.nat(0xffffffff) }),
  fc.record({ kind: fc.constantFrom("fifo" as const, "socket" as const), path: pathArb }),
  fc.record({ kind: fc.constant("hardlink" as const), path: pathArb, target: pathArb }),
).chain((partial) => owner.map((o) => ({ ...partial, ...o }) as CpioEntry));

/** A small valid archive to mutate, plain or gzip. */
export const archiveArb = fc
  .tuple(fc.array(entryArb, { maxLength: 8 }), fc.boolean())
  .map(([entries, gz]) => {
    try {
      return gz ? packCpioGz(entries) : packCpio(entries);
    } catch {
      return packCpio([]);
    }
  });

export const mutationArb = fc.oneof(
  fc.record({ kind: fc.constant("byte" as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("field" as const), at: fc.nat(), value: fc.nat(0xffffffff) }),
  fc.record({ kind: fc.constant("insert" as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
);

export interface Mutation {
  kind: "byte" | "truncate" | "field" | "insert";
  at: number;
  value?: number;
  bytes?: Uint8Array;
}

export function mutate(archive: Uint8Array, mutations: readonly Mutation[]): Uint8Array {
  let bytes = archive.slice();
  for (const m of mutations) {
    if (bytes.length === 0) break;
    const at = m.at % bytes.length;
    if (m.kind === "byte") bytes[at] = m.value!;
    else if (m.kind === "truncate") bytes = bytes.slice(0, at);
    else if (m.kind === "field") {
      // Overwrite one 8-digit header field with another hex number: lying sizes and modes.
      const field = new TextEncoder().encode(m.value!.toString(16).padStart(8, "0"));
      bytes.set(field.subarray(0, Math.max(0, Math.min(8, bytes.length - at))), at);
    } else {
      const grown = new Uint8Array(bytes.length + m.bytes!.length);
      grown.set(bytes.subarray(0, at));
      grown.set(m.bytes!, at);
      grown.set(bytes.subarray(at), at + m.bytes!.length);
      bytes = grown;
    }
  }
  return bytes;
}

