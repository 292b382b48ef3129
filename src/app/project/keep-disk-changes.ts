// Keeping what a guest wrote to a disk: the changes read back from the disk (core's
// diskChanges) laid into the project's tree of that disk, so the next boot writes them again.
//
// What is kept is what the user sees in the guest, as project files:
// - an added or changed entry becomes (or replaces) the disk's file at that path: text when it
//   is text (editable), bytes otherwise, with the guest's mode; a changed file that came from the
//   BusyBox base under the disk becomes a file of the project that replaces the base's;
// - a removed entry that is one of the project's files (or a folder of them) is removed;
// - a removed entry that came from the BusyBox base cannot be kept: the project's tree is laid
//   over the base at every boot, and a tree cannot say "no such file". It is listed as not kept,
//   with the reason, and the next boot has it again.
import { overlayBytes } from "../../core/rootfs/overlay.ts";
import { textOf } from "../../core/share/index.ts";
import { isInside } from "../../core/rootfs/guest-path.ts";
import type { DiskChange } from "../../core/boot/index.ts";
import { fileKey } from "./file-key.ts";
import type { OverlayFile, ProjectModel } from "./model.ts";

export interface ReviewedChange extends DiskChange {
  /** Whether Keep lays it into the project. */
  keepable: boolean;
  /** Why not, when it is not keepable. */
  reason?: string;
}

export const BASE_REMOVAL_REASON = "it comes from the BusyBox base laid under this disk at every boot, and the project cannot remove a base file; delete it at boot time (in rcS) instead";

/** The changes as the page lists them: each one whether Keep can lay it into `diskFiles`. */
export function reviewDiskChanges(changes: readonly DiskChange[], diskFiles: readonly OverlayFile[]): ReviewedChange[] {
  const paths = new Set(diskFiles.map((f) => f.path));
  const inProject = (path: string) => paths.has(path) || diskFiles.some((f) => isInside(f.path, path));
  return changes.map((change): ReviewedChange => {
    if (change.change !== "removed" || inProject(change.file.path)) return { ...change, keepable: true };
    return { ...change, keepable: false, reason: BASE_REMOVAL_REASON };
  });
}

export interface KeptChanges {
  /** The paths on the disk now in the project as the guest left them. */
  kept: string[];
  /** The changes that could not be kept, with the reason. */
  notKept: { path: string; reason: string }[];
}

/** Lays `changes` into the project's disk `disk`. */
export function keepDiskChanges(model: ProjectModel, disk: string, changes: readonly DiskChange[]): KeptChanges {
  const files = model.diskFiles(disk);
  if (!files) throw new Error(`this project has no disk named "${disk}"`);
  const reviewed = reviewDiskChanges(changes, files);
  const kept: string[] = [];
  const notKept: { path: string; reason: string }[] = [];
  const removed: string[] = [];
  // Parents come before their children (sorted paths), so a removed folder takes its files along.
  for (const change of [...reviewed].sort((a, b) => (a.file.path < b.file.path ? -1 : a.file.path > b.file.path ? 1 : 0))) {
    const path = change.file.path;
    const key = fileKey({ disk, path });
    if (!change.keepable) {
      notKept.push({ path, reason: change.reason ?? "" });
      continue;
    }
    if (change.change === "removed") {
      if (removed.some((folder) => isInside(path, folder))) continue;
      if (model.has(key)) model.remove(key);
      removed.push(path);
      kept.push(path);
      continue;
    }
    model.put(key, asProjectFile(change.file));
    kept.push(path);
  }
  return { kept, notKept };
}

/** A guest's entry as a project file: a text file stays editable text. */
function asProjectFile(file: OverlayFile): Omit<OverlayFile, "path"> {
  const { path: _path, ...rest } = file;
  if (file.kind !== "file" || file.data === undefined) return rest;
  const text = textOf(file.data);
  if (text === undefined) return rest;
  const { data: _data, ...withoutData } = rest;
  return { ...withoutData, text };
}

/**
 * The keepable changes the project does not hold yet: an added or changed entry the disk's tree
 * has not got as the guest left it, a removed one the tree still has. Empty once kept.
 */
export function unkeptChanges(changes: readonly DiskChange[], diskFiles: readonly OverlayFile[]): DiskChange[] {
  const byPath = new Map(diskFiles.map((f) => [f.path, f]));
  return reviewDiskChanges(changes, diskFiles).filter((change) => {
    if (!change.keepable) return false;
    const mine = byPath.get(change.file.path);
    if (change.change === "removed") return mine !== undefined || diskFiles.some((f) => isInside(f.path, change.file.path));
    // A folder: held when the tree has it with the guest's mode, or has files inside it.
    if (change.file.kind === "directory") return mine ? mine.kind !== "directory" || mine.mode !== change.file.mode : !diskFiles.some((f) => isInside(f.path, change.file.path));
    return !mine || !sameEntry(mine, change.file);
  });
}

function sameEntry(a: OverlayFile, b: OverlayFile): boolean {
  if (a.kind !== b.kind || a.mode !== b.mode || a.target !== b.target || a.major !== b.major || a.minor !== b.minor) return false;
  const x = overlayBytes(a);
  const y = overlayBytes(b);
  return x.length === y.length && x.every((byte, i) => byte === y[i]);
}
