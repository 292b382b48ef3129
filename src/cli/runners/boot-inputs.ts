// Turns `bootlab boot` options into a BootSpec: the kernel (prebuilt tiny by default), the root
// filesystem (the prebuilt base archive, a directory laid over it, or an archive or image of
// the user's), disks, the command line and the memory size.
import { stat } from "node:fs/promises";
import { DEFAULT_CMDLINE, DEFAULT_MEMORY_MIB, KernelCmdline, type BootSpec } from "../../core/boot/index.ts";
import { CliError, EXIT_USAGE } from "../command.ts";
import { PREBUILT, readPrebuilt, readUserFile } from "./artifacts.ts";
import { packDirectoryOverlay } from "./rootfs-overlay.ts";

export interface BootInputs {
  kernel?: string;
  /** A directory (packed and laid over the base archive) or a file used as the initrd. */
  rootfs?: string;
  /** Parameters set over DEFAULT_CMDLINE (same key: this one wins). */
  append?: string;
  disks?: string[];
  memoryMiB?: number;
}

export interface LoadedBoot {
  spec: BootSpec;
  /** Milliseconds spent packing a --rootfs directory (0 when there was none). */
  packMs: number;
  /** What was booted, for messages: "prebuilt/i386/tiny/bzImage + prebuilt/i386/base.cpio.gz". */
  description: string;
}

export async function loadBootInputs(inputs: BootInputs): Promise<LoadedBoot> {
  const kernel = inputs.kernel ? await readUserFile(inputs.kernel, "--kernel") : await readPrebuilt(PREBUILT.tinyKernel);
  const kernelName = inputs.kernel ?? `prebuilt/${PREBUILT.tinyKernel}`;
  let initrds: Uint8Array[];
  let rootfsName: string;
  let packMs = 0;
  if (inputs.rootfs === undefined) {
    initrds = [await readPrebuilt(PREBUILT.baseRootfs)];
    rootfsName = `prebuilt/${PREBUILT.baseRootfs}`;
  } else if (await isDirectory(inputs.rootfs)) {
    const base = await readPrebuilt(PREBUILT.baseRootfs);
    const started = performance.now();
    const overlay = await packDirectoryOverlay(inputs.rootfs);
    packMs = performance.now() - started;
    initrds = [base, overlay];
    rootfsName = `prebuilt/${PREBUILT.baseRootfs} + ${inputs.rootfs}/`;
  } else {
    initrds = [await readUserFile(inputs.rootfs, "--rootfs")];
    rootfsName = inputs.rootfs;
  }
  const disks: Uint8Array[] = [];
  for (const disk of inputs.disks ?? []) disks.push(await readUserFile(disk, "--disk"));
  let cmdline = KernelCmdline.parse(DEFAULT_CMDLINE);
  if (inputs.append) cmdline = cmdline.merge(KernelCmdline.parse(inputs.append));
  const memoryMiB = inputs.memoryMiB ?? DEFAULT_MEMORY_MIB;
  if (!Number.isInteger(memoryMiB) || memoryMiB < 16 || memoryMiB > 3072) {
    throw new CliError(`--memory: got ${inputs.memoryMiB}, want a whole number of MiB between 16 and 3072`, EXIT_USAGE);
  }
  return {
    spec: { kernel, initrds, disks, cmdline: cmdline.toString(), memoryMiB },
    packMs,
    description: `${kernelName} + ${rootfsName}${disks.length ? ` + ${disks.length} disk(s)` : ""}`,
  };
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
