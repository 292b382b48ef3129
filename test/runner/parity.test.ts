// Parity: every template the page ships, and the block-device roots a CLI user boots, go through
// the plan once and boot on QEMU (TCG) and on v86 from the same bytes, get the same commands
// typed, and must print the same thing after the normalisation documented in parity-helpers.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRunner } from "../../src/cli/runners/create.ts";
import { collectParityTranscript } from "./parity-helpers.ts";
import { blockRootSystems, PARITY_APPEND, planFor, templateSystems, withAppend } from "./systems.ts";

const systems = [...(await templateSystems()), ...(await blockRootSystems())];

for (const { name, system, commands } of systems) {
  test(`parity v86 = QEMU: ${name}`, async () => {
    const plan = await planFor(withAppend(system, PARITY_APPEND));
    const qemu = await collectParityTranscript(await createRunner("qemu", { accel: "tcg" }), plan, commands);
    const v86 = await collectParityTranscript(await createRunner("v86"), plan, commands);
    // Something must have run, or two empty transcripts would compare equal.
    if (qemu.shell) {
      assert.equal(qemu.parity.commands.length, commands.length);
      assert.match(qemu.parity.commands[0]!.output.join("\n"), /^Linux \S+ 6\.1\.\d+ /, `uname -a on QEMU:\n${qemu.raw}`);
      // Where the system mounts /proc (seed 002's has no rcS to do it), the guest's command line is the plan's.
      const mounted = qemu.parity.commands.find((c) => c.command === "mount")!.output.join("\n");
      if (/^proc on \/proc /m.test(mounted)) assert.equal(qemu.parity.commands[1]!.output.join("\n"), plan.spec.cmdline, "/proc/cmdline is the plan's command line");
    } else {
      assert.ok(plan.expectations.readyPattern && new RegExp(plan.expectations.readyPattern).test(qemu.parity.boot.join("\n")), `QEMU transcript:\n${qemu.raw}`);
    }
    // Quiet after the prompt: no clocksource watchdog marks the TSC unstable in the user's
    // session (tsc=reliable, a default). QEMU's TSC still gets its refined calibration about a
    // second in ("clocksource: Switched to clocksource tsc"), which is not the watchdog.
    for (const [name, run] of [["QEMU", qemu], ["v86", v86]] as const) {
      const lines = run.raw.split("\n");
      const afterInit = lines.slice(lines.findIndex((l) => / as init process/.test(l)) + 1).join("\n");
      assert.doesNotMatch(afterInit, /watchdog|unstable/i, `${name}: clocksource watchdog messages after init started:\n${run.raw}`);
    }
    assert.deepEqual(v86.parity, qemu.parity, `v86 and QEMU differ after normalisation.\n--- QEMU raw ---\n${qemu.raw}\n--- v86 raw ---\n${v86.raw}`);
  });
}
