// Benchmark: edit to ready for your own C init (issue 14), as `bootlab boot --template
// static-hello` does it on v86: compile the edited /init.c in the build guest (a fresh source
// each run, so nothing is cached), then boot the program to its greeting (the template's ready
// text). Prints each phase's median; wall time, so a busy machine shows.
//   node --import tsx test/bench/c-init.bench.ts [RUNS]
import { RunnerSession } from "../../src/core/boot/index.ts";
import { compileSystem } from "../../src/core/cinit/index.ts";
import { requireTemplate, templateSystem } from "../../src/core/templates/index.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { planFor } from "../runner/systems.ts";

const runs = Number(process.argv[2] ?? 5);
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const artifacts = await prebuiltArtifacts();
const template = requireTemplate("static-hello");
const compileMs: number[] = [];
const bootMs: number[] = [];
for (let run = 0; run < runs; run++) {
  const text = `#include <stdio.h>\n#include <unistd.h>\nint main(void)\n{\n    printf("Hello, run ${run}\\n");\n    fflush(stdout);\n    for (;;)\n        pause();\n}\n`;
  const t0 = performance.now();
  const compiled = await compileSystem(templateSystem(template, { files: [{ path: "/init.c", kind: "file", mode: 0o644, text }], cmdline: template.cmdline }), artifacts, () => createRunner("v86"));
  if (!compiled.ok) throw new Error(compiled.result.messages);
  const t1 = performance.now();
  const plan = await planFor(compiled.system, "v86");
  const session = new RunnerSession(await createRunner("v86"));
  try {
    await session.start(plan.spec);
    await session.waitFor(new RegExp(`Hello, run ${run}`), 60_000);
  } finally {
    await session.stop();
  }
  const t2 = performance.now();
  compileMs.push(t1 - t0);
  bootMs.push(t2 - t1);
  console.log(`run ${run + 1}: compile ${(t1 - t0).toFixed(0)} ms, boot to the greeting ${(t2 - t1).toFixed(0)} ms, edit to ready ${(t2 - t0).toFixed(0)} ms`);
}
console.log(`median of ${runs}: compile ${median(compileMs).toFixed(0)} ms + boot ${median(bootMs).toFixed(0)} ms = edit to ready ${(median(compileMs) + median(bootMs)).toFixed(0)} ms (v86 under Node)`);
