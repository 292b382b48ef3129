// Loading shows progress: on a slow connection the status line counts the bytes of the emulator's
// wasm, the kernel and the base archive as the worker fetches them, then names the boot's stages
// as the kernel reaches them, then the prompt.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { collectPageErrors, launchChromium, screenshot, serveDist, type LaunchedChromium, type StaticServer } from "./harness.ts";

let site: StaticServer;
let chromium: LaunchedChromium;

describe("the first visit on a slow connection", () => {
  before(async () => {
    site = await serveDist({ bytesPerSecond: 3_000_000 });
    chromium = await launchChromium();
  });
  after(async () => {
    await chromium?.close();
    await site?.close();
  });

  test("the status line counts the downloads' bytes, then the boot's stages, then the prompt", async () => {
    const page = await chromium.context.newPage();
    const errors = collectPageErrors(page);
    // Every text the status line shows, in order, from the first moment.
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { statuses: string[] }).statuses = seen;
      new MutationObserver(() => {
        const text = document.querySelector("[data-testid=status-message]")?.textContent ?? "";
        if (text && seen.at(-1) !== text) seen.push(text);
      }).observe(document, { subtree: true, childList: true, characterData: true });
    });
    await page.goto(site.url);
    await page.locator("[data-testid=fetch-progress]").waitFor({ timeout: 30_000 });
    await screenshot(page, "loading-progress");
    await page.locator('[data-testid=status][data-phase="ready"]').waitFor({ timeout: 120_000 });
    const statuses = await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
    const fetching = statuses.filter((s) => s.startsWith("Fetching "));
    assert.ok(fetching.length >= 3, statuses.join("\n"));
    // Part-way figures with the sizes known, for the emulator and the kernel at least.
    assert.ok(fetching.some((s) => /emulator \d+\.\d of 2\.1 MB/.test(s)), fetching.join("\n"));
    assert.ok(fetching.some((s) => /kernel (\d+\.\d of \d+\.\d MB|✓)/.test(s)), fetching.join("\n"));
    assert.ok(fetching.some((s) => /base (\d+\.\d of \d+\.\d MB|✓)/.test(s)), fetching.join("\n"));
    const firstFetch = statuses.findIndex((s) => s.startsWith("Fetching "));
    const firstStage = statuses.findIndex((s) => /^Booting: (kernel starting|unpacking the initramfs|initramfs unpacked|root file system mounted|running init)…/.test(s));
    const ready = statuses.findIndex((s) => /^Shell prompt in /.test(s));
    assert.ok(firstFetch >= 0 && firstStage > firstFetch && ready > firstStage, statuses.join("\n"));
    assert.deepEqual(errors, []);
    await page.close();
  });
});
