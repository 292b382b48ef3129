// Warm boots against cold boots on v86 (issue 11): for every template and for overlays that
// push the kernel's unpacker into its corners, a warm boot (a restored snapshot, the files
// delivered to the agent) must give the same guest as a cold boot of the same plan: the same
// transcript from "Run /init" on, the same /proc/cmdline, the init as PID 1, the same tree.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RunnerSession, type BootPlan, type BootSystem } from "../../src/core/boot/index.ts";
import type { OverlayFile } from "../../src/core/rootfs/overlay.ts";
import { planWarm, type WarmSnapshotTarget } from "../../src/core/warm/index.ts";
import { loadBios, loadV86Wasm, prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";
import { V86Runner, type WarmSnapshot } from "../../workers/runner/v86-runner.ts";
import { V86_VERSION } from "../../workers/runner/v86-version.ts";
import { takeWarmSnapshot } from "../../workers/runner/warm-snapshot.ts";
import { collectParityTranscript } from "./parity-helpers.ts";
import { planFor, templateSystems } from "./systems.ts";

const newRunner = async () => new V86Runner({ bios: await loadBios(), wasm: loadV86Wasm });

const snapshots = new Map<string, Promise<WarmSnapshot>>();
async function snapshotFor(target: WarmSnapshotTarget): Promise<WarmSnapshot> {
  let pending = snapshots.get(target.key);
  if (!pending) {
    pending = (async () => takeWarmSnapshot({ bios: await loadBios(), wasm: loadV86Wasm }, target))();
    snapshots.set(target.key, pending);
  }
  return pending;
}

async function warmParts(system: BootSystem, plan: BootPlan) {
  const decision = await planWarm(system, plan, await prebuiltArtifacts(), V86_VERSION);
  assert.ok(decision.warm, decision.warm ? "" : `expected a warm boot, got cold: ${decision.coldReason}`);
  return { snapshot: await snapshotFor(decision.snapshot), archive: decision.archive };
}

/** What of the tree must be equal: every path on the root file system with type, mode, size and link target. */
const TREE_COMMAND = "find / -xdev -exec stat -c '%n %F %a %s %u:%g %t:%T %N' {} + | sort | md5sum; find / -xdev | wc -l";

describe("warm boots equal cold boots on v86", () => {
  it("every template: the same transcript from Run /init on, the same /proc/cmdline", async () => {
    for (const { name, system, commands } of await templateSystems()) {
      const plan = await planFor(system);
      // Systems with disks, a network or a root outside the initramfs boot cold, and say so.
      if (plan.spec.network || plan.spec.disks.length > 0 || /(^| )root=/.test(plan.spec.cmdline)) {
        const decision = await planWarm(system, plan, await prebuiltArtifacts(), V86_VERSION);
        assert.equal(decision.warm, false, `${name} cannot boot warm`);
        if (!decision.warm) assert.match(decision.coldReason, /disk|network|root file system|initrd|layer/, name);
        continue;
      }
      const cold = await collectParityTranscript(await newRunner(), plan, commands);
      const { snapshot, archive } = await warmParts(system, plan);
      const warm = await collectParityTranscript((await newRunner()).bootWarm(snapshot, archive), plan, commands);
      assert.deepEqual(warm.parity, cold.parity, `${name}: warm and cold differ`);
      assert.ok(warm.raw.includes("Run /init as init process") || warm.raw.includes("Run /sbin/init as init process"), `${name}: the warm boot shows the kernel log of the snapshot`);
    }
  });

  it("files that replace, shadow and remove the base's, devices and a large binary: the same tree", async () => {
    const large = new Uint8Array(3 * 1024 * 1024);
    for (let i = 0; i < large.length; i++) large[i] = (i * 2654435761) >>> 24;
    const edits: OverlayFile[][] = [
      [
        { path: "/init", kind: "file", mode: 0o755, text: "#!/bin/sh\necho \"init pid=$$\"\nmount -t proc proc /proc\nexec setsid cttyhack sh\n" },
        { path: "/etc/passwd", kind: "directory", mode: 0o700 }, // a file of the base replaced by a directory
        { path: "/etc/group", kind: "symlink", mode: 0o777, target: "/etc/hostname" }, // a symlink over a file
        { path: "/etc/hostname", kind: "file", mode: 0o644, text: "" }, // an empty file
        { path: "/mnt", kind: "file", mode: 0o600, text: "was a directory\n" }, // a directory of the base replaced by a file
        { path: "/dev/mynull", kind: "char-device", mode: 0o666, major: 1, minor: 3 },
        { path: "/fifo", kind: "fifo", mode: 0o644 },
        { path: "/usr/lib/large.bin", kind: "file", mode: 0o644, data: large },
        { path: "/only-in-first", kind: "file", mode: 0o644, text: "first\n" },
      ],
    ];
    // A second reboot without /only-in-first: it must be gone again.
    edits.push(edits[0]!.filter((file) => file.path !== "/only-in-first"));
    let handOver: V86Runner | undefined;
    for (const files of edits) {
      const system: BootSystem = { files, base: "busybox", cmdline: "" };
      const plan = await planFor(system);
      const results: Record<string, string[]> = {};
      for (const mode of ["cold", "warm"] as const) {
        const runner = await newRunner();
        if (mode === "warm") {
          const { snapshot, archive } = await warmParts(system, plan);
          runner.bootWarm(snapshot, archive, handOver ? { handOver } : {});
        }
        const session = new RunnerSession(runner, { ...plan.expectations });
        await session.start(plan.spec);
        await session.waitForPrompt(0, 60_000);
        const outputs = [session.transcript.text.match(/init pid=\d+/)?.[0] ?? "no pid line"];
        for (const command of ["cat /proc/cmdline", "ls /only-in-first 2>&1", TREE_COMMAND, "md5sum /usr/lib/large.bin", "date +%Y"]) {
          outputs.push((await session.run(command, 120_000)).trim());
        }
        results[mode] = outputs;
        if (mode === "warm") {
          // Kept running for the next warm boot to restore into, as the page does.
          session.dispose();
          handOver = runner;
        } else {
          await session.stop();
        }
      }
      assert.equal(results.cold![0], "init pid=1");
      assert.deepEqual(results.warm, results.cold);
      assert.equal(results.warm![5], String(new Date().getUTCFullYear()), "the warm guest's clock is the host's");
    }
    await handOver?.dispose();
  });

  it("a guest with a network card is not restored into: the warm boot makes its own emulator", async () => {
    const system: BootSystem = { files: [], base: "busybox", cmdline: "" };
    const plan = await planFor(system);
    const networked = await newRunner();
    await networked.start((await planFor({ ...system, lan: `warm-${process.pid}` })).spec);
    const { snapshot, archive } = await warmParts(system, plan);
    const warm = await newRunner();
    try {
      const timings = await warm.startWarm(snapshot, archive, { handOver: networked });
      assert.equal(timings.reused, false);
    } finally {
      await Promise.all([warm.dispose(), networked.dispose()]);
    }
  });
});
