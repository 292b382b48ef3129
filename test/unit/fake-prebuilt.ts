// A prebuilt/ in memory for tests that need the real plan (planBoot) without the real artifacts:
// one i386 kernel ("tiny", a stand-in bzImage with the "HdrS" header) whose .config has what the
// test systems need, and a base archive given by the test.
import { parsePrebuiltManifest, PrebuiltArtifacts } from "../../src/core/boot/index.ts";

/** Enough of a bzImage for the header check: the "HdrS" magic at 0x202. */
export function fakeKernel(size = 4096, step = 7): Uint8Array {
  const kernel = new Uint8Array(size).map((_, i) => (i * step) & 0xff);
  kernel.set([0x48, 0x64, 0x72, 0x53], 0x202);
  return kernel;
}

const CONFIG = [
  "CONFIG_BLK_DEV_INITRD=y",
  "CONFIG_BINFMT_ELF=y",
  "CONFIG_BINFMT_SCRIPT=y",
  "CONFIG_SERIAL_8250_CONSOLE=y",
  "CONFIG_ATA_PIIX=y",
  "CONFIG_BLK_DEV_SD=y",
  "CONFIG_EXT4_FS=y",
].join("\n");

/** Artifacts with `kernel` as the tiny kernel and `base` (a .cpio or .cpio.gz) as the i386 base archive. */
export function fakeArtifacts(base: Uint8Array, kernel: Uint8Array = fakeKernel()): PrebuiltArtifacts {
  const files = new Map<string, Uint8Array>([
    ["i386/tiny/bzImage", kernel],
    ["i386/tiny/config", new TextEncoder().encode(CONFIG + "\n")],
    ["i386/base.cpio.gz", base],
  ]);
  const manifest = parsePrebuiltManifest({
    bios: "seabios.bin",
    bases: [{ arch: "i386", path: "i386/base.cpio.gz" }],
    kernels: [{ id: "tiny", arch: "i386", bzImage: "i386/tiny/bzImage", config: "i386/tiny/config", summary: "a test kernel" }],
    artifacts: [],
  });
  return new PrebuiltArtifacts(manifest, async (path) => {
    const bytes = files.get(path);
    if (!bytes) throw new Error(`fake prebuilt: got ${path}, want one of ${[...files.keys()].join(", ")}`);
    return bytes;
  });
}
