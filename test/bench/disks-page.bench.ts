// Benchmark: the page's worker writing the `disks` template's two data disks (2 x 4 MiB ext4,
// writeExt4 in the emulator worker) at every boot, from metrics().diskWriteMs, and reading one
// back after the guest wrote to it (diskChanges, timed from the page). Prints medians; asserts
// nothing about speed.
//   node --import tsx test/bench/disks-page.bench.ts [--runs N]
import { parseArgs } from "node:util";
import { launchChromium, serveDist, waitForPrompt } from "../browser/harness.ts";

const { values } = parseArgs({ options: { runs: { type: "string", default: "7" } } });
const RUNS = Math.max(1, Number(values.runs));

function median(numbers: number[]): number {
  const sorted = [...numbers].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const server = await serveDist();
const chromium = await launchChromium();
try {
  const page = await chromium.context.newPage();
  await page.goto(`${server.url}?template=disks`);
  await page.waitForFunction(() => window.bootlab !== undefined, null, { timeout: 30_000 });
  let metrics = await waitForPrompt(page, 0, 120_000);
  const write: number[] = [];
  const plan: number[] = [];
  const readBack: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await page.evaluate(() => window.bootlab!.reboot());
    metrics = await waitForPrompt(page, metrics.bootId!, 120_000);
    write.push(metrics.diskWriteMs!);
    plan.push(metrics.planMs!);
    await page.evaluate(() => window.bootlab!.send("\n"));
    await page.evaluate(() => window.bootlab!.send("dd if=/dev/zero of=/mnt/data1/zeros bs=1k count=512 2>/dev/null; sync; echo WROTE-$((1+1))\n"));
    await page.evaluate(() => window.bootlab!.waitFor("WROTE-2", 60_000));
    readBack.push(await page.evaluate(async () => {
      const started = performance.now();
      await window.bootlab!.diskChanges("data1");
      return performance.now() - started;
    }));
  }
  console.log(`disks template in Chromium, median of ${RUNS} cold boots:`);
  console.log(`  worker writes 2 x 4 MiB ext4 (diskWriteMs)   ${median(write).toFixed(1).padStart(7)} ms   (all: ${write.map((n) => n.toFixed(1)).join(", ")})`);
  console.log(`  whole plan (planMs)                          ${median(plan).toFixed(1).padStart(7)} ms`);
  console.log(`  diskChanges("data1") after 512 KiB written   ${median(readBack).toFixed(1).padStart(7)} ms   (worker reads both images, compares, page receives)`);
} finally {
  await chromium.close();
  await server.close();
}
