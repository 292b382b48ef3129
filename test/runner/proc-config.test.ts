// The guest can read its kernel's configuration (issue 15): every committed kernel has
// CONFIG_IKCONFIG_PROC (tiny.fragment), so `zcat /proc/config.gz` in the guest prints the very
// .config prebuilt/manifest.json names for that kernel. The i386 kernels on v86, as the page boots
// them; the x86_64 one in QEMU, where it runs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { RunnerSession, type EmulatorName, type GuestArch } from "../../src/core/boot/index.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { BASE_SYSTEM, planFor } from "./systems.ts";

const KERNELS: { id: string; arch: GuestArch; emulator: EmulatorName }[] = [
  { id: "tiny", arch: "i386", emulator: "v86" },
  { id: "full", arch: "i386", emulator: "v86" },
  { id: "tiny", arch: "x86_64", emulator: "qemu" },
];

for (const { id, arch, emulator } of KERNELS) {
  test(`the ${arch} ${id} kernel in ${emulator}: /proc/config.gz is its .config`, async () => {
    const artifacts = await prebuiltArtifacts();
    const entry = artifacts.manifest.kernels.find((k) => k.id === id && k.arch === arch);
    assert.ok(entry, `prebuilt/manifest.json has no ${arch} ${id} kernel`);
    const config = await artifacts.bytes(entry.config);
    const { spec } = await planFor({ ...BASE_SYSTEM, kernel: id, kernelPinned: true, arch }, emulator);
    const session = new RunnerSession(await createRunner(emulator, { accel: "tcg", arch }));
    try {
      await session.start(spec);
      await session.waitForPrompt(0, 90_000);
      assert.match(await session.run("zcat /proc/config.gz | grep CONFIG_IKCONFIG_PROC=y", 30_000), /^CONFIG_IKCONFIG_PROC=y\r?$/m);
      const sum = await session.run("zcat /proc/config.gz | sha256sum", 30_000);
      assert.match(sum, new RegExp(`^${createHash("sha256").update(config).digest("hex")}  -\\r?$`, "m"), `the guest's /proc/config.gz is not ${entry.config}`);
    } finally {
      await session.stop();
    }
  });
}
