// The export bundle: one zip that boots anywhere. It holds the kernel and the initramfs (or the
// RAM disk) and the disk images the plan boots (src/core/boot/plan.ts: the same bytes and
// command line as the page and `bootlab boot`), run-qemu.sh, the user's files under src/ for
// reading, a README and bundle.json.
// The same project gives the same bytes: a fixed gzip header, fixed timestamps, fixed member order.
import { gzipSync, zipSync, type Zippable, type ZipOptions } from "fflate";
import type { BootPlan } from "../boot/plan.ts";
import { isBzImage, isHostDisk, type GuestArch } from "../boot/spec.ts";
import { isExt4Image } from "../ext4/reader.ts";
import { normalizeEntryPath } from "../cpio/path.ts";
import { packCpio } from "../cpio/writer.ts";
import { overlayBytes, overlayEntries, type OverlayFile } from "../rootfs/overlay.ts";
import { BundleBuildError } from "./errors.ts";
import { BUNDLE_FORMAT, type BundleManifest, type InitramfsLayout, type ManifestDisk } from "./manifest.ts";
import { bundleReadme } from "./readme.ts";
import { RUN_SCRIPT_NAME, runQemuScript } from "./run-script.ts";

export const MANIFEST_NAME = "bundle.json";
export const README_NAME = "README.md";
export const KERNEL_NAME = "bzImage";
export const INITRAMFS_NAME = "initramfs.cpio.gz";
export const RAMDISK_NAME = "ramdisk.ext4.gz";
/** Disk images go under disks/, named by the device the guest sees: disks/sda.img. */
export const DISKS_DIR = "disks/";
export const SOURCES_DIR = "src/";

export interface BundleFromPlanOptions {
  /** The user's files the plan was made from (the system's `files`): copied under src/ for reading. */
  files: readonly OverlayFile[];
  /** The template the project started from, e.g. "busybox-init". */
  template: string;
  /** The zip's file name, used in the README's example commands. */
  zipName?: string;
}

/**
 * The bundle of what `plan` boots: its kernel, its one initrd gzip'd (level 9, mtime 0, so the
 * same plan gives the same bytes; an ext4 initrd is the RAM disk), its disk images, its final
 * command line, memory and architecture. The page's Export and `bootlab export` both call this,
 * so they write the same zip for the same project. Throws BundleBuildError for a plan a bundle
 * cannot hold (a disk that is a file on the host, several initrds) or files that are not the plan's.
 */
export function bundleFromPlan(plan: BootPlan, options: BundleFromPlanOptions): Uint8Array {
  const { initrds } = plan.spec;
  if (initrds.length > 1) throw new BundleBuildError(`the plan boots ${initrds.length} initrds, want one (the plan joins its archives into one)`);
  const disks = plan.spec.disks.map((disk) => {
    if (isHostDisk(disk)) throw new BundleBuildError(`disk ${disk.path}: got a disk image on the host, want one the plan wrote; a bundle carries the disks of a template or a project, not --disk files`);
    return disk;
  });
  const initrd = initrds[0];
  const ramdisk = initrd !== undefined && isExt4Image(initrd);
  const filesOffset = initrd === undefined || ramdisk ? undefined : filesArchiveOffset(initrd, options.files);
  const input: BundleInput = {
    kernel: plan.spec.kernel,
    disks,
    // One archive unless the files' archive follows another (the base, or the user's own initrd).
    layout: filesOffset === undefined ? "merged" : "concatenated",
    files: options.files,
    cmdline: plan.spec.cmdline,
    template: options.template,
    memoryMiB: plan.spec.memoryMiB,
    arch: plan.kernel.arch,
  };
  if (initrd !== undefined) input[ramdisk ? "ramdisk" : "initramfs"] = gzipSync(initrd, { level: 9, mtime: 0 });
  if (plan.spec.network) input.network = true;
  if (filesOffset !== undefined) input.filesOffset = filesOffset;
  if (options.zipName !== undefined) input.zipName = options.zipName;
  return buildBundle(input);
}

/**
 * Where the files' archive starts in the plan's initrd (the plan appends it last, packed the same
 * way), or undefined when the initrd is that archive alone or there are no files. Checking the
 * bytes keeps src/ honest: the files a reader finds there are the ones the initramfs boots.
 */
function filesArchiveOffset(initrd: Uint8Array, files: readonly OverlayFile[]): number | undefined {
  if (files.length === 0) return undefined;
  const archive = packCpio(overlayEntries(files));
  const at = initrd.length - archive.length;
  if (at < 0 || !sameBytes(initrd.subarray(at), archive)) {
    throw new BundleBuildError(
      `files: got ${files.length} file(s) whose archive is not the end of the plan's ${initrd.length}-byte initrd; want the files the plan was made from (the system's files)`,
    );
  }
  return at === 0 ? undefined : at;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** What the zip writer needs: everything already decided (by the plan, through bundleFromPlan). */
export interface BundleInput {
  /** The bzImage. */
  kernel: Uint8Array;
  /** The initramfs as booted, gzip-compressed (.cpio.gz): shipped as it is. Absent with a RAM disk or a disk root. */
  initramfs?: Uint8Array;
  /** The RAM-disk image (ext4) that is the initrd, gzip-compressed, instead of an initramfs. */
  ramdisk?: Uint8Array;
  /** Raw disk images, /dev/sda first. */
  disks?: readonly Uint8Array[];
  /** One archive ("merged"), or the files' archive after another ("concatenated"). */
  layout: InitramfsLayout;
  /** With "concatenated": where the files' archive starts in the inflated initramfs, for the README's commands. */
  filesOffset?: number;
  /** The user's files; those of kind "file" are copied to src/ (the initramfs holds all of them). */
  files: readonly OverlayFile[];
  /** The final kernel command line. */
  cmdline: string;
  template: string;
  memoryMiB: number;
  arch: GuestArch;
  /** The system has a network card: bundle.json says so and run-qemu.sh passes -nic. */
  network?: boolean;
  /** Used in the README's example commands. */
  zipName?: string;
}

/**
 * Zip (DOS) timestamps are local time and fflate converts with the Date's local fields, so the
 * date is made from local fields at each build: the same bytes in every time zone.
 */
const fixedMtime = () => new Date(1980, 0, 1, 0, 0, 0);

/** The zip for `input`, written as it is; bundleFromPlan decides what goes in. */
export function buildBundle(input: BundleInput): Uint8Array {
  if (!isBzImage(input.kernel)) {
    throw new BundleBuildError(`kernel: got ${input.kernel.length} bytes without the "HdrS" boot header at 0x202; want a bzImage`);
  }
  for (const [name, bytes] of [["initramfs", input.initramfs], ["ramdisk", input.ramdisk]] as const) {
    if (bytes && (bytes[0] !== 0x1f || bytes[1] !== 0x8b)) throw new BundleBuildError(`${name}: got ${bytes.length} bytes without the gzip magic (1f 8b); want it gzip'd`);
  }
  if (input.initramfs && input.ramdisk) throw new BundleBuildError("got an initramfs and a RAM disk, want one initrd");
  const disks: ManifestDisk[] = (input.disks ?? []).map((_, i) => ({ file: `${DISKS_DIR}sd${String.fromCharCode(97 + i)}.img`, device: `/dev/sd${String.fromCharCode(97 + i)}` }));
  // Version 1 unless the bundle needs what version 2 added, so older readers keep reading it.
  const version = input.initramfs === undefined || disks.length > 0 ? 2 : 1;

  const sources = input.files.filter((f) => f.kind === "file").map((f) => ({ path: f.path, file: SOURCES_DIR + normalizeEntryPath(f.path), mode: f.mode, data: overlayBytes(f) }));
  const members: Array<{ path: string; data: Uint8Array; mode: number; compress: boolean }> = [
    { path: KERNEL_NAME, data: input.kernel, mode: 0o644, compress: false },
    ...(input.initramfs ? [{ path: INITRAMFS_NAME, data: input.initramfs, mode: 0o644, compress: false }] : []),
    ...(input.ramdisk ? [{ path: RAMDISK_NAME, data: input.ramdisk, mode: 0o644, compress: false }] : []),
    // A disk image is mostly free blocks: deflated, it is about as small as its files.
    ...disks.map((disk, i) => ({ path: disk.file, data: input.disks![i]!, mode: 0o644, compress: true })),
    ...sources.map((s) => ({ path: s.file, data: s.data, mode: s.mode, compress: true })),
  ];
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version,
    arch: input.arch,
    kernel: KERNEL_NAME,
    initramfs: input.initramfs ? INITRAMFS_NAME : "",
    ...(input.ramdisk ? { ramdisk: RAMDISK_NAME } : {}),
    ...(disks.length ? { disks } : {}),
    layout: input.layout,
    cmdline: input.cmdline,
    template: input.template,
    memoryMiB: input.memoryMiB,
    ...(input.network ? { network: true } : {}),
    files: [],
    sources: sources.map(({ path, file, mode }) => ({ path, file, mode })),
  };
  const encoder = new TextEncoder();
  const script = encoder.encode(runQemuScript(manifest));
  const readmeOptions: { zipName?: string; filesOffset?: number } = {};
  if (input.zipName !== undefined) readmeOptions.zipName = input.zipName;
  if (input.filesOffset !== undefined) readmeOptions.filesOffset = input.filesOffset;
  const readme = encoder.encode(bundleReadme(manifest, readmeOptions));
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
