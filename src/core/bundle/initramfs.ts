// The initramfs a bundle (or the page's "download initramfs") carries: the user's overlay files
// laid over the base archive (BusyBox and its links), as one .cpio.gz.
//
// Two layouts, both of which the kernel unpacks to the same tree:
// - "merged": the base is read and the overlay replaces its files, packed as one archive. Slower
//   (the base is inflated and deflated again), but `zcat initramfs.cpio.gz | cpio -t` shows every
//   file: GNU cpio stops at the first TRAILER!!!, so it would not see an appended overlay.
// - "concatenated": the base's gzip bytes followed by the overlay's gzip member, unchanged. This
//   is what the page's worker boots. gzip members need no alignment (the kernel only aligns
//   plain cpio), and no padding goes between them, so `gunzip` still reads the whole file.
import { directoryEntry, fileEntry } from "../cpio/constructors.ts";
import type { DirectoryEntry, FileEntry } from "../cpio/entry.ts";
import { readCpio } from "../cpio/reader.ts";
import { packCpioGz } from "../cpio/writer.ts";
import { gzipSync } from "fflate";
import type { InitramfsLayout } from "./manifest.ts";

/** A file of the user's overlay, as the page holds it (app/project/model.ts's OverlayFile fits). */
export interface OverlayFile {
  /** "/init", "/etc/inittab", ... */
  path: string;
  /** Default "file". A directory the user made goes into the initramfs even when empty. */
  kind?: "file" | "directory";
  mode: number;
  /** The content: `data` when set, else `text` as UTF-8 (absent both: an empty file). */
  data?: Uint8Array;
  text?: string;
}

export function overlayBytes(file: OverlayFile): Uint8Array {
  return file.data ?? new TextEncoder().encode(file.text ?? "");
}

/** The overlay as cpio entries (parents are added when packed). */
export function overlayEntries(files: readonly OverlayFile[]): Array<FileEntry | DirectoryEntry> {
  return files.map((f) =>
    f.kind === "directory" ? directoryEntry(f.path, { mode: f.mode }) : fileEntry(f.path, overlayBytes(f), { mode: f.mode }),
  );
}

/** One .cpio.gz: `files` laid over `base` (a .cpio or .cpio.gz, e.g. prebuilt/i386/base.cpio.gz). */
export function layOverlay(base: Uint8Array, files: readonly OverlayFile[], layout: InitramfsLayout = "merged"): Uint8Array {
  if (layout === "merged") {
    // packCpio keeps the last entry of a path, so overlay files replace the base's.
    return packCpioGz([...readCpio(base), ...overlayEntries(files)], { level: 9 });
  }
  const baseGz = isGzip(base) ? base : gzipSync(base, { level: 9, mtime: 0 });
  if (files.length === 0) return baseGz;
  // Validate the base here too, so a broken base fails now and not in the guest.
  readCpio(baseGz);
  const overlay = packCpioGz(overlayEntries(files), { level: 9 });
  const out = new Uint8Array(baseGz.length + overlay.length);
  out.set(baseGz, 0);
  out.set(overlay, baseGz.length);
  return out;
}

function isGzip(bytes: Uint8Array): boolean {
  return bytes[0] === 0x1f && bytes[1] === 0x8b;
}
