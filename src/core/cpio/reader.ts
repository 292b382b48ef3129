// The reader: a stream of concatenated archives, each plain newc/crc or gzip-compressed, with
// NUL padding between them, read back as records in stream order. It follows the grammar of
// buffer-format.rst and the choices of init/initramfs.c, but where the kernel silently skips
// a bad entry we stop with a CpioFormatError that says where and what.
//
// There is one parser, `CpioStreamReader`: bytes go in by `push` in pieces of any size, and
// each record comes out as its header (`begin`), its data in pieces (`data`) and `end`, so an
// archive of any size is read in constant memory (`bootlab unpack`). The whole-buffer readers
// (`readCpioRecords`, `readCpio`) feed it one piece. Whatever the pieces, the records and the
// errors are the same: every decision waits until the bytes it looks at are there (or the
// input ended), and gzip members are inflated in slices counted from the member, not from the
// pieces (gzip-member.ts).
//
// Safety: nothing is allocated from a size the input claims (data streams through; names and
// symlink targets are bounded by PATH_MAX), decompression is bounded by a budget, every loop
// advances, and fflate's errors are wrapped: the reader throws only CpioFormatError, or what
// the sink throws.
import type { CpioEntry, FileEntry } from "./entry.ts";
import { CpioError, CpioFormatError } from "./errors.ts";
import { GzipMemberStream } from "./gzip-member.ts";
import { align4, FIELD_NAMES, HEADER_SIZE, kindOfMode, MAGIC_CRC, MAGIC_NEWC, PATH_MAX, TRAILER_NAME, type NewcHeader } from "./newc.ts";
import { normalizePathOrRoot } from "./path.ts";
import { describeFormat } from "./sniff.ts";

export interface ReadOptions {
  /** Most bytes all gzip members together may decompress to (default 1 GiB). */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 1024 * 1024 * 1024;
const ZERO = 0x00;
const ASCII_ZERO = 0x30;
/** Bytes describeFormat looks at (an ISO image's "CD001" at 0x8001 is the farthest). */
const SNIFF_BYTES = 0x8001 + 5;

/** Compression formats the kernel can be built for, which we recognise only to say so. */
const OTHER_COMPRESSIONS: ReadonlyArray<{ magic: number[]; name: string; tool: string }> = [
  { magic: [0x42, 0x5a, 0x68], name: "bzip2", tool: "bunzip2" },
  { magic: [0x5d, 0x00, 0x00], name: "lzma", tool: "unlzma" },
  { magic: [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], name: "xz", tool: "unxz" },
  { magic: [0x89, 0x4c, 0x5a], name: "lzo", tool: "lzop -d" },
  { magic: [0x02, 0x21, 0x4c, 0x18], name: "lz4", tool: "lz4 -d" },
  { magic: [0x28, 0xb5, 0x2f, 0xfd], name: "zstd", tool: "unzstd" },
];

const utf8 = new TextDecoder("utf-8", { fatal: true });

function show(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`;
  return JSON.stringify(s).replaceAll("\\\\x", "\\x");
}

function hex2(b: number | undefined): string {
  return `0x${(b ?? 0).toString(16).padStart(2, "0")}`;
}

/** Parses a header's 13 hex fields; `header` holds the 110 bytes that start at stream offset `at`. */
function parseFields(header: Uint8Array, at: number): NewcHeader {
  const values: number[] = [];
  for (let i = 0; i < 13; i++) {
    const fieldAt = 6 + i * 8;
    let value = 0;
    for (let j = 0; j < 8; j++) {
      const c = header[fieldAt + j]!;
      const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
      if (digit < 0) {
        throw new CpioFormatError(at + fieldAt, `got ${FIELD_NAMES[i]} ${show(header.subarray(fieldAt, fieldAt + 8))}, want 8 hex digits`);
      }
      value = value * 16 + digit;
    }
    values.push(value);
  }
  const [ino, mode, uid, gid, nlink, mtime, filesize, devMajor, devMinor, rdevMajor, rdevMinor, namesize, check] = values as [
    number, number, number, number, number, number, number, number, number, number, number, number, number,
  ];
  return { ino, mode, uid, gid, nlink, mtime, filesize, devMajor, devMinor, rdevMajor, rdevMinor, namesize, check };
}

/**
 * One header as stored: the raw name (not normalised) and c_mode with its type bits. The
 * kernel's unpacker works on these (see kernel-unpack.ts); readCpio turns them into entries.
 */
export interface CpioHeader {
  /** Where the header starts: in the input, or in the decompressed bytes of `member`. */
  offset: number;
  /** The input offset of the gzip member holding the record, if any. */
  member?: number;
  name: string;
  mode: number;
  ino: number;
  nlink: number;
  uid: number;
  gid: number;
  mtime: number;
  devMajor: number;
  devMinor: number;
  rdevMajor: number;
  rdevMinor: number;
  /** c_filesize: the length of the data that follows (the kernel skips non-files and non-symlinks that have any). */
  size: number;
}

/** A header and its data, whole (readCpioRecords). */
export interface CpioRecord extends Omit<CpioHeader, "size"> {
  data: Uint8Array;
}

/**
 * Where the records of a CpioStreamReader go. For each record: `begin` with its header, then
 * its `size` bytes of data in one or more `data` calls, then `end` once the data is checked
 * (a crc archive's checksum, a symlink target's UTF-8). A piece of data is only valid during
 * the call: copy what you keep. What these throw stops the reader and reaches its caller.
 */
export interface CpioRecordSink {
  begin(header: CpioHeader): void;
  data(chunk: Uint8Array): void;
  end(): void;
}

/** "at byte N" or "at byte N of the gzip member at byte M", for messages about a record. */
export function recordPlace(record: Pick<CpioHeader, "offset" | "member">): string {
  return record.member === undefined ? `at byte ${record.offset}` : `at byte ${record.offset} of the data decompressed from the gzip member at byte ${record.member}`;
}

/** What a run of records is doing with the byte at `pos`. */
type RunState = "between" | "header" | "name" | "name padding" | "data" | "data padding" | "junk";

/**
 * Entries and NUL padding of one stream: the input, or the decompressed bytes of one gzip
 * member (`nested`). Offsets count from that stream's start. At a byte that is neither, the
 * input's run stops (feed returns how much it took) and the reader looks at it; inside a member
 * it is an error, as "junk within compressed archive" is for the kernel.
 */
class RecordRun {
  /** Stream offset of the next byte. */
  pos = 0;
  /** Records begun in this run. */
  records = 0;
  private state: RunState = "between";
  /** Where the current header (or the junk) starts. */
  private at = 0;
  private readonly header = new Uint8Array(HEADER_SIZE);
  private fill = 0;
  private h: NewcHeader | undefined;
  private name: Uint8Array = new Uint8Array(0);
  private kind: ReturnType<typeof kindOfMode>;
  private isCrc = false;
  /** Bytes of data (or padding) still to come. */
  private left = 0;
  private sum = 0;
  private target: Uint8Array | undefined;
  private dataAt = 0;
  /** The stream's first bytes, to say what a member holds when it is not an archive. */
  private readonly head: Uint8Array | undefined;
  private headLength = 0;

  constructor(
    private readonly sink: CpioRecordSink,
    private readonly nested: boolean,
    /** The gzip member's input offset, for nested runs. */
    private readonly member: number | undefined,
  ) {
    if (nested) this.head = new Uint8Array(SNIFF_BYTES);
  }

  /** Consumes `chunk` from its start; returns the bytes taken (fewer only when the input's run met a byte it does not read). */
  feed(chunk: Uint8Array): number {
    if (this.head && this.headLength < this.head.length) {
      const n = Math.min(chunk.length, this.head.length - this.headLength);
      this.head.set(chunk.subarray(0, n), this.headLength);
      this.headLength += n;
    }
    let i = 0;
    while (i < chunk.length) {
      switch (this.state) {
        case "between": {
          const b = chunk[i]!;
          if (b === ZERO) {
            i++;
            this.pos++;
            continue;
          }
          if (b !== ASCII_ZERO) {
            if (!this.nested) return i;
            this.state = "junk";
            this.at = this.pos;
            this.junkByte = b;
            this.checkJunk(false);
            continue;
          }
          if (this.pos % 4 !== 0) {
            throw this.error(this.pos, "got a cpio header at an offset that is not a multiple of 4, want 4-byte alignment (pad with NULs)");
          }
          this.state = "header";
          this.at = this.pos;
          this.fill = 0;
          continue;
        }
        case "header": {
          const n = Math.min(HEADER_SIZE - this.fill, chunk.length - i);
          this.header.set(chunk.subarray(i, i + n), this.fill);
          this.fill += n;
          i += n;
          this.pos += n;
          if (this.fill === HEADER_SIZE) this.parseHeader();
          continue;
        }
        case "name": {
          const n = Math.min(this.name.length - this.fill, chunk.length - i);
          this.name.set(chunk.subarray(i, i + n), this.fill);
          this.fill += n;
          i += n;
          this.pos += n;
          if (this.fill === this.name.length) this.beginRecord();
          continue;
        }
        case "name padding":
        case "data padding": {
          const n = Math.min(this.left, chunk.length - i);
          this.left -= n;
          i += n;
          this.pos += n;
          if (this.left === 0) {
            if (this.state === "name padding") this.startData();
            else this.state = "between";
          }
          continue;
        }
        case "data": {
          const n = Math.min(this.left, chunk.length - i);
          const piece = chunk.subarray(i, i + n);
          if (this.isCrc && this.kind === "file") for (let j = 0; j < piece.length; j++) this.sum = (this.sum + piece[j]!) >>> 0;
          if (this.target) this.target.set(piece, this.h!.filesize - this.left);
          this.sink.data(piece);
          this.left -= n;
          i += n;
          this.pos += n;
          if (this.left === 0) this.endRecord();
          continue;
        }
        case "junk":
          // Only the head is still wanted (taken above); the error comes once it is full.
          this.pos += chunk.length - i;
          i = chunk.length;
          this.checkJunk(false);
          continue;
      }
    }
    return i;
  }

  /** The stream ended here: a record cut short is an error. */
  finish(): void {
    const len = this.pos;
    switch (this.state) {
      case "between":
      case "data padding":
        // The final padding of the last entry may be missing at the very end of the input.
        return;
      case "header":
        throw this.error(this.at, `got a truncated header of ${len - this.at} bytes, want ${HEADER_SIZE}`);
      case "name": {
        const nameAt = this.at + HEADER_SIZE;
        throw this.error(nameAt, `got a truncated name of ${len - nameAt} bytes, want ${this.h!.namesize} (c_namesize)`);
      }
      case "name padding":
      case "data":
        throw this.error(Math.min(this.dataAt, len), `got truncated data of ${Math.max(0, len - this.dataAt)} bytes, want ${this.h!.filesize} (c_filesize)`);
      case "junk":
        this.checkJunk(true);
        return;
    }
  }

  private junkByte = 0;

  /** A problem at `offset` of this stream: of the input, or of the member's decompressed bytes. */
  private error(offset: number, problem: string): CpioFormatError {
    return this.member === undefined ? new CpioFormatError(offset, problem) : new CpioFormatError(this.member, problem, offset);
  }

  /** Junk inside a member: say what the member holds, if we know, once its head is here. */
  private checkJunk(ended: boolean): void {
    const sniff = this.records === 0;
    if (sniff && !ended && this.headLength < this.head!.length) return;
    const format = sniff ? describeFormat(this.head!.subarray(0, this.headLength)) : undefined;
    if (format) throw this.error(this.at, `got gzip-compressed data that is ${format.what}, want a gzip-compressed cpio archive${format.hint ? ` (${format.hint})` : ""}`);
    throw this.error(this.at, `got byte ${hex2(this.junkByte)} inside a compressed archive, want a cpio header or NUL padding`);
  }

  private parseHeader(): void {
    const at = this.at;
    const magic = String.fromCharCode(...this.header.subarray(0, 6));
    if (magic !== MAGIC_NEWC && magic !== MAGIC_CRC) {
      if (magic === "070707") throw this.error(at, 'got magic "070707" (old portable cpio), want "070701" (newc): create it with cpio -H newc');
      throw this.error(at, `got magic ${show(this.header.subarray(0, 6))}, want "070701" (newc) or "070702" (crc)`);
    }
    this.isCrc = magic === MAGIC_CRC;
    let h: NewcHeader;
    try {
      h = parseFields(this.header, at);
    } catch (error) {
      if (error instanceof CpioFormatError) throw this.error(error.offset, error.problem);
      throw error;
    }
    if (h.namesize === 0 || h.namesize > PATH_MAX) {
      throw this.error(at + 6 + 11 * 8, `got c_namesize ${h.namesize}, want 1 to ${PATH_MAX} (the name and its NUL)`);
    }
    this.h = h;
    this.name = new Uint8Array(h.namesize);
    this.fill = 0;
    this.dataAt = at + align4(HEADER_SIZE + h.namesize);
    this.state = "name";
  }

  /** The name is here: check it and the header, then hand the header to the sink. */
  private beginRecord(): void {
    const at = this.at;
    const h = this.h!;
    const nameAt = at + HEADER_SIZE;
    const nameEnd = nameAt + h.namesize;
    if (this.name[h.namesize - 1] !== ZERO) {
      throw this.error(nameEnd - 1, `got name ${show(this.name)} ending in ${hex2(this.name[h.namesize - 1])}, want it to end with its NUL`);
    }
    const nameBytes = this.name.subarray(0, h.namesize - 1);
    const inner = nameBytes.indexOf(ZERO);
    if (inner >= 0) throw this.error(nameAt + inner, `got a NUL inside name ${show(nameBytes)}, want one only at its end`);
    let name: string;
    try {
      name = utf8.decode(nameBytes);
    } catch {
      throw this.error(nameAt, `got name ${show(nameBytes)}, want UTF-8`);
    }
    this.kind = kindOfMode(h.mode);
    if (name !== TRAILER_NAME) {
      if (this.kind === undefined) {
        throw this.error(at + 6 + 8, `got c_mode 0o${h.mode.toString(8)} for ${JSON.stringify(name)}, want a file type (regular, directory, symlink, device, fifo or socket)`);
      }
      if (this.kind === "symlink" && (h.filesize === 0 || h.filesize > PATH_MAX)) {
        throw this.error(at + 6 + 6 * 8, `got a symlink target of ${h.filesize} bytes for ${name}, want 1 to ${PATH_MAX}`);
      }
    } else {
      this.kind = undefined; // no checks of a trailer's mode or data
    }
    this.nameText = name;
    this.target = this.kind === "symlink" ? new Uint8Array(h.filesize) : undefined;
    this.sum = 0;
    const header: CpioHeader = {
      offset: at, name, mode: h.mode, ino: h.ino, nlink: h.nlink, uid: h.uid, gid: h.gid, mtime: h.mtime,
      devMajor: h.devMajor, devMinor: h.devMinor, rdevMajor: h.rdevMajor, rdevMinor: h.rdevMinor, size: h.filesize,
    };
    if (this.member !== undefined) header.member = this.member;
    this.records++;
    this.sink.begin(header);
    if (h.filesize === 0) {
      // No data: the record is whole, and padding cut short at the very end is no error.
      this.endRecord();
      this.left = this.dataAt - this.pos;
      this.state = this.left > 0 ? "data padding" : "between";
      return;
    }
    this.left = this.dataAt - this.pos;
    if (this.left > 0) this.state = "name padding";
    else this.startData();
  }

  private nameText = "";

  private startData(): void {
    this.state = "data";
    this.left = this.h!.filesize;
  }

  /** The data is here: check it, end the record, skip to the next multiple of 4. */
  private endRecord(): void {
    const h = this.h!;
    if (this.kind === "file" && this.isCrc && this.sum !== h.check) {
      throw this.error(this.at + 6 + 12 * 8, `got c_chksum ${h.check} for ${this.nameText}, want ${this.sum} (the sum of its data bytes)`);
    }
    if (this.target) {
      let target: string;
      try {
        target = utf8.decode(this.target);
      } catch {
        throw this.error(this.dataAt, `got symlink target ${show(this.target)}, want UTF-8`);
      }
      if (target.includes("\0")) throw this.error(this.dataAt, `got a NUL inside symlink target ${show(this.target)}, want none`);
    }
    this.sink.end();
    if (h.filesize > 0) {
      this.left = align4(this.pos) - this.pos;
      this.state = this.left > 0 ? "data padding" : "between";
    }
  }
}

/** A gzip member being read: its inflater, and the run of records its output holds. */
interface OpenMember {
  stream: GzipMemberStream;
  run: RecordRun;
}

/**
 * The streaming reader of an initramfs (see the file comment): `push` the input in pieces,
 * then `end`. Records go to `sink`; the first problem throws CpioFormatError from the `push`
 * or `end` that found it, after which the reader must not be used again.
 */
export class CpioStreamReader {
  private budget: number;
  /** Input offset of the next byte. */
  private pos = 0;
  private readonly run: RecordRun;
  private member: OpenMember | undefined;
  /** The input's first bytes, to say what a file that is not an archive is. */
  private readonly head = new Uint8Array(SNIFF_BYTES);
  private headLength = 0;
  /** Bytes from where the input's run stopped (a gzip magic or junk), until they say which. */
  private stop: { at: number; bytes: Uint8Array; length: number } | undefined;
  private records = 0;
  private ended = false;

  constructor(
    private readonly sink: CpioRecordSink,
    options: ReadOptions = {},
  ) {
    this.budget = options.maxBytes ?? DEFAULT_MAX_BYTES;
    const counting: CpioRecordSink = {
      begin: (header) => {
        this.records++;
        sink.begin(header);
      },
      data: (chunk) => sink.data(chunk),
      end: () => sink.end(),
    };
    this.run = new RecordRun(counting, false, undefined);
    this.counting = counting;
  }

  private readonly counting: CpioRecordSink;

  push(chunk: Uint8Array): void {
    if (this.ended) throw new Error("CpioStreamReader.push after end");
    if (this.headLength < this.head.length) {
      const n = Math.min(chunk.length, this.head.length - this.headLength);
      this.head.set(chunk.subarray(0, n), this.headLength);
      this.headLength += n;
    }
    this.drain([chunk]);
  }

  /** The input ended: a record, member or header cut short is an error. */
  end(): void {
    this.ended = true;
    for (;;) {
      if (this.member) {
        const rest = this.member.stream.finish();
        this.closeMember();
        this.drain(rest);
        continue;
      }
      if (this.stop) {
        const rest = this.decide(true);
        if (rest) this.drain([rest]);
        continue;
      }
      this.run.finish();
      return;
    }
  }

  private drain(queue: Uint8Array[]): void {
    while (queue.length) {
      const rest = this.consume(queue.shift()!);
      if (rest) queue.unshift(...rest);
    }
  }

  /** Takes `chunk`; returns bytes to read again (after a member ended inside it). */
  private consume(chunk: Uint8Array): Uint8Array[] | undefined {
    let i = 0;
    while (i < chunk.length) {
      if (this.member) {
        const rest = this.member.stream.push(i === 0 ? chunk : chunk.subarray(i));
        if (!rest) {
          this.pos += chunk.length - i;
          return undefined;
        }
        this.closeMember();
        return rest;
      }
      if (this.stop) {
        const stop = this.stop;
        // Two bytes tell a gzip member; only junk needs the rest, to say what it is.
        if (stop.length === 2 && stop.bytes.length === 2) {
          const grown = new Uint8Array(SNIFF_BYTES);
          grown.set(stop.bytes);
          stop.bytes = grown;
        }
        const n = Math.min(stop.bytes.length - stop.length, chunk.length - i);
        stop.bytes.set(chunk.subarray(i, i + n), stop.length);
        stop.length += n;
        i += n;
        this.pos += n;
        const rest = this.decide(false);
        if (rest) return [rest, chunk.subarray(i)];
        continue;
      }
      const taken = this.run.feed(i === 0 ? chunk : chunk.subarray(i));
      i += taken;
      this.pos += taken;
      this.run.pos = this.pos;
      if (i < chunk.length) this.stop = { at: this.pos, bytes: new Uint8Array(2), length: 0 };
    }
    return undefined;
  }

  /**
   * The input's run stopped at `stop.at`: a gzip member starts there (two bytes say so), or
   * the input is not an archive from there on (what it is, once enough bytes are here to say).
   * Returns the bytes gathered that belong to a member that started, to read again.
   */
  private decide(ended: boolean): Uint8Array | undefined {
    const stop = this.stop!;
    const bytes = stop.bytes.subarray(0, stop.length);
    if (bytes[0] === 0x1f && bytes.length < 2 && !ended) return undefined;
    if (bytes[0] === 0x1f && (bytes[1] === 0x8b || bytes[1] === 0x9e)) {
      this.stop = undefined;
      this.pos = stop.at;
      const start = stop.at;
      const run = new RecordRun(
        {
          begin: (header) => this.counting.begin(header),
          data: (chunk) => this.counting.data(chunk),
          end: () => this.counting.end(),
        },
        true,
        start,
      );
      const stream = new GzipMemberStream(start, this.budget, (chunk) => run.feed(chunk));
      this.member = { stream, run };
      return bytes.slice();
    }
    const atStart = this.records === 0;
    const headDone = this.headLength === this.head.length || ended;
    if (!ended && (stop.length < SNIFF_BYTES || (atStart && !headDone))) return undefined;
    throw new CpioFormatError(stop.at, whatIsIt(bytes, atStart ? this.head.subarray(0, this.headLength) : bytes));
  }

  private closeMember(): void {
    const { stream, run } = this.member!;
    this.member = undefined;
    run.finish();
    this.budget -= stream.total;
    this.pos = stream.end!;
    this.run.pos = this.pos;
  }
}

/**
 * For bytes that are not an archive, compression the kernel knows, or padding: what they are.
 * `here` starts at the byte; `whole` is what to sniff whole-file signatures in (the input's
 * head before any archive was read: an ext image's magic is at byte 1080, after NULs the
 * reader skipped; after one, only what starts here).
 */
function whatIsIt(here: Uint8Array, whole: Uint8Array): string {
  const other = OTHER_COMPRESSIONS.find((c) => c.magic.every((m, i) => here[i] === m));
  if (other) return `got ${other.name}-compressed data, want a plain or gzip-compressed cpio archive (decompress it first, e.g. ${other.tool})`;
  const format = describeFormat(whole, 0);
  if (format) return `got ${format.what}, want a cpio archive ("070701"), NUL padding or gzip data (1f 8b)${format.hint ? `: ${format.hint}` : ""}`;
  return `got byte ${hex2(here[0])}, want a cpio header ("070701"), NUL padding or gzip data (1f 8b)`;
}

/** A sink that keeps every record whole (readCpioRecords). */
class CollectingSink implements CpioRecordSink {
  readonly records: CpioRecord[] = [];
  private header: CpioHeader | undefined;
  private pieces: Uint8Array[] = [];

  begin(header: CpioHeader): void {
    this.header = header;
    this.pieces = [];
  }
  data(chunk: Uint8Array): void {
    this.pieces.push(chunk);
  }
  end(): void {
    const { size, ...rest } = this.header!;
    // One piece is a view of the caller's input or of inflated output, as the reader's
    // records always were; several are joined.
    const data = this.pieces.length === 1 ? this.pieces[0]! : join(this.pieces, size);
    this.records.push({ ...rest, data });
    this.pieces = [];
  }
}

function join(pieces: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

/**
 * Every record of an initramfs stream, in stream order, TRAILER!!! included: several archives
 * concatenated, each plain newc (070701) or crc (070702) or gzip-compressed, with NUL padding
 * between them. Framing errors throw CpioFormatError; names are as stored.
 */
export function readCpioRecords(bytes: Uint8Array, options: ReadOptions = {}): CpioRecord[] {
  const sink = new CollectingSink();
  const reader = new CpioStreamReader(sink, options);
  reader.push(bytes);
  reader.end();
  return sink.records;
}

/** A CpioFormatError at `offset` of the stream that holds `record` (the input or a member). */
function recordError(record: CpioRecord, offset: number, problem: string): CpioFormatError {
  return record.member === undefined ? new CpioFormatError(offset, problem) : new CpioFormatError(record.member, problem, offset);
}

/** Hard-link bookkeeping of one archive: init/initramfs.c forgets it at each TRAILER!!!. */
type LinkTable = Map<string, FileEntry>;

/** A record as an entry of the stream (readCpio's view), or nothing for the root and TRAILER!!!. */
function toEntry(record: CpioRecord, links: { table: LinkTable }, out: CpioEntry[]): void {
  const { name, data } = record;
  if (name === TRAILER_NAME) {
    links.table = new Map();
    return;
  }
  const kind = kindOfMode(record.mode)!;
  const nameAt = record.offset + HEADER_SIZE;
  let path: string;
  try {
    path = normalizePathOrRoot(name);
  } catch (error) {
    if (error instanceof CpioError) throw recordError(record, nameAt, `got name ${JSON.stringify(name)}, which escapes the root with "..", want a path inside the archive`);
    throw error;
  }
  const owner = { mode: record.mode & 0o7777, uid: record.uid, gid: record.gid, mtime: record.mtime };
  if (path === "") {
    // "." from `find . | cpio -o`: the root itself, which already exists; the kernel's mkdir
    // of it fails and only its mode changes. An unpack must not chmod the target directory.
    if (kind !== "directory") throw recordError(record, nameAt, `got a ${kind} named ${JSON.stringify(name)}, want the root to be a directory`);
    return;
  }
  switch (kind) {
    case "file": {
      if (record.nlink >= 2) {
        // init/initramfs.c (maybe_link): a regular file with nlink >= 2 whose (c_maj, c_min,
        // c_ino) was already seen in this archive becomes a hard link to that first name.
        const key = `${record.devMajor}:${record.devMinor}:${record.ino}`;
        const first = links.table.get(key);
        if (first) {
          if (data.length > 0) first.data = data.slice();
          out.push({ kind: "hardlink", path, target: first.path, ...owner });
          return;
        }
        const file: FileEntry = { kind: "file", path, data: data.slice(), ...owner };
        links.table.set(key, file);
        out.push(file);
        return;
      }
      out.push({ kind: "file", path, data: data.slice(), ...owner });
      return;
    }
    case "symlink":
      out.push({ kind: "symlink", path, target: utf8.decode(data), ...owner });
      return;
    case "char-device":
    case "block-device":
      out.push({ kind, path, major: record.rdevMajor, minor: record.rdevMinor, ...owner });
      return;
    case "directory":
    case "fifo":
    case "socket":
      // The entry view ignores any data such entries carry (the kernel skips the whole entry:
      // see kernel-unpack.ts).
      out.push({ kind, path, ...owner });
      return;
    default:
      return;
  }
}

/**
 * All entries of an initramfs stream, in stream order (see readCpioRecords), names normalised.
 * Within one archive, names sharing an inode come back as one FileEntry (carrying the data)
 * and HardlinkEntry values pointing at it. For the tree the kernel ends up with, use
 * unpackLikeKernel on the records instead.
 */
export function readCpio(bytes: Uint8Array, options: ReadOptions = {}): CpioEntry[] {
  const out: CpioEntry[] = [];
  const links = { table: new Map() as LinkTable };
  for (const record of readCpioRecords(bytes, options)) toEntry(record, links, out);
  return out;
}
