// The tree a list of entries (normalised paths, hard links already resolved by readCpio) makes
// when laid down in order, with the override rules of init/initramfs.c on rootfs. It is for
// entries bootlab builds itself (packing, seed systems, tests), whose names are plain paths.
// For what the kernel makes of an archive's raw names (symlinked parents, "..", entries with
// data the kernel skips, hard-link data in stream order) use unpackLikeKernel
// (kernel-unpack.ts), which `bootlab unpack` uses.
//
// - An entry whose parent directory does not exist is dropped: the kernel creates no parents,
//   its mkdir/mknod/open just fail with ENOENT and it moves on.
// - clean_path(): an existing entry of another file type is unlinked (rmdir for a directory,
//   which fails when it is not empty: then the new entry is dropped and the directory stays).
// - A directory over a directory keeps the children; mkdir fails but chown/chmod still apply.
// - A regular file over a regular file is opened with O_TRUNC: the same inode gets the new data
//   and owner, so names hard-linked to it see the new contents too.
// - A device, FIFO or socket over one of the same type keeps the old node (mknod fails with
//   EEXIST, device numbers stay) and takes the new mode and owner.
// - A symlink or a hard link always replaces what was there (clean_path with mode 0).
// - A hard link whose target is not a regular file is dropped. The inode keeps the owner and mode
//   of its file entry: the writer stores the file's for every name, so that is what round-trips.
import type { CpioEntry, DeviceEntry, DirectoryEntry, FifoEntry, HardlinkEntry, SocketEntry, SymlinkEntry } from "./entry.ts";
import { comparePaths, parentPath } from "./path.ts";

interface Inode {
  data: Uint8Array;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
}

type Node =
  | { kind: "file"; inode: Inode }
  | { kind: "directory"; entry: DirectoryEntry }
  | { kind: "other"; entry: SymlinkEntry | DeviceEntry | FifoEntry | SocketEntry };

/** The final tree, sorted with parents first; hard-linked names as one FileEntry plus links. */
export function flattenEntries(entries: readonly CpioEntry[]): CpioEntry[] {
  const nodes = new Map<string, Node>();
  const children = new Map<string, number>([["", 0]]);

  const isDirectory = (path: string): boolean => path === "" || nodes.get(path)?.kind === "directory";
  const put = (path: string, node: Node): void => {
    if (!nodes.has(path)) {
      const parent = parentPath(path);
      children.set(parent, (children.get(parent) ?? 0) + 1);
    }
    nodes.set(path, node);
    if (node.kind === "directory" && !children.has(path)) children.set(path, 0);
  };
  /** clean_path: false when the path holds a directory that is not empty. */
  const unlink = (path: string): boolean => {
    const node = nodes.get(path);
    if (!node) return true;
    if (node.kind === "directory") {
      if ((children.get(path) ?? 0) > 0) return false;
      children.delete(path);
    }
    nodes.delete(path);
    const parent = parentPath(path);
    children.set(parent, (children.get(parent) ?? 1) - 1);
    return true;
  };

  for (const entry of entries) {
    const { path } = entry;
    if (!isDirectory(parentPath(path))) continue;
    const existing = nodes.get(path);
    switch (entry.kind) {
      case "directory":
        if (existing?.kind === "directory") {
          existing.entry = { ...existing.entry, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime };
        } else if (unlink(path)) {
          put(path, { kind: "directory", entry: { ...entry } });
        }
        break;
      case "file":
        if (existing?.kind === "file") {
          Object.assign(existing.inode, { data: entry.data, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime });
        } else if (unlink(path)) {
          put(path, { kind: "file", inode: { data: entry.data, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime } });
        }
        break;
      case "hardlink": {
        const target = nodes.get(entry.target);
        if (target?.kind !== "file" || entry.target === path) break;
        if (unlink(path)) put(path, { kind: "file", inode: target.inode });
        break;
      }
      case "symlink":
        if (unlink(path)) put(path, { kind: "other", entry: { ...entry } });
        break;
      default:
        if (existing?.kind === "other" && existing.entry.kind === entry.kind) {
          existing.entry = { ...existing.entry, mode: entry.mode, uid: entry.uid, gid: entry.gid, mtime: entry.mtime };
        } else if (unlink(path)) {
          put(path, { kind: "other", entry: { ...entry } });
        }
    }
  }

  const firstName = new Map<Inode, string>();
  const result: CpioEntry[] = [];
  for (const path of [...nodes.keys()].sort(comparePaths)) {
    const node = nodes.get(path)!;
    if (node.kind === "directory" || node.kind === "other") {
      result.push(node.entry);
      continue;
    }
    const { inode } = node;
    const first = firstName.get(inode);
    if (first === undefined) {
      firstName.set(inode, path);
      result.push({ kind: "file", path, data: inode.data, mode: inode.mode, uid: inode.uid, gid: inode.gid, mtime: inode.mtime });
    } else {
      const link: HardlinkEntry = { kind: "hardlink", path, target: first, mode: inode.mode, uid: inode.uid, gid: inode.gid, mtime: inode.mtime };
      result.push(link);
    }
  }
  return result;
}
