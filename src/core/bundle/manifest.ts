// bundle.json: what a bundle holds and how to boot it, so that `bootlab boot --bundle` needs no
// guessing and a person can read it. Any change a version 1 reader could not cope with bumps
// BUNDLE_FORMAT_VERSION; fields a reader does not know are ignored.
import type { GuestArch } from "../boot/spec.ts";
import { BundleManifestError, BundleNewerFormatError } from "./errors.ts";

export const BUNDLE_FORMAT = "bootlab-bundle";
/**
 * The newest version this bootlab reads and writes. Version 2 added disks: a bundle is written as
 * version 1 unless it needs them (disks, a RAM disk, no initramfs), so a bundle a version 1
 * reader could boot still says 1.
 */
export const BUNDLE_FORMAT_VERSION = 2;

/**
 * How many cpio archives the (inflated) initramfs holds: "merged", one archive (the user's files
 * alone, or the base alone); "concatenated", the base archive (or the user's own initrd) followed
 * by the files' archive, which the kernel unpacks in order and GNU cpio stops reading after the
 * first. The name "merged" is kept from version 1 bundles, whose one archive was a merge.
 */
export type InitramfsLayout = "merged" | "concatenated";

/**
 * A member of the zip other than bundle.json, as exported. Informational: the reader checks each
 * member against the zip's own CRC-32, not against these sizes, so a bundle whose initramfs was
 * repacked by hand (as the README shows) still boots.
 */
export interface ManifestFile {
  path: string;
  size: number;
  /** Permission bits, e.g. 493 (0o755) for run-qemu.sh. */
  mode: number;
}

/** A file of the user's overlay: where it goes in the guest and where its copy is in the zip. */
export interface ManifestSource {
  /** The path in the guest, as the page shows it: "/init". */
  path: string;
  /** Its copy in the zip: "src/init". */
  file: string;
  /** Permission bits, e.g. 493 (0o755). */
  mode: number;
}

/** A disk image in the zip (version 2), attached as the IDE disk `device`, in the manifest's order. */
export interface ManifestDisk {
  /** The zip member: "disks/sda.img". */
  file: string;
  /** Where the guest finds it: "/dev/sda". */
  device: string;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  version: number;
  arch: GuestArch;
  /** The zip member with the bzImage. */
  kernel: string;
  /** The zip member with the initramfs (.cpio.gz); version 2: empty when the system boots no initramfs. */
  initramfs: string;
  /** Version 2: the zip member with the gzip'd RAM-disk image that is the initrd (root=/dev/ram), instead of an initramfs. */
  ramdisk?: string;
  /** Version 2: raw disk images, attached in order as /dev/sda, /dev/sdb, ... */
  disks?: ManifestDisk[];
  layout: InitramfsLayout;
  cmdline: string;
  /** The template the project started from, e.g. "minimal-init". */
  template: string;
  memoryMiB: number;
  /**
   * The system has a network card (network.ts): run-qemu.sh passes -nic, `bootlab boot --bundle`
   * boots it with the network. Written only when true; a reader that does not know it boots
   * the bundle without a network.
   */
  network?: boolean;
  files: ManifestFile[];
  sources: ManifestSource[];
}

/** Parses and checks bundle.json; throws BundleManifestError or BundleNewerFormatError. */
export function parseManifest(text: string): BundleManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BundleManifestError(`it is not JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new BundleManifestError("it is not a JSON object");
  const m = value as Record<string, unknown>;
  if (m.format !== BUNDLE_FORMAT) {
    throw new BundleManifestError(`"format" is ${JSON.stringify(m.format)}, want "${BUNDLE_FORMAT}"`);
  }
  if (typeof m.version !== "number" || !Number.isInteger(m.version) || m.version < 1) {
    throw new BundleManifestError(`"version" is ${JSON.stringify(m.version)}, want a whole number from 1`);
  }
  if (m.version > BUNDLE_FORMAT_VERSION) throw new BundleNewerFormatError(m.version, BUNDLE_FORMAT_VERSION);
  const arch = m.arch;
  if (arch !== "i386" && arch !== "x86_64") throw new BundleManifestError(`"arch" is ${JSON.stringify(arch)}, want "i386" or "x86_64"`);
  const layout = m.layout;
  if (layout !== "merged" && layout !== "concatenated") {
    throw new BundleManifestError(`"layout" is ${JSON.stringify(layout)}, want "merged" or "concatenated"`);
  }
  const version = m.version;
  const memoryMiB = m.memoryMiB;
  if (typeof memoryMiB !== "number" || !Number.isInteger(memoryMiB) || memoryMiB < 16) {
    throw new BundleManifestError(`"memoryMiB" is ${JSON.stringify(memoryMiB)}, want a whole number of at least 16`);
  }
  if (m.network !== undefined && typeof m.network !== "boolean") throw new BundleManifestError(`"network" is ${JSON.stringify(m.network)}, want true or false`);
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version,
    arch,
    kernel: stringField(m, "kernel"),
    // Version 1 always has an initramfs; version 2 may boot a RAM disk or a disk instead.
    initramfs: stringField(m, "initramfs", version >= 2),
    layout,
    cmdline: stringField(m, "cmdline", true),
    template: stringField(m, "template", true),
    memoryMiB,
    files: arrayField(m, "files").map((f, i) => {
      const where = `files[${i}]`;
      const o = objectAt(f, where);
      if (typeof o.size !== "number" || !Number.isInteger(o.size) || o.size < 0) throw new BundleManifestError(`${where}.size is not a byte count`);
      return { path: stringField(o, "path", false, where), size: o.size, mode: modeField(o, where) };
    }),
    sources: arrayField(m, "sources").map((s, i) => {
      const where = `sources[${i}]`;
      const o = objectAt(s, where);
      return { path: stringField(o, "path", false, where), file: stringField(o, "file", false, where), mode: modeField(o, where) };
    }),
  };
  if (m.network === true) manifest.network = true;
  if (version >= 2) {
    if (m.ramdisk !== undefined) manifest.ramdisk = stringField(m, "ramdisk");
    if (m.disks !== undefined) {
      manifest.disks = arrayField(m, "disks").map((d, i) => {
        const where = `disks[${i}]`;
        const o = objectAt(d, where);
        return { file: stringField(o, "file", false, where), device: stringField(o, "device", false, where) };
      });
    }
    if (manifest.ramdisk !== undefined && manifest.initramfs !== "") throw new BundleManifestError(`"ramdisk" and "initramfs" are both set; the initrd is one of them`);
  }
  return manifest;
}

function stringField(o: Record<string, unknown>, key: string, mayBeEmpty = false, where = ""): string {
  const v = o[key];
  const name = where ? `${where}.${key}` : `"${key}"`;
  if (typeof v !== "string") throw new BundleManifestError(`${name} is ${v === undefined ? "missing" : JSON.stringify(v)}, want a string`);
  if (!mayBeEmpty && v === "") throw new BundleManifestError(`${name} is empty`);
  return v;
}

function arrayField(o: Record<string, unknown>, key: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new BundleManifestError(`"${key}" is ${v === undefined ? "missing" : "not a list"}`);
  return v;
}

function objectAt(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new BundleManifestError(`${where} is not an object`);
  return v as Record<string, unknown>;
}

function modeField(o: Record<string, unknown>, where: string): number {
  const mode = o.mode;
  if (typeof mode !== "number" || !Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
    throw new BundleManifestError(`${where}.mode is ${JSON.stringify(mode)}, want permission bits (0 to 4095)`);
  }
  return mode;
}
