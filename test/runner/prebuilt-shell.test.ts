// The prebuilt tiny kernel and base root filesystem reach a shell prompt in both emulators, and
// the shell runs a command. This is what `bootlab boot` and the page start from.
import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULT_CMDLINE, RunnerSession } from "../../src/core/boot/index.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { BASE_SYSTEM, planFor } from "./systems.ts";

for (const emulator of ["qemu", "v86"] as const) {
  test(`prebuilt tiny kernel + base rootfs reach a shell in ${emulator}`, async () => {
    const { spec } = await planFor(BASE_SYSTEM, emulator);
    const session = new RunnerSession(await createRunner(emulator, { accel: "tcg" }));
    try {
      await session.start(spec);
      await session.waitForPrompt(0, 60_000);
      assert.ok(session.transcript.stage("kernel-start"), "the kernel banner came");
      assert.ok(session.transcript.stage("run-init"), "the kernel ran /init");
      assert.equal(await session.run("echo $((6 * 7))"), "42");
      assert.equal(await session.run("cat /proc/cmdline"), DEFAULT_CMDLINE);
    } finally {
      await session.stop();
    }
  });
}
