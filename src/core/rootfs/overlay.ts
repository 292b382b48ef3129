// The files a user lays over a base system: what the page's editor holds, what a template lists,
// what `bootlab boot --rootfs DIR` reads from a directory, and what an export bundle carries.
// One type for all of them, so the same project packs to the same bytes wherever it is packed.
import { blockDeviceEntry, charDeviceEntry, directoryEntry, fifoEntry, fileEntry, symlinkEntry } from "../cpio/constructors.ts";
import type { CpioEntry } from "../cpio/entry.ts";

export type OverlayKind = "file" | "directory" | "symlink" | "char-device" | "block-device" | "fifo";

export interface OverlayFile {
  /** Absolute guest path: "/init", "/etc/inittab". */
  path: string;
  kind: OverlayKind;
  /** Permission bits only (0o755). */
  mode: number;
  /** A file's content as text (what the editor holds); encoded as UTF-8 when packed. */
  text?: string;
  /** A file's content as bytes (a program, an image); wins over `text`. */
  data?: Uint8Array;
  /** A symlink's target, stored as written. */
  target?: string;
  /** A device node's numbers. */
  major?: number;
  minor?: number;
}

const encoder = new TextEncoder();

/** A file's bytes: `data` when set, else `text` as UTF-8, else empty. */
export function overlayBytes(file: OverlayFile): Uint8Array {
  return file.data ?? encoder.encode(file.text ?? "");
}

/**
 * The overlay as cpio entries, owned by root with mtime 0 so the same files always give the
 * same archive. Parents the list does not name are added by the cpio writer.
 */
export function overlayEntries(files: readonly OverlayFile[]): CpioEntry[] {
  return files.map((file): CpioEntry => {
    const options = { mode: file.mode & 0o7777 };
    switch (file.kind) {
      case "file":
        return fileEntry(file.path, overlayBytes(file), options);
      case "directory":
        return directoryEntry(file.path, options);
      case "symlink":
        return symlinkEntry(file.path, file.target ?? "", options);
      case "char-device":
        return charDeviceEntry(file.path, file.major ?? 0, file.minor ?? 0, options);
      case "block-device":
        return blockDeviceEntry(file.path, file.major ?? 0, file.minor ?? 0, options);
      case "fifo":
        return fifoEntry(file.path, options);
    }
  });
}

/**
 * Entries read from an archive or a host directory as overlay files. A hard link becomes a copy
 * of the file it names (the guest sees the same bytes under both names, as two files); sockets
 * cannot be packed by the kernel's unpacker anyway and are left out.
 */
export function overlayFromEntries(entries: readonly CpioEntry[]): OverlayFile[] {
  const files = new Map<string, Uint8Array>();
  const out: OverlayFile[] = [];
  for (const entry of entries) {
    const path = `/${entry.path}`;
    switch (entry.kind) {
      case "file":
        files.set(entry.path, entry.data);
        out.push({ path, kind: "file", mode: entry.mode, data: entry.data });
        break;
      case "hardlink":
        out.push({ path, kind: "file", mode: entry.mode, data: files.get(entry.target) ?? new Uint8Array() });
        break;
      case "directory":
      case "fifo":
        out.push({ path, kind: entry.kind, mode: entry.mode });
        break;
      case "symlink":
        out.push({ path, kind: "symlink", mode: entry.mode, target: entry.target });
        break;
      case "char-device":
      case "block-device":
        out.push({ path, kind: entry.kind, mode: entry.mode, major: entry.major, minor: entry.minor });
        break;
      case "socket":
        break;
    }
  }
  return out;
}
