// The newc header, as Documentation/driver-api/early-userspace/buffer-format.rst lays it out:
// a 6-byte magic then 13 fields of 8 ASCII hex digits (110 bytes), the name with its NUL,
// padding to a multiple of 4, the data, padding to a multiple of 4.
//
//   c_magic "070701" (newc) or "070702" (crc: c_chksum is the 32-bit sum of the data bytes)
//   c_ino c_mode c_uid c_gid c_nlink c_mtime c_filesize c_maj c_min c_rmaj c_rmin c_namesize c_chksum
import type { EntryKind } from "./entry.ts";

export const HEADER_SIZE = 110;
export const MAGIC_NEWC = "070701";
export const MAGIC_CRC = "070702";
export const TRAILER_NAME = "TRAILER!!!";
/**
 * The kernel's PATH_MAX. init/initramfs.c skips entries whose c_namesize (name plus NUL) is 0
 * or above it, and symlinks whose target is longer; we reject both as malformed instead.
 */
export const PATH_MAX = 4096;

export const FIELD_NAMES = [
  "c_ino",
  "c_mode",
  "c_uid",
  "c_gid",
  "c_nlink",
  "c_mtime",
  "c_filesize",
  "c_maj",
  "c_min",
  "c_rmaj",
  "c_rmin",
  "c_namesize",
  "c_chksum",
] as const;

export interface NewcHeader {
  ino: number;
  mode: number;
  uid: number;
  gid: number;
  nlink: number;
  mtime: number;
  filesize: number;
  devMajor: number;
  devMinor: number;
  rdevMajor: number;
  rdevMinor: number;
  namesize: number;
  check: number;
}

/** The S_IFMT bits of c_mode for each kind (hard links are regular files sharing an inode). */
export const S_IFMT = 0o170000;
export const TYPE_BITS: Readonly<Record<EntryKind, number>> = {
  file: 0o100000,
  hardlink: 0o100000,
  directory: 0o040000,
  symlink: 0o120000,
  "char-device": 0o020000,
  "block-device": 0o060000,
  fifo: 0o010000,
  socket: 0o140000,
};

/** The entry kind of c_mode's type bits; a regular file is "file" (the reader decides links). */
export function kindOfMode(mode: number): EntryKind | undefined {
  switch (mode & S_IFMT) {
    case 0o100000:
      return "file";
    case 0o040000:
      return "directory";
    case 0o120000:
      return "symlink";
    case 0o020000:
      return "char-device";
    case 0o060000:
      return "block-device";
    case 0o010000:
      return "fifo";
    case 0o140000:
      return "socket";
    default:
      return undefined;
  }
}

/** Round up to the 4-byte boundary every header and every data block starts on. */
export function align4(n: number): number {
  return (n + 3) & ~3;
}

const HEX = "0123456789ABCDEF";

/** Writes a header at `offset` of `out` (uppercase hex, as gen_init_cpio and GNU cpio do). */
export function writeHeader(out: Uint8Array, offset: number, h: NewcHeader): void {
  for (let i = 0; i < 6; i++) out[offset + i] = MAGIC_NEWC.charCodeAt(i);
  const values = [
    h.ino,
    h.mode,
    h.uid,
    h.gid,
    h.nlink,
    h.mtime,
    h.filesize,
    h.devMajor,
    h.devMinor,
    h.rdevMajor,
    h.rdevMinor,
    h.namesize,
    h.check,
  ];
  let at = offset + 6;
  for (const value of values) {
    let v = value >>> 0;
    for (let digit = 7; digit >= 0; digit--) {
      out[at + digit] = HEX.charCodeAt(v & 15);
      v >>>= 4;
    }
    at += 8;
  }
}
