// ext4's extent tree, written: the runs of a file's blocks as extents (at most 32768 blocks
// each), four in the inode's i_block, and past four, leaf blocks under as many levels of index
// blocks as it takes until four nodes remain for the inode.
import { EXTENT_MAGIC, EXTENT_MAX_INIT_LEN } from "./format.ts";

interface Extent {
  logical: number;
  start: number;
  length: number;
}
interface Node {
  logical: number;
  block: number;
}

/**
 * Writes the tree mapping logical block i to `blocks[i]` into `view`: its root at `at` (the 60
 * bytes of i_block), its other nodes in blocks from `alloc`. Returns how many blocks it took.
 */
export function writeExtentTree(view: DataView, at: number, blocks: readonly number[], blockSize: number, alloc: () => number): number {
  const extents: Extent[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const last = extents[extents.length - 1];
    if (last && last.start + last.length === blocks[i] && last.length < EXTENT_MAX_INIT_LEN) last.length++;
    else extents.push({ logical: i, start: blocks[i]!, length: 1 });
  }
  const header = (o: number, entries: number, max: number, depth: number): void => {
    view.setUint16(o, EXTENT_MAGIC, true);
    view.setUint16(o + 2, entries, true);
    view.setUint16(o + 4, max, true);
    view.setUint16(o + 6, depth, true);
    view.setUint32(o + 8, 0, true);
  };
  const putExtent = (o: number, e: Extent): void => {
    view.setUint32(o, e.logical, true);
    view.setUint16(o + 4, e.length, true);
    view.setUint16(o + 6, Math.floor(e.start / 2 ** 32), true);
    view.setUint32(o + 8, e.start % 2 ** 32, true);
  };
  const putIndex = (o: number, n: Node): void => {
    view.setUint32(o, n.logical, true);
    view.setUint32(o + 4, n.block % 2 ** 32, true);
    view.setUint16(o + 8, Math.floor(n.block / 2 ** 32), true);
    view.setUint16(o + 10, 0, true);
  };
  if (extents.length <= 4) {
    header(at, extents.length, 4, 0);
    extents.forEach((e, i) => putExtent(at + 12 + i * 12, e));
    return 0;
  }
  // A node block holds a 12-byte header and 12-byte entries (the 4 bytes left at 4 KiB are
  // where metadata_csum would put a checksum; without it they stay zero).
  const per = Math.floor((blockSize - 12) / 12);
  let taken = 0;
  const level = <T>(items: readonly T[], depth: number, put: (o: number, item: T) => void, first: (item: T) => number): Node[] => {
    const nodes: Node[] = [];
    for (let i = 0; i < items.length; i += per) {
      const block = alloc();
      taken++;
      const chunk = items.slice(i, i + per);
      header(block * blockSize, chunk.length, per, depth);
      chunk.forEach((item, j) => put(block * blockSize + 12 + j * 12, item));
      nodes.push({ logical: first(chunk[0]!), block });
    }
    return nodes;
  };
  let nodes = level(extents, 0, putExtent, (e) => e.logical);
  let depth = 1;
  while (nodes.length > 4) nodes = level(nodes, depth++, putIndex, (n) => n.logical);
  header(at, nodes.length, 4, depth);
  nodes.forEach((n, i) => putIndex(at + 12 + i * 12, n));
  return taken;
}
