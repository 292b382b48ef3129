// The export bundle: one zip that boots anywhere. It holds the kernel, the initramfs (the user's
// files laid over the base), run-qemu.sh, the user's files under src/, a README and bundle.json.
// The same project gives the same bytes: fixed timestamps, fixed member order.
import { zipSync, type Zippable, type ZipOptions } from "fflate";
import { DEFAULT_MEMORY_MIB, isBzImage, minimumV86MemoryMiB, type GuestArch } from "../boot/spec.ts";
import { normalizeEntryPath } from "../cpio/path.ts";
import { packCpioGz } from "../cpio/writer.ts";
import { layOverlay, overlayBytes, overlayEntries, type OverlayFile } from "./initramfs.ts";
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type BundleManifest, type InitramfsLayout } from "./manifest.ts";
import { bundleReadme } from "./readme.ts";
import { RUN_SCRIPT_NAME, runQemuScript } from "./run-script.ts";

export const MANIFEST_NAME = "bundle.json";
export const README_NAME = "README.md";
export const KERNEL_NAME = "bzImage";
export const INITRAMFS_NAME = "initramfs.cpio.gz";
export const SOURCES_DIR = "src/";

export interface BundleInput {
  /** The bzImage. */
  kernel: Uint8Array;
  /**
   * The base archive (.cpio or .cpio.gz) the files are laid over. Absent (a template with
   * base "none", such as the static hello init): the initramfs is the overlay alone.
   */
  base?: Uint8Array;
  /** A ready initramfs (.cpio.gz) to ship as it is, e.g. the one the worker just booted. */
  initramfs?: Uint8Array;
  /** The user's overlay; its files are copied to src/, and all of it is laid over `base` unless `initramfs` is given. */
  files: readonly OverlayFile[];
  cmdline: string;
  template: string;
  /** Default DEFAULT_MEMORY_MIB (128), raised if v86 needs more for this initramfs. */
  memoryMiB?: number;
  /** Default "i386" (the only one v86 runs). */
  arch?: GuestArch;
  /** How the initramfs is (or was) made; default "merged", or "concatenated" with a ready `initramfs` (see initramfs.ts). */
  layout?: InitramfsLayout;
  /** Used in the README's example commands. */
  zipName?: string;
}

/**
 * Zip (DOS) timestamps are local time and fflate converts with the Date's local fields, so the
 * date is made from local fields at each build: the same bytes in every time zone.
 */
const fixedMtime = () => new Date(1980, 0, 1, 0, 0, 0);

export function buildBundle(input: BundleInput): Uint8Array {
  if (!isBzImage(input.kernel)) {
    throw new RangeError(`kernel: got ${input.kernel.length} bytes without the "HdrS" boot header at 0x202; want a bzImage`);
  }
  // A ready initramfs is most likely the worker's, which appends the overlay to the base.
  const layout = input.layout ?? (input.initramfs ? "concatenated" : "merged");
  let initramfs: Uint8Array;
  if (input.initramfs) initramfs = input.initramfs;
  else if (input.base) initramfs = layOverlay(input.base, input.files, layout);
  else if (input.files.length > 0) initramfs = packCpioGz(overlayEntries(input.files), { level: 9 });
  else throw new RangeError("a bundle needs files, a base archive (base) or a ready initramfs (initramfs)");

  const sources = input.files.filter((f) => f.kind !== "directory").map((f) => ({ path: f.path, file: SOURCES_DIR + normalizeEntryPath(f.path), mode: f.mode, data: overlayBytes(f) }));
  const members: Array<{ path: string; data: Uint8Array; mode: number; compress: boolean }> = [
    { path: KERNEL_NAME, data: input.kernel, mode: 0o644, compress: false },
    { path: INITRAMFS_NAME, data: initramfs, mode: 0o644, compress: false },
    ...sources.map((s) => ({ path: s.file, data: s.data, mode: s.mode, compress: true })),
  ];
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_FORMAT_VERSION,
    arch: input.arch ?? "i386",
    kernel: KERNEL_NAME,
    initramfs: INITRAMFS_NAME,
    layout,
    cmdline: input.cmdline,
    template: input.template,
    memoryMiB: Math.max(input.memoryMiB ?? DEFAULT_MEMORY_MIB, minimumV86MemoryMiB(initramfs.length)),
    files: [],
    sources: sources.map(({ path, file, mode }) => ({ path, file, mode })),
  };
  const encoder = new TextEncoder();
  const script = encoder.encode(runQemuScript(manifest));
  const readme = encoder.encode(bundleReadme(manifest, input.zipName));
  members.unshift(
    { path: README_NAME, data: readme, mode: 0o644, compress: true },
    { path: RUN_SCRIPT_NAME, data: script, mode: 0o755, compress: true },
  );
  manifest.files = members.map((m) => ({ path: m.path, size: m.data.length, mode: m.mode }));

  const zip: Zippable = {};
  const add = (path: string, data: Uint8Array, mode: number, compress: boolean) => {
    const options: ZipOptions = {
      // The kernel and the .cpio.gz are compressed already; storing them saves time, not bytes.
      level: compress ? 9 : 0,
      mtime: fixedMtime(),
      // "Made on Unix" with the mode in the high half of the external attributes: unzip then
      // restores the executable bit of run-qemu.sh and /init.
      os: 3,
      attrs: (0o100000 | mode) * 0x10000,
    };
    zip[path] = [data, options];
  };
  add(MANIFEST_NAME, encoder.encode(JSON.stringify(manifest, null, 2) + "\n"), 0o644, true);
  for (const m of members) add(m.path, m.data, m.mode, m.compress);
  return zipSync(zip);
}
