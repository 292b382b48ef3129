// Benchmark of the playground page, from the built site in Chromium:
//   - page load to the first shell prompt (fresh profile, empty cache: a first visit, cold),
//     median of several loads, and the bytes that first boot transfers, itemised;
//   - edit to prompt after Reboot, in one alternated run: the page's warm reboot (split into
//     what comes before the user's init: restoring the snapshot and handing over the files, and
//     the rest), the page's cold reboot (reboot({ cold: true })), and QEMU TCG cold-booting the
//     same plan (planBoot of the same project);
//   - a revisit: page load to prompt in the same profile, where the kept snapshot boots warm;
//   - your own C init (static-hello): edit /init.c to its greeting after Reboot, alternated: the
//     warm build guest (after the first compile) and the cold one (reboot({ cold: true }): the
//     build guest cold with the program on the console, and a cold boot), with the warm one's
//     split (restore, deliver, the guest's compile, read back, the rest: planning, the boot).
//     `--c-init-only` measures only this.
// Prints medians and ratios; asserts nothing about speed.
//
//   node --import tsx test/bench/page.bench.ts [--runs N] [--c-init-only]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { parseArgs } from "node:util";
import { planBoot, RunnerSession } from "../../src/core/boot/index.ts";
import { defaultTemplate, templateFiles, templateSystem } from "../../src/core/templates/index.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";
import { QemuRunner } from "../../src/cli/runners/qemu-runner.ts";
import { launchChromium, serveDist, waitForPrompt, type Page } from "../browser/harness.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" }, "c-init-only": { type: "boolean", default: false } } });
const RUNS = Math.max(1, Number(values.runs));

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

const server = await serveDist();

/** Edits the project (so every reboot has something new), reboots and waits for the prompt; the boot's metrics. */
async function rebootToPrompt(page: Page, i: number, cold: boolean) {
  const before = (await page.evaluate(() => window.bootlab!.metrics())).bootId ?? 0;
  await page.evaluate(
    async ([n, asCold]) => {
      await window.bootlab!.writeFile("/etc/motd", `bench ${n}\n`);
      await window.bootlab!.reboot({ cold: asCold as boolean });
    },
    [i, cold] as const,
  );
  return waitForPrompt(page, before, 120_000);
}

/** QEMU TCG, the same plan the page boots (the default template, unedited), start to prompt. */
const artifacts = await prebuiltArtifacts();
const template = defaultTemplate();
const system = templateSystem(template, { files: await templateFiles(template, (path) => artifacts.bytes(path)), cmdline: template.cmdline });
const plan = await planBoot(system, artifacts, { emulator: "v86" });
async function qemuColdBoot(): Promise<number> {
  const session = new RunnerSession(new QemuRunner({ accel: "tcg" }), { ...plan.expectations });
  try {
    const started = performance.now();
    await session.start(plan.spec);
    await session.waitFor((t) => t.promptCount > 0 && t.atPrompt, 60_000, "the first shell prompt");
    return Math.round(performance.now() - started);
  } finally {
    await session.stop();
  }
}

/** Edits static-hello's /init.c, reboots and waits for its greeting: Node's wall time and the boot's metrics. */
async function editInitToGreeting(page: Page, marker: string, cold: boolean) {
  const text = `#include <stdio.h>\n#include <unistd.h>\nint main(void)\n{\n    printf("Hello from ${marker}\\n");\n    fflush(stdout);\n    for (;;)\n        pause();\n}\n`;
  const started = performance.now();
  await page.evaluate(
    async ([source, asCold, greeting]) => {
      await window.bootlab!.writeFile("/init.c", source as string);
      await window.bootlab!.reboot({ cold: asCold as boolean });
      await window.bootlab!.waitFor(greeting as string, 120_000);
    },
    [text, cold, `Hello from ${marker}`] as const,
  );
  const ms = Math.round(performance.now() - started);
  return { ms, metrics: await page.evaluate(() => window.bootlab!.metrics()) };
}

// 0. Your own C init: edit /init.c to its greeting, the warm build guest against the cold one.
{
  const chromium = await launchChromium();
  const page = await chromium.context.newPage();
  await page.goto(`${server.url}?template=static-hello`);
  await page.waitForFunction(() => window.bootlab !== undefined, null, { timeout: 30_000 });
  await page.locator('[data-testid=status][data-phase="ready"]').waitFor({ timeout: 120_000 });
  // The first compile's boot makes the snapshots in the background once quiet; give it the time, then one edit to settle.
  await new Promise((resolve) => setTimeout(resolve, 8000));
  await editInitToGreeting(page, "settle", false);
  const warm: number[] = [];
  const cold: number[] = [];
  const parts: Record<string, number[]> = { restore: [], deliver: [], guest: [], readBack: [], rest: [] };
  let notWarm = 0;
  for (let i = 0; i < RUNS; i++) {
    const w = await editInitToGreeting(page, `warm-${i}`, false);
    const c = w.metrics.compile;
    if (!c?.warm || !w.metrics.warm) notWarm++;
    warm.push(w.ms);
    parts.restore!.push(Math.round(c?.restoreMs ?? 0));
    parts.deliver!.push(Math.round(c?.deliverMs ?? 0));
    parts.guest!.push(Math.round(c?.guestMs ?? 0));
    parts.readBack!.push(Math.round(c?.readBackMs ?? 0));
    parts.rest!.push(Math.round(w.ms - (c ? c.startMs + c.guestMs + c.readBackMs : 0)));
    cold.push((await editInitToGreeting(page, `cold-${i}`, true)).ms);
  }
  console.log(`your own C init (static-hello), edit /init.c to its greeting after Reboot, alternated (${RUNS} each):`);
  console.log(`  page, warm build guest + warm boot: median ${median(warm)} ms  (runs: ${warm.join(", ")})${notWarm ? `  (${notWarm} were not warm!)` : ""}`);
  console.log(`    restore ${median(parts.restore!)} ms, deliver ${median(parts.deliver!)} ms, compile (the guest's run) ${median(parts.guest!)} ms, read back ${median(parts.readBack!)} ms, the rest (planning, the boot to the greeting, messaging) ${median(parts.rest!)} ms`);
  console.log(`  page, cold build guest on the console + cold boot (reboot({ cold: true })): median ${median(cold)} ms  (runs: ${cold.join(", ")})`);
  await chromium.close();
}
if (values["c-init-only"]) {
  await server.close();
  process.exit(0);
}

// 1. Page load to first prompt, each in a fresh browser profile (nothing cached): a first visit.
const loadToPrompt: number[] = [];
const bootOnly: number[] = [];
let firstBootBytes: Array<[string, number]> = [];
let offlineLine = "";
for (let run = 0; run < RUNS; run++) {
  const chromium = await launchChromium();
  const page = await chromium.context.newPage();
  server.sent.clear();
  await page.goto(server.url);
  await page.waitForFunction(() => window.bootlab !== undefined, null, { timeout: 30_000 });
  await page.locator('[data-testid=status][data-phase="ready"]').waitFor({ timeout: 120_000 });
  const metrics = await page.evaluate(() => window.bootlab!.metrics());
  loadToPrompt.push(metrics.readyAtPageMs!);
  bootOnly.push(metrics.timeToPromptMs!);
  if (run === 0) {
    firstBootBytes = [...server.sent.entries()];
    // After the prompt the service worker keeps the visit's files for offline use: what that
    // transfers beyond the first boot's bytes (a file the browser holds is revalidated: a 304).
    const before = [...server.sent.values()].reduce((a, b) => a + b, 0);
    const started = performance.now();
    const kept = await page
      .locator('html[data-offline="ready"], html[data-offline="failed"]')
      .waitFor({ timeout: 120_000 })
      .then(() => page.evaluate(() => document.documentElement.dataset.offline), () => "not registered");
    const after = [...server.sent.values()].reduce((a, b) => a + b, 0);
    offlineLine = `kept for offline use after the prompt: ${kept}, ${kib(after - before)} more transferred (editor chunks included), ${Math.round(performance.now() - started)} ms after the prompt`;
  }
  await chromium.close();
}
console.log(`first visit, page load to first prompt (cold): median ${median(loadToPrompt)} ms  (runs: ${loadToPrompt.join(", ")})`);
console.log(`  of which boot request to prompt: median ${median(bootOnly)} ms`);

// 2. Edit to prompt after Reboot: warm, cold and QEMU TCG alternated in one run.
{
  const chromium = await launchChromium();
  const page = await chromium.context.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => window.bootlab !== undefined, null, { timeout: 30_000 });
  await page.locator('[data-testid=status][data-phase="ready"]').waitFor({ timeout: 120_000 });
  await rebootToPrompt(page, -1, false); // the first reboot makes the snapshot if the quiet page has not yet
  const warm: number[] = [];
  const beforeInit: number[] = [];
  const cold: number[] = [];
  const qemu: number[] = [];
  let notWarm = 0;
  for (let i = 0; i < RUNS; i++) {
    const w = await rebootToPrompt(page, i, false);
    if (!w.warm) notWarm++;
    warm.push(w.timeToPromptMs!);
    beforeInit.push((w.restoreMs ?? 0) + (w.deliverMs ?? 0));
    qemu.push(await qemuColdBoot());
    cold.push((await rebootToPrompt(page, i, true)).timeToPromptMs!);
  }
  const q = median(qemu);
  console.log(`edit to prompt after Reboot, alternated (${RUNS} each):`);
  console.log(`  page, warm reboot:    median ${median(warm)} ms  (runs: ${warm.join(", ")})${notWarm ? `  (${notWarm} were cold!)` : ""}`);
  console.log(`    before the user's init (restore the snapshot, hand over the files): median ${median(beforeInit)} ms`);
  console.log(`    the user's init to its prompt, with planning and messaging:        median ${median(warm) - median(beforeInit)} ms`);
  console.log(`  page, cold reboot:    median ${median(cold)} ms  (runs: ${cold.join(", ")})`);
  console.log(`  QEMU TCG cold boot:   median ${q} ms  (runs: ${qemu.join(", ")})`);
  console.log(`  warm / QEMU TCG: ${(median(warm) / q).toFixed(2)} (goal: at most 0.2)   cold / QEMU TCG: ${(median(cold) / q).toFixed(2)} (goal: at most 1.5)`);

  // 3. A revisit: the same profile reloads; the snapshot kept in IndexedDB boots warm.
  const revisit: number[] = [];
  let revisitCold = 0;
  for (let i = 0; i < RUNS; i++) {
    await page.reload();
    await page.waitForFunction(() => window.bootlab !== undefined, null, { timeout: 30_000 });
    await page.locator('[data-testid=status][data-phase="ready"]').waitFor({ timeout: 120_000 });
    const m = await page.evaluate(() => window.bootlab!.metrics());
    if (!m.warm) revisitCold++;
    revisit.push(m.readyAtPageMs!);
  }
  console.log(`revisit, page load to first prompt (warm from the kept snapshot): median ${median(revisit)} ms  (runs: ${revisit.join(", ")})${revisitCold ? `  (${revisitCold} were cold!)` : ""}`);
  await chromium.close();
}

// 4. What the first boot transferred before its prompt.
const EDITOR_ONLY = /monaco|editor\.worker|codicon/;
let total = 0;
let critical = 0;
let criticalGzip = 0;
console.log("bytes transferred before the first prompt (uncompressed; gzip as a static host would send it):");
for (const [path, bytes] of firstBootBytes.sort((a, b) => b[1] - a[1])) {
  total += bytes;
  const file = join(server.dir, decodeURIComponent(path.replace(/^\//, "")) || "index.html");
  let gz = bytes;
  try {
    const body = readFileSync(file.endsWith("/") ? join(file, "index.html") : file);
    gz = /\.gz$/.test(path) ? body.length : gzipSync(body, { level: 9 }).length;
  } catch {
    // index.html requested as "/": counted uncompressed.
  }
  const editor = EDITOR_ONLY.test(path);
  if (!editor) {
    critical += bytes;
    criticalGzip += gz;
  }
  console.log(`  ${kib(bytes).padStart(11)}  gzip ${kib(gz).padStart(10)}  ${path}${editor ? "  (editor, loaded after the boot started)" : ""}`);
}
console.log(`  total ${kib(total)}; needed by the boot (without the editor) ${kib(critical)}, ${kib(criticalGzip)} gzip`);
if (offlineLine) console.log(offlineLine);
await server.close();
