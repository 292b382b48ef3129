// One gzip member of an initramfs stream, decompressed with a bound on the output.
//
// The kernel treats what follows a gzip member as more initramfs: NUL padding, a plain
// archive or another compressed one (init/initramfs.c continues at `buf += my_inptr`, where
// my_inptr is how much input its inflater consumed). So the member ends exactly where the
// deflate stream ended, and the 8-byte trailer (CRC-32 and size mod 2^32 of the decompressed
// data) must sit right there. Looking for the trailer by pattern instead is wrong: a stored
// block can hold the bytes of its own CRC-32 and size, and a reader that stops there sees
// a different archive from the kernel's, gzip's and GNU cpio's.
//
// fflate's public API does not say where its deflate stream stopped, but its streaming
// Inflate keeps the state that says so (its own Gunzip reads the same fields to find the next
// member): `s.f && !s.l` once the final block is done, and then `s.p` is the bit position of
// the end within the unconsumed input `p`. package-lock.json pins fflate; `deflateEnd` checks
// the fields are there and the unit tests pin the behaviour.
//
// The input is pushed to the inflater in small slices and the output counted, so a "gzip bomb"
// is stopped once it passes the caller's budget instead of after allocating whatever it
// claims; fflate's one-shot gunzipSync sizes its buffer from the trailer's size field, which is
// untrusted input.
import { Inflate } from "fflate";
import { CpioFormatError } from "./errors.ts";
import { crc32 } from "../crc32.ts";

const SLICE = 16 * 1024;

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

export function isGzipMagic(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0x1f && (bytes[at + 1] === 0x8b || bytes[at + 1] === 0x9e);
}

/** The offset just past the gzip header at `start`, checking each field fits. */
function skipHeader(bytes: Uint8Array, start: number): number {
  const need = (at: number, what: string): void => {
    if (at > bytes.length) throw new CpioFormatError(bytes.length, `got end of input inside the gzip header's ${what}, want the rest of the header`);
  };
  need(start + 10, "fixed fields");
  if (bytes[start + 2] !== 8) throw new CpioFormatError(start + 2, `got gzip compression method ${bytes[start + 2]}, want 8 (deflate)`);
  const flags = bytes[start + 3]!;
  if (flags & 0xe0) throw new CpioFormatError(start + 3, `got gzip flags 0x${flags.toString(16)}, want the reserved bits clear`);
  let at = start + 10;
  if (flags & FEXTRA) {
    need(at + 2, "extra field length");
    at += 2 + (bytes[at]! | (bytes[at + 1]! << 8));
    need(at, "extra field");
  }
  for (const flag of [FNAME, FCOMMENT]) {
    if (!(flags & flag)) continue;
    while (at < bytes.length && bytes[at] !== 0) at++;
    need(at + 1, flag === FNAME ? "file name" : "comment");
    at++;
  }
  if (flags & FHCRC) {
    at += 2;
    need(at, "header CRC");
  }
  return at;
}

export interface GzipMember {
  data: Uint8Array;
  /** Offset in the input just past the member's trailer. */
  end: number;
}

/** The parts of fflate's Inflate (0.8) that say where the deflate stream ended. */
interface InflateInternals {
  s: { f?: number; l?: unknown; p?: number };
  p: Uint8Array;
}

function internals(inflater: Inflate): InflateInternals {
  const raw = inflater as unknown as Partial<InflateInternals>;
  if (typeof raw.s !== "object" || raw.s === null || !(raw.p instanceof Uint8Array)) {
    // Only a different fflate than package-lock.json pins gets here: a bug, not bad input.
    throw new Error("fflate's Inflate no longer exposes its state (s, p); gunzipMember needs updating");
  }
  return raw as InflateInternals;
}

/**
 * Where the deflate stream ended, given that `pushedEnd` bytes of input were pushed so far;
 * undefined while it has not ended.
 */
function deflateEnd(inflater: Inflate, pushedEnd: number): number | undefined {
  const { s, p } = internals(inflater);
  if (!s.f || s.l) return undefined;
  // After each push, `p` holds the input not yet consumed whole bytes of, and `s.p` the bits
  // of it consumed; the stream ends at the next byte boundary (gzip's trailer is byte-aligned).
  return pushedEnd - p.length + Math.ceil((s.p ?? 0) / 8);
}

function readU32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

function hex32(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}

/**
 * Decompresses the gzip member starting at `start` of `bytes`. Throws CpioFormatError for a
 * bad header, corrupt deflate data, a missing or mismatched trailer, or output past `budget`.
 */
export function gunzipMember(bytes: Uint8Array, start: number, budget: number): GzipMember {
  if (bytes[start + 1] === 0x9e) {
    throw new CpioFormatError(start, "got the old gzip magic 1f 9e, want 1f 8b (recompress with gzip)");
  }
  const deflateStart = skipHeader(bytes, start);
  // Collecting the output in chunks and joining them holds it twice at the end (3.3 times a
  // 1,000 MiB member at the peak, with the input and the caller's copy). The last four bytes of
  // the input are the size of the last member, the usual only one: when that fits the budget,
  // decompress straight into a buffer of that size, and fall back to chunks if it is wrong.
  // The hint is untrusted but bounded by the budget, and pages never written cost nothing.
  const hint = bytes.length - start >= 18 ? readU32(bytes, bytes.length - 4) : 0;
  let direct = hint > 0 && hint <= budget ? new Uint8Array(hint) : undefined;
  const chunks: Uint8Array[] = [];
  let total = 0;
  let crc = 0;
  const inflater = new Inflate((chunk) => {
    if (chunk.length === 0) return;
    if (total + chunk.length > budget) {
      throw new CpioFormatError(start, `got more than ${budget} bytes from the gzip member, want at most ${budget} (raise the limit if the archive is genuine)`);
    }
    crc = crc32(chunk, crc);
    if (direct && total + chunk.length <= direct.length) {
      direct.set(chunk, total);
    } else {
      if (direct) {
        chunks.push(direct.subarray(0, total));
        direct = undefined;
      }
      chunks.push(chunk);
    }
    total += chunk.length;
  });
  let end: number | undefined;
  try {
    let at = deflateStart;
    while (end === undefined) {
      const next = Math.min(at + SLICE, bytes.length);
      // `final` makes fflate report a stream cut short as an error instead of waiting for more.
      inflater.push(bytes.subarray(at, next), next === bytes.length);
      at = next;
      end = deflateEnd(inflater, at);
      if (end === undefined && at === bytes.length) {
        throw new CpioFormatError(start, `got end of input at byte ${bytes.length} inside the gzip member's deflate stream, want the rest of the stream and its trailer`);
      }
    }
  } catch (error) {
    if (error instanceof CpioFormatError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new CpioFormatError(start, `got corrupt gzip data (${message}), want a valid deflate stream`);
  }
  if (end + 8 > bytes.length) {
    throw new CpioFormatError(end, `got ${bytes.length - end} bytes where the gzip member's 8-byte trailer (CRC-32 and size) should be, want all 8 right after the deflate stream of the member that starts at byte ${start}`);
  }
  const gotCrc = readU32(bytes, end);
  const gotSize = readU32(bytes, end + 4);
  const size = total >>> 0;
  if (gotCrc !== crc >>> 0 || gotSize !== size) {
    throw new CpioFormatError(
      end,
      `got CRC-32 ${hex32(gotCrc)} and size ${gotSize} in the gzip trailer, want ${hex32(crc >>> 0)} and ${size}: the trailer (CRC-32 and size of the ${total} bytes it decompressed to) is missing or wrong in the member that starts at byte ${start}`,
    );
  }
  let data: Uint8Array;
  if (direct) {
    // A hint far too big (another member's size): keep only what was written.
    data = total === direct.length ? direct : total < direct.length / 2 ? direct.slice(0, total) : direct.subarray(0, total);
  } else {
    data = concat(chunks, total);
  }
  return { data, end: end + 8 };
}
function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 0) return new Uint8Array(0);
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
