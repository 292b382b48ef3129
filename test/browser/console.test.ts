// The console's tools in real Chromium: search, copy, download as a log, clear; on a phone-sized
// screen the row of extra keys (Ctrl, Esc, Tab, arrows, |, /) types what a soft keyboard cannot;
// screenshots at 390x844 and 2560x1440, light and dark.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { collectPageErrors, launchChromium, screenshot, serveDist, type LaunchedChromium, type StaticServer } from "./harness.ts";
import { BOOT_MS, waitForApi, waitForOutput } from "./share-helpers.ts";

let site: StaticServer;
let chromium: LaunchedChromium;
let page: Page;
let errors: string[];

/** Types a command line and waits for `expect` in the output. */
async function run(command: string, expect: string): Promise<void> {
  await page.evaluate((c) => window.bootlab!.send(`${c}\n`), command);
  await waitForOutput(page, expect, 30_000);
}

describe("console tools", () => {
  before(async () => {
    site = await serveDist();
    chromium = await launchChromium();
    await chromium.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: new URL(site.url).origin });
    page = await chromium.context.newPage();
    errors = collectPageErrors(page);
    await page.goto(site.url);
    await waitForApi(page);
    await page.locator('[data-testid=status][data-phase="ready"]').waitFor({ timeout: BOOT_MS });
    // BusyBox init asks for Enter before it starts the console's shell.
    await page.evaluate(() => window.bootlab!.send("\n"));
    await run("echo FIND-ME-$((6*7))", "FIND-ME-42");
  });

  after(async () => {
    if (errors.length) console.log(`page errors:\n${errors.join("\n")}`);
    await chromium?.close();
    await site?.close();
  });

  test("search finds the text in the console and counts the matches", async () => {
    await page.getByTestId("console-search").click();
    await page.getByTestId("console-search-input").fill("find-me-42");
    assert.equal(await page.getByTestId("console-search-count").innerText(), "1 of 1");
    await page.getByTestId("console-search-input").fill("FIND-ME");
    // The typed command and its output: the newest first, then Enter goes round.
    assert.equal(await page.getByTestId("console-search-count").innerText(), "2 of 2");
    await page.getByTestId("console-search-input").press("Enter");
    assert.equal(await page.getByTestId("console-search-count").innerText(), "1 of 2");
    await page.getByTestId("console-search-input").fill("no such text anywhere");
    assert.equal(await page.getByTestId("console-search-count").innerText(), "no match");
    await page.getByTestId("console-search-input").press("Escape");
    assert.equal(await page.locator(".console-search").isHidden(), true);
  });

  test("copy puts the console's text on the clipboard; Log downloads it", async () => {
    await page.getByTestId("console-copy").click();
    await page.getByTestId("status-message").filter({ hasText: "Copied the console's text." }).waitFor();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    assert.match(copied, /Linux version/);
    assert.match(copied, /FIND-ME-42/);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("console-download").click()]);
    assert.match(download.suggestedFilename(), /^bootlab-console-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.log$/);
    const log = readFileSync((await download.path())!, "utf8");
    assert.equal(log, await page.evaluate(() => window.bootlab!.output()));
    assert.match(log, /FIND-ME-42/);
  });

  test("clear empties the screen; the boot goes on and output() keeps everything", async () => {
    await page.getByTestId("console-clear").click();
    assert.doesNotMatch(await page.locator(".xterm-rows").innerText(), /FIND-ME-42/);
    assert.match(await page.evaluate(() => window.bootlab!.output()), /FIND-ME-42/);
    await run("echo AFTER-CLEAR-$((1+1))", "AFTER-CLEAR-2");
  });

  test("on a phone-sized screen the extra keys type | and / and Ctrl-C", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    const keys = page.getByTestId("extra-keys");
    await keys.waitFor();
    assert.equal(await keys.isVisible(), true);
    await page.locator(".xterm").click();
    await page.keyboard.type("echo abc ");
    await page.getByTestId("key-pipe").click();
    await page.keyboard.type(" tr a z; echo ");
    await page.getByTestId("key-slash").click();
    await page.keyboard.type("SLASHED");
    await page.getByTestId("key-slash").click();
    await page.keyboard.press("Enter");
    await waitForOutput(page, "zbc", 20_000);
    await waitForOutput(page, "/SLASHED/", 20_000);
    // Ctrl, then c typed on the keyboard, interrupts a sleep.
    await page.keyboard.type("sleep 60");
    await page.keyboard.press("Enter");
    await page.getByTestId("key-ctrl").click();
    assert.equal(await page.getByTestId("key-ctrl").getAttribute("aria-pressed"), "true");
    await page.keyboard.type("c");
    assert.equal(await page.getByTestId("key-ctrl").getAttribute("aria-pressed"), "false");
    await waitForOutput(page, "\\^C", 20_000);
    await page.evaluate(() => window.bootlab!.send("echo INTERRUPTED-$((3*3))\n"));
    await waitForOutput(page, "INTERRUPTED-9", 20_000);
    await screenshot(page, "console-extra-keys-390x844");
  });

  test("screenshots: 390x844 and 2560x1440, light and dark; the extra keys only on narrow screens", async () => {
    for (const [width, height] of [
      [390, 844],
      [2560, 1440],
    ] as const) {
      for (const scheme of ["light", "dark"] as const) {
        await page.setViewportSize({ width, height });
        await page.emulateMedia({ colorScheme: scheme });
        await page.waitForTimeout(300);
        assert.equal(await page.getByTestId("extra-keys").isVisible(), width < 760, `${width}: extra keys`);
        // No strip of another colour under the terminal's last row: xterm's viewport takes the host's background.
        const backgrounds = await page.evaluate(() => {
          const host = document.querySelector(".terminal-host");
          const viewport = document.querySelector(".xterm-viewport");
          return [host && getComputedStyle(host).backgroundColor, viewport && getComputedStyle(viewport).backgroundColor];
        });
        assert.equal(backgrounds[0], backgrounds[1], `${width}x${height} ${scheme}: ${JSON.stringify(backgrounds)}`);
        await screenshot(page, `console-${width}x${height}-${scheme}`);
      }
    }
  });
});
