// The entries of an initramfs archive, as plain data: one kind per thing the kernel can unpack.
//
// Paths are relative to the root, without a leading "/" or "./" ("init", "etc/inittab", "dev");
// `normalizeEntryPath` makes them so and refuses any that would escape the root.
// Modes hold the permission bits only (0o7777); the file type lives in `kind`, so an entry can
// never say "directory" in one field and "symlink" in another.

export type EntryKind =
  | "file"
  | "directory"
  | "symlink"
  | "hardlink"
  | "char-device"
  | "block-device"
  | "fifo"
  | "socket";

export interface EntryOwnership {
  /** Permission bits only: 0o755, 0o4755, ... */
  mode: number;
  uid: number;
  gid: number;
  /** Seconds since the epoch; 0 unless asked, so the same tree gives the same bytes. */
  mtime: number;
}

export interface FileEntry extends EntryOwnership {
  kind: "file";
  path: string;
  data: Uint8Array;
}
export interface DirectoryEntry extends EntryOwnership {
  kind: "directory";
  path: string;
}
export interface SymlinkEntry extends EntryOwnership {
  kind: "symlink";
  path: string;
  /** Stored as written: relative or absolute, never resolved. */
  target: string;
}
/** A second name for a regular file of the same archive; `target` is that file's path. */
export interface HardlinkEntry extends EntryOwnership {
  kind: "hardlink";
  path: string;
  target: string;
}
export interface DeviceEntry extends EntryOwnership {
  kind: "char-device" | "block-device";
  path: string;
  major: number;
  minor: number;
}
export interface FifoEntry extends EntryOwnership {
  kind: "fifo";
  path: string;
}
export interface SocketEntry extends EntryOwnership {
  kind: "socket";
  path: string;
}

export type CpioEntry =
  | FileEntry
  | DirectoryEntry
  | SymlinkEntry
  | HardlinkEntry
  | DeviceEntry
  | FifoEntry
  | SocketEntry;

/**
 * The same entries with a regular file's data kept some other way: `bootlab unpack` streams each
 * file's data into a file on the host and hands that over instead of the bytes.
 */
export type EntryWith<C> = Exclude<CpioEntry, FileEntry> | (Omit<FileEntry, "data"> & { data: C });
