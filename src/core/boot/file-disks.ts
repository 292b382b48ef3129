// Disks made of files: a system (a template, a project) can say "these files form a disk image"
// instead of bringing the image. The plan writes each one with writeExt4 here, in core, so the
// page's worker and the CLI write the same bytes for the same tree.
//
// A disk has a role:
// - "ramdisk": seed 001's initrd. The image becomes the whole initrd (no initramfs archive goes
//   with it); root=/dev/ram mounts it. At most one. Seed 001 gzips it; the plan boots every
//   initrd plain (inflating in the guest is slow in v86), so it is not gzip'd here; an export
//   bundle gzips it.
// - "ide": a hard disk on the IDE controller, /dev/sda, /dev/sdb, ... in the order listed,
//   before any disk image the user attached (--disk).
// With base "busybox", the BusyBox base archive's tree (BusyBox, its links, /dev nodes, the
// empty directories, /etc/passwd and /etc/group) is laid into the image under the disk's own
// files, without the base's /init script (a disk root runs init=, not the initramfs /init).
import type { CpioEntry } from "../cpio/entry.ts";
import { readCpio } from "../cpio/reader.ts";
import { Ext4Error, Ext4SpaceError, formatMiB } from "../ext4/errors.ts";
import { writeExt4 } from "../ext4/writer.ts";
import { overlayEntries, type OverlayFile } from "../rootfs/overlay.ts";

export type FileDiskRole = "ramdisk" | "ide";

export interface FileDisk {
  /** For messages and the page's tree: "root", "data1". */
  name: string;
  role: FileDiskRole;
  /** Image size in bytes (a whole number of MiB in the templates). */
  size: number;
  /** The file system written; ext4 (no journal) is the one the templates use. */
  fs: "ext4";
  /** Whether the BusyBox base tree goes under the disk's files. */
  base: "busybox" | "none";
  files: readonly OverlayFile[];
}

/** The images of a system's file disks: the RAM disk, if any, and the IDE disks in order. */
export interface WrittenDisks {
  ramdisk?: Uint8Array;
  ide: Uint8Array[];
}

/** The most a file disk may be: it is written in memory, in the page too. */
export const MAX_FILE_DISK_BYTES = 256 * 1024 * 1024;

/**
 * Problems with the disks' description (sizes, more than one RAM disk), in words; empty when fine.
 * Whether the trees fit is only known when writing.
 */
export function fileDiskProblems(disks: readonly FileDisk[]): string[] {
  const problems: string[] = [];
  if (disks.filter((d) => d.role === "ramdisk").length > 1) problems.push(`disks: got ${disks.filter((d) => d.role === "ramdisk").length} RAM disks, a system boots from at most one (the initrd)`);
  for (const disk of disks) {
    if (!Number.isSafeInteger(disk.size) || disk.size < 1 << 20 || disk.size > MAX_FILE_DISK_BYTES) {
      problems.push(`disk ${disk.name}: got a size of ${disk.size} bytes, want a whole number from 1 MiB to ${formatMiB(MAX_FILE_DISK_BYTES)}`);
    }
  }
  return problems;
}

/**
 * Writes each disk's image. `baseEntries` is the base archive's entries (only read when a disk
 * asks for the base). A tree that does not fit, or a file ext4 cannot hold, is a problem pushed
 * to `problems` naming the disk and the size it wants.
 */
export function writeFileDisks(disks: readonly FileDisk[], baseEntries: readonly CpioEntry[] | undefined, problems: string[]): WrittenDisks {
  const written: WrittenDisks = { ide: [] };
  for (const disk of disks) {
    const entries: CpioEntry[] = [];
    if (disk.base === "busybox") {
      if (!baseEntries) {
        problems.push(`disk ${disk.name}: wants the BusyBox base, and there is no base archive`);
        continue;
      }
      entries.push(...baseEntries.filter((entry) => entry.path !== "init"));
    }
    entries.push(...overlayEntries(disk.files));
    let image: Uint8Array;
    try {
      image = writeExt4(entries, { size: disk.size, flavour: "ext4", label: disk.name.slice(0, 16) });
    } catch (error) {
      if (error instanceof Ext4SpaceError) {
        problems.push(`disk ${disk.name}: its files do not fit in ${formatMiB(disk.size)}: ${formatMiB(error.wantBytes)} at least would hold them (${error.problem})`);
        continue;
      }
      if (error instanceof Ext4Error) {
        problems.push(`disk ${disk.name}: ${error.message}`);
        continue;
      }
      throw error;
    }
    if (disk.role === "ramdisk") written.ramdisk = image;
    else written.ide.push(image);
  }
  return written;
}

/** The base archive's entries, from its plain (inflated) bytes. */
export function baseTreeEntries(plainBase: Uint8Array): CpioEntry[] {
  return readCpio(plainBase);
}

/**
 * The device each disk is in the guest, by name: the RAM disk is /dev/ram0, the IDE disks
 * /dev/sda, /dev/sdb, ... in the order listed (the plan attaches them first).
 */
export function fileDiskDevices(disks: readonly Pick<FileDisk, "name" | "role">[]): Map<string, string> {
  const devices = new Map<string, string>();
  let ide = 0;
  for (const disk of disks) devices.set(disk.name, disk.role === "ramdisk" ? "/dev/ram0" : `/dev/sd${String.fromCharCode(97 + ide++)}`);
  return devices;
}
