// Importing a .cpio or .cpio.gz (GNU cpio, the kernel's gen_init_cpio, `bootlab pack`) as a
// project's overlay: text files become editable files, binary files are kept and listed, and
// symlinks, device nodes and fifos are kept as they are (a lesson's /bin/sh -> busybox, its
// /dev/console) and listed; only what the overlay cannot hold (sockets, a hard link to a file
// the archive lacks) is listed as skipped. A malformed archive throws ImportError with the reader's message; since nothing is
// changed before the whole archive has been read, a failed import changes nothing.
import { CpioError } from "../../core/cpio/errors.ts";
import { readCpio } from "../../core/cpio/reader.ts";
import type { CpioEntry } from "../../core/cpio/entry.ts";
import { textOf } from "../../core/share/index.ts";
import type { OverlayFile } from "../project/model.ts";

export interface ImportedArchive {
  /** Sorted by path; text files carry `text`, binary files `data`. */
  files: OverlayFile[];
  /** Paths of the binary files (kept, but not editable). */
  binaries: string[];
  /** Symlinks ("/bin/sh -> busybox"), device nodes and fifos, kept. */
  special: Array<{ path: string; kind: CpioEntry["kind"]; target?: string }>;
  /** Entries left out, with their kind: "symlink", "char-device", ... */
  skipped: Array<{ path: string; kind: CpioEntry["kind"] }>;
}

export class ImportError extends Error {
  readonly code = "bad-archive";
  constructor(message: string) {
    super(message);
    this.name = "ImportError";
  }
}

/** Most bytes an imported archive may inflate to: far above any initramfs a lesson uses. */
const MAX_IMPORT_BYTES = 256 * 1024 * 1024;

export function importArchive(bytes: Uint8Array, fileName: string): ImportedArchive {
  let entries: CpioEntry[];
  try {
    entries = readCpio(bytes, { maxBytes: MAX_IMPORT_BYTES });
  } catch (error) {
    if (error instanceof CpioError) {
      throw new ImportError(`${fileName} is not an archive bootlab can read (${error.message}). Nothing was changed. Import a .cpio or .cpio.gz in the newc format (cpio -H newc).`);
    }
    throw error;
  }
  const byPath = new Map<string, OverlayFile>();
  const skipped = new Map<string, CpioEntry["kind"]>();
  const fileData = new Map<string, Uint8Array>();
  // Stream order: a later entry for the same path wins, as when the kernel unpacks it.
  for (const entry of entries) {
    if (entry.path === "") continue; // the root directory itself
    const path = `/${entry.path}`;
    skipped.delete(path);
    if (entry.kind === "file" || entry.kind === "hardlink") {
      const data = entry.kind === "file" ? entry.data : fileData.get(`/${entry.target}`);
      if (data === undefined) {
        skipped.set(path, entry.kind);
        byPath.delete(path);
        continue;
      }
      fileData.set(path, data);
      const text = textOf(data);
      byPath.set(path, text === undefined ? { path, kind: "file", mode: entry.mode, data } : { path, kind: "file", mode: entry.mode, text });
    } else if (entry.kind === "directory") {
      byPath.set(path, { path, kind: "directory", mode: entry.mode });
    } else if (entry.kind === "symlink") {
      fileData.delete(path);
      byPath.set(path, { path, kind: "symlink", mode: entry.mode, target: entry.target });
    } else if (entry.kind === "char-device" || entry.kind === "block-device") {
      fileData.delete(path);
      byPath.set(path, { path, kind: entry.kind, mode: entry.mode, major: entry.major, minor: entry.minor });
    } else if (entry.kind === "fifo") {
      fileData.delete(path);
      byPath.set(path, { path, kind: "fifo", mode: entry.mode });
    } else {
      byPath.delete(path);
      skipped.set(path, entry.kind);
    }
  }
  const files = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    files,
    binaries: files.filter((f) => f.data !== undefined).map((f) => f.path),
    special: files.filter((f) => f.kind !== "file" && f.kind !== "directory").map((f) => (f.target === undefined ? { path: f.path, kind: f.kind } : { path: f.path, kind: f.kind, target: f.target })),
    skipped: [...skipped].map(([path, kind]) => ({ path, kind })).sort((a, b) => (a.path < b.path ? -1 : 1)),
  };
}
