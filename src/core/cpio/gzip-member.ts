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
//
// `GzipMemberStream` does this as the member's bytes arrive (the streaming cpio reader, which
// never holds a member whole); `gunzipMember` hands it a whole buffer and keeps the output.
import { Inflate } from "fflate";
import { CpioFormatError } from "./errors.ts";
import { crc32 } from "../crc32.ts";

/**
 * Compressed bytes handed to the inflater at a time, counted from the start of the deflate
 * stream whatever pieces the input arrives in: the output then comes in the same pieces and an
 * error is found at the same point however the input is chunked (readCpioStream's callers
 * feed 1 byte or 1 MiB at a time and must see the same entries and errors).
 */
const SLICE = 16 * 1024;

const FHCRC = 2;
const FEXTRA = 4;
const FNAME = 8;
const FCOMMENT = 16;

export function isGzipMagic(bytes: Uint8Array, at: number): boolean {
  return bytes[at] === 0x1f && (bytes[at + 1] === 0x8b || bytes[at + 1] === 0x9e);
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
    throw new Error("fflate's Inflate no longer exposes its state (s, p); GzipMemberStream needs updating");
  }
  return raw as InflateInternals;
}

/**
 * Where the deflate stream ended, given that input up to offset `pushedEnd` was pushed so far;
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

/** The parts of a gzip member, in the order they come. */
type Phase = "fixed" | "extra field length" | "extra field" | "file name" | "comment" | "header CRC" | "deflate" | "trailer" | "done";

/**
 * One gzip member, decompressed as its bytes arrive: `push` the input from the member's first
 * byte on, in pieces of any size, then `finish` at the end of the input. The output goes to
 * `ondata` in pieces as it is inflated; once the member's trailer is read and checked, `push`
 * or `finish` returns the input bytes that followed it (the caller reads on from there).
 * Throws CpioFormatError for a bad header, corrupt deflate data, a missing or mismatched
 * trailer, or output past `budget`; errors thrown by `ondata` pass through unchanged.
 */
export class GzipMemberStream {
  /** Bytes of output so far. */
  total = 0;
  /** Offset in the input just past the trailer, once the member is done. */
  end: number | undefined;
  private phase: Phase = "fixed";
  /** Input offset of the next byte pushed. */
  private at: number;
  private readonly fixed = new Uint8Array(10);
  private fill = 0;
  private flags = 0;
  /** Bytes left to skip in "extra field" / "header CRC", or to collect in "extra field length". */
  private left = 0;
  private crc = 0;
  /** Deflate input not yet handed to the inflater: at most SLICE bytes, from `sliceStart`. */
  private readonly pending = new Uint8Array(SLICE);
  private pendingLength = 0;
  private sliceStart = 0;
  private deflateEndAt = 0;
  private readonly trailer = new Uint8Array(8);
  private readonly inflater: Inflate;
  /** An error thrown by `ondata`, which must reach the caller as it is. */
  private downstream: unknown;

  constructor(
    /** Input offset of the member's first byte (1f 8b), for messages. */
    readonly start: number,
    private readonly budget: number,
    ondata: (chunk: Uint8Array) => void,
  ) {
    this.at = start;
    this.inflater = new Inflate((chunk) => {
      if (chunk.length === 0) return;
      try {
        if (this.total + chunk.length > this.budget) {
          throw new CpioFormatError(this.start, `got more than ${this.budget} bytes from the gzip member, want at most ${this.budget} (raise the limit if the archive is genuine)`);
        }
        this.crc = crc32(chunk, this.crc);
        this.total += chunk.length;
        ondata(chunk);
      } catch (error) {
        this.downstream = error;
        throw error;
      }
    });
  }

  get done(): boolean {
    return this.phase === "done";
  }

  /** Feeds input; returns the bytes after the member once it is done, else undefined. */
  push(chunk: Uint8Array): Uint8Array[] | undefined {
    return this.take(chunk, false);
  }

  /** The input ended: the member must end too. Returns the bytes that followed it. */
  finish(): Uint8Array[] {
    const rest = this.take(new Uint8Array(0), true);
    if (rest) return rest;
    // take() with final throws for every phase but these two, which it always leaves.
    throw new Error(`GzipMemberStream.finish: left in phase ${this.phase}`);
  }

  private take(chunk: Uint8Array, final: boolean): Uint8Array[] | undefined {
    let i = 0;
    while (this.phase !== "deflate" && this.phase !== "trailer" && this.phase !== "done") {
      if (i >= chunk.length) {
        if (final) throw new CpioFormatError(this.at, `got end of input inside the gzip header's ${this.phase === "fixed" ? "fixed fields" : this.phase}, want the rest of the header`);
        return undefined;
      }
      const b = chunk[i++]!;
      this.at++;
      this.headerByte(b);
    }
    if (this.phase === "deflate") {
      const rest = this.inflate(chunk.subarray(i), final);
      if (rest === undefined) return undefined;
      return this.readTrailer(rest, final);
    }
    if (this.phase === "trailer") return this.readTrailer([chunk.subarray(i)], final);
    return [chunk.subarray(i)];
  }

  /** One byte of the gzip header (RFC 1952, 2.3), checked as the old one-shot reader checked it. */
  private headerByte(b: number): void {
    switch (this.phase) {
      case "fixed":
        this.fixed[this.fill++] = b;
        if (this.fill === 2 && b === 0x9e) throw new CpioFormatError(this.start, "got the old gzip magic 1f 9e, want 1f 8b (recompress with gzip)");
        if (this.fill < 10) return;
        if (this.fixed[2] !== 8) throw new CpioFormatError(this.start + 2, `got gzip compression method ${this.fixed[2]}, want 8 (deflate)`);
        this.flags = this.fixed[3]!;
        if (this.flags & 0xe0) throw new CpioFormatError(this.start + 3, `got gzip flags 0x${this.flags.toString(16)}, want the reserved bits clear`);
        this.fill = 0;
        this.afterField("fixed");
        return;
      case "extra field length":
        this.left |= b << (8 * this.fill++);
        if (this.fill === 2) {
          this.phase = "extra field";
          if (this.left === 0) this.afterField("extra field");
        }
        return;
      case "extra field":
      case "header CRC":
        if (--this.left === 0) this.afterField(this.phase);
        return;
      case "file name":
      case "comment":
        if (b === 0) this.afterField(this.phase);
        return;
      default:
        throw new Error(`GzipMemberStream: header byte in phase ${this.phase}`);
    }
  }

  /** The header part after `field`, skipping the ones the flags leave out. */
  private afterField(field: Phase): void {
    const order: Array<[Phase, number]> = [["extra field length", FEXTRA], ["file name", FNAME], ["comment", FCOMMENT], ["header CRC", FHCRC]];
    const from = field === "fixed" ? 0 : field === "extra field" ? 1 : field === "file name" ? 2 : field === "comment" ? 3 : 4;
    for (const [phase, flag] of order.slice(from)) {
      if (!(this.flags & flag)) continue;
      this.phase = phase;
      this.fill = 0;
      this.left = phase === "header CRC" ? 2 : 0;
      return;
    }
    this.phase = "deflate";
    this.sliceStart = this.at;
  }

  /**
   * Hands deflate input to the inflater SLICE bytes at a time; a slice goes once a byte after
   * it has arrived (or the input ended: then it is `final`, and fflate reports a stream cut
   * short as an error instead of waiting for more). Returns the input after the deflate
   * stream, once it ended.
   */
  private inflate(chunk: Uint8Array, final: boolean): Uint8Array[] | undefined {
    let i = 0;
    for (;;) {
      if (this.pendingLength === SLICE && i < chunk.length) {
        const rest = this.pushSlice(this.pending, false);
        this.pendingLength = 0;
        if (rest) return [rest, chunk.subarray(i)];
      }
      if (i >= chunk.length) break;
      if (this.pendingLength === 0 && chunk.length - i > SLICE) {
        // A whole slice with more after it: straight from the caller's bytes.
        const rest = this.pushSlice(chunk.subarray(i, i + SLICE), false);
        i += SLICE;
        if (rest) return [rest, chunk.subarray(i)];
        continue;
      }
      const n = Math.min(SLICE - this.pendingLength, chunk.length - i);
      this.pending.set(chunk.subarray(i, i + n), this.pendingLength);
      this.pendingLength += n;
      i += n;
    }
    if (!final) return undefined;
    const rest = this.pushSlice(this.pending.subarray(0, this.pendingLength), true);
    this.pendingLength = 0;
    if (rest) return [rest];
    throw new CpioFormatError(this.start, `got end of input at byte ${this.sliceStart} inside the gzip member's deflate stream, want the rest of the stream and its trailer`);
  }

  /** Inflates one slice; returns the part of it after the deflate stream once that ended. */
  private pushSlice(slice: Uint8Array, final: boolean): Uint8Array | undefined {
    const from = this.sliceStart;
    try {
      this.inflater.push(slice, final);
    } catch (error) {
      if (error === this.downstream || error instanceof CpioFormatError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      throw new CpioFormatError(this.start, `got corrupt gzip data (${message}), want a valid deflate stream`);
    }
    this.sliceStart = from + slice.length;
    this.at = this.sliceStart;
    const end = deflateEnd(this.inflater, this.sliceStart);
    if (end === undefined) return undefined;
    this.phase = "trailer";
    this.deflateEndAt = end;
    this.fill = 0;
    this.at = end;
    // A copy when it is the pending buffer, which is not ours to hand out.
    const rest = slice.subarray(end - from);
    return slice.buffer === this.pending.buffer ? rest.slice() : rest;
  }

  /** Collects and checks the 8-byte trailer right after the deflate stream. */
  private readTrailer(pieces: Uint8Array[], final: boolean): Uint8Array[] | undefined {
    const rest: Uint8Array[] = [];
    for (const piece of pieces) {
      const n = Math.min(8 - this.fill, piece.length);
      this.trailer.set(piece.subarray(0, n), this.fill);
      this.fill += n;
      this.at += n;
      if (n < piece.length) rest.push(piece.subarray(n));
    }
    if (this.fill < 8) {
      if (!final) return undefined;
      throw new CpioFormatError(
        this.deflateEndAt,
        `got ${this.fill} bytes where the gzip member's 8-byte trailer (CRC-32 and size) should be, want all 8 right after the deflate stream of the member that starts at byte ${this.start}`,
      );
    }
    if (this.phase === "trailer") {
      const gotCrc = readU32(this.trailer, 0);
      const gotSize = readU32(this.trailer, 4);
      const size = this.total >>> 0;
      if (gotCrc !== this.crc >>> 0 || gotSize !== size) {
        throw new CpioFormatError(
          this.deflateEndAt,
          `got CRC-32 ${hex32(gotCrc)} and size ${gotSize} in the gzip trailer, want ${hex32(this.crc >>> 0)} and ${size}: the trailer (CRC-32 and size of the ${this.total} bytes it decompressed to) is missing or wrong in the member that starts at byte ${this.start}`,
        );
      }
      this.phase = "done";
      this.end = this.deflateEndAt + 8;
    }
    return rest;
  }
}

/**
 * Decompresses the gzip member starting at `start` of `bytes`. Throws CpioFormatError for a
 * bad header, corrupt deflate data, a missing or mismatched trailer, or output past `budget`.
 */
export function gunzipMember(bytes: Uint8Array, start: number, budget: number): GzipMember {
  // Collecting the output in chunks and joining them holds it twice at the end. The last four
  // bytes of the input are the size of the last member, the usual only one: when that fits the
  // budget, decompress straight into a buffer of that size, and fall back to chunks if it is
  // wrong. The hint is untrusted but bounded by the budget, and pages never written cost nothing.
  const hint = bytes.length - start >= 18 ? readU32(bytes, bytes.length - 4) : 0;
  let direct = hint > 0 && hint <= budget ? new Uint8Array(hint) : undefined;
  const chunks: Uint8Array[] = [];
  let total = 0;
  const member = new GzipMemberStream(start, budget, (chunk) => {
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
  if (!member.push(bytes.subarray(start))) member.finish();
  let data: Uint8Array;
  if (direct) {
    // A hint far too big (another member's size): keep only what was written.
    data = total === direct.length ? direct : total < direct.length / 2 ? direct.slice(0, total) : direct.subarray(0, total);
  } else {
    data = concat(chunks, total);
  }
  return { data, end: member.end! };
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
