// The export bundle: a zip with bzImage, initramfs.cpio.gz, run-qemu.sh, src/, README.md and
// bundle.json, made from a boot plan (bundleFromPlan) by the page's Export and `bootlab export`,
// and booted by `bootlab boot --bundle`.
export { buildBundle, bundleFromPlan, INITRAMFS_NAME, KERNEL_NAME, MANIFEST_NAME, README_NAME, SOURCES_DIR, type BundleFromPlanOptions, type BundleInput } from "./build.ts";
export { readBundle, type Bundle, type BundleSource, type ReadBundleOptions } from "./read.ts";
export { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, parseManifest, type BundleManifest, type InitramfsLayout, type ManifestFile, type ManifestSource } from "./manifest.ts";
export { RUN_SCRIPT_NAME, bundleQemuArgs, runQemuScript } from "./run-script.ts";
export { bundleReadme, type ReadmeOptions } from "./readme.ts";
export {
  BundleBuildError,
  BundleCorruptPartError,
  BundleError,
  BundleManifestError,
  BundleMissingPartError,
  BundleNewerFormatError,
  BundleNotZipError,
  type BundleErrorCode,
} from "./errors.ts";
