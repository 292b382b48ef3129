// A listing in the layout of GNU `cpio -tvn` (numeric ids): mode string, link count, uid, gid,
// size (or "major, minor" for devices), date, name, and "-> target" for symlinks.
import type { CpioEntry } from "./entry.ts";

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
        : String(e.kind === "file" ? e.data.length : e.kind === "symlink" ? new TextEncoder().encode(e.target).length : 0).padStart(8);
    const suffix = e.kind === "symlink" ? ` -> ${e.target}` : e.kind === "hardlink" ? ` link to ${e.target}` : "";
    out +=
      `${modeString(e.kind, e.mode)} ${String(nlink).padStart(3)} ${String(e.uid).padEnd(8)} ${String(e.gid).padEnd(8)} ` +
      `${size} ${formatDate(e.mtime, options.now)} ${e.path}${suffix}\n`;
  }
  return out;
}
