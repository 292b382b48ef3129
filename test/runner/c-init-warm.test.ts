// The warm build guest of your own C init (issue 14) on v86 under Node (compileOnV86): restored
// from its snapshot, handed the source, the program read back from guest memory. It must give
// the bytes the cold build guest gives on the console, tcc's errors with their lines, and, when
// the snapshot is bad, the cold compile with the reason; the compiled init then boots warm into
// the build guest's emulator.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { planBoot, RunnerSession, type BootSystem } from "../../src/core/boot/index.ts";
import { compileSystem } from "../../src/core/cinit/index.ts";
import { planWarm, type WarmSnapshotTarget } from "../../src/core/warm/index.ts";
import { requireTemplate, templateSystem } from "../../src/core/templates/index.ts";
import { loadBios, loadV86Wasm, prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";
import { V86Runner, type WarmSnapshot } from "../../workers/runner/v86-runner.ts";
import { V86_VERSION } from "../../workers/runner/v86-version.ts";
import { takeWarmSnapshot } from "../../workers/runner/warm-snapshot.ts";
import { compileOnV86 } from "../../workers/runner/v86-build-guest.ts";

const runnerOptions = async () => ({ bios: await loadBios(), wasm: loadV86Wasm });
const snapshots = new Map<string, Promise<WarmSnapshot>>();
const snapshotOf = async (target: WarmSnapshotTarget): Promise<WarmSnapshot> => {
  let pending = snapshots.get(target.key);
  if (!pending) {
    pending = takeWarmSnapshot(await runnerOptions(), target);
    snapshots.set(target.key, pending);
  }
  return pending;
};

function edited(text: string): BootSystem {
  const template = requireTemplate("static-hello");
  return templateSystem(template, { files: [{ path: "/init.c", kind: "file", mode: 0o644, text }], cmdline: template.cmdline });
}
const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");
const program = (system: BootSystem): Uint8Array => system.files.find((f) => f.path === "/init")!.data!;

const MARKER = `#include <stdio.h>
#include <unistd.h>

int main(void)
{
    printf("warm c-init: pid %d, %.2f\\n", (int)getpid(), 2.5);
    fflush(stdout);
    for (;;)
        pause();
}
`;

test("a warm build guest gives the cold one's bytes, read back from memory, and the program boots warm into its emulator", async () => {
  const artifacts = await prebuiltArtifacts();
  const cold = await compileSystem(edited(MARKER), artifacts, async () => new V86Runner(await runnerOptions()));
  assert.ok(cold.ok && cold.result?.timings?.returnedBy === "console");

  const first = await compileOnV86(edited(MARKER), artifacts, { runnerOptions: await runnerOptions(), snapshot: snapshotOf, keep: true });
  assert.ok(first.compiled.ok, "compiled");
  assert.equal(first.warmFailed, undefined);
  const timings = first.compiled.result?.timings;
  assert.equal(timings?.warm, true, JSON.stringify(timings));
  assert.equal(timings?.returnedBy, "memory");
  assert.equal(sha256(program(first.compiled.system)), sha256(program(cold.system)), "the same /init bytes warm (memory) and cold (console)");

  // A second compile restores into the first one's emulator (the page's hand-over).
  const second = await compileOnV86(edited(MARKER.replace("2.5", "3.5")), artifacts, { runnerOptions: await runnerOptions(), snapshot: snapshotOf, keep: true, handOver: () => first.kept });
  assert.ok(second.compiled.ok && second.kept);
  assert.equal(second.compiled.result?.timings?.warm, true);

  const system = second.compiled.system;
  const plan = await planBoot(system, artifacts, { emulator: "v86" });
  const decision = await planWarm(system, plan, artifacts, V86_VERSION);
  assert.ok(decision.warm, decision.warm ? "" : decision.coldReason);
  const runner = new V86Runner(await runnerOptions()).bootWarm(await snapshotOf(decision.snapshot), decision.archive, { handOver: second.kept });
  const session = new RunnerSession(runner);
  try {
    const started = await runner.start(plan.spec);
    assert.ok("reused" in started && started.reused, "restored into the build guest's emulator");
    await session.waitFor(/warm c-init: pid 1, 3\.50/, 60_000);
  } finally {
    await session.stop();
  }
});

test("a syntax error in a warm build guest: tcc's message and line, nothing else", async () => {
  const artifacts = await prebuiltArtifacts();
  const outcome = await compileOnV86(edited('#include <stdio.h>\nint main(void)\n{\n    printf("no semicolon\\n")\n    return 0;\n}\n'), artifacts, { runnerOptions: await runnerOptions(), snapshot: snapshotOf });
  assert.ok(!outcome.compiled.ok);
  assert.equal(outcome.compiled.result.timings?.warm, true);
  assert.deepEqual(outcome.compiled.result.diagnostics.map((d) => [d.line, d.severity]), [[5, "error"]]);
});

test("a snapshot that holds no waiting agent: the compile runs again cold on the console and says why", async () => {
  const artifacts = await prebuiltArtifacts();
  const broken = async (target: WarmSnapshotTarget): Promise<WarmSnapshot> => {
    const good = await snapshotOf(target);
    return { ...good, buffer: { ...good.buffer, nonce: good.buffer.nonce ^ 1 } };
  };
  const outcome = await compileOnV86(edited(MARKER), artifacts, { runnerOptions: await runnerOptions(), snapshot: broken });
  assert.ok(outcome.compiled.ok);
  assert.match(outcome.warmFailed ?? "", /no warm-boot agent waits/);
  const timings = outcome.compiled.result?.timings;
  assert.equal(timings?.warm, false);
  assert.equal(timings?.returnedBy, "console");
  assert.match(timings?.coldReason ?? "", /ran again cold with the program on the console: .*no warm-boot agent waits/);
});
