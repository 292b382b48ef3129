// The build guest of src/core/cinit on v86, the same in the page's worker and under Node: warm
// when a snapshot of it is at hand (the base and the devel layer booted, the warm-boot agent
// waiting: planWarm of the build guest's plan, taken like any warm snapshot), so a compile is a
// restore, a delivery of the source and the compile script, tcc, and the program read back from
// guest memory (program-pages.ts); cold otherwise, with the program read back the same way.
// Whatever goes wrong with the warm guest or the memory, the compile runs again cold with the
// program in base64 on the console, the path every build guest had before, and the timings
// say why.
import type { BootSystem, PrebuiltArtifacts } from "../../src/core/boot/index.ts";
import { compileSystem, type BuildGuest, type CompiledSystem } from "../../src/core/cinit/index.ts";
import { planWarm, type WarmSnapshotTarget } from "../../src/core/warm/index.ts";
import { V86Runner, type V86RunnerOptions, type WarmSnapshot, type WarmTimings } from "./v86-runner.ts";
import { V86_VERSION } from "./v86-version.ts";

export interface V86CompileOptions {
  runnerOptions: V86RunnerOptions;
  /**
   * The build guest's warm snapshot for `target` (kept, or made now), or undefined to boot it
   * cold. Leave it out for cold build guests only.
   */
  snapshot?: (target: WarmSnapshotTarget) => Promise<WarmSnapshot | undefined>;
  /** An emulator to restore the build guest's snapshot into (the previous guest, paused): much faster than a new one. */
  handOver?: () => V86Runner | undefined;
  /**
   * Keep the build guest's runner, paused, once it has compiled: its emulator is what the compiled
   * system's own warm boot restores into (V86Runner.startWarm's handOver). The caller then owns it.
   */
  keep?: boolean;
  /** Why the build guest must be cold, on the console, as before warm build guests (a cold reboot was asked for): no warm start, no memory. */
  cold?: string;
}

export interface V86Compiled {
  compiled: CompiledSystem;
  /** With `keep`: the build guest's paused runner, to hand over or stop. */
  kept?: V86Runner;
  /** Why the first build guest failed, when the compile ran again cold: its snapshot may be bad. */
  warmFailed?: string;
}

/** Runs `system`'s compile step in a v86 build guest: warm if it can, the program back through memory; cold on the console if that fails. */
export async function compileOnV86(system: BootSystem, artifacts: PrebuiltArtifacts, options: V86CompileOptions): Promise<V86Compiled> {
  let kept: V86Runner | undefined;
  let failed: string | undefined;
  if (options.cold !== undefined) return { compiled: await consoleCompile(system, artifacts, options.runnerOptions, options.cold) };
  try {
    const compiled = await compileSystem(system, artifacts, async () => {
      const runner = new V86Runner(options.runnerOptions);
      const guest: BuildGuest = {
        runner,
        physicalMemory: () => runner.physicalMemory(),
        instructionCount: () => runner.instructionCount(),
        startTimings: (timings) => ("restoreMs" in timings ? { restoreMs: (timings as WarmTimings).restoreMs, deliverMs: (timings as WarmTimings).deliverMs } : {}),
        prepare: async (buildSystem, plan) => {
          if (!options.snapshot) return { warm: false, coldReason: "no warm snapshots for the build guest here (bootlab boot without --warm)" };
          const decision = await planWarm(buildSystem, plan, artifacts, V86_VERSION);
          if (!decision.warm) return decision;
          const snapshot = await options.snapshot(decision.snapshot);
          if (!snapshot) return { warm: false, coldReason: "no warm snapshot of the build guest yet" };
          const handOver = options.handOver?.();
          runner.bootWarm(snapshot, decision.archive, handOver ? { handOver } : {});
          return { warm: true };
        },
        release: async () => {
          if (options.keep) {
            await runner.pause();
            kept = runner;
          } else {
            await runner.dispose();
          }
        },
      };
      return guest;
    });
    return { compiled, ...(kept ? { kept } : {}) };
  } catch (error) {
    failed = error instanceof Error ? error.message : String(error);
    await kept?.dispose();
  }
  const compiled = await consoleCompile(system, artifacts, options.runnerOptions, `the build guest failed, so it ran again cold with the program on the console: ${failed}`);
  return { compiled, warmFailed: failed! };
}

/** The fallback: a cold build guest, the program in base64 on the console. */
function consoleCompile(system: BootSystem, artifacts: PrebuiltArtifacts, runnerOptions: V86RunnerOptions, coldReason: string): Promise<CompiledSystem> {
  return compileSystem(system, artifacts, async () => ({ runner: new V86Runner(runnerOptions), prepare: async () => ({ warm: false, coldReason }) }));
}
