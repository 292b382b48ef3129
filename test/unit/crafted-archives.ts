// Hand-made archives that bootlab's own writer would never produce: raw newc entries with any
// field, and a gzip member whose stored block holds its own CRC-32 and size. Shared by the unit
// tests and the differential test against the kernel (test/runner/kernel-unpack.test.ts).
import { crc32 } from "../../src/core/crc32.ts";

const text = new TextEncoder();
const hex = (n: number): string => (n >>> 0).toString(16).toUpperCase().padStart(8, "0");
const pad4 = (n: number): number => (n + 3) & ~3;

export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;
export const S_IFBLK = 0o060000;
export const S_IFIFO = 0o010000;

export interface RawEntry {
  name: string;
  /** With the file type bits. */
  mode: number;
  data?: Uint8Array | string;
  ino?: number;
  nlink?: number;
  uid?: number;
  gid?: number;
  mtime?: number;
  /** c_filesize as written; defaults to the data's length. */
  filesize?: number;
  rdevMajor?: number;
  rdevMinor?: number;
}

let nextIno = 1000;

/** One newc entry (header, name, padding, data, padding), as if it starts at a multiple of 4. */
export function rawEntry(e: RawEntry): Uint8Array {
  const data = typeof e.data === "string" ? text.encode(e.data) : (e.data ?? new Uint8Array(0));
  const name = text.encode(e.name);
  const fields = [
    e.ino ?? nextIno++, e.mode, e.uid ?? 0, e.gid ?? 0, e.nlink ?? 1, e.mtime ?? 0, e.filesize ?? data.length,
    0, 0, e.rdevMajor ?? 0, e.rdevMinor ?? 0, name.length + 1, 0,
  ];
  const header = text.encode("070701" + fields.map(hex).join(""));
  const dataAt = pad4(header.length + name.length + 1);
  const out = new Uint8Array(pad4(dataAt + data.length));
  out.set(header);
  out.set(name, header.length);
  out.set(data, dataAt);
  return out;
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** An archive of raw entries with its TRAILER!!!. */
export function rawArchive(entries: readonly RawEntry[]): Uint8Array {
  return concatBytes([...entries.map(rawEntry), rawEntry({ name: "TRAILER!!!", mode: 0, ino: 0 })]);
}

// CRC-32 forging: four chosen bytes at any position make the whole CRC any value we like.
const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();
/** The table index whose entry has this top byte (unique for CRC-32). */
const BY_TOP = (() => {
  const m = new Uint8Array(256);
  for (let i = 0; i < 256; i++) m[TABLE[i]! >>> 24] = i;
  return m;
})();

/** Overwrites data[at..at+4) so that crc32(data) === want. */
export function forgeCrc32(data: Uint8Array, at: number, want: number): void {
  const before = ~crc32(data.subarray(0, at)) >>> 0;
  // Walk the register back from the wanted final value over the bytes after the patch.
  let r = ~want >>> 0;
  for (let k = data.length - 1; k >= at + 4; k--) {
    const i = BY_TOP[r >>> 24]!;
    r = ((((r ^ TABLE[i]!) << 8) | (i ^ data[k]!)) >>> 0);
  }
  const indices: number[] = [];
  for (let k = 0; k < 4; k++) {
    const i = BY_TOP[r >>> 24]!;
    indices.unshift(i);
    r = ((r ^ TABLE[i]!) << 8) >>> 0;
  }
  let s = before;
  for (let k = 0; k < 4; k++) {
    data[at + k] = (s ^ indices[k]!) & 0xff;
    s = (TABLE[indices[k]!]! ^ (s >>> 8)) >>> 0;
  }
  if (crc32(data) >>> 0 !== want >>> 0) throw new Error("forgeCrc32: the forged CRC does not match");
}

const u32le = (n: number): number[] => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];

/** A gzip member holding `payload` in one stored deflate block. */
export function storedGzip(payload: Uint8Array): Uint8Array {
  if (payload.length > 0xffff) throw new Error("storedGzip: one stored block holds at most 65535 bytes");
  const header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
  const block = [1, payload.length & 0xff, payload.length >>> 8, ~payload.length & 0xff, (~payload.length >>> 8) & 0xff];
  return concatBytes([Uint8Array.from([...header, ...block]), payload, Uint8Array.from([...u32le(crc32(payload)), ...u32le(payload.length)])]);
}

/**
 * A valid .cpio.gz (gzip -t passes) whose one stored block holds, inside the data of a file
 * "hide", the 8 bytes of the member's own trailer (CRC-32 and size), then an archive whose /init
 * says "evil" and whose last file swallows everything to the end of the input. gzip, GNU cpio and
 * the kernel see hide and an /init that says "good"; a reader that ends the member at the first
 * trailer-like bytes reads the rest of the block as a plain archive and sees /init say "evil".
 */
export function selfTrailerGzip(): { bytes: Uint8Array; good: string; evil: string } {
  const good = "#!/bin/sh\necho good\n";
  const evil = "#!/bin/sh\necho evil\n";
  const CRC = 0xdeadbeef;
  const GZIP_HEAD = 10 + 5; // gzip header without a name, then the stored block's header
  const hideHeaderSize = rawEntry({ name: "hide", mode: S_IFREG | 0o644 }).length; // data starts here
  const evilInit = rawEntry({ name: "init", mode: S_IFREG | 0o755, data: evil });
  const zHeader = (filesize: number): Uint8Array => rawEntry({ name: "z", mode: S_IFREG | 0o644, filesize, ino: 7 }); // header and name only
  const pad = (4 - ((GZIP_HEAD + hideHeaderSize + 8) % 4)) % 4; // Evil starts 4-aligned in the input
  const hideLength = 8 + pad + evilInit.length + zHeader(0).length + 4;
  const tail = concatBytes([rawEntry({ name: "init", mode: S_IFREG | 0o755, data: good }), rawEntry({ name: "TRAILER!!!", mode: 0, ino: 0 })]);
  const payloadLength = pad4(hideHeaderSize + hideLength) + tail.length;
  const zDataAt = GZIP_HEAD + hideHeaderSize + 8 + pad + evilInit.length + zHeader(0).length;
  const inputLength = GZIP_HEAD + payloadLength + 8;
  const hide = concatBytes([Uint8Array.from([...u32le(CRC), ...u32le(payloadLength)]), new Uint8Array(pad), evilInit, zHeader(inputLength - zDataAt), new Uint8Array(4)]);
  const payload = concatBytes([rawEntry({ name: "hide", mode: S_IFREG | 0o644, data: hide }), tail]);
  if (payload.length !== payloadLength) throw new Error("selfTrailerGzip: layout arithmetic is off");
  forgeCrc32(payload, hideHeaderSize + hideLength - 4, CRC);
  return { bytes: storedGzip(payload), good, evil };
}
