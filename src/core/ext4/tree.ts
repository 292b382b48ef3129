// The tree to write as inodes: numbers in sorted path order (root 2, lost+found 11, then the
// entries), link counts, and each directory's blocks, before any block is allocated.
import { flattenEntries } from "../cpio/flatten.ts";
import type { CpioEntry } from "../cpio/entry.ts";
import { ancestorPaths, parentPath } from "../cpio/path.ts";
import { Ext4EntryError } from "./errors.ts";
import {
  FAST_SYMLINK_MAX,
  FIRST_INO,
  FT_BLK,
  FT_CHR,
  FT_DIR,
  FT_FIFO,
  FT_REG,
  FT_SOCK,
  FT_SYMLINK,
  ROOT_INO,
  S_IFBLK,
  S_IFCHR,
  S_IFDIR,
  S_IFIFO,
  S_IFLNK,
  S_IFREG,
  S_IFSOCK,
} from "./format.ts";

const encoder = new TextEncoder();

interface DirChild {
  name: Uint8Array;
  ino: number;
  fileType: number;
}

export interface InodeSpec {
  ino: number;
  path: string;
  mode: number; // type and permission bits
  uid: number;
  gid: number;
  mtime: number;
  links: number;
  /** Bytes to store in data blocks (file contents, a slow symlink's target, a directory's blocks). */
  data?: Uint8Array;
  /** A fast symlink's target, stored in i_block. */
  inlineTarget?: Uint8Array;
  device?: { major: number; minor: number };
  children?: DirChild[];
  isDir: boolean;
}

/**
 * Parent directories no entry names, made 0755 root:root. Unlike the kernel unpacking an
 * initramfs (which drops such an entry, and flattenEntries with it), an image has no stream
 * order to replay, and a file that silently went missing from a disk would be worse.
 */
function withParents(entries: readonly CpioEntry[], time: number): CpioEntry[] {
  const named = new Set(entries.map((e) => e.path));
  const missing: CpioEntry[] = [];
  for (const entry of entries) {
    for (const ancestor of ancestorPaths(entry.path)) {
      if (named.has(ancestor)) continue;
      named.add(ancestor);
      missing.push({ kind: "directory", path: ancestor, mode: 0o755, uid: 0, gid: 0, mtime: time });
    }
  }
  return missing.length === 0 ? [...entries] : [...missing, ...entries];
}

export function buildInodes(entries: readonly CpioEntry[], options: { time?: number }, blockSize: number): InodeSpec[] {
  const time = options.time ?? 0;
  const tree = flattenEntries(withParents(entries, time));
  const root: InodeSpec = { ino: ROOT_INO, path: "", mode: S_IFDIR | 0o755, uid: 0, gid: 0, mtime: time, links: 2, children: [], isDir: true };
  const byPath = new Map<string, InodeSpec>([["", root]]);
  const inodes: InodeSpec[] = [root];
  let next = FIRST_INO;
  const hasLostFound = tree.some((e) => e.path === "lost+found");
  if (!hasLostFound) {
    // e2fsck wants /lost+found (it reports "not found" otherwise), so every image has one, 0700.
    const lf: InodeSpec = { ino: next++, path: "lost+found", mode: S_IFDIR | 0o700, uid: 0, gid: 0, mtime: time, links: 2, children: [], isDir: true };
    byPath.set(lf.path, lf);
    inodes.push(lf);
    root.children!.push({ name: encoder.encode("lost+found"), ino: lf.ino, fileType: FT_DIR });
    root.links++;
  }
  for (const entry of tree) {
    const parent = byPath.get(parentPath(entry.path))!;
    const name = encoder.encode(entry.path.slice(entry.path.lastIndexOf("/") + 1));
    if (name.length > 255) throw new Ext4EntryError(entry.path, `name is ${name.length} bytes long; want at most 255`);
    const owner = { path: entry.path, uid: entry.uid, gid: entry.gid, mtime: entry.mtime, links: 1 };
    let spec: InodeSpec;
    let fileType: number;
    switch (entry.kind) {
      case "hardlink": {
        const target = byPath.get(entry.target)!;
        target.links++;
        parent.children!.push({ name, ino: target.ino, fileType: FT_REG });
        continue;
      }
      case "directory":
        spec = { ...owner, ino: 0, mode: S_IFDIR | entry.mode, links: 2, children: [], isDir: true };
        parent.links++;
        fileType = FT_DIR;
        break;
      case "file":
        spec = { ...owner, ino: 0, mode: S_IFREG | entry.mode, data: entry.data, isDir: false };
        fileType = FT_REG;
        break;
      case "symlink": {
        const target = encoder.encode(entry.target);
        if (target.length === 0 || target.length >= blockSize) {
          throw new Ext4EntryError(entry.path, `symlink target is ${target.length} bytes; want 1 to ${blockSize - 1}`);
        }
        spec = { ...owner, ino: 0, mode: S_IFLNK | entry.mode, isDir: false, ...(target.length <= FAST_SYMLINK_MAX ? { inlineTarget: target } : { data: target }) };
        fileType = FT_SYMLINK;
        break;
      }
      case "char-device":
      case "block-device":
        // The kernel's dev_t: 12 bits of major, 20 of minor.
        if (entry.major > 0xfff || entry.minor > 0xfffff) {
          throw new Ext4EntryError(entry.path, `device ${entry.major},${entry.minor}: want major <= 4095 and minor <= 1048575`);
        }
        spec = { ...owner, ino: 0, mode: (entry.kind === "char-device" ? S_IFCHR : S_IFBLK) | entry.mode, device: { major: entry.major, minor: entry.minor }, isDir: false };
        fileType = entry.kind === "char-device" ? FT_CHR : FT_BLK;
        break;
      case "fifo":
        spec = { ...owner, ino: 0, mode: S_IFIFO | entry.mode, isDir: false };
        fileType = FT_FIFO;
        break;
      case "socket":
        spec = { ...owner, ino: 0, mode: S_IFSOCK | entry.mode, isDir: false };
        fileType = FT_SOCK;
        break;
    }
    spec.ino = next++;
    byPath.set(entry.path, spec);
    inodes.push(spec);
    parent.children!.push({ name, ino: spec.ino, fileType });
  }
  for (const inode of inodes) {
    // i_links_count is 16 bits; past 65000 ext4 needs dir_nlink, which we do not write.
    if (inode.links > 65000) {
      throw new Ext4EntryError(inode.path || "/", `${inode.links} links (names, or subdirectories of a directory); want at most 65000`);
    }
    if (inode.isDir) inode.data = directoryBlocks(inode, byPath.get(parentPath(inode.path))!.ino, blockSize);
  }
  return inodes;
}

/** A linear directory: ".", "..", then the children in order, never an entry across a block. */
function directoryBlocks(dir: InodeSpec, parentIno: number, blockSize: number): Uint8Array {
  const all: DirChild[] = [
    { name: Uint8Array.of(0x2e), ino: dir.ino, fileType: FT_DIR },
    { name: Uint8Array.of(0x2e, 0x2e), ino: dir.path === "" ? ROOT_INO : parentIno, fileType: FT_DIR },
    ...dir.children!,
  ];
  const recLen = (c: DirChild): number => (8 + c.name.length + 3) & ~3;
  let blocks = 1;
  let used = 0;
  for (const c of all) {
    if (used + recLen(c) > blockSize) {
      blocks++;
      used = 0;
    }
    used += recLen(c);
  }
  const out = new Uint8Array(blocks * blockSize);
  const view = new DataView(out.buffer);
  let block = 0;
  used = 0;
  let last = -1;
  const close = (): void => {
    // The last entry of a block owns the rest of it.
    if (last >= 0) view.setUint16(last + 4, block * blockSize + blockSize - last, true);
  };
  for (const c of all) {
    const len = recLen(c);
    if (used + len > blockSize) {
      close();
      block++;
      used = 0;
    }
    const at = block * blockSize + used;
    view.setUint32(at, c.ino, true);
    view.setUint16(at + 4, len, true);
    out[at + 6] = c.name.length;
    out[at + 7] = c.fileType;
    out.set(c.name, at + 8);
    last = at;
    used += len;
  }
  close();
  return out;
}
