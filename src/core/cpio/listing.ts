// A listing in the layout of GNU `cpio -tvn` (numeric ids): mode string, link count, uid, gid,
// size (or "major, minor" for devices), date, name, and "-> target" for symlinks.
import type { CpioEntry } from "./entry.ts";
import type { KernelNode } from "./kernel-unpack.ts";

export interface ListingOptions {
  /**
   * The current time in seconds. When given, dates within the last six months print as
   * "Nov 22 02:06" as cpio does; otherwise every date prints as "Jan  1  1970" (reproducible).
   */
  now?: number;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const TYPE_LETTER: Readonly<Record<CpioEntry["kind"], string>> = {
  file: "-",
  hardlink: "-",
  directory: "d",
  symlink: "l",
  "char-device": "c",
  "block-device": "b",
  fifo: "p",
  socket: "s",
};

/** "drwxr-xr-x", "-rwsr-xr-x", "drwxrwxrwt", as ls and cpio show them. */
export function modeString(kind: CpioEntry["kind"], mode: number): string {
  const bit = (mask: number, letter: string): string => (mode & mask ? letter : "-");
  const special = (exec: number, flag: number, on: string, off: string): string =>
    mode & flag ? (mode & exec ? on : off) : bit(exec, "x");
  return (
    TYPE_LETTER[kind] +
    bit(0o400, "r") + bit(0o200, "w") + special(0o100, 0o4000, "s", "S") +
    bit(0o040, "r") + bit(0o020, "w") + special(0o010, 0o2000, "s", "S") +
    bit(0o004, "r") + bit(0o002, "w") + special(0o001, 0o1000, "t", "T")
  );
}

function formatDate(mtime: number, now: number | undefined): string {
  const d = new Date(mtime * 1000);
  const month = MONTHS[d.getUTCMonth()]!;
  const day = String(d.getUTCDate()).padStart(2, " ");
  const recent = now !== undefined && mtime > now - 182 * 24 * 3600 && mtime <= now + 3600;
  if (recent) {
    const hh = String(d.getUTCHours()).padStart(2, "0");
    const mm = String(d.getUTCMinutes()).padStart(2, "0");
    return `${month} ${day} ${hh}:${mm}`;
  }
  return `${month} ${day}  ${d.getUTCFullYear()}`;
}

const C_ESCAPES: Readonly<Record<string, string>> = { "\x07": "\\a", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\v": "\\v", "\f": "\\f", "\r": "\\r", "\\": "\\\\" };
const encoder = new TextEncoder();

/**
 * A name as `ls -b` prints it, so a listing line is always one line and cannot drive the
 * terminal: C escapes (\n, \t, ...), other control characters (C0, DEL, C1) as octal bytes
 * of their UTF-8 (\033), a backslash doubled. Printable text, UTF-8 included, stays as it is;
 * unlike ls -b, spaces are left alone (the name is the last field of its line).
 */
export function escapeName(name: string): string {
  return name.replace(/[\u0000-\u001f\u007f-\u009f\\]/g, (c) => {
    const named = C_ESCAPES[c];
    if (named) return named;
    return [...encoder.encode(c)].map((b) => "\\" + b.toString(8).padStart(3, "0")).join("");
  });
}

function line(kind: CpioEntry["kind"], mode: number, nlink: number, uid: number, gid: number, size: string, mtime: number, path: string, suffix: string, now: number | undefined): string {
  return `${modeString(kind, mode)} ${String(nlink).padStart(3)} ${String(uid).padEnd(8)} ${String(gid).padEnd(8)} ${size} ${formatDate(mtime, now)} ${escapeName(path)}${suffix}\n`;
}

/**
 * The tree the kernel unpacks (unpackLikeKernel), one line per name in tree order: link counts
 * as stat(2) gives them in the guest, hard links as plain names sharing a count.
 */
export function formatKernelListing(nodes: ReadonlyArray<KernelNode<unknown>>, options: ListingOptions = {}): string {
  let out = "";
  for (const n of nodes) {
    const size =
      n.kind === "char-device" || n.kind === "block-device"
        ? `${String(n.major).padStart(3)}, ${String(n.minor).padStart(3)}`
        : String(n.kind === "file" ? n.size! : n.kind === "symlink" ? encoder.encode(n.target!).length : 0).padStart(8);
    out += line(n.kind, n.mode, n.nlink, n.uid, n.gid, size, n.mtime, n.path, n.kind === "symlink" ? ` -> ${escapeName(n.target!)}` : "", options.now);
  }
  return out;
}

/** One line per entry, in the order given, each ending in "\n". */
export function formatEntryListing(entries: readonly CpioEntry[], options: ListingOptions = {}): string {
  // A hard link counts toward the latest file entry of its target before it (stream order).
  const latestFile = new Map<string, CpioEntry>();
  const ownerOf = new Map<CpioEntry, CpioEntry>();
  const names = new Map<CpioEntry, number>();
  for (const e of entries) {
    if (e.kind === "file") {
      latestFile.set(e.path, e);
      names.set(e, 1);
    } else if (e.kind === "hardlink") {
      const owner = latestFile.get(e.target);
      if (owner) {
        ownerOf.set(e, owner);
        names.set(owner, (names.get(owner) ?? 1) + 1);
      }
    }
  }
  let out = "";
  for (const e of entries) {
    const nlink = e.kind === "directory" ? 2 : e.kind === "file" ? (names.get(e) ?? 1) : e.kind === "hardlink" ? (names.get(ownerOf.get(e)!) ?? 2) : 1;
    const size =
      e.kind === "char-device" || e.kind === "block-device"
        ? `${String(e.major).padStart(3)}, ${String(e.minor).padStart(3)}`
        : String(e.kind === "file" ? e.data.length : e.kind === "symlink" ? encoder.encode(e.target).length : 0).padStart(8);
    const suffix = e.kind === "symlink" ? ` -> ${escapeName(e.target)}` : e.kind === "hardlink" ? ` link to ${escapeName(e.target)}` : "";
    out += line(e.kind, e.mode, nlink, e.uid, e.gid, size, e.mtime, e.path, suffix, options.now);
  }
  return out;
}
