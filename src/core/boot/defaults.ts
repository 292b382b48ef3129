// The command line every boot starts from: the plan (plan.ts) lays the system's own parameters
// over it, so a template's, a project's or `--append`'s `key=value` replaces the default of the
// same key and everything else stays. The page, the CLI, bench, bundles and tests all boot with
// it. Each parameter is here because it makes the same artifacts boot alike and fast on v86 and
// QEMU. Guest instructions to the first
// prompt are v86's instruction counter (LZ4 tiny kernel, base rootfs), which unlike wall time
// does not move with the host's load.

/**
 * - console=ttyS0: the serial port is the console both emulators expose to bootlab. A system
 *   that says console=tty0 replaces it, and its kernel then writes to the screen, not the port.
 * - random.trust_cpu=on: the random pool is seeded without the slow software mixing: 36.6M ->
 *   31.1M instructions to the prompt on v86 (-15%).
 * - tsc=reliable: no clocksource watchdog; without it, v86's TSC (tied to host time) is marked
 *   unstable about a second in and the kernel switches to the PIT clock and says so mid-session.
 * - mitigations=off: no CPU-bug workarounds for an emulated CPU (no measurable cost either way
 *   on the tiny kernel; it matters with the full kernel's larger entry code).
 * Not here: `quiet` saves only ~0.5M instructions and hides the boot log the tutorials show;
 * `lpj=` changes nothing because the kernel already skips the delay-loop calibration.
 */
export const DEFAULT_CMDLINE = "console=ttyS0 tsc=reliable mitigations=off random.trust_cpu=on";
