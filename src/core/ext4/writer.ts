// The ext2/ext4 writer: a tree of entries (the cpio kinds) into a file-system image of a given
// size, made without root and without mount, the same bytes every time.
//
// What it writes, and why:
// - Both flavours: revision 1, 256-byte inodes (i_extra_isize 32, room for nanosecond times),
//   `filetype` (the type in each directory entry, which every kernel since 2.2 reads),
//   `sparse_super` (superblock and descriptor copies in groups 0, 1 and powers of 3, 5, 7) and
//   `large_file` (files over 2 GiB). 32-byte group descriptors, no reserved GDT blocks, no
//   resize inode, no journal: an image we write is booted or read, not grown, and without a
//   journal there is nothing to replay. Root's reserved blocks are 0: the whole image is the
//   user's tree plus headroom.
// - ext2: block maps (12 direct blocks, then single, double and triple indirect blocks).
// - ext4: the above plus `extents` (files and directories are mapped by extents, with an extent
//   tree as deep as needed once a file has more than the 4 extents that fit in the inode).
//   Not written: `64bit` (images here are far below 16 TiB), `flex_bg` (it only moves bitmaps
//   together for speed on big disks), `dir_index` (linear directories are what the kernel
//   reads fastest for the few thousand entries of a root filesystem, and need no hash code),
//   `metadata_csum`/`uninit_bg` (checksums to keep in step for no gain on an image written in
//   one go), `huge_file`, `dir_nlink`, inline data.
// - Block size: 4096 by default (mke2fs picks 1024 only below 512 MiB for "small" file systems,
//   to waste less on tiny files; 4096 matches the page size, so the RAM disk and the page cache
//   need no conversion, and an extent covers four times more). 1024 on request.
// - Reproducible: inode numbers in sorted path order (root 2, lost+found 11, then the tree),
//   blocks allocated in that order from the start of the image, a fixed UUID and hash seed, and
//   every time 0 unless the entries or `options.time` say otherwise.
import type { CpioEntry } from "../cpio/entry.ts";
import { Ext4SpaceError } from "./errors.ts";
import { writeExtentTree } from "./extents.ts";
import {
  EXT4_MAGIC,
  EXTENTS_FL,
  FIRST_INO,
  INCOMPAT_EXTENTS,
  INCOMPAT_FILETYPE,
  RO_COMPAT_LARGE_FILE,
  RO_COMPAT_SPARSE_SUPER,
  S_IFREG,
  SUPERBLOCK_OFFSET,
  encodeDevice,
  groupHasSuperblock,
} from "./format.ts";
import { capacity, DESC_SIZE, groupBlocks, groupOverhead, groupStart, INODE_SIZE, planGeometry, type Geometry } from "./geometry.ts";
import { buildInodes, type InodeSpec } from "./tree.ts";

export type Ext4Flavour = "ext2" | "ext4";

export interface Ext4WriteOptions {
  /** Image size in bytes (rounded down to whole blocks). */
  size: number;
  flavour?: Ext4Flavour;
  /** 4096 (default) or 1024. */
  blockSize?: 1024 | 4096;
  /** Seconds since the epoch for the superblock, root and lost+found; 0 unless asked. */
  time?: number;
  /** 16 bytes; a fixed UUID unless asked, so the same tree gives the same image. */
  uuid?: Uint8Array;
  /** Up to 16 bytes of ASCII. */
  label?: string;
}

const EXTRA_ISIZE = 32;
/** "b007 1ab0-..." : bootlab's fixed UUID, and a fixed hash seed derived from it. */
const DEFAULT_UUID = Uint8Array.from([0xb0, 0x07, 0x1a, 0xb0, 0xe4, 0x74, 0x4e, 0x11, 0x8a, 0x2d, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01]);
const HASH_SEED = Uint8Array.from([0x5e, 0xed, 0xb0, 0x07, 0x1a, 0xb0, 0x4e, 0x11, 0x9d, 0x3c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02]);
const encoder = new TextEncoder();

// ---- Sizing ---------------------------------------------------------------------------------

/** Blocks a file of `n` data blocks needs for its block map (ext2) beyond the data. */
function indirectBlocks(n: number, blockSize: number): number {
  const p = blockSize / 4;
  let rest = Math.max(0, n - 12);
  let count = 0;
  for (let level = 1, span = p; level <= 3 && rest > 0; level++, span *= p) {
    const here = Math.min(rest, span);
    // One block at this level's top, and the blocks below it that hold pointers.
    let blocksAtLevel = here;
    for (let l = 0; l < level; l++) {
      blocksAtLevel = Math.ceil(blocksAtLevel / p);
      count += blocksAtLevel;
    }
    rest -= here;
  }
  return count;
}

/** An upper bound of the extent-tree blocks of a file of `n` blocks on `groups` groups. */
function extentTreeBlocks(n: number, blockSize: number, groups: number): number {
  // Runs break at most once per group boundary and every 32768 blocks.
  let extents = Math.ceil(n / 32768) + groups;
  if (extents <= 4) return 0;
  const per = (blockSize - 12) / 12;
  let count = 0;
  while (extents > 4) {
    extents = Math.ceil(extents / per);
    count += extents;
  }
  return count;
}

function blocksNeeded(inodes: readonly InodeSpec[], flavour: Ext4Flavour, blockSize: number, groups: number): number {
  let total = 0;
  for (const inode of inodes) {
    const n = Math.ceil((inode.data?.length ?? 0) / blockSize);
    total += n + (n === 0 ? 0 : flavour === "ext2" ? indirectBlocks(n, blockSize) : extentTreeBlocks(n, blockSize, groups));
  }
  return total;
}

function inodesNeeded(inodes: readonly InodeSpec[]): number {
  return FIRST_INO - 1 + inodes.length - 1;
}

/** The smallest image size, in whole MiB, that holds the tree. */
function minimumSize(inodes: readonly InodeSpec[], flavour: Ext4Flavour, blockSize: number): number {
  const fits = (mib: number): boolean => {
    const geo = planGeometry(mib * (1 << 20), blockSize, inodesNeeded(inodes));
    return geo !== undefined && capacity(geo) >= blocksNeeded(inodes, flavour, blockSize, geo.groups);
  };
  let high = 1;
  while (!fits(high)) high *= 2;
  let low = high / 2;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) high = mid;
    else low = mid;
  }
  return high * (1 << 20);
}

/**
 * The image size `bootlab pack` uses when none is given: what the tree needs, plus a quarter
 * and 1 MiB of headroom for the guest to write in, in whole MiB.
 */
export function defaultImageSize(entries: readonly CpioEntry[], options: Omit<Ext4WriteOptions, "size"> = {}): number {
  const blockSize = options.blockSize ?? 4096;
  const min = minimumSize(buildInodes(entries, options, blockSize), options.flavour ?? "ext4", blockSize);
  return Math.ceil((min * 1.25) / (1 << 20) + 1) * (1 << 20);
}

// ---- Writing --------------------------------------------------------------------------------

/**
 * Writes `entries` as an ext2 or ext4 image of `options.size` bytes: flattened as the kernel
 * would unpack them (later entries win), with missing parent directories made 0755.
 */
export function writeExt4(entries: readonly CpioEntry[], options: Ext4WriteOptions): Uint8Array {
  const flavour = options.flavour ?? "ext4";
  const blockSize = options.blockSize ?? 4096;
  if (blockSize !== 1024 && blockSize !== 4096) throw new RangeError(`block size ${blockSize}: want 1024 or 4096`);
  if (!Number.isSafeInteger(options.size) || options.size < 0) throw new RangeError(`image size ${options.size}: want a whole number of bytes`);
  const inodes = buildInodes(entries, options, blockSize);
  const geo = planGeometry(options.size, blockSize, inodesNeeded(inodes));
  const need = geo && blocksNeeded(inodes, flavour, blockSize, geo.groups);
  if (!geo || capacity(geo) < need!) {
    const why = !geo
      ? `${inodesNeeded(inodes)} inodes and the metadata of the block groups`
      : `${need} blocks of ${blockSize} bytes for data, ${capacity(geo)} free`;
    throw new Ext4SpaceError(options.size, minimumSize(inodes, flavour, blockSize), why);
  }
  return new ImageBuilder(geo, flavour, options).write(inodes);
}

class ImageBuilder {
  readonly image: Uint8Array;
  readonly view: DataView;
  readonly bs: number;
  /** One byte per block: 1 when in use. */
  readonly used: Uint8Array;
  cursor = 0;
  readonly usedDirs: number[];
  /** Inodes are handed out in order: 1..highestIno are in use. */
  highestIno = FIRST_INO - 1;

  constructor(
    readonly geo: Geometry,
    readonly flavour: Ext4Flavour,
    readonly options: Ext4WriteOptions,
  ) {
    this.bs = geo.blockSize;
    this.image = new Uint8Array(options.size);
    this.view = new DataView(this.image.buffer);
    this.used = new Uint8Array(geo.blocksCount);
    this.usedDirs = new Array<number>(geo.groups).fill(0);
    for (let b = 0; b < geo.firstDataBlock; b++) this.used[b] = 1;
    for (let g = 0; g < geo.groups; g++) {
      const start = groupStart(geo, g);
      for (let b = 0; b < groupOverhead(geo, g); b++) this.used[start + b] = 1;
    }
  }

  private metadata(group: number): { blockBitmap: number; inodeBitmap: number; inodeTable: number } {
    const base = groupStart(this.geo, group) + (groupHasSuperblock(group) ? 1 + this.geo.gdtBlocks : 0);
    return { blockBitmap: base, inodeBitmap: base + 1, inodeTable: base + 2 };
  }

  private alloc(): number {
    while (this.used[this.cursor]) this.cursor++;
    // Sizing checked the image holds everything, so the cursor never runs off the end.
    this.used[this.cursor] = 1;
    return this.cursor;
  }

  write(inodes: readonly InodeSpec[]): Uint8Array {
    for (const inode of inodes) this.writeInode(inode);
    this.writeGroups();
    return this.image;
  }

  private inodeOffset(ino: number): number {
    const group = Math.floor((ino - 1) / this.geo.inodesPerGroup);
    const index = (ino - 1) % this.geo.inodesPerGroup;
    return this.metadata(group).inodeTable * this.bs + index * INODE_SIZE;
  }

  private writeInode(spec: InodeSpec): void {
    const at = this.inodeOffset(spec.ino);
    const v = this.view;
    const group = Math.floor((spec.ino - 1) / this.geo.inodesPerGroup);
    this.highestIno = Math.max(this.highestIno, spec.ino);
    if (spec.isDir) this.usedDirs[group]!++;
    let flags = 0;
    let sectors = 0;
    let size = 0;
    if (spec.data && spec.data.length > 0) {
      size = spec.data.length;
      const n = Math.ceil(size / this.bs);
      const blocks = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        const b = this.alloc();
        blocks[i] = b;
        this.image.set(spec.data.subarray(i * this.bs, (i + 1) * this.bs), b * this.bs);
      }
      let mapBlocks: number;
      if (this.flavour === "ext4") {
        flags |= EXTENTS_FL;
        mapBlocks = this.writeExtents(at + 40, blocks);
      } else {
        mapBlocks = this.writeBlockMap(at + 40, blocks);
      }
      sectors = ((n + mapBlocks) * this.bs) / 512;
    } else if (spec.inlineTarget) {
      size = spec.inlineTarget.length;
      this.image.set(spec.inlineTarget, at + 40);
    } else if (spec.device) {
      const { old, wide } = encodeDevice(spec.device.major, spec.device.minor);
      v.setUint32(at + 40, old, true);
      v.setUint32(at + 44, wide, true);
    } else if (this.flavour === "ext4" && (spec.mode & 0xf000) === S_IFREG) {
      // An empty file still carries an (empty) extent header, as the kernel leaves it.
      flags |= EXTENTS_FL;
      writeExtentTree(this.view, at + 40, [], this.bs, () => this.alloc());
    }
    v.setUint16(at + 0, spec.mode, true);
    v.setUint16(at + 2, spec.uid & 0xffff, true);
    v.setUint32(at + 4, size % 2 ** 32, true);
    v.setUint32(at + 8, spec.mtime, true); // atime
    v.setUint32(at + 12, spec.mtime, true); // ctime
    v.setUint32(at + 16, spec.mtime, true); // mtime
    v.setUint16(at + 24, spec.gid & 0xffff, true);
    v.setUint16(at + 26, spec.links, true);
    v.setUint32(at + 28, sectors % 2 ** 32, true);
    v.setUint32(at + 32, flags, true);
    v.setUint32(at + 108, Math.floor(size / 2 ** 32), true);
    v.setUint16(at + 116, Math.floor(sectors / 2 ** 32), true);
    v.setUint16(at + 120, spec.uid >>> 16, true);
    v.setUint16(at + 122, spec.gid >>> 16, true);
    v.setUint16(at + 128, EXTRA_ISIZE, true);
  }

  /** ext2's block map in i_block at `at`; returns the number of indirect blocks it took. */
  private writeBlockMap(at: number, blocks: readonly number[]): number {
    const p = this.bs / 4;
    for (let i = 0; i < Math.min(12, blocks.length); i++) this.view.setUint32(at + i * 4, blocks[i]!, true);
    let taken = 0;
    const pointerBlock = (level: number, list: readonly number[]): number => {
      const block = this.alloc();
      taken++;
      const span = p ** (level - 1);
      for (let i = 0; i * span < list.length; i++) {
        const value = level === 1 ? list[i]! : pointerBlock(level - 1, list.slice(i * span, (i + 1) * span));
        this.view.setUint32(block * this.bs + i * 4, value, true);
      }
      return block;
    };
    let rest = blocks.slice(12);
    for (let level = 1; level <= 3 && rest.length > 0; level++) {
      const span = p ** level;
      this.view.setUint32(at + (11 + level) * 4, pointerBlock(level, rest.slice(0, span)), true);
      rest = rest.slice(span);
    }
    return taken;
  }

  /** ext4's extent tree rooted in i_block at `at`; returns the number of tree blocks it took. */
  private writeExtents(at: number, blocks: readonly number[]): number {
    return writeExtentTree(this.view, at, blocks, this.bs, () => this.alloc());
  }

  private writeGroups(): void {
    const { geo, bs, image } = this;
    const totalInodes = geo.inodesPerGroup * geo.groups;
    let freeBlocks = 0;
    let freeInodes = 0;
    const gdt = new Uint8Array(geo.gdtBlocks * bs);
    const gdv = new DataView(gdt.buffer);
    for (let g = 0; g < geo.groups; g++) {
      const meta = this.metadata(g);
      const start = groupStart(geo, g);
      const count = groupBlocks(geo, g);
      let free = 0;
      const bitmap = meta.blockBitmap * bs;
      for (let i = 0; i < 8 * bs; i++) {
        // Bits past the end of the last group are set: those blocks do not exist.
        if (i >= count || this.used[start + i]) image[bitmap + (i >> 3)]! |= 1 << (i & 7);
        else free++;
      }
      const ibitmap = meta.inodeBitmap * bs;
      const firstIno = g * geo.inodesPerGroup + 1;
      let usedHere = 0;
      for (let i = 0; i < 8 * bs; i++) {
        const ino = firstIno + i;
        const inUse = i >= geo.inodesPerGroup || ino <= this.highestIno;
        if (inUse) image[ibitmap + (i >> 3)]! |= 1 << (i & 7);
        if (inUse && i < geo.inodesPerGroup) usedHere++;
      }
      freeBlocks += free;
      freeInodes += geo.inodesPerGroup - usedHere;
      const d = g * DESC_SIZE;
      gdv.setUint32(d, meta.blockBitmap, true);
      gdv.setUint32(d + 4, meta.inodeBitmap, true);
      gdv.setUint32(d + 8, meta.inodeTable, true);
      gdv.setUint16(d + 12, free, true);
      gdv.setUint16(d + 14, geo.inodesPerGroup - usedHere, true);
      gdv.setUint16(d + 16, this.usedDirs[g]!, true);
    }
    const sb = new Uint8Array(1024);
    const s = new DataView(sb.buffer);
    const time = this.options.time ?? 0;
    s.setUint32(0, totalInodes, true);
    s.setUint32(4, geo.blocksCount, true);
    s.setUint32(8, 0, true); // r_blocks: none reserved for root
    s.setUint32(12, freeBlocks, true);
    s.setUint32(16, freeInodes, true);
    s.setUint32(20, geo.firstDataBlock, true);
    s.setUint32(24, Math.log2(bs) - 10, true);
    s.setUint32(28, Math.log2(bs) - 10, true);
    s.setUint32(32, geo.blocksPerGroup, true);
    s.setUint32(36, geo.blocksPerGroup, true);
    s.setUint32(40, geo.inodesPerGroup, true);
    s.setUint32(48, time, true); // wtime
    s.setUint16(54, 0xffff, true); // max_mnt_count -1: no forced check
    s.setUint16(56, EXT4_MAGIC, true);
    s.setUint16(58, 1, true); // state: cleanly unmounted
    s.setUint16(60, 1, true); // errors: continue
    s.setUint32(64, time, true); // lastcheck
    s.setUint32(76, 1, true); // rev_level: dynamic
    s.setUint32(84, FIRST_INO, true);
    s.setUint16(88, INODE_SIZE, true);
    s.setUint32(96, INCOMPAT_FILETYPE | (this.flavour === "ext4" ? INCOMPAT_EXTENTS : 0), true);
    s.setUint32(100, RO_COMPAT_SPARSE_SUPER | RO_COMPAT_LARGE_FILE, true);
    sb.set(this.options.uuid ?? DEFAULT_UUID, 104);
    if (this.options.label) sb.set(encoder.encode(this.options.label).subarray(0, 16), 120);
    sb.set(HASH_SEED, 236);
    sb[252] = 1; // def_hash_version: half_md4, as mke2fs
    s.setUint32(264, time, true); // mkfs_time
    s.setUint16(348, EXTRA_ISIZE, true);
    s.setUint16(350, EXTRA_ISIZE, true);
    s.setUint32(352, 0x2, true); // flags: unsigned directory hash, as on x86
    for (let g = 0; g < geo.groups; g++) {
      if (!groupHasSuperblock(g)) continue;
      const start = groupStart(geo, g);
      s.setUint16(90, g, true); // block_group_nr: which copy this is
      image.set(sb, g === 0 ? SUPERBLOCK_OFFSET : start * bs);
      image.set(gdt, (start + 1) * bs);
    }
  }
}
