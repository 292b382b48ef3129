// The block groups of an image: how many, how many inodes each, and where each group's
// superblock copy, descriptor table, bitmaps and inode table sit (the layout mke2fs makes
// without flex_bg: every group's metadata at its own start).
import { groupHasSuperblock } from "./format.ts";

export const INODE_SIZE = 256;
/** mke2fs's default inode_ratio: one inode per 16 KiB of image, so a guest can create files. */
const BYTES_PER_INODE = 16384;
export const DESC_SIZE = 32;

/** The block groups of an image: where each group starts and what its metadata takes. */
export interface Geometry {
  blockSize: number;
  firstDataBlock: number;
  blocksCount: number;
  blocksPerGroup: number;
  groups: number;
  inodesPerGroup: number;
  gdtBlocks: number;
  inodeTableBlocks: number;
}

export function groupStart(geo: Geometry, group: number): number {
  return geo.firstDataBlock + group * geo.blocksPerGroup;
}
export function groupBlocks(geo: Geometry, group: number): number {
  return Math.min(geo.blocksPerGroup, geo.blocksCount - groupStart(geo, group));
}
export function groupOverhead(geo: Geometry, group: number): number {
  return (groupHasSuperblock(group) ? 1 + geo.gdtBlocks : 0) + 2 + geo.inodeTableBlocks;
}
export function capacity(geo: Geometry): number {
  let free = 0;
  for (let g = 0; g < geo.groups; g++) free += groupBlocks(geo, g) - groupOverhead(geo, g);
  return free;
}

/**
 * The groups of an image of `size` bytes with at least `inodesNeeded` inodes, or undefined when
 * not even the metadata fits. A last group too small for its own metadata is dropped (the image
 * keeps its size; the file system ends a little earlier), as mke2fs does.
 */
export function planGeometry(size: number, blockSize: number, inodesNeeded: number): Geometry | undefined {
  const firstDataBlock = blockSize === 1024 ? 1 : 0;
  const blocksPerGroup = 8 * blockSize;
  let blocksCount = Math.floor(size / blockSize);
  for (;;) {
    if (blocksCount <= firstDataBlock) return undefined;
    const groups = Math.ceil((blocksCount - firstDataBlock) / blocksPerGroup);
    const perTableBlock = blockSize / INODE_SIZE;
    const target = Math.max(inodesNeeded, Math.floor(size / BYTES_PER_INODE));
    let inodesPerGroup = Math.ceil(target / groups / 8) * 8;
    inodesPerGroup = Math.ceil(inodesPerGroup / perTableBlock) * perTableBlock;
    // The inode bitmap is one block; mke2fs also keeps the table within a group.
    const maxPerGroup = Math.min(8 * blockSize, Math.floor((blocksPerGroup / 4) * perTableBlock));
    if (inodesPerGroup > maxPerGroup) {
      if (Math.ceil(inodesNeeded / groups) > maxPerGroup) return undefined;
      inodesPerGroup = maxPerGroup;
    }
    const geo: Geometry = {
      blockSize,
      firstDataBlock,
      blocksCount,
      blocksPerGroup,
      groups,
      inodesPerGroup,
      gdtBlocks: Math.ceil((groups * DESC_SIZE) / blockSize),
      inodeTableBlocks: (inodesPerGroup * INODE_SIZE) / blockSize,
    };
    const last = groups - 1;
    if (groupBlocks(geo, last) >= groupOverhead(geo, last) + 1) return geo;
    if (groups === 1) return undefined;
    blocksCount = groupStart(geo, last);
  }
}
