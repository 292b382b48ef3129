// The ext2/ext3/ext4 reader: an image into the cpio entry kinds (for `bootlab unpack`, import,
// and reading back what a guest wrote). Directories are read linearly, so htree (dir_index)
// directories read like any other; a journal is ignored (an image that needs recovery is read
// as it is on disk). Inline data, encryption, compression and meta_bg are refused.
//
// Defensive: every error is an Ext4FormatError naming the byte of the image, every block number
// is checked against the image, extent trees are at most 5 levels deep, a directory reached
// twice is a cycle, and the bytes read out are bounded (`maxBytes`), so a crafted image can
// neither hang the reader nor make it allocate without bound.
import type { CpioEntry } from "../cpio/entry.ts";
import { comparePaths } from "../cpio/path.ts";
import { Ext4FormatError } from "./errors.ts";
import {
  EXT4_MAGIC,
  EXTENT_MAGIC,
  EXTENT_MAX_INIT_LEN,
  EXTENTS_FL,
  INCOMPAT_64BIT,
  INCOMPAT_COMPRESSION,
  INCOMPAT_ENCRYPT,
  INCOMPAT_INLINE_DATA,
  INCOMPAT_JOURNAL_DEV,
  INCOMPAT_META_BG,
  INLINE_DATA_FL,
  MAGIC_OFFSET,
  ROOT_INO,
  S_IFBLK,
  S_IFCHR,
  S_IFDIR,
  S_IFIFO,
  S_IFLNK,
  S_IFREG,
  S_IFSOCK,
  SUPERBLOCK_OFFSET,
  decodeDevice,
} from "./format.ts";

export interface Ext4ReadOptions {
  /**
   * The most bytes of file data to read out, all files together (default: twice the image plus
   * 16 MiB; only sparse files can hold more than the image, and those are refused beyond it).
   */
  maxBytes?: number;
}

/** What the superblock says, as far as the reader needs it. */
export interface Ext4Info {
  blockSize: number;
  blocksCount: number;
  inodesCount: number;
  inodeSize: number;
  inodesPerGroup: number;
  groups: number;
  featureCompat: number;
  featureIncompat: number;
  featureRoCompat: number;
  label: string;
}

const MAX_EXTENT_DEPTH = 5;
const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder("utf-8", { fatal: false });

/** True when `bytes` looks like an ext2/3/4 image (the superblock magic 0xEF53 at byte 1080). */
export function isExt4Image(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC_OFFSET + 2 && bytes[MAGIC_OFFSET] === (EXT4_MAGIC & 0xff) && bytes[MAGIC_OFFSET + 1] === EXT4_MAGIC >> 8;
}

/** The superblock's facts, checked; throws Ext4FormatError for anything the reader cannot use. */
export function readExt4Info(bytes: Uint8Array): Ext4Info {
  return new Ext4Image(bytes, {}).info;
}

/** Every entry of the image below its root, parents first, as cpio entries. */
export function readExt4(bytes: Uint8Array, options: Ext4ReadOptions = {}): CpioEntry[] {
  return new Ext4Image(bytes, options).entries();
}

interface RawInode {
  offset: number;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  mtime: number;
  links: number;
  sectors: number;
  flags: number;
  fileAcl: number;
}

class Ext4Image {
  readonly view: DataView;
  readonly info: Ext4Info;
  private readonly descSize: number;
  private readonly firstDataBlock: number;
  private budget: number;
  /** Extent-tree nodes left to visit in the whole image: each is a block of its own. */
  private nodesLeft: number;

  constructor(
    readonly bytes: Uint8Array,
    options: Ext4ReadOptions,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.budget = options.maxBytes ?? 2 * bytes.length + (16 << 20);
    const sb = SUPERBLOCK_OFFSET;
    if (bytes.length < sb + 1024) throw new Ext4FormatError(bytes.length, `image ends after ${bytes.length} bytes; want at least ${sb + 1024} for the superblock`);
    const magic = this.u16(sb + 56);
    if (magic !== EXT4_MAGIC) throw new Ext4FormatError(MAGIC_OFFSET, `got magic 0x${magic.toString(16)}, want 0xef53 (not an ext2/ext3/ext4 image)`);
    const logBlock = this.u32(sb + 24);
    if (logBlock > 6) throw new Ext4FormatError(sb + 24, `got log block size ${logBlock}, want 0 to 6 (1 KiB to 64 KiB blocks)`);
    const blockSize = 1024 << logBlock;
    const rev = this.u32(sb + 76);
    if (rev > 1) throw new Ext4FormatError(sb + 76, `got revision ${rev}, want 0 or 1`);
    const featureCompat = rev === 0 ? 0 : this.u32(sb + 92);
    const featureIncompat = rev === 0 ? 0 : this.u32(sb + 96);
    const featureRoCompat = rev === 0 ? 0 : this.u32(sb + 100);
    const refused: Array<[number, string]> = [
      [INCOMPAT_INLINE_DATA, "inline_data (files stored inside their inodes) is not supported; make the image without it (mke2fs -O ^inline_data)"],
      [INCOMPAT_ENCRYPT, "encrypted files are not supported"],
      [INCOMPAT_COMPRESSION, "compression is not supported"],
      [INCOMPAT_JOURNAL_DEV, "this is an external journal device, not a file system"],
      [INCOMPAT_META_BG, "meta_bg (group descriptors spread over the disk) is not supported"],
    ];
    for (const [bit, why] of refused) if (featureIncompat & bit) throw new Ext4FormatError(sb + 96, why);
    const is64 = (featureIncompat & INCOMPAT_64BIT) !== 0;
    this.descSize = is64 ? this.u16(sb + 254) : 32;
    if (is64 && (this.descSize < 32 || this.descSize > 1024 || (this.descSize & (this.descSize - 1)) !== 0)) {
      throw new Ext4FormatError(sb + 254, `got group descriptor size ${this.descSize}, want a power of two from 32 to 1024`);
    }
    const blocksCount = this.u32(sb + 4) + (is64 ? this.u32(sb + 336) * 2 ** 32 : 0);
    if (blocksCount * blockSize > bytes.length) {
      throw new Ext4FormatError(sb + 4, `got ${blocksCount} blocks of ${blockSize} bytes, but the image holds only ${Math.floor(bytes.length / blockSize)}`);
    }
    this.firstDataBlock = this.u32(sb + 20);
    if (this.firstDataBlock !== (blockSize === 1024 ? 1 : 0)) {
      throw new Ext4FormatError(sb + 20, `got first data block ${this.firstDataBlock}, want ${blockSize === 1024 ? 1 : 0} for ${blockSize}-byte blocks`);
    }
    const blocksPerGroup = this.u32(sb + 32);
    if (blocksPerGroup === 0 || blocksPerGroup > 8 * blockSize) {
      throw new Ext4FormatError(sb + 32, `got ${blocksPerGroup} blocks per group, want 1 to ${8 * blockSize}`);
    }
    const inodesPerGroup = this.u32(sb + 40);
    if (inodesPerGroup === 0 || inodesPerGroup > 8 * blockSize) {
      throw new Ext4FormatError(sb + 40, `got ${inodesPerGroup} inodes per group, want 1 to ${8 * blockSize}`);
    }
    const inodeSize = rev === 0 ? 128 : this.u16(sb + 88);
    if (inodeSize < 128 || inodeSize > blockSize || (inodeSize & (inodeSize - 1)) !== 0) {
      throw new Ext4FormatError(sb + 88, `got inode size ${inodeSize}, want a power of two from 128 to ${blockSize}`);
    }
    const groups = Math.ceil((blocksCount - this.firstDataBlock) / blocksPerGroup);
    if (groups < 1) throw new Ext4FormatError(sb + 4, `got ${blocksCount} blocks, want at least one block group`);
    const inodesCount = this.u32(sb);
    if (inodesCount !== groups * inodesPerGroup) {
      throw new Ext4FormatError(sb, `got ${inodesCount} inodes, want ${groups} groups x ${inodesPerGroup} = ${groups * inodesPerGroup}`);
    }
    const gdtEnd = (this.firstDataBlock + 1) * blockSize + groups * this.descSize;
    if (gdtEnd > bytes.length) throw new Ext4FormatError((this.firstDataBlock + 1) * blockSize, `the ${groups} group descriptors run past the end of the image`);
    const label = utf8.decode(bytes.subarray(sb + 120, sb + 136)).replace(/\0.*$/s, "");
    this.nodesLeft = blocksCount + 64;
    this.info = { blockSize, blocksCount, inodesCount, inodeSize, inodesPerGroup, groups, featureCompat, featureIncompat, featureRoCompat, label };
  }

  private u16(at: number): number {
    return this.view.getUint16(at, true);
  }
  private u32(at: number): number {
    return this.view.getUint32(at, true);
  }

  /** A block number checked against the file system: `at` is where it was read. */
  private block(n: number, at: number): number {
    if (n < this.firstDataBlock || n >= this.info.blocksCount) {
      throw new Ext4FormatError(at, `got block number ${n}, want ${this.firstDataBlock} to ${this.info.blocksCount - 1}`);
    }
    return n;
  }

  private inode(ino: number, at: number): RawInode {
    const { inodesCount, inodesPerGroup, inodeSize, blockSize } = this.info;
    if (ino < 1 || ino > inodesCount) throw new Ext4FormatError(at, `got inode number ${ino}, want 1 to ${inodesCount}`);
    const group = Math.floor((ino - 1) / inodesPerGroup);
    const desc = (this.firstDataBlock + 1) * blockSize + group * this.descSize;
    let table = this.u32(desc + 8);
    if (this.descSize >= 64) table += this.u32(desc + 0x28) * 2 ** 32;
    const offset = table * blockSize + ((ino - 1) % inodesPerGroup) * inodeSize;
    if (table >= this.info.blocksCount || offset + 128 > this.bytes.length) {
      throw new Ext4FormatError(desc + 8, `group ${group}'s inode table at block ${table} is outside the image`);
    }
    const v = (o: number): number => this.u32(offset + o);
    return {
      offset,
      mode: this.u16(offset),
      uid: (this.u16(offset + 2) | (this.u16(offset + 120) << 16)) >>> 0,
      gid: (this.u16(offset + 24) | (this.u16(offset + 122) << 16)) >>> 0,
      size: v(4) + v(108) * 2 ** 32,
      mtime: v(16),
      links: this.u16(offset + 26),
      sectors: v(28),
      flags: v(32),
      fileAcl: v(104),
    };
  }

  /** The physical block of each logical block of an inode (0 for a hole), up to `count`. */
  private blockMap(inode: RawInode, count: number): Float64Array {
    const map = new Float64Array(count);
    const iblock = inode.offset + 40;
    if (inode.flags & INLINE_DATA_FL) throw new Ext4FormatError(inode.offset + 32, "inode holds inline data, which is not supported");
    if (inode.flags & EXTENTS_FL) {
      const filled = { left: count };
      this.extentNode(iblock, 4, MAX_EXTENT_DEPTH, map, filled);
      return map;
    }
    const p = this.info.blockSize / 4;
    for (let i = 0; i < Math.min(12, count); i++) {
      const b = this.u32(iblock + i * 4);
      map[i] = b === 0 ? 0 : this.block(b, iblock + i * 4);
    }
    let logical = 12;
    const walk = (level: number, pointerAt: number): void => {
      const n = this.u32(pointerAt);
      const span = p ** level;
      if (n === 0) {
        logical += span;
        return;
      }
      const base = this.block(n, pointerAt) * this.info.blockSize;
      for (let i = 0; i < p && logical < count; i++) {
        if (level === 1) {
          const b = this.u32(base + i * 4);
          map[logical++] = b === 0 ? 0 : this.block(b, base + i * 4);
        } else {
          walk(level - 1, base + i * 4);
        }
      }
    };
    for (let level = 1; level <= 3 && logical < count; level++) walk(level, iblock + (11 + level) * 4);
    return map;
  }

  private extentNode(at: number, maxEntries: number, depthLeft: number, map: Float64Array, filled: { left: number }): void {
    if (--this.nodesLeft < 0) throw new Ext4FormatError(at, `got more extent-tree nodes than the image has blocks, want each node once (a loop in the tree?)`);
    const magic = this.u16(at);
    if (magic !== EXTENT_MAGIC) throw new Ext4FormatError(at, `got extent magic 0x${magic.toString(16)}, want 0xf30a`);
    const entries = this.u16(at + 2);
    const max = this.u16(at + 4);
    const depth = this.u16(at + 6);
    if (max > maxEntries || entries > max) throw new Ext4FormatError(at + 2, `got ${entries} extents of at most ${max}, want at most ${maxEntries}`);
    if (depth >= depthLeft) throw new Ext4FormatError(at + 6, `got extent tree depth ${depth}, want less than ${depthLeft} here`);
    const perBlock = Math.floor((this.info.blockSize - 12) / 12);
    for (let i = 0; i < entries; i++) {
      const e = at + 12 + i * 12;
      const logical = this.u32(e);
      if (depth > 0) {
        const child = this.u32(e + 4) + this.u16(e + 8) * 2 ** 32;
        this.extentNode(this.block(child, e + 4) * this.info.blockSize, perBlock, depth, map, filled);
        continue;
      }
      let length = this.u16(e + 4);
      const uninitialized = length > EXTENT_MAX_INIT_LEN;
      if (uninitialized) length -= EXTENT_MAX_INIT_LEN;
      const start = this.u32(e + 8) + this.u16(e + 6) * 2 ** 32;
      if (length > 0) {
        this.block(start, e + 6);
        this.block(start + length - 1, e + 4);
      }
      // Preallocated (uninitialized) extents read as zeros: a hole.
      if (uninitialized) continue;
      const mapped = Math.max(0, Math.min(length, map.length - logical));
      // Extents of a file never overlap, so together they map each logical block at most once.
      filled.left -= mapped;
      if (filled.left < 0) throw new Ext4FormatError(e, `extents map more blocks than the file has, want extents that do not overlap`);
      for (let j = 0; j < mapped; j++) map[logical + j] = start + j;
    }
  }

  /** An inode's data, `size` bytes, holes as zeros. */
  private data(inode: RawInode, size: number): Uint8Array {
    if (size > this.bytes.length) {
      throw new Ext4FormatError(inode.offset + 4, `got a file of ${size} bytes, want at most the image's ${this.bytes.length} (sparse files this large are not read)`);
    }
    if (size > this.budget) throw new Ext4FormatError(inode.offset + 4, `got ${size} more bytes of file data, want at most ${this.budget} more (maxBytes)`);
    this.budget -= size;
    const bs = this.info.blockSize;
    const count = Math.ceil(size / bs);
    const map = this.blockMap(inode, count);
    const out = new Uint8Array(size);
    for (let i = 0; i < count; i++) {
      const b = map[i]!;
      if (b !== 0) out.set(this.bytes.subarray(b * bs, Math.min(b * bs + bs, b * bs + size - i * bs)), i * bs);
    }
    return out;
  }

  private symlinkTarget(inode: RawInode): string {
    const eaBlocks = inode.fileAcl !== 0 ? this.info.blockSize / 512 : 0;
    // A fast symlink keeps its target in i_block; it has no data blocks of its own.
    const fast = inode.size < 60 && inode.sectors - eaBlocks === 0 && !(inode.flags & EXTENTS_FL);
    if (inode.size === 0 || inode.size >= this.info.blockSize) {
      throw new Ext4FormatError(inode.offset + 4, `got a symlink of ${inode.size} bytes, want 1 to ${this.info.blockSize - 1}`);
    }
    const bytes = fast ? this.bytes.subarray(inode.offset + 40, inode.offset + 40 + inode.size) : this.data(inode, inode.size);
    return utf8.decode(bytes);
  }

  entries(): CpioEntry[] {
    const out: CpioEntry[] = [];
    const root = this.inode(ROOT_INO, SUPERBLOCK_OFFSET);
    if ((root.mode & 0xf000) !== S_IFDIR) throw new Ext4FormatError(root.offset, `got root inode mode 0o${root.mode.toString(8)}, want a directory`);
    const seenDirs = new Set<number>([ROOT_INO]);
    const regular = new Map<CpioEntry, { ino: number; inode: RawInode }>();
    // Breadth-first with an explicit queue: no recursion to overflow, each directory once.
    const queue: Array<{ ino: number; inode: RawInode; path: string }> = [{ ino: ROOT_INO, inode: root, path: "" }];
    for (let q = 0; q < queue.length; q++) {
      const dir = queue[q]!;
      if (dir.inode.size % this.info.blockSize !== 0) {
        throw new Ext4FormatError(dir.inode.offset + 4, `got a directory of ${dir.inode.size} bytes, want a multiple of the ${this.info.blockSize}-byte block`);
      }
      const bytes = this.data(dir.inode, dir.inode.size);
      const children: Array<{ name: string; ino: number; at: number }> = [];
      for (let pos = 0; pos + 8 <= bytes.length; ) {
        const ino = this.readU32(bytes, pos);
        const recLen = bytes[pos + 4]! | (bytes[pos + 5]! << 8);
        const nameLen = bytes[pos + 6]!;
        const blockEnd = (Math.floor(pos / this.info.blockSize) + 1) * this.info.blockSize;
        if (recLen < 8 || recLen % 4 !== 0 || pos + recLen > blockEnd || (ino !== 0 && 8 + nameLen > recLen)) {
          throw new Ext4FormatError(dir.inode.offset, `directory /${dir.path} at byte ${pos} of its data: got a record of ${recLen} bytes for a ${nameLen}-byte name, want a multiple of 4 that holds the name and stays in its block`);
        }
        if (ino !== 0) {
          const nameBytes = bytes.subarray(pos + 8, pos + 8 + nameLen);
          const name = utf8.decode(nameBytes);
          if (name !== "." && name !== "..") {
            if (nameLen === 0 || nameBytes.includes(0x2f) || nameBytes.includes(0)) {
              throw new Ext4FormatError(dir.inode.offset, `directory /${dir.path} at byte ${pos} of its data: got the name ${JSON.stringify(name)}, want a name without "/" or NUL`);
            }
            children.push({ name, ino, at: pos });
          }
        }
        pos += recLen;
      }
      children.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const child of children) {
        const path = dir.path === "" ? child.name : `${dir.path}/${child.name}`;
        const inode = this.inode(child.ino, dir.inode.offset);
        const owner = { path, mode: inode.mode & 0o7777, uid: inode.uid, gid: inode.gid, mtime: inode.mtime };
        const type = inode.mode & 0xf000;
        if (type === S_IFDIR) {
          if (seenDirs.has(child.ino)) throw new Ext4FormatError(inode.offset, `directory /${path} (inode ${child.ino}) is reached twice: a cycle or a hard-linked directory`);
          seenDirs.add(child.ino);
          out.push({ kind: "directory", ...owner });
          queue.push({ ino: child.ino, inode, path });
          continue;
        }
        switch (type) {
          case S_IFREG: {
            // Data is read once per inode, for the name that sorts first; the rest become links.
            const entry: CpioEntry = { kind: "file", ...owner, data: EMPTY };
            regular.set(entry, { ino: child.ino, inode });
            out.push(entry);
            break;
          }
          case S_IFLNK:
            out.push({ kind: "symlink", ...owner, target: this.symlinkTarget(inode) });
            break;
          case S_IFCHR:
          case S_IFBLK: {
            const { major, minor } = decodeDevice(this.u32(inode.offset + 40), this.u32(inode.offset + 44));
            out.push({ kind: type === S_IFCHR ? "char-device" : "block-device", ...owner, major, minor });
            break;
          }
          case S_IFIFO:
            out.push({ kind: "fifo", ...owner });
            break;
          case S_IFSOCK:
            out.push({ kind: "socket", ...owner });
            break;
          default:
            throw new Ext4FormatError(inode.offset, `/${path} (inode ${child.ino}): got mode 0o${inode.mode.toString(8)}, want a known file type`);
        }
      }
    }
    // Parents first, then sorted by path, as flattenEntries and the cpio writer expect.
    out.sort((a, b) => comparePaths(a.path, b.path));
    const firstName = new Map<number, string>();
    return out.map((entry) => {
      const file = regular.get(entry);
      if (!file) return entry;
      const first = firstName.get(file.ino);
      if (first !== undefined) return { kind: "hardlink", path: entry.path, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime, target: first };
      firstName.set(file.ino, entry.path);
      return { ...entry, data: this.data(file.inode, file.inode.size) } as CpioEntry;
    });
  }

  private readU32(bytes: Uint8Array, at: number): number {
    return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
  }
}

