// Benchmark: edit to ready for your own C init (issue 14), as `bootlab boot --template
// static-hello` and the page do it on v86 under Node: compile the edited /init.c in the build
// guest (a fresh source each run, so nothing is cached), then boot the program to its greeting
// (the template's ready text). Three ways, alternated in one run so the machine's load hits them
// alike:
//   - warm: the build guest restored from its snapshot into the previous guest's emulator, the
//     program read back from guest memory, then the program booted warm (static-hello's own
//     snapshot) into the build guest's emulator: what the page does after its first compile;
//   - cold, memory: a cold build guest, the program read back from memory, a cold boot (a first
//     compile, or `bootlab boot` without --warm);
//   - cold, console: the build guest as it was before (cold, the program in base64 on the serial
//     console) and a cold boot: the fallback.
// Prints each way's median edit-to-ready and the warm way's split (restore, deliver, the guest's
// compile, read back, boot). The snapshots are made once before the runs (their time is printed
// apart). Wall time, so a busy machine shows.
//   node --import tsx test/bench/c-init.bench.ts [RUNS]
import { planBoot, RunnerSession, type BootSystem } from "../../src/core/boot/index.ts";
import { buildSystem, compileSystem, type CompileTimings } from "../../src/core/cinit/index.ts";
import { planWarm, type WarmSnapshotTarget } from "../../src/core/warm/index.ts";
import { requireTemplate, templateSystem } from "../../src/core/templates/index.ts";
import { loadBios, loadV86Wasm, prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";
import { V86Runner, type WarmSnapshot, type WarmTimings } from "../../workers/runner/v86-runner.ts";
import { V86_VERSION } from "../../workers/runner/v86-version.ts";
import { takeWarmSnapshot } from "../../workers/runner/warm-snapshot.ts";
import { compileOnV86 } from "../../workers/runner/v86-build-guest.ts";

const runs = Number(process.argv[2] ?? 5);
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const ms = (value: number) => `${value.toFixed(0)} ms`;
const artifacts = await prebuiltArtifacts();
const runnerOptions = { bios: await loadBios(), wasm: loadV86Wasm };
const template = requireTemplate("static-hello");
const edited = (greeting: string): BootSystem => {
  const text = `#include <stdio.h>\n#include <unistd.h>\nint main(void)\n{\n    printf("${greeting}\\n");\n    fflush(stdout);\n    for (;;)\n        pause();\n}\n`;
  return templateSystem(template, { files: [{ path: "/init.c", kind: "file", mode: 0o644, text }], cmdline: template.cmdline });
};

// The two snapshots the warm way restores: the build guest's and static-hello's.
const snapshots = new Map<string, WarmSnapshot>();
const snapshotOf = async (target: WarmSnapshotTarget): Promise<WarmSnapshot> => {
  let snapshot = snapshots.get(target.key);
  if (!snapshot) {
    const started = performance.now();
    snapshot = await takeWarmSnapshot(runnerOptions, target);
    console.log(`snapshot made in ${ms(performance.now() - started)} (${(snapshot.state.byteLength / 1e6).toFixed(1)} MB state)`);
    snapshots.set(target.key, snapshot);
  }
  return snapshot;
};
const build = buildSystem("");
const buildDecision = await planWarm(build, await planBoot(build, artifacts, { emulator: "v86" }), artifacts, V86_VERSION);
if (!buildDecision.warm) throw new Error(`the build guest cannot be warm: ${buildDecision.coldReason}`);
await snapshotOf(buildDecision.snapshot);

/**
 * Boots `system` (compiled) to its greeting, warm into `handOver`'s emulator when `warm` is
 * given; its time, the warm start's timings, and the runner paused (the page parks it so).
 */
async function bootToGreeting(system: BootSystem, greeting: string, warm: { handOver?: V86Runner } | undefined): Promise<{ ms: number; timings?: WarmTimings; parked: V86Runner }> {
  const started = performance.now();
  const plan = await planBoot(system, artifacts, { emulator: "v86" });
  const runner = new V86Runner(runnerOptions);
  if (warm) {
    const decision = await planWarm(system, plan, artifacts, V86_VERSION);
    if (!decision.warm) throw new Error(`static-hello cannot boot warm: ${decision.coldReason}`);
    runner.bootWarm(await snapshotOf(decision.snapshot), decision.archive, warm.handOver ? { handOver: warm.handOver } : {});
  }
  let text = "";
  const decoder = new TextDecoder();
  const greeted = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no greeting within 60 s: ${text.slice(-300)}`)), 60_000);
    runner.onSerial((bytes) => {
      text += decoder.decode(bytes);
      if (text.includes(greeting)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  const timings = (await runner.start(plan.spec)) as WarmTimings;
  await greeted;
  const elapsed = performance.now() - started;
  await runner.pause();
  return { ms: elapsed, ...(warm ? { timings } : {}), parked: runner };
}

const ways = ["warm", "cold, memory", "cold, console"] as const;
const total: Record<(typeof ways)[number], number[]> = { "warm": [], "cold, memory": [], "cold, console": [] };
const split: Record<string, number[]> = { restore: [], deliver: [], compile: [], instructions: [], readBack: [], boot: [], bootRestore: [] };
const coldSplit: Record<string, number[]> = { compile: [], boot: [] };
// The emulator the warm way's next compile restores into: the last warm boot's, paused.
let previous: V86Runner | undefined;
for (let run = 0; run < runs; run++) {
  for (const way of ways) {
    const greeting = `Hello, ${way.replace(/\W+/g, "-")} run ${run}`;
    const t0 = performance.now();
    let compiledSystem: BootSystem;
    let timings: CompileTimings | undefined;
    let kept: V86Runner | undefined;
    if (way === "cold, console") {
      const compiled = await compileSystem(edited(greeting), artifacts, async () => new V86Runner(runnerOptions));
      if (!compiled.ok) throw new Error(compiled.result.messages);
      compiledSystem = compiled.system;
      timings = compiled.result?.timings;
    } else {
      const handOver = way === "warm" ? previous : undefined;
      if (way === "warm") previous = undefined;
      const outcome = await compileOnV86(edited(greeting), artifacts, {
        runnerOptions,
        ...(way === "warm" ? { snapshot: snapshotOf, keep: true, ...(handOver ? { handOver: () => handOver } : {}) } : {}),
      });
      if (!outcome.compiled.ok) throw new Error(outcome.compiled.result.messages);
      if (outcome.warmFailed) throw new Error(`the warm build guest failed: ${outcome.warmFailed}`);
      compiledSystem = outcome.compiled.system;
      timings = outcome.compiled.result?.timings;
      kept = outcome.kept;
    }
    const t1 = performance.now();
    const boot = await bootToGreeting(compiledSystem, greeting, way === "warm" ? (kept ? { handOver: kept } : {}) : undefined);
    const t2 = performance.now();
    total[way].push(t2 - t0);
    if (way === "warm") {
      split.restore!.push(timings?.restoreMs ?? NaN);
      split.deliver!.push(timings?.deliverMs ?? NaN);
      split.compile!.push(timings?.guestMs ?? NaN);
      split.instructions!.push((timings?.guestInstructions ?? NaN) / 1e6);
      split.readBack!.push(timings?.readBackMs ?? NaN);
      split.boot!.push(boot.ms);
      split.bootRestore!.push(boot.timings?.restoreMs ?? NaN);
      previous = boot.parked; // the next warm compile restores into this emulator, as the page's parked guest
    } else {
      await boot.parked.dispose();
      if (way === "cold, memory") {
        coldSplit.compile!.push(t1 - t0);
        coldSplit.boot!.push(t2 - t1);
      }
    }
    console.log(`run ${run + 1}, ${way}: compile ${ms(t1 - t0)}${timings ? ` (${timings.warm ? "warm" : "cold"}, by ${timings.returnedBy}: start ${ms(timings.startMs)}, guest ${ms(timings.guestMs)}${timings.guestInstructions ? ` ${(timings.guestInstructions / 1e6).toFixed(1)}M instructions` : ""}, read back ${ms(timings.readBackMs)})` : ""}, boot to the greeting ${ms(t2 - t1)}, edit to ready ${ms(t2 - t0)}`);
  }
}
await previous?.dispose();
console.log(`\nmedians of ${runs} runs, edit to ready (compile included), v86 under Node:`);
for (const way of ways) console.log(`  ${way.padEnd(14)} ${ms(median(total[way]))}`);
console.log(
  `warm split: restore ${ms(median(split.restore!))}, deliver ${ms(median(split.deliver!))}, compile (the guest's run: tcc, the program written out) ${ms(median(split.compile!))} (${median(split.instructions!).toFixed(1)}M instructions, which load does not change), read back ${ms(median(split.readBack!))}, boot to the greeting ${ms(median(split.boot!))} (its restore ${ms(median(split.bootRestore!))})`,
);
console.log(`cold, memory split: compile ${ms(median(coldSplit.compile!))}, boot ${ms(median(coldSplit.boot!))}`);
process.exit(0);
