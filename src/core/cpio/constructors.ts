// One constructor per entry kind (as u-root's pkg/cpio has), each normalizing its path and
// filling in the defaults that make archives reproducible: uid 0, gid 0, mtime 0.
import type {
  DeviceEntry,
  DirectoryEntry,
  EntryOwnership,
  FifoEntry,
  FileEntry,
  HardlinkEntry,
  SocketEntry,
  SymlinkEntry,
} from "./entry.ts";
import { CpioEntryError } from "./errors.ts";
import { normalizeEntryPath } from "./path.ts";

export type EntryOptions = Partial<EntryOwnership>;

/** The largest value a newc header field (8 hex digits) can hold. */
export const MAX_FIELD = 0xffff_ffff;

/** Throws CpioEntryError unless `value` fits a newc header field. */
export function checkField(path: string, name: string, value: number, max = MAX_FIELD): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new CpioEntryError(path, `got ${name} ${String(value)}, want an integer from 0 to ${max}`);
  }
}

/** Throws CpioEntryError unless the ownership fields are storable. Modes are permission bits only. */
export function checkOwnership(path: string, entry: EntryOwnership): void {
  if (!Number.isInteger(entry.mode) || entry.mode < 0 || entry.mode > 0o7777) {
    throw new CpioEntryError(
      path,
      `got mode ${typeof entry.mode === "number" && Number.isInteger(entry.mode) ? "0o" + entry.mode.toString(8) : String(entry.mode)}, want permission bits only (0 to 0o7777); the kind of entry gives the file type`,
    );
  }
  checkField(path, "uid", entry.uid);
  checkField(path, "gid", entry.gid);
  checkField(path, "mtime", entry.mtime);
}

function ownership(path: string, defaultMode: number, opts: EntryOptions | undefined): EntryOwnership {
  const result: EntryOwnership = {
    mode: opts?.mode ?? defaultMode,
    uid: opts?.uid ?? 0,
    gid: opts?.gid ?? 0,
    mtime: opts?.mtime ?? 0,
  };
  checkOwnership(path, result);
  return result;
}

const encoder = new TextEncoder();

/** A regular file. A string is stored as UTF-8. Default mode 0o644. */
export function fileEntry(path: string, data: Uint8Array | string, opts?: EntryOptions): FileEntry {
  const p = normalizeEntryPath(path);
  const bytes = typeof data === "string" ? encoder.encode(data) : data;
  if (bytes.length > MAX_FIELD) throw new CpioEntryError(p, `got ${bytes.length} bytes, want at most ${MAX_FIELD} (newc sizes are 32-bit)`);
  return { kind: "file", path: p, data: bytes, ...ownership(p, 0o644, opts) };
}

/** A directory. Default mode 0o755. */
export function directoryEntry(path: string, opts?: EntryOptions): DirectoryEntry {
  const p = normalizeEntryPath(path);
  return { kind: "directory", path: p, ...ownership(p, 0o755, opts) };
}

/** A symbolic link; `target` is stored as written, never resolved. Default mode 0o777. */
export function symlinkEntry(path: string, target: string, opts?: EntryOptions): SymlinkEntry {
  const p = normalizeEntryPath(path);
  if (target === "" || target.includes("\0")) {
    throw new CpioEntryError(p, `got symlink target ${JSON.stringify(target)}, want a non-empty target without NUL`);
  }
  return { kind: "symlink", path: p, target, ...ownership(p, 0o777, opts) };
}

/**
 * A second name for the regular file at `target` (a path of the same archive). In the archive
 * both names share one inode, and the writer stores the target's mode, owner and data.
 */
export function hardlinkEntry(path: string, target: string, opts?: EntryOptions): HardlinkEntry {
  const p = normalizeEntryPath(path);
  return { kind: "hardlink", path: p, target: normalizeEntryPath(target), ...ownership(p, 0o644, opts) };
}

function deviceEntry(kind: DeviceEntry["kind"], path: string, major: number, minor: number, opts?: EntryOptions): DeviceEntry {
  const p = normalizeEntryPath(path);
  checkField(p, "major", major);
  checkField(p, "minor", minor);
  return { kind, path: p, major, minor, ...ownership(p, 0o600, opts) };
}

/** A character device node such as dev/console (5, 1). Default mode 0o600. No root needed. */
export function charDeviceEntry(path: string, major: number, minor: number, opts?: EntryOptions): DeviceEntry {
  return deviceEntry("char-device", path, major, minor, opts);
}

/** A block device node such as dev/sda (8, 0). Default mode 0o600. */
export function blockDeviceEntry(path: string, major: number, minor: number, opts?: EntryOptions): DeviceEntry {
  return deviceEntry("block-device", path, major, minor, opts);
}

/** A named pipe. Default mode 0o644. */
export function fifoEntry(path: string, opts?: EntryOptions): FifoEntry {
  const p = normalizeEntryPath(path);
  return { kind: "fifo", path: p, ...ownership(p, 0o644, opts) };
}

/** A Unix socket node. Default mode 0o755. */
export function socketEntry(path: string, opts?: EntryOptions): SocketEntry {
  const p = normalizeEntryPath(path);
  return { kind: "socket", path: p, ...ownership(p, 0o755, opts) };
}
