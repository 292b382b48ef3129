// `bootlab bench`: how long a cold boot to the first shell prompt takes on v86 and on QEMU
// (TCG, and KVM when it works here), on the same artifacts, runs alternated so that a busy
// machine slows every emulator alike. Emulator start-up (compiling v86's wasm, spawning QEMU)
// is reported apart from the guest's boot, and so is the time the plan takes to assemble the
// boot (packing the user's files and joining them to the base), which the page pays per boot.
import { parseArgs } from "node:util";
import { readFile } from "node:fs/promises";
import { BootFailure, planBoot, RunnerSession, type BootPlan, type BootSystem, type QemuAccel } from "../../core/boot/index.ts";
import { V86Runner, type WarmSnapshot, type WarmTimings } from "../../../workers/runner/v86-runner.ts";
import { V86_VERSION } from "../../../workers/runner/v86-version.ts";
import { takeWarmSnapshot } from "../../../workers/runner/warm-snapshot.ts";
import { planWarm } from "../../core/warm/index.ts";
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import { timeoutSeconds } from "../options.ts";
import { loadBios, prebuiltArtifacts, v86WasmPath } from "../runners/artifacts.ts";
import { loadHostDisks } from "../input-file.ts";
import { planFromOptions, SYSTEM_OPTIONS, SYSTEM_OPTIONS_HELP, systemFromOptions } from "../system-options.ts";
import { kvmStatus } from "../runners/kvm.ts";
import { QemuRunner } from "../runners/qemu-runner.ts";

const HELP = `Usage: bootlab bench [--runs N] [--json] [system options]

Plans a system as \`bootlab boot\` does, then boots the planned bytes to the first shell prompt
on v86 and on QEMU with TCG (and KVM when it works here), N times each, alternating, and prints
the median and spread of each, the ratio v86 / QEMU-TCG, the time the plan takes (what the page
pays per boot to pack the files and join them to the base), and the emulator start-up (v86:
compiling the wasm and loading the images; QEMU: starting the process) apart from the guest's
boot. Every boot is cold (a new emulator, and for v86 a fresh wasm compile) except v86-warm's:
a warm reboot as the page does it, restoring the system's snapshot (taken once, before the
runs) into the previous run's emulator and handing the files to the agent waiting in it; its
time is split into what comes before the user's init (restore, delivery) and the user's init
to its prompt, and compared with QEMU-TCG's cold boot of the same plan.

Options:
  --runs N            boots per emulator (default 5)
  --json              print the results as JSON
${SYSTEM_OPTIONS_HELP}
  --timeout SECONDS   per boot (default 60)
  --only v86,v86-warm,qemu-tcg,qemu-kvm   measure only these (default: all but qemu-kvm
                      when KVM does not work here)

Exit codes: 0 done, 1 a boot failed (panic, time-out: the reason is printed), 2 usage.

Example:
  bootlab bench --runs 7 --append "quiet"`;

type Target = "v86" | "v86-warm" | "qemu-tcg" | "qemu-kvm";
const TARGET_NAMES: readonly Target[] = ["v86", "v86-warm", "qemu-tcg", "qemu-kvm"];

interface Stats {
  n: number;
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Interquartile range: the spread of the middle half of the runs. */
  iqrMs: number;
}

export interface BenchResult {
  runs: number;
  cmdline: string;
  artifacts: string;
  /** Planning the boot with the artifacts cached: packing the files and joining them to the base (what the page does on each boot). */
  planMs: Stats & { initrdBytes: number };
  /** Compiling v86.wasm from bytes (cold, per boot). */
  v86WasmCompileMs?: Stats;
  targets: Partial<
    Record<
      Target,
      {
        /** Start of the emulator until guest code runs (v86: includes the wasm compile). */
        emulatorStartMs: Stats;
        /** Guest start until the first shell prompt. */
        toPromptMs: Stats;
        /**
         * CPU time the emulator used from the guest's start to the prompt (v86: this process;
         * QEMU: its process, 10 ms resolution). Steadier than wall time on a busy machine.
         */
        cpuToPromptMs?: Stats;
        /** Guest start until `Run /init` appeared (when the kernel printed it). */
        toInitMs?: Stats;
        /** v86-warm: restoring the snapshot and delivering the files, before the user's init runs. */
        beforeInitMs?: Stats;
      }
    >
  >;
  /** v86 only: guest instructions executed until the first prompt, in millions (stable under host load). */
  v86InstructionsToPromptM?: Stats;
  /** Median v86 / median QEMU-TCG, guest boot to prompt. */
  ratioV86ToQemuTcg?: number;
  /** The same ratio on CPU time. */
  cpuRatioV86ToQemuTcg?: number;
  /** Median v86 warm reboot (restore + delivery + the user's init to its prompt) / median QEMU-TCG cold boot. */
  ratioV86WarmToQemuTcg?: number;
  /** Why v86-warm was not measured, when it was asked for and the system cannot boot warm. */
  warmColdReason?: string;
  kvm: string;
}

export const benchCommand: Command = {
  name: "bench",
  summary: "time cold boots to the first prompt on v86 and QEMU",
  help: HELP,
  async run(args) {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        ...SYSTEM_OPTIONS,
        runs: { type: "string", default: "5" },
        json: { type: "boolean", default: false },
        timeout: { type: "string", default: "60" },
        only: { type: "string" },
      },
    });
    const runs = Number(values.runs);
    if (!Number.isInteger(runs) || runs < 1 || runs > 100) throw new CliError(`--runs: got "${values.runs}", want a whole number from 1 to 100`, EXIT_USAGE);
    const timeoutMs = timeoutSeconds("--timeout", values.timeout) * 1000;
    const { system, what } = await systemFromOptions(values);
    // Planned for v86 (the stricter memory rule), so both emulators boot the very same bytes.
    const plan = await planFromOptions(system, { emulator: "v86" });

    const kvm = await kvmStatus();
    let targets: Target[] = ["v86", "v86-warm", "qemu-tcg", ...(kvm.usable ? (["qemu-kvm"] as const) : [])];
    if (values.only) {
      const wanted = values.only.split(",").map((s) => s.trim());
      for (const w of wanted) {
        if (!TARGET_NAMES.includes(w as Target)) throw new CliError(`--only: got "${w}", want ${TARGET_NAMES.join(", ")}`, EXIT_USAGE);
      }
      if (wanted.includes("qemu-kvm") && !kvm.usable) throw new CliError(`--only qemu-kvm: ${kvm.reason}`, EXIT_USAGE);
      targets = targets.filter((t) => wanted.includes(t));
    }

    const log = (line: string) => {
      if (!values.json) process.stderr.write(`${line}\n`);
    };
    const result = await runBench(system, plan, targets, runs, timeoutMs, log);
    result.artifacts = `${what} on the ${plan.kernel.id} kernel`;
    result.kvm = kvm.reason;
    if (values.json) console.log(JSON.stringify(result, null, 2));
    else console.log(formatBench(result));
    return EXIT_OK;
  },
};

async function runBench(system: BootSystem, plan: BootPlan, targetsAsked: Target[], runs: number, timeoutMs: number, log: (line: string) => void): Promise<BenchResult> {
  const spec = plan.spec;
  let targets = targetsAsked;
  // v86 holds its disks in memory; QEMU opens the files the user named itself.
  const v86Spec = await loadHostDisks(spec);
  const artifacts = await prebuiltArtifacts();
  const planSamples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await planBoot(system, artifacts, { emulator: "v86" });
    planSamples.push(performance.now() - started);
  }

  const bios = await loadBios();
  const wasmBytes = await readFile(v86WasmPath());
  // v86-warm: the snapshot is taken once, outside the runs; each run restores it into the last run's emulator.
  let warm: { snapshot: WarmSnapshot; archive: Uint8Array; handOver?: V86Runner } | undefined;
  let warmColdReason: string | undefined;
  if (targets.includes("v86-warm")) {
    const decision = await planWarm(system, plan, artifacts, V86_VERSION);
    if (decision.warm) {
      const module = await WebAssembly.compile(wasmBytes);
      warm = { snapshot: await takeWarmSnapshot({ bios, wasm: async () => module }, decision.snapshot), archive: decision.archive };
      log(`v86-warm: snapshot taken (${(warm.snapshot.state.byteLength / 1048576).toFixed(1)} MiB)`);
    } else {
      warmColdReason = decision.coldReason;
      targets = targets.filter((t) => t !== "v86-warm");
      log(`v86-warm: not measured: ${decision.coldReason}`);
    }
  }
  const compileSamples: number[] = [];
  const instructionSamples: number[] = [];
  const samples = new Map<Target, { start: number[]; prompt: number[]; init: number[]; cpu: number[] }>();
  for (const t of targets) samples.set(t, { start: [], prompt: [], init: [], cpu: [] });
  const warmModule = warm ? await WebAssembly.compile(wasmBytes) : undefined;

  for (let run = 0; run < runs; run++) {
    // Alternate the order too, so no emulator always follows the same one.
    const order = run % 2 === 0 ? targets : [...targets].reverse();
    for (const target of order) {
      let compileMs = 0;
      const runner =
        target === "v86-warm"
          ? new V86Runner({ bios, wasm: async () => warmModule! }).bootWarm(warm!.snapshot, warm!.archive, warm!.handOver ? { handOver: warm!.handOver } : {})
          : target === "v86"
          ? new V86Runner({
              bios,
              wasm: async () => {
                const started = performance.now();
                const module = await WebAssembly.compile(wasmBytes);
                compileMs = performance.now() - started;
                return module;
              },
            })
          : new QemuRunner({ accel: target === "qemu-kvm" ? "kvm" : ("tcg" satisfies QemuAccel) });
      const session = new RunnerSession(runner, { ...plan.expectations });
      try {
        const timings = await session.start(target === "v86" ? v86Spec : spec);
        const cpuAtStart = process.cpuUsage();
        await session.waitFor((t) => t.promptCount > 0 && t.atPrompt, timeoutMs, "the first shell prompt");
        const s = samples.get(target)!;
        if (target === "v86-warm") {
          // The restore and delivery come before the guest counts as started; the prompt is the user's init's.
          const warmTimings = timings as WarmTimings;
          s.init.push(warmTimings.restoreMs + warmTimings.deliverMs);
          s.start.push(timings.emulatorStartMs);
          s.prompt.push(timings.emulatorStartMs + session.msTo("first-prompt")!);
          log(`run ${run + 1}/${runs} v86-warm restore ${ms(warmTimings.restoreMs)}  deliver ${ms(warmTimings.deliverMs)}  prompt ${ms(timings.emulatorStartMs + session.msTo("first-prompt")!)}`);
          continue;
        }
        if (runner instanceof QemuRunner) {
          const cpu = runner.cpuTimeMs();
          if (cpu !== undefined) s.cpu.push(cpu);
        } else {
          const used = process.cpuUsage(cpuAtStart);
          s.cpu.push((used.user + used.system) / 1000);
        }
        s.start.push(timings.emulatorStartMs);
        s.prompt.push(session.msTo("first-prompt")!);
        const init = session.msTo("run-init");
        if (init !== undefined) s.init.push(init);
        if (runner instanceof V86Runner) {
          compileSamples.push(compileMs);
          instructionSamples.push(runner.instructionCount() / 1e6);
        }
        log(`run ${run + 1}/${runs} ${target.padEnd(8)} start ${ms(timings.emulatorStartMs)}  prompt ${ms(session.msTo("first-prompt")!)}`);
      } catch (error) {
        if (error instanceof BootFailure) throw new CliError(`${target} run ${run + 1}: ${error.message}`, EXIT_FAILED);
        throw error;
      } finally {
        if (target === "v86-warm" && runner instanceof V86Runner) {
          // Kept running for the next warm run to restore into, as the page keeps its emulator.
          session.dispose();
          warm!.handOver = runner;
        } else {
          await session.stop();
        }
      }
    }
  }
  await warm?.handOver?.dispose();

  const result: BenchResult = {
    runs,
    cmdline: spec.cmdline,
    artifacts: "",
    planMs: { ...stats(planSamples), initrdBytes: spec.initrds[0]?.length ?? 0 },
    targets: {},
    kvm: "",
  };
  if (compileSamples.length) result.v86WasmCompileMs = stats(compileSamples);
  if (instructionSamples.length) result.v86InstructionsToPromptM = stats(instructionSamples);
  if (warmColdReason) result.warmColdReason = warmColdReason;
  for (const [target, s] of samples) {
    if (target === "v86-warm") {
      result.targets[target] = { emulatorStartMs: stats(s.start), toPromptMs: stats(s.prompt), beforeInitMs: stats(s.init) };
      continue;
    }
    result.targets[target] = {
      emulatorStartMs: stats(s.start),
      toPromptMs: stats(s.prompt),
      ...(s.init.length === s.prompt.length ? { toInitMs: stats(s.init) } : {}),
      ...(s.cpu.length === s.prompt.length ? { cpuToPromptMs: stats(s.cpu) } : {}),
    };
  }
  const v86 = result.targets.v86?.toPromptMs.medianMs;
  const tcg = result.targets["qemu-tcg"]?.toPromptMs.medianMs;
  if (v86 !== undefined && tcg !== undefined) result.ratioV86ToQemuTcg = Math.round((v86 / tcg) * 100) / 100;
  const v86Warm = result.targets["v86-warm"]?.toPromptMs.medianMs;
  if (v86Warm !== undefined && tcg !== undefined) result.ratioV86WarmToQemuTcg = Math.round((v86Warm / tcg) * 100) / 100;
  const v86Cpu = result.targets.v86?.cpuToPromptMs?.medianMs;
  const tcgCpu = result.targets["qemu-tcg"]?.cpuToPromptMs?.medianMs;
  if (v86Cpu !== undefined && tcgCpu !== undefined && tcgCpu > 0) result.cpuRatioV86ToQemuTcg = Math.round((v86Cpu / tcgCpu) * 100) / 100;
  return result;
}

export function stats(samples: readonly number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => {
    const pos = (sorted.length - 1) * q;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
  };
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    n: sorted.length,
    medianMs: round(at(0.5)),
    minMs: round(sorted[0] ?? 0),
    maxMs: round(sorted.at(-1) ?? 0),
    iqrMs: round(at(0.75) - at(0.25)),
  };
}

function ms(x: number): string {
  return `${Math.round(x)} ms`;
}

function formatStats(s: Stats): string {
  return `median ${ms(s.medianMs).padStart(8)}   min ${ms(s.minMs).padStart(8)}   max ${ms(s.maxMs).padStart(8)}   IQR ${ms(s.iqrMs).padStart(7)}`;
}

export function formatBench(r: BenchResult): string {
  const lines = [
    `bootlab bench: ${r.runs} cold boot(s) each, alternated`,
    `  artifacts: ${r.artifacts}`,
    `  command line: ${r.cmdline}`,
    `  KVM: ${r.kvm}`,
    "",
    `plan the boot (initrd ${(r.planMs.initrdBytes / 1024).toFixed(0)} KiB):  ${formatStats(r.planMs)}`,
  ];
  if (r.v86WasmCompileMs) lines.push(`v86 wasm compile:                 ${formatStats(r.v86WasmCompileMs)}`);
  lines.push("");
  for (const [target, t] of Object.entries(r.targets)) {
    lines.push(`${target}`);
    if (target === "v86-warm") {
      lines.push(`  before the user's init (restore + deliver): ${formatStats(t.beforeInitMs!)}`);
      lines.push(`  reboot to prompt:    ${formatStats(t.toPromptMs)}`);
      continue;
    }
    lines.push(`  emulator start-up:   ${formatStats(t.emulatorStartMs)}`);
    if (t.toInitMs) lines.push(`  guest to Run /init:  ${formatStats(t.toInitMs)}`);
    lines.push(`  guest to prompt:     ${formatStats(t.toPromptMs)}`);
    if (t.cpuToPromptMs) lines.push(`  CPU time to prompt:  ${formatStats(t.cpuToPromptMs)}`);
    if (target === "v86" && r.v86InstructionsToPromptM) {
      const m = r.v86InstructionsToPromptM;
      lines.push(`  instructions to prompt (millions): median ${m.medianMs}   min ${m.minMs}   max ${m.maxMs}`);
    }
  }
  if (r.ratioV86ToQemuTcg !== undefined) {
    lines.push("", `ratio v86 / QEMU-TCG (median guest boot to prompt): ${r.ratioV86ToQemuTcg.toFixed(2)}  (goal: at most 1.5)`);
    if (r.cpuRatioV86ToQemuTcg !== undefined) lines.push(`ratio v86 / QEMU-TCG on CPU time:                   ${r.cpuRatioV86ToQemuTcg.toFixed(2)}`);
  }
  if (r.ratioV86WarmToQemuTcg !== undefined) lines.push(`ratio v86 warm reboot / QEMU-TCG cold boot (median to prompt): ${r.ratioV86WarmToQemuTcg.toFixed(2)}  (goal: at most 0.2)`);
  if (r.warmColdReason) lines.push(`v86-warm not measured: ${r.warmColdReason}`);
  return lines.join("\n");
}
