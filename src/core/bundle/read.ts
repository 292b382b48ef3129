// Reading a bundle back: the parts a boot needs (kernel, initramfs, command line, memory) and,
// unless asked not to, the user's files from src/. Every failure is a BundleError subclass
// naming the part and the problem.
import { isBzImage } from "../boot/spec.ts";
import { CpioError } from "../cpio/errors.ts";
import { unwrapExt4Image } from "../ext4/gzip.ts";
import { readCpio } from "../cpio/reader.ts";
import { MANIFEST_NAME } from "./build.ts";
import { BundleCorruptPartError, BundleManifestError, BundleMissingPartError, BundleNotZipError } from "./errors.ts";
import { parseManifest, type BundleManifest } from "./manifest.ts";
import { listZip, readZipMember, ZipReadError, type ZipMember } from "./zip-reader.ts";

export interface BundleSource {
  /** The path in the guest: "/init". */
  path: string;
  mode: number;
  data: Uint8Array;
}

export interface Bundle {
  manifest: BundleManifest;
  kernel: Uint8Array;
  /** The initramfs (.cpio.gz), checked to be a readable cpio archive; undefined when the bundle has none (version 2). */
  initramfs?: Uint8Array;
  /** The gzip'd RAM-disk image that is the initrd instead (version 2), checked to hold ext2/3/4. */
  ramdisk?: Uint8Array;
  /** Raw disk images, /dev/sda first (version 2). */
  disks: Uint8Array[];
  /** The user's files (empty when read with sources: false). */
  sources: BundleSource[];
}

/**
 * Most bytes each part may declare, far above what the playground exports (a bundle is a few
 * MB) and low enough that a crafted bundle.json of 600 MB is refused before it is inflated
 * (it would not even fit in a JavaScript string). All parts together: MAX_BUNDLE_BYTES.
 */
export const BUNDLE_PART_LIMITS = {
  manifest: 4 * 1024 * 1024,
  kernel: 128 * 1024 * 1024,
  initramfs: 512 * 1024 * 1024,
  disk: 1024 * 1024 * 1024,
  source: 64 * 1024 * 1024,
} as const;
export const MAX_BUNDLE_BYTES = 1024 * 1024 * 1024;

export interface ReadBundleOptions {
  /** Read the files under src/ as well (default true). A boot does not need them. */
  sources?: boolean;
}

export function readBundle(zip: Uint8Array, options: ReadBundleOptions = {}): Bundle {
  let members: ZipMember[];
  try {
    members = listZip(zip);
  } catch (error) {
    if (error instanceof ZipReadError) throw new BundleNotZipError(error.message);
    throw error;
  }
  const byName = new Map(members.map((m) => [m.name, m]));
  let budget = MAX_BUNDLE_BYTES;
  const read = (name: string, limit: number): Uint8Array => {
    const member = byName.get(name);
    if (!member) throw new BundleMissingPartError(name);
    if (member.size > budget) {
      throw new BundleCorruptPartError(name, `it declares ${member.size} bytes, and all parts together may hold at most ${MAX_BUNDLE_BYTES}`);
    }
    budget -= member.size;
    try {
      return readZipMember(zip, member, limit);
    } catch (error) {
      if (error instanceof ZipReadError) throw new BundleCorruptPartError(name, error.problem);
      throw error;
    }
  };

  let manifestText: string;
  try {
    manifestText = new TextDecoder("utf-8", { fatal: true }).decode(read(MANIFEST_NAME, BUNDLE_PART_LIMITS.manifest));
  } catch (error) {
    if (error instanceof TypeError) throw new BundleManifestError("it is not UTF-8 text");
    throw error;
  }
  const manifest = parseManifest(manifestText);

  const kernel = read(manifest.kernel, BUNDLE_PART_LIMITS.kernel);
  if (!isBzImage(kernel)) {
    throw new BundleCorruptPartError(manifest.kernel, `it is ${kernel.length} bytes without the "HdrS" boot header at 0x202, so it is not a bzImage`);
  }
  const bundle: Bundle = { manifest, kernel, disks: [], sources: [] };
  if (manifest.initramfs !== "") {
    const initramfs = read(manifest.initramfs, BUNDLE_PART_LIMITS.initramfs);
    try {
      readCpio(initramfs);
    } catch (error) {
      if (error instanceof CpioError) throw new BundleCorruptPartError(manifest.initramfs, `it is not a readable cpio archive (${error.message})`);
      throw error;
    }
    bundle.initramfs = initramfs;
  }
  if (manifest.ramdisk !== undefined) {
    const ramdisk = read(manifest.ramdisk, BUNDLE_PART_LIMITS.initramfs);
    let image: Uint8Array | undefined;
    try {
      image = unwrapExt4Image(ramdisk, BUNDLE_PART_LIMITS.disk);
    } catch {
      image = undefined;
    }
    if (!image) throw new BundleCorruptPartError(manifest.ramdisk, "it is not a gzip'd ext2/ext4 image");
    bundle.ramdisk = ramdisk;
  }
  bundle.disks = (manifest.disks ?? []).map((disk) => read(disk.file, BUNDLE_PART_LIMITS.disk));
  if (options.sources !== false) bundle.sources = manifest.sources.map((s) => ({ path: s.path, mode: s.mode, data: read(s.file, BUNDLE_PART_LIMITS.source) }));
  return bundle;
}
