// Parity: each seed system that runs on the i386 kernels boots on QEMU (TCG) and on v86 from the
// same bytes, gets the same commands typed, and must print the same thing after the short
// normalisation documented in parity-helpers.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRunner } from "../../src/cli/runners/create.ts";
import { collectParityTranscript } from "./parity-helpers.ts";
import { SEED_SYSTEMS } from "./seed-systems.ts";

for (const { name, build } of SEED_SYSTEMS) {
  test(`parity v86 = QEMU: ${name}`, async () => {
    const system = await build();
    const qemu = await collectParityTranscript(await createRunner("qemu", { accel: "tcg" }), system);
    const v86 = await collectParityTranscript(await createRunner("v86"), system);
    // Something must have run, or two empty transcripts would compare equal.
    if (system.kind === "shell") {
      assert.equal(qemu.parity.commands.length, system.commands.length);
      assert.match(qemu.parity.commands[0]!.output.join("\n"), /^Linux \(none\) 6\.1\.\d+ /, `uname -a on QEMU:\n${qemu.raw}`);
    } else {
      assert.ok(qemu.parity.boot.some((l) => l.includes(system.helloLine!)), `QEMU transcript:\n${qemu.raw}`);
    }
    assert.deepEqual(v86.parity, qemu.parity, `v86 and QEMU differ after normalisation.\n--- QEMU raw ---\n${qemu.raw}\n--- v86 raw ---\n${v86.raw}`);
  });
}
