// One gzip member of an initramfs stream, decompressed with a bound on the output.
//
// The kernel treats what follows a gzip member as more initramfs: NUL padding, a plain
// archive or another compressed one (init/initramfs.c continues at `buf += my_inptr`). So we
// need to know where the member ends, and fflate's public API does not say where its deflate
// stream stopped. We find the end the way gzip defines it: the 8-byte trailer (CRC-32 and
// size mod 2^32 of the decompressed data) follows the deflate stream directly, so it is the
// first place after the header where those 8 bytes match what we decompressed. That also
// verifies the data.
//
// The input is pushed to fflate's streaming inflater in small slices and the output counted,
// so a "gzip bomb" is stopped once it passes the caller's budget instead of after allocating
// whatever it claims; fflate's one-shot gunzipSync sizes its buffer from the trailer's size
// field, which is untrusted input.
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

/**
 * Decompresses the gzip member starting at `start` of `bytes`. Throws CpioFormatError for a
 * bad header, corrupt deflate data, a missing or mismatched trailer, or output past `budget`.
 */
export function gunzipMember(bytes: Uint8Array, start: number, budget: number): GzipMember {
  if (bytes[start + 1] === 0x9e) {
    throw new CpioFormatError(start, "got the old gzip magic 1f 9e, want 1f 8b (recompress with gzip)");
  }
  const deflateStart = skipHeader(bytes, start);
  const chunks: Uint8Array[] = [];
  let total = 0;
  let crc = 0;
  const inflater = new Inflate((chunk) => {
    if (chunk.length === 0) return;
    total += chunk.length;
    if (total > budget) {
      throw new CpioFormatError(start, `got more than ${budget} bytes from the gzip member, want at most ${budget} (raise the limit if the archive is genuine)`);
    }
    crc = crc32(chunk, crc);
    chunks.push(chunk);
  });
  const trailerAt = (from: number, to: number): number => {
    const b0 = crc & 0xff, b1 = (crc >>> 8) & 0xff, b2 = (crc >>> 16) & 0xff, b3 = crc >>> 24;
    const size = total >>> 0;
    const s0 = size & 0xff, s1 = (size >>> 8) & 0xff, s2 = (size >>> 16) & 0xff, s3 = size >>> 24;
    const last = Math.min(to, bytes.length - 8);
    // indexOf is native: jump from one occurrence of the trailer's first byte to the next.
    for (let i = bytes.indexOf(b0, Math.max(from, deflateStart + 2)); i >= 0 && i <= last; i = bytes.indexOf(b0, i + 1)) {
      // An empty member's trailer is all zeros, which compressed data may also contain; its
      // deflate stream is a handful of bytes, so only look right after the header for it.
      if (total === 0 && i > deflateStart + 16) break;
      if (bytes[i + 1] === b1 && bytes[i + 2] === b2 && bytes[i + 3] === b3 &&
          bytes[i + 4] === s0 && bytes[i + 5] === s1 && bytes[i + 6] === s2 && bytes[i + 7] === s3) {
        return i;
      }
    }
    return -1;
  };
  let at = deflateStart;
  try {
    while (at < bytes.length) {
      const next = Math.min(at + SLICE, bytes.length);
      const final = next === bytes.length;
      inflater.push(bytes.subarray(at, next), final);
      // Look for the trailer in this slice and the one before (fflate may hold back the last
      // few bits of a slice until it sees more input).
      const found = trailerAt(at - SLICE, next - 8);
      at = next;
      if (found >= 0) return { data: concat(chunks, total), end: found + 8 };
    }
    if (at === deflateStart) inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof CpioFormatError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new CpioFormatError(start, `got corrupt gzip data (${message}), want a valid deflate stream`);
  }
  throw new CpioFormatError(
    start,
    `got a gzip member whose trailer (CRC-32 and size of the ${total} bytes it decompressed to) is missing or wrong, want a complete, uncorrupted member`,
  );
}

function concat(chunks: Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
