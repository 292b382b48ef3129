// Guest time works on the prebuilt i386 kernels, in both emulators: `sleep 2` takes two seconds
// of the guest's own clock, and `poweroff` (not `-f`) under BusyBox init powers the guest off.
// Both need the 32-bit-time system calls musl uses on i386 (nanosleep, rt_sigtimedwait):
// without CONFIG_COMPAT_32BIT_TIME they fail with ENOSYS, `sleep` returns at once, and init,
// whose shutdown waits with sleep(), spins instead of powering off (issue 9).
import { test } from "node:test";
import assert from "node:assert/strict";
import { RunnerSession } from "../../src/core/boot/index.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { planFor } from "./systems.ts";

/** BusyBox init with a shell on the serial line (respawn: no Enter needed) and /proc mounted. */
const INITTAB = "::sysinit:/bin/mount -t proc proc /proc\nttyS0::respawn:-/bin/sh\n";

/**
 * The guest's uptimes in seconds, from the /proc/uptime lines ("SECONDS IDLE") in `output`;
 * other lines are kernel messages that came while the command ran (a late driver probe).
 */
function uptimes(output: string): number[] {
  return [...output.matchAll(/^(\d+\.\d+) \d+\.\d+$/gm)].map((m) => Number(m[1]));
}

for (const kernel of ["tiny", "full"] as const) {
  for (const emulator of ["qemu", "v86"] as const) {
    test(`the ${kernel} kernel in ${emulator}: sleep 2 takes 2 s of guest time, poweroff under BusyBox init powers off`, async () => {
      const { spec } = await planFor(
        { files: [{ path: "/etc/inittab", kind: "file", mode: 0o644, text: INITTAB }], base: "busybox", kernel, kernelPinned: true, cmdline: "rdinit=/sbin/init" },
        emulator,
      );
      const session = new RunnerSession(await createRunner(emulator, { accel: "tcg" }));
      try {
        await session.start(spec);
        await session.waitForPrompt(0, 60_000);
        // One command line, so the time between the two readings is the sleep's, not typing's.
        const output = await session.run("cat /proc/uptime; sleep 2; cat /proc/uptime", 30_000);
        const readings = uptimes(output);
        assert.equal(readings.length, 2, `got ${JSON.stringify(output)}, want two /proc/uptime lines`);
        const slept = readings[1]! - readings[0]!;
        assert.ok(slept >= 2, `sleep 2 took ${slept.toFixed(2)} s of guest time, want at least 2 (ENOSYS from nanosleep returns at once)`);
        assert.ok(slept < 10, `sleep 2 took ${slept.toFixed(2)} s of guest time`);

        session.runner.send("poweroff\n");
        await session.waitFor((t) => t.poweredOff, 30_000, "the power-off after `poweroff`");
        assert.match(session.transcript.stage("power-off")!.line, /^reboot: Power down/);
      } finally {
        await session.stop();
      }
    });
  }
}
