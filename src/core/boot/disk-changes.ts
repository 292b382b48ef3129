// What a guest did to a disk made of files: the image as the plan wrote it against the image as
// the emulator holds it after the guest wrote to it, both read with readExt4, compared path by
// path. The page shows the list and lays it into the project's disk tree (keepDiskChanges).
//
// Compared: the kind, the permission bits, a file's bytes, a symlink's target, a device's
// numbers. Not compared: times (the guest's clock moves them on every write, and the writer
// writes 0), owners (the page's files are root's), and /lost+found, the file system's own.
// Hard links read as copies of their file (overlayFromEntries), as the page holds them.
import { readExt4 } from "../ext4/reader.ts";
import { overlayBytes, overlayFromEntries, type OverlayFile } from "../rootfs/overlay.ts";

export type DiskChangeKind = "added" | "changed" | "removed";

export interface DiskChange {
  change: DiskChangeKind;
  /** The entry as the guest left it (added, changed), or as it was written (removed). */
  file: OverlayFile;
  /** For "changed": what differs, in words ("content", "mode 0644 -> 0755", "kind", "target", "device numbers"). */
  what?: string[];
}

/** Entries every ext4 image has, which are not the user's. */
const FILE_SYSTEM_OWN = new Set(["/lost+found"]);

/**
 * The changes from `written` to `left`, sorted by path. Throws the reader's Ext4FormatError when
 * either image cannot be read (a guest still writing may leave it inconsistent until it syncs).
 */
export function diskChanges(written: Uint8Array, left: Uint8Array): DiskChange[] {
  return compareTrees(treeOf(written), treeOf(left));
}

/** The changes from one tree to another (paths as keys), sorted by path. */
export function compareTrees(before: ReadonlyMap<string, OverlayFile>, after: ReadonlyMap<string, OverlayFile>): DiskChange[] {
  const changes: DiskChange[] = [];
  for (const [path, file] of after) {
    const old = before.get(path);
    if (!old) {
      changes.push({ change: "added", file });
      continue;
    }
    const what = differences(old, file);
    if (what.length) changes.push({ change: "changed", file, what });
  }
  for (const [path, file] of before) if (!after.has(path)) changes.push({ change: "removed", file });
  return changes.sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0));
}

function treeOf(image: Uint8Array): Map<string, OverlayFile> {
  const tree = new Map<string, OverlayFile>();
  for (const file of overlayFromEntries(readExt4(image))) {
    if (FILE_SYSTEM_OWN.has(file.path) || [...FILE_SYSTEM_OWN].some((own) => file.path.startsWith(`${own}/`))) continue;
    tree.set(file.path, file);
  }
  return tree;
}

function differences(a: OverlayFile, b: OverlayFile): string[] {
  if (a.kind !== b.kind) return [`kind: ${a.kind} -> ${b.kind}`];
  const what: string[] = [];
  if (a.mode !== b.mode) what.push(`mode ${octal(a.mode)} -> ${octal(b.mode)}`);
  if (a.kind === "file" && !sameBytes(overlayBytes(a), overlayBytes(b))) what.push("content");
  if (a.kind === "symlink" && a.target !== b.target) what.push(`target ${a.target ?? ""} -> ${b.target ?? ""}`);
  if ((a.kind === "char-device" || a.kind === "block-device") && (a.major !== b.major || a.minor !== b.minor)) what.push("device numbers");
  return what;
}

function octal(mode: number): string {
  return mode.toString(8).padStart(4, "0");
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
