// The on-disk constants of ext2/ext4 that the writer and the reader share, named as in the
// kernel's fs/ext4/ext4.h, so each number in the code can be looked up there.

export const SUPERBLOCK_OFFSET = 1024;
export const EXT4_MAGIC = 0xef53;
/** Where the magic sits in the image: the superblock's s_magic at byte 56 of it. */
export const MAGIC_OFFSET = SUPERBLOCK_OFFSET + 56;
export const ROOT_INO = 2;
/** Inodes 1..10 are reserved (bad blocks, root, quota, journal, ...); the first ordinary one is 11. */
export const FIRST_INO = 11;
export const N_BLOCKS = 15;
/** i_block holds 60 bytes: a symlink target shorter than this lives there ("fast" symlink). */
export const FAST_SYMLINK_MAX = 59;

// s_feature_compat
export const COMPAT_DIR_INDEX = 0x20;
// s_feature_incompat
export const INCOMPAT_COMPRESSION = 0x1;
export const INCOMPAT_FILETYPE = 0x2;
export const INCOMPAT_RECOVER = 0x4;
export const INCOMPAT_JOURNAL_DEV = 0x8;
export const INCOMPAT_META_BG = 0x10;
export const INCOMPAT_EXTENTS = 0x40;
export const INCOMPAT_64BIT = 0x80;
export const INCOMPAT_FLEX_BG = 0x200;
export const INCOMPAT_ENCRYPT = 0x10000;
export const INCOMPAT_INLINE_DATA = 0x8000;
// s_feature_ro_compat
export const RO_COMPAT_SPARSE_SUPER = 0x1;
export const RO_COMPAT_LARGE_FILE = 0x2;

// i_flags
export const EXTENTS_FL = 0x80000;
export const INLINE_DATA_FL = 0x10000000;

export const EXTENT_MAGIC = 0xf30a;
/** An extent longer than this is "uninitialized" (preallocated, reads as zeros). */
export const EXTENT_MAX_INIT_LEN = 32768;

// i_mode file types
export const S_IFIFO = 0x1000;
export const S_IFCHR = 0x2000;
export const S_IFDIR = 0x4000;
export const S_IFBLK = 0x6000;
export const S_IFREG = 0x8000;
export const S_IFLNK = 0xa000;
export const S_IFSOCK = 0xc000;

// Directory entry file types (with INCOMPAT_FILETYPE).
export const FT_REG = 1;
export const FT_DIR = 2;
export const FT_CHR = 3;
export const FT_BLK = 4;
export const FT_FIFO = 5;
export const FT_SOCK = 6;
export const FT_SYMLINK = 7;

/** With sparse_super, only groups 0, 1 and powers of 3, 5 and 7 hold a copy of the superblock. */
export function groupHasSuperblock(group: number): boolean {
  if (group <= 1) return true;
  for (const base of [3, 5, 7]) {
    let n = base;
    while (n < group) n *= base;
    if (n === group) return true;
  }
  return false;
}

/** Linux's new dev_t encoding in i_block[1] (old_encode_dev fits major and minor < 256 in i_block[0]). */
export function encodeDevice(major: number, minor: number): { old: number; wide: number } {
  if (major < 256 && minor < 256) return { old: (major << 8) | minor, wide: 0 };
  return { old: 0, wide: ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0 };
}

export function decodeDevice(old: number, wide: number): { major: number; minor: number } {
  if (old !== 0) return { major: (old >>> 8) & 0xff, minor: old & 0xff };
  return { major: (wide & 0xfff00) >>> 8, minor: ((wide & 0xff) | ((wide >>> 12) & 0xfff00)) >>> 0 };
}
