// `bootlab boot --bundle F.zip`: a bundle exported from the playground, read into what a boot
// needs. The boot command calls loadBundle and hands the result to its runner (v86 or QEMU);
// the bundle's own run-qemu.sh is generated from the same QEMU argument builder.
import { BundleError, readBundle, type BundleManifest } from "../core/bundle/index.ts";
import type { BootSpec } from "../core/boot/spec.ts";
import { CliError, EXIT_USAGE } from "./command.ts";
import { readUserFile } from "./runners/artifacts.ts";

export interface LoadedBundle extends BootSpec {
  /** bundle.json as read: template, layout, the user's files, ... */
  manifest: BundleManifest;
}

/**
 * Reads and checks the bundle at `path` (zip CRCs, manifest, bzImage header, cpio structure).
 * Throws CliError (exit 2) with the reader's message for a missing file or a broken bundle.
 */
export async function loadBundle(path: string, option = "--bundle"): Promise<LoadedBundle> {
  const zip = await readUserFile(path, option);
  try {
    const { manifest, kernel, initramfs, ramdisk, disks } = readBundle(zip, { sources: false });
    const initrd = initramfs ?? ramdisk;
    const loaded: LoadedBundle = { manifest, kernel, initrds: initrd ? [initrd] : [], disks, cmdline: manifest.cmdline, memoryMiB: manifest.memoryMiB };
    if (manifest.network) loaded.network = true;
    return loaded;
  } catch (error) {
    if (error instanceof BundleError) throw new CliError(`${option} ${path}: ${error.message}`, EXIT_USAGE);
    throw error;
  }
}
