// The export bundle: one zip that boots anywhere. It holds the kernel and the initramfs the plan
// boots (src/core/boot/plan.ts: the same bytes and command line as the page and `bootlab boot`),
// run-qemu.sh, the user's files under src/ for reading, a README and bundle.json.
// The same project gives the same bytes: a fixed gzip header, fixed timestamps, fixed member order.
import { gzipSync, zipSync, type Zippable, type ZipOptions } from "fflate";
import type { BootPlan } from "../boot/plan.ts";
import { isBzImage, type GuestArch } from "../boot/spec.ts";
import { normalizeEntryPath } from "../cpio/path.ts";
import { packCpio } from "../cpio/writer.ts";
import { overlayBytes, overlayEntries, type OverlayFile } from "../rootfs/overlay.ts";
import { BundleBuildError } from "./errors.ts";
import { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type BundleManifest, type InitramfsLayout } from "./manifest.ts";
import { bundleReadme } from "./readme.ts";
import { RUN_SCRIPT_NAME, runQemuScript } from "./run-script.ts";

export const MANIFEST_NAME = "bundle.json";
export const README_NAME = "README.md";
export const KERNEL_NAME = "bzImage";
export const INITRAMFS_NAME = "initramfs.cpio.gz";
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
 * same plan gives the same bytes), its final command line, memory and architecture. The page's
 * Export and `bootlab export` both call this, so they write the same zip for the same project.
 * Throws BundleBuildError for a plan a bundle cannot hold (no initrd, attached disks) or files
 * that are not the plan's.
 */
export function bundleFromPlan(plan: BootPlan, options: BundleFromPlanOptions): Uint8Array {
  const { initrds, disks } = plan.spec;
  if (initrds.length === 0) {
    throw new BundleBuildError(
      `this system boots no initramfs (kernel command line: ${plan.spec.cmdline}): got a root on a disk, want an initramfs; a bundle holds a kernel and one initramfs, so a disk root cannot be exported yet`,
    );
  }
  if (initrds.length > 1) throw new BundleBuildError(`the plan boots ${initrds.length} initrds, want one (the plan joins its archives into one)`);
  if (disks.length > 0) {
    throw new BundleBuildError(`this system attaches ${disks.length} disk(s): got disks, want none; a bundle holds a kernel and one initramfs, so disks cannot be exported yet`);
  }
  const initrd = initrds[0]!;
  const filesOffset = filesArchiveOffset(initrd, options.files);
  const input: BundleInput = {
    kernel: plan.spec.kernel,
    initramfs: gzipSync(initrd, { level: 9, mtime: 0 }),
    // One archive unless the files' archive follows another (the base, or the user's own initrd).
    layout: filesOffset === undefined ? "merged" : "concatenated",
    files: options.files,
    cmdline: plan.spec.cmdline,
    template: options.template,
    memoryMiB: plan.spec.memoryMiB,
    arch: plan.kernel.arch,
  };
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
  /** The initramfs as booted, gzip-compressed (.cpio.gz): shipped as it is. */
  initramfs: Uint8Array;
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
  if (input.initramfs[0] !== 0x1f || input.initramfs[1] !== 0x8b) {
    throw new BundleBuildError(`initramfs: got ${input.initramfs.length} bytes without the gzip magic (1f 8b); want a .cpio.gz`);
  }
  const initramfs = input.initramfs;

  const sources = input.files.filter((f) => f.kind === "file").map((f) => ({ path: f.path, file: SOURCES_DIR + normalizeEntryPath(f.path), mode: f.mode, data: overlayBytes(f) }));
  const members: Array<{ path: string; data: Uint8Array; mode: number; compress: boolean }> = [
    { path: KERNEL_NAME, data: input.kernel, mode: 0o644, compress: false },
    { path: INITRAMFS_NAME, data: initramfs, mode: 0o644, compress: false },
    ...sources.map((s) => ({ path: s.file, data: s.data, mode: s.mode, compress: true })),
  ];
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    version: BUNDLE_FORMAT_VERSION,
    arch: input.arch,
    kernel: KERNEL_NAME,
    initramfs: INITRAMFS_NAME,
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
