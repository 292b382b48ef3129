// What a boot needs, as plain bytes and numbers, so the same value can be handed to v86 (in a
// browser worker or under Node) or written to files for QEMU.

import { concatArchives } from "../cpio/writer.ts";

/** The guest architecture. v86 only emulates i386; QEMU runs both. */
export type GuestArch = "i386" | "x86_64";

export interface BootSpec {
  /** A bzImage. */
  kernel: Uint8Array;
  /**
   * Initramfs archives (cpio, gzip-compressed or not), in order. Later archives overwrite files
   * of earlier ones, which is how an edited overlay is laid over the base archive. Emulators
   * take one initrd, so they are joined with `concatInitrds`.
   */
  initrds: Uint8Array[];
  /** Raw disk images, attached in order as the first, second, ... IDE disk (/dev/sda, /dev/sdb). */
  disks: DiskImage[];
  /** The kernel command line, e.g. "console=ttyS0". */
  cmdline: string;
  /** Guest memory in MiB. */
  memoryMiB: number;
  /**
   * A network card (network.ts: NE2000 PCI) on the emulator's own network: QEMU's user-mode
   * networking, v86's fetch backend. Undefined or false: no network.
   */
  network?: boolean;
  /** With `network`: the card joins this virtual LAN instead of the emulator's own network (plan.ts `BootSystem.lan`). */
  lan?: string;
}

/**
 * A disk image the runner opens itself instead of bytes in memory: a file on the host, read by
 * QEMU where it lies (copy-on-write, so the guest's writes do not reach it, unless keepWrites). `head` is its
 * first bytes, enough to tell what file system it holds.
 */
export interface HostDisk {
  path: string;
  size: number;
  head: Uint8Array;
  /**
   * The guest's writes reach the file (`bootlab boot --disk-writes keep`): QEMU opens it
   * read-write, without snapshot=on; v86, which works on a copy in memory, writes the copy back
   * when the guest stops. Otherwise they are discarded.
   */
  keepWrites?: boolean;
}

export type DiskImage = Uint8Array | HostDisk;

export function isHostDisk(disk: DiskImage): disk is HostDisk {
  return !(disk instanceof Uint8Array);
}

export function diskSize(disk: DiskImage): number {
  return isHostDisk(disk) ? disk.size : disk.length;
}

/** The first bytes of a disk, for recognising its file system. */
export function diskHead(disk: DiskImage): Uint8Array {
  return isHostDisk(disk) ? disk.head : disk;
}

/**
 * v86 holds a disk image in memory (an ArrayBuffer in the page or under Node), so a disk it
 * boots must fit there beside the guest; QEMU reads larger images from the file itself.
 */
export const V86_MAX_DISK_BYTES = 1024 * 1024 * 1024;

/** Enough memory for everything the seeds boot; v86 needs more than 64 MiB + initrd anyway. */
export const DEFAULT_MEMORY_MIB = 128;

/**
 * v86 copies the initrd to guest physical address 64 MiB, so the guest memory must cover
 * 64 MiB plus the initrd (checked fact, DESIGN.md); a smaller memory fails inside v86 with
 * "RangeError: offset is out of bounds". Returns the smallest size that works, in MiB.
 */
export const V86_INITRD_ADDRESS_MIB = 64;
export function minimumV86MemoryMiB(initrdBytes: number): number {
  return V86_INITRD_ADDRESS_MIB + Math.ceil(initrdBytes / (1024 * 1024)) + 1;
}

/**
 * Joins initramfs archives into the one image emulators load, as the cpio writer's
 * `concatArchives` does (each part on a 4-byte boundary, which the kernel needs).
 */
export function concatInitrds(parts: readonly Uint8Array[]): Uint8Array {
  // One part is handed over as it is, without a copy: a RAM disk image keeps its exact size.
  return parts.length === 1 ? parts[0]! : concatArchives(parts);
}

/** Problems with a spec that no emulator could boot, as messages for the user; empty when fine. */
export function validateBootSpec(spec: BootSpec): string[] {
  const problems: string[] = [];
  if (spec.kernel.length < 1024) {
    problems.push(`kernel: got ${spec.kernel.length} bytes, want a bzImage (hundreds of KiB at least)`);
  } else if (!isBzImage(spec.kernel)) {
    problems.push('kernel: not a bzImage (no "HdrS" boot header at offset 0x202); pass arch/x86/boot/bzImage');
  }
  if (!Number.isInteger(spec.memoryMiB) || spec.memoryMiB < 16) {
    problems.push(`memory: got ${spec.memoryMiB} MiB, want a whole number of at least 16`);
  }
  if (spec.cmdline.length > 2047) {
    problems.push(`command line: got ${spec.cmdline.length} characters, the x86 boot protocol allows 2047`);
  }
  return problems;
}

/**
 * The architecture a bzImage was built for, from its boot header: `xloadflags` (0x236, boot
 * protocol 2.12 and later) has XLF_KERNEL_64 (bit 0) on a 64-bit kernel. Undefined when `bytes`
 * is not a bzImage or its protocol is too old to say.
 */
export function bzImageArch(bytes: Uint8Array): GuestArch | undefined {
  if (!isBzImage(bytes) || bytes.length < 0x238) return undefined;
  const protocol = bytes[0x206]! | (bytes[0x207]! << 8);
  if (protocol < 0x20c) return undefined;
  return (bytes[0x236]! & 1) === 1 ? "x86_64" : "i386";
}

/** True when `bytes` carries the x86 Linux boot protocol header ("HdrS" at 0x202). */
export function isBzImage(bytes: Uint8Array): boolean {
  return bytes[0x202] === 0x48 && bytes[0x203] === 0x64 && bytes[0x204] === 0x72 && bytes[0x205] === 0x53;
}
