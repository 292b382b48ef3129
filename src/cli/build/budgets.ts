// Size budgets of what the page downloads (tiny profile). Over budget is reported, not fatal:
// the build is still correct, but the page gets slower, and the note says by how much.
import type { ManifestArtifact } from "./manifest.ts";

/** Bytes; "1.0 MB" read as 10^6 bytes, the stricter reading. */
export const BUDGETS: Readonly<Record<string, number>> = {
  // The issue asked for 1.0 MB, which the XZ-compressed kernel met (877 KB). v86 interprets the
  // decompressor, and XZ cost 370M of the boot's 420M guest instructions: with LZ4 the v86 boot
  // to a prompt went from 7.8x to 1.4x QEMU-TCG's (`bootlab bench`), ZSTD gave 1.04 MB and 4.7x.
  // So the page downloads 1.23 MB (1.12 MB gzipped) and boots five times sooner; trimming the
  // kernel back under 1.0 MB with LZ4 is open work.
  // Then guest time and seed 002 (issue 9): COMPAT_32BIT_TIME cost nothing measurable (1233408
  // bytes either way; 30.8M v86 instructions to the prompt before and after, side by side).
  // Virtual terminals without screen or keyboard (VT + the INPUT core it selects; tiny.fragment),
  // so BusyBox init's default askfirst shells on tty2-4 stop respawning for ever, cost 45056
  // bytes (1278464) and 3.0M instructions (30.8M -> 33.8M, +10%, about 70 ms of v86's ~700 ms to
  // the prompt): the price of booting the tutorial's system as it is. Hence 1.3 MB.
  // /proc/config.gz (IKCONFIG + IKCONFIG_PROC, issue 15: the guest can read its kernel's
  // .config) cost 8192 bytes (1278464 -> 1286656; full +16384, x86_64 tiny +12288) and no
  // measurable time: 33.8M v86 instructions to the prompt before and after (full: 52.2M either
  // way), with `bootlab bench --kernel FILE`, old and new bzImage side by side, two to three
  // times each; v86's wall-clock medians moved both ways within the spread of a loaded machine.
  "i386/tiny/bzImage": 1_300_000,
  "i386/busybox": 1_100_000,
  "i386/base.cpio.gz": 1_000_000,
  // The devel layer (issue 14): only systems that ask for it download it. tcc is 0.26 MB, musl's
  // libc.a (static, -fno-pie) and headers the rest; 817 KB when first built. The kernel headers
  // stay out (9 MB unpacked), so programs can include musl's headers but not <linux/*.h>.
  "i386/devel.cpio.gz": 1_000_000,
};

export function budgetProblems(artifacts: readonly ManifestArtifact[]): string[] {
  return artifacts
    .filter((a) => BUDGETS[a.path] !== undefined && a.size > BUDGETS[a.path]!)
    .map((a) => `${a.path} is ${a.size} bytes, budget ${BUDGETS[a.path]}`);
}
