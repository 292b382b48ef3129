// The reader: a stream of concatenated archives, each plain newc/crc or gzip-compressed, with
// NUL padding between them, read back as the entries in stream order. It follows the grammar of
// buffer-format.rst and the choices of init/initramfs.c, but where the kernel silently skips
// a bad entry we stop with a CpioFormatError that says where and what.
//
// Safety: every size read from the input is checked against the bytes that are actually there
// before it is used, names and symlink targets are bounded by PATH_MAX, decompression is bounded
// by a budget, every loop advances, and fflate's errors are wrapped: the reader throws only
// CpioFormatError.
import type { CpioEntry, FileEntry } from "./entry.ts";
import { CpioError, CpioFormatError } from "./errors.ts";
import { gunzipMember, isGzipMagic } from "./gzip-member.ts";
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

/** Parses a header's 13 hex fields; `at` is the offset of the magic. */
function parseFields(bytes: Uint8Array, at: number): NewcHeader {
  const values: number[] = [];
  for (let i = 0; i < 13; i++) {
    const fieldAt = at + 6 + i * 8;
    let value = 0;
    for (let j = 0; j < 8; j++) {
      const c = bytes[fieldAt + j]!;
      const digit = c >= 0x30 && c <= 0x39 ? c - 0x30 : c >= 0x41 && c <= 0x46 ? c - 0x37 : c >= 0x61 && c <= 0x66 ? c - 0x57 : -1;
      if (digit < 0) {
        throw new CpioFormatError(fieldAt, `got ${FIELD_NAMES[i]} ${show(bytes.subarray(fieldAt, fieldAt + 8))}, want 8 hex digits`);
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
 * One header and its data exactly as stored: the raw name (not normalised) and c_mode with its
 * type bits. The kernel's unpacker works on these (see kernel-unpack.ts); readCpio turns them
 * into entries.
 */
export interface CpioRecord {
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
  /** c_filesize: the data's length (the kernel skips non-files and non-symlinks that have any). */
  data: Uint8Array;
}

/** "at byte N" or "at byte N of the gzip member at byte M", for messages about a record. */
export function recordPlace(record: CpioRecord): string {
  return record.member === undefined ? `at byte ${record.offset}` : `at byte ${record.offset} of the data decompressed from the gzip member at byte ${record.member}`;
}

/**
 * Parses the entry whose header starts at `at` (a multiple of 4 from the stream start), checks
 * its framing, and returns the record and the offset just past it and its padding.
 */
function readRecord(bytes: Uint8Array, at: number, out: CpioRecord[]): number {
  if (at + HEADER_SIZE > bytes.length) {
    throw new CpioFormatError(at, `got a truncated header of ${bytes.length - at} bytes, want ${HEADER_SIZE}`);
  }
  const magic = String.fromCharCode(...bytes.subarray(at, at + 6));
  if (magic !== MAGIC_NEWC && magic !== MAGIC_CRC) {
    if (magic === "070707") throw new CpioFormatError(at, 'got magic "070707" (old portable cpio), want "070701" (newc): create it with cpio -H newc');
    throw new CpioFormatError(at, `got magic ${show(bytes.subarray(at, at + 6))}, want "070701" (newc) or "070702" (crc)`);
  }
  const h = parseFields(bytes, at);
  if (h.namesize === 0 || h.namesize > PATH_MAX) {
    throw new CpioFormatError(at + 6 + 11 * 8, `got c_namesize ${h.namesize}, want 1 to ${PATH_MAX} (the name and its NUL)`);
  }
  const nameAt = at + HEADER_SIZE;
  const nameEnd = nameAt + h.namesize;
  if (nameEnd > bytes.length) {
    throw new CpioFormatError(nameAt, `got a truncated name of ${bytes.length - nameAt} bytes, want ${h.namesize} (c_namesize)`);
  }
  if (bytes[nameEnd - 1] !== ZERO) {
    throw new CpioFormatError(nameEnd - 1, `got name ${show(bytes.subarray(nameAt, nameEnd))} ending in ${hex2(bytes[nameEnd - 1])}, want it to end with its NUL`);
  }
  const nameBytes = bytes.subarray(nameAt, nameEnd - 1);
  const inner = nameBytes.indexOf(ZERO);
  if (inner >= 0) throw new CpioFormatError(nameAt + inner, `got a NUL inside name ${show(nameBytes)}, want one only at its end`);
  const dataAt = at + align4(HEADER_SIZE + h.namesize);
  if (h.filesize > 0 && dataAt + h.filesize > bytes.length) {
    throw new CpioFormatError(Math.min(dataAt, bytes.length), `got truncated data of ${Math.max(0, bytes.length - dataAt)} bytes, want ${h.filesize} (c_filesize)`);
  }
  // The final padding of the last entry may be missing at the very end of the input.
  const next = Math.min(align4(dataAt + h.filesize), bytes.length);
  let name: string;
  try {
    name = utf8.decode(nameBytes);
  } catch {
    throw new CpioFormatError(nameAt, `got name ${show(nameBytes)}, want UTF-8`);
  }
  const data = bytes.subarray(dataAt, dataAt + h.filesize);
  const record: CpioRecord = {
    offset: at, name, mode: h.mode, ino: h.ino, nlink: h.nlink, uid: h.uid, gid: h.gid, mtime: h.mtime,
    devMajor: h.devMajor, devMinor: h.devMinor, rdevMajor: h.rdevMajor, rdevMinor: h.rdevMinor, data,
  };
  if (name === TRAILER_NAME) {
    out.push(record);
    return next;
  }
  const kind = kindOfMode(h.mode);
  if (kind === undefined) {
    throw new CpioFormatError(at + 6 + 8, `got c_mode 0o${h.mode.toString(8)} for ${JSON.stringify(name)}, want a file type (regular, directory, symlink, device, fifo or socket)`);
  }
  if (kind === "file" && bytes[at + 5] === 0x32) {
    let sum = 0;
    for (let i = 0; i < data.length; i++) sum = (sum + data[i]!) >>> 0;
    if (sum !== h.check) throw new CpioFormatError(at + 6 + 12 * 8, `got c_chksum ${h.check} for ${name}, want ${sum} (the sum of its data bytes)`);
  }
  if (kind === "symlink") {
    if (h.filesize === 0 || h.filesize > PATH_MAX) {
      throw new CpioFormatError(at + 6 + 6 * 8, `got a symlink target of ${h.filesize} bytes for ${name}, want 1 to ${PATH_MAX}`);
    }
    let target: string;
    try {
      target = utf8.decode(data);
    } catch {
      throw new CpioFormatError(dataAt, `got symlink target ${show(data)}, want UTF-8`);
    }
    if (target.includes("\0")) throw new CpioFormatError(dataAt, `got a NUL inside symlink target ${show(data)}, want none`);
  }
  out.push(record);
  return next;
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
 * Reads cpio entries and NUL padding from `at` on. Stops at the first byte that is neither
 * (returning its offset) when `nested` is false; inside a decompressed member anything else is
 * an error, as "junk within compressed archive" is for the kernel.
 */
function readCpioRun(bytes: Uint8Array, at: number, out: CpioRecord[], nested: boolean): number {
  const first = out.length;
  while (at < bytes.length) {
    const b = bytes[at];
    if (b === ZERO) {
      at++;
      continue;
    }
    if (b !== ASCII_ZERO) {
      if (nested) {
        // Junk before the member's first entry: say what the member holds, if we know.
        const format = out.length === first ? describeFormat(bytes) : undefined;
        if (format) throw new CpioFormatError(at, `got gzip-compressed data that is ${format.what}, want a gzip-compressed cpio archive${format.hint ? ` (${format.hint})` : ""}`);
        throw new CpioFormatError(at, `got byte ${hex2(b)} inside a compressed archive, want a cpio header or NUL padding`);
      }
      return at;
    }
    if (at % 4 !== 0) {
      throw new CpioFormatError(at, "got a cpio header at an offset that is not a multiple of 4, want 4-byte alignment (pad with NULs)");
    }
    at = readRecord(bytes, at, out);
  }
  return at;
}

/**
 * Every record of an initramfs stream, in stream order, TRAILER!!! included: several archives
 * concatenated, each plain newc (070701) or crc (070702) or gzip-compressed, with NUL padding
 * between them. Framing errors throw CpioFormatError; names are as stored.
 */
export function readCpioRecords(bytes: Uint8Array, options: ReadOptions = {}): CpioRecord[] {
  let budget = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const out: CpioRecord[] = [];
  let at = 0;
  while (at < bytes.length) {
    at = readCpioRun(bytes, at, out, false);
    if (at >= bytes.length) break;
    if (isGzipMagic(bytes, at)) {
      const member = gunzipMember(bytes, at, budget);
      budget -= member.data.length;
      const first = out.length;
      try {
        readCpioRun(member.data, 0, out, true);
      } catch (error) {
        if (error instanceof CpioFormatError) {
          throw new CpioFormatError(at, error.problem, error.offset);
        }
        throw error;
      }
      for (let i = first; i < out.length; i++) out[i]!.member = at;
      at = member.end;
      continue;
    }
    throw new CpioFormatError(at, whatIsIt(bytes, at, out.length === 0));
  }
  return out;
}

/** For bytes that are not an archive, compression the kernel knows, or padding: what they are. */
function whatIsIt(bytes: Uint8Array, at: number, atStart: boolean): string {
  const other = OTHER_COMPRESSIONS.find((c) => c.magic.every((m, i) => bytes[at + i] === m));
  if (other) return `got ${other.name}-compressed data, want a plain or gzip-compressed cpio archive (decompress it first, e.g. ${other.tool})`;
  // Before any archive, whole-file signatures (an ext image's magic is at byte 1080, after
  // NULs the loop above skipped) say what the file is; after one, only what starts here.
  const format = describeFormat(atStart ? bytes : bytes.subarray(at), 0);
  if (format) return `got ${format.what}, want a cpio archive ("070701"), NUL padding or gzip data (1f 8b)${format.hint ? `: ${format.hint}` : ""}`;
  return `got byte ${hex2(bytes[at])}, want a cpio header ("070701"), NUL padding or gzip data (1f 8b)`;
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
