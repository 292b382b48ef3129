// Benchmark of the playground page, from the built site in Chromium:
//   - page load to the first shell prompt (fresh profile, empty cache), median of several loads;
//   - edit to prompt after Reboot (change /init, reboot, prompt), median of several;
//   - the bytes the first boot transfers, itemised;
//   - for reference, QEMU TCG booting the same kernel and initramfs to the prompt, same run.
// Prints medians; asserts nothing about speed.
//
//   node --import tsx test/bench/page.bench.ts [--runs N]
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { gzipSync } from "node:zlib";
import { parseArgs } from "node:util";
import { BootTranscript } from "../../src/core/boot/index.ts";
import { fileEntry, directoryEntry, packCpio } from "../../src/core/cpio/index.ts";
import { defaultTemplate, isPrebuiltFile } from "../../src/core/templates/index.ts";
import { QemuRunner } from "../../src/cli/runners/qemu-runner.ts";
import { launchChromium, REPO_ROOT, serveDist } from "../browser/harness.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
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
const prebuilt = resolve(REPO_ROOT, process.env.BOOTLAB_PREBUILT_DIR ?? "prebuilt");

// 1. Page load to first prompt, each in a fresh browser profile (nothing cached).
const loadToPrompt: number[] = [];
const bootOnly: number[] = [];
let firstBootBytes: Array<[string, number]> = [];
let rebootMedian = 0;
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

  // 2. Edit to prompt after Reboot, in the same page (artifacts and wasm cached in the worker).
  if (run === 0) {
    const rebootToPrompt: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.evaluate(async (i) => {
        const init = await window.bootlab!.readFile("/init");
        await window.bootlab!.writeFile("/init", init.replace(/^# bench \d+\n/m, "") + `# bench ${i}\n`);
        await window.bootlab!.reboot();
      }, i);
      await page.locator('[data-testid=status][data-phase="ready"]').waitFor({ timeout: 120_000 });
      rebootToPrompt.push((await page.evaluate(() => window.bootlab!.metrics())).timeToPromptMs!);
    }
    rebootMedian = median(rebootToPrompt);
    console.log(`edit to prompt after Reboot: median ${rebootMedian} ms  (runs: ${rebootToPrompt.join(", ")})`);
  }
  await chromium.close();
}
console.log(`page load to first prompt:   median ${median(loadToPrompt)} ms  (runs: ${loadToPrompt.join(", ")})`);
console.log(`  of which boot request to prompt: median ${median(bootOnly)} ms`);

// 3. What the first boot transferred before its prompt.
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

// 4. QEMU TCG, same kernel and initramfs (base archive + the default template's overlay).
const template = defaultTemplate();
const encoder = new TextEncoder();
const overlay = packCpio(
  template.files.map((file) => {
    const path = file.path.slice(1);
    if (file.kind === "directory") return directoryEntry(path, { mode: file.mode });
    if (isPrebuiltFile(file)) return fileEntry(path, readFileSync(join(prebuilt, file.artifact)), { mode: file.mode });
    return fileEntry(path, encoder.encode(file.text), { mode: file.mode });
  }),
);
const kernel = readFileSync(join(prebuilt, "i386", template.kernel, "bzImage"));
const base = readFileSync(join(prebuilt, "i386", "base.cpio.gz"));
const qemuTimes: number[] = [];
for (let run = 0; run < RUNS; run++) {
  const runner = new QemuRunner({ accel: "tcg" });
  const transcript = new BootTranscript();
  const started = performance.now();
  const prompt = new Promise<number>((resolve) => {
    runner.onSerial((bytes) => {
      transcript.push(bytes, performance.now());
      if (transcript.stage("first-prompt")) resolve(performance.now() - started);
    });
  });
  await runner.start({ kernel: new Uint8Array(kernel), initrds: [new Uint8Array(base), overlay], disks: [], cmdline: template.cmdline, memoryMiB: 128 });
  const timeout = new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`QEMU: no prompt within 60 s:\n${transcript.text.slice(-500)}`)), 60_000));
  qemuTimes.push(Math.round(await Promise.race([prompt, timeout])));
  await runner.dispose();
}
const qemu = median(qemuTimes);
console.log(`QEMU TCG start to prompt:     median ${qemu} ms  (runs: ${qemuTimes.join(", ")})`);
console.log(`edit-to-prompt / QEMU TCG:    ${(rebootMedian / qemu).toFixed(2)} (goal: at most 1.5)`);
