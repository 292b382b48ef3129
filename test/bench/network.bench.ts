// Benchmark: what the network costs a boot, in one run, on v86 and QEMU (TCG): cold boots to
// the first shell prompt of four systems, alternated so that a busy machine slows each alike:
//   base, tiny kernel          what `bootlab boot` boots by default
//   base, full kernel          the kernel the network needs, no network
//   base, full kernel, --net   + the card and the emulator's network (nothing configures it)
//   network template           + rcS: udhcpc until the lease, the hostname
// Wall time is noisy on a shared machine; v86's instruction count and each emulator's CPU
// time are steadier.
//   node --import tsx test/bench/network.bench.ts [RUNS]
import { RunnerSession, type BootSystem, type Runner } from "../../src/core/boot/index.ts";
import { requireTemplate, templateFiles, templateSystem } from "../../src/core/templates/index.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { QemuRunner } from "../../src/cli/runners/qemu-runner.ts";
import { V86Runner } from "../../workers/runner/v86-runner.ts";
import { planFor } from "../runner/systems.ts";

const runs = Number(process.argv[2] ?? 5);
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const artifacts = await prebuiltArtifacts();
const template = requireTemplate("network");
const networkTemplate = templateSystem(template, { files: await templateFiles(template, (path) => artifacts.bytes(path)), cmdline: template.cmdline });
const base: BootSystem = { files: [], base: "busybox", cmdline: "" };
const systems: Array<[string, BootSystem]> = [
  ["base, tiny kernel", base],
  ["base, full kernel", { ...base, kernel: "full" }],
  ["base, full kernel, --net", { ...base, network: true }],
  ["network template (DHCP)", networkTemplate],
];
const emulators = ["v86", "qemu"] as const;

interface Samples {
  promptMs: number[];
  cpuMs: number[];
  instructionsM: number[];
}
const samples = new Map<string, Samples>();
const key = (system: string, emulator: string) => `${system} | ${emulator}`;

for (let run = 0; run < runs; run++) {
  for (const [name, system] of run % 2 === 0 ? systems : [...systems].reverse()) {
    for (const emulator of run % 2 === 0 ? emulators : [...emulators].reverse()) {
      const plan = await planFor(system, emulator);
      const runner: Runner = await createRunner(emulator, { accel: "tcg" });
      const session = new RunnerSession(runner, { ...plan.expectations });
      try {
        await session.start(plan.spec);
        const cpuAtStart = process.cpuUsage();
        await session.waitFor((t) => t.promptCount > 0 && t.atPrompt, 120_000, "the first shell prompt");
        const s = samples.get(key(name, emulator)) ?? { promptMs: [], cpuMs: [], instructionsM: [] };
        samples.set(key(name, emulator), s);
        s.promptMs.push(session.msTo("first-prompt")!);
        if (runner instanceof QemuRunner) {
          const cpu = runner.cpuTimeMs();
          if (cpu !== undefined) s.cpuMs.push(cpu);
        } else if (runner instanceof V86Runner) {
          const used = process.cpuUsage(cpuAtStart);
          s.cpuMs.push((used.user + used.system) / 1000);
          s.instructionsM.push(runner.instructionCount() / 1e6);
        }
        process.stderr.write(`run ${run + 1}/${runs} ${key(name, emulator)}: prompt ${Math.round(session.msTo("first-prompt")!)} ms\n`);
      } finally {
        await session.stop();
      }
    }
  }
}

console.log(`median of ${runs} cold boots to the first prompt (QEMU: TCG), Node ${process.version}:`);
console.log(`${"system".padEnd(28)} ${"emulator".padEnd(8)} ${"wall ms".padStart(8)} ${"CPU ms".padStart(8)} ${"instr. M".padStart(9)}`);
for (const [name] of systems) {
  for (const emulator of emulators) {
    const s = samples.get(key(name, emulator))!;
    const instructions = s.instructionsM.length ? median(s.instructionsM).toFixed(1) : "";
    console.log(`${name.padEnd(28)} ${emulator.padEnd(8)} ${median(s.promptMs).toFixed(0).padStart(8)} ${(s.cpuMs.length ? median(s.cpuMs).toFixed(0) : "").padStart(8)} ${instructions.padStart(9)}`);
  }
}
