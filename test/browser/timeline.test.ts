// Issue 17 in the page: the boot timeline under the console (a bar per stage, the previous boot
// faint beneath, a stage scrolls the console to its line) and the annotated kernel log (a marked
// line explains itself on hover and links to the file behind it). Screenshots, light and dark,
// and the page at a phone's and a large screen's size, go to test-results/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { collectPageErrors, launchChromium, RESULTS_DIR, screenshot, serveDist, type LaunchedChromium, type StaticServer } from "./harness.ts";
import { BOOT_MS, waitForApi } from "./share-helpers.ts";

let server: StaticServer;
let chromium: LaunchedChromium;
let page: Page;
let errors: string[];

const TIMELINE = "[data-testid=timeline]";
const RUN_INIT = "Run /init as init process";

async function waitForReady(p: Page): Promise<void> {
  await p.locator('[data-testid=status][data-phase="ready"]').waitFor({ timeout: BOOT_MS });
}

/** The stages the picture shows for the current boot (those with a console line to go to). */
async function stagesShown(p: Page): Promise<string[]> {
  return p.locator(`${TIMELINE} g[data-stage][data-line]`).evaluateAll((gs) => gs.map((g) => g.getAttribute("data-stage") ?? ""));
}

/** Milliseconds of a bar, read from its text equivalent ("init, rcS: 0.8 s to 1.9 s, 1138 ms (...)"). */
async function barMs(p: Page, stage: string, kind: "current" | "previous"): Promise<number> {
  const selector = `${TIMELINE} g[data-stage="${stage}"] > g${kind === "previous" ? ".previous" : ":not(.previous)"}[role=img]`;
  const label = (await p.locator(selector).getAttribute("aria-label")) ?? "";
  const match = label.match(/, (\d+(?:\.\d+)?) (ms|s) \(/);
  assert.ok(match, `no duration in ${JSON.stringify(label)}`);
  return Number(match[1]) * (match[2] === "s" ? 1000 : 1);
}

/** The rows the terminal shows right now (the DOM renderer keeps only the viewport's rows). */
async function viewportText(p: Page): Promise<string> {
  return p.locator(".xterm-rows").innerText();
}

describe("the boot timeline and the annotated console", () => {
  before(async () => {
    server = await serveDist();
    // A short terminal (the two-row layout below 1180 px), so the kernel log is longer than the
    // viewport and scrolling to a line is visible.
    chromium = await launchChromium({ viewport: { width: 1100, height: 900 }, colorScheme: "light" });
    page = await chromium.context.newPage();
    errors = collectPageErrors(page);
    await page.goto(server.url);
  });

  after(async () => {
    if (errors.length) console.log(`page errors:\n${errors.join("\n")}`);
    await chromium?.close();
    await server?.close();
  });

  test("a bar per stage; a sleep 1 in rcS makes the user-space bar a second longer, the previous boot beneath", async () => {
    await waitForApi(page);
    await waitForReady(page);
    await page.waitForFunction((sel) => document.querySelector(`${sel} g[data-stage="prompt"][data-line]`) !== null, TIMELINE, { timeout: 20_000 });
    const stages = await stagesShown(page);
    for (const stage of ["kernel", "init", "userspace", "prompt"]) assert.ok(stages.includes(stage), `no ${stage} bar in ${stages.join(", ")}`);
    const before = await barMs(page, "userspace", "current");
    // The bars are focusable, each with its sentence.
    const init = page.locator(`${TIMELINE} g[data-stage="init"]`);
    assert.equal(await init.getAttribute("tabindex"), "0");
    assert.match((await init.getAttribute("aria-label")) ?? "", /Run \/init: at \d+\.\d+ s/);

    const rcS = await page.evaluate(() => window.bootlab!.readFile("/etc/init.d/rcS"));
    await page.evaluate((text) => window.bootlab!.writeFile("/etc/init.d/rcS", text), `${rcS}sleep 1\n`);
    const { bootId } = await page.evaluate(() => window.bootlab!.metrics());
    await page.evaluate(() => window.bootlab!.reboot());
    assert.notEqual((await page.evaluate(() => window.bootlab!.metrics())).bootId, bootId);
    await waitForReady(page);
    await page.waitForFunction((sel) => document.querySelector(`${sel} g[data-stage="prompt"][data-line] > g[role=img]:not(.previous)`) !== null, TIMELINE, { timeout: 20_000 });

    const after = await barMs(page, "userspace", "current");
    const previous = await barMs(page, "userspace", "previous");
    assert.equal(previous, before, "the faint bar is the previous boot's");
    assert.ok(after - previous >= 700, `user space took ${after} ms after the sleep, ${previous} ms before`);
    // The same in the picture: the current bar is drawn wider than the previous one.
    const widths = await page.locator(`${TIMELINE} g[data-stage="userspace"] rect`).evaluateAll((rects) => rects.map((r) => ({ previous: r.parentElement!.classList.contains("previous"), width: Number(r.getAttribute("width")) })));
    const wide = widths.find((w) => !w.previous)!.width;
    const faint = widths.find((w) => w.previous)!.width;
    assert.ok(wide > faint * 1.2, `bar widths ${JSON.stringify(widths)}`);
    await page.locator("[data-testid=timeline-panel]").screenshot({ path: join(RESULTS_DIR, "timeline-panel-light.png") });
  });

  test("a stage scrolls the console to its line, by click and by Enter, and explains it", async () => {
    await page.locator(`${TIMELINE} g[data-stage="kernel"] text.label`).click();
    await page.waitForFunction(() => document.querySelector(".xterm-rows")?.textContent?.includes("Linux version") ?? false, null, { timeout: 5_000 });
    const atKernel = await viewportText(page);
    // The test's terminal is shorter than the kernel log, so the line is off screen here.
    assert.ok(!atKernel.includes(RUN_INIT), `the viewport already shows "${RUN_INIT}" at the kernel's first line:\n${atKernel}`);
    await page.locator(`${TIMELINE} g[data-stage="init"]`).focus();
    await page.keyboard.press("Enter");
    await page.waitForFunction((t) => document.querySelector(".xterm-rows")?.textContent?.includes(t) ?? false, RUN_INIT, { timeout: 5_000 });
    // Without a pointer, the stage's line explains itself beside it.
    const tooltip = page.getByTestId("annotation-tooltip");
    await tooltip.waitFor({ state: "visible", timeout: 5_000 });
    assert.equal(await tooltip.locator("[data-annotation]").getAttribute("data-annotation"), "run-init");

    await page.locator(`${TIMELINE} g[data-stage="kernel"] text.label`).click();
    await page.waitForFunction((t) => !(document.querySelector(".xterm-rows")?.textContent?.includes(t) ?? true), RUN_INIT, { timeout: 5_000 });
    // And a click on the bar itself.
    await page.locator(`${TIMELINE} g[data-stage="init"] > g[role=img]:not(.previous)`).click();
    await page.waitForFunction((t) => document.querySelector(".xterm-rows")?.textContent?.includes(t) ?? false, RUN_INIT, { timeout: 5_000 });
  });

  test("the Run /init line is marked, and hovering it explains it with a link to /init", async () => {
    // Escape hides the explanation the timeline showed, so the one below comes from hovering.
    const tooltip = page.getByTestId("annotation-tooltip");
    await page.keyboard.press("Escape");
    await tooltip.waitFor({ state: "hidden", timeout: 5_000 });
    // The line is in the viewport (the previous test scrolled there): find its row on screen.
    const rowBox = await page.locator(".xterm-rows > div", { hasText: RUN_INIT }).first().boundingBox();
    assert.ok(rowBox, "the Run /init row is not on screen");
    const marks = await page.locator(".console-annotation").evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ top: r.top, bottom: r.bottom })));
    const centre = rowBox.y + rowBox.height / 2;
    assert.ok(
      marks.some((m) => m.top <= centre && centre <= m.bottom),
      `no gutter mark beside the Run /init row (${JSON.stringify(rowBox)}); marks: ${JSON.stringify(marks)}`,
    );
    await page.mouse.move(rowBox.x + 40, centre);
    await tooltip.waitFor({ state: "visible", timeout: 5_000 });
    assert.equal(await tooltip.locator("[data-annotation]").getAttribute("data-annotation"), "run-init");
    assert.match(await tooltip.innerText(), /runs \/init as process 1/);
    await screenshot(page, "timeline-annotated-light");

    await page.emulateMedia({ colorScheme: "dark" });
    await page.waitForFunction(() => document.querySelector("#page-timeline style")?.textContent?.includes("#0d1117") ?? false, null, { timeout: 5_000 });
    await page.mouse.move(rowBox.x + 40, centre + 1);
    await tooltip.waitFor({ state: "visible", timeout: 5_000 });
    await screenshot(page, "timeline-annotated-dark");
    await page.locator("[data-testid=timeline-panel]").screenshot({ path: join(RESULTS_DIR, "timeline-panel-dark.png") });
    await page.emulateMedia({ colorScheme: "light" });

    // The link opens the file in the editor.
    await tooltip.getByTestId("annotation-file").click();
    await page.waitForFunction(() => document.querySelector("[data-testid=editor-path]")?.textContent === "/init", null, { timeout: 30_000 });
  });

  test("the panel is remembered closed, and the page holds at a phone's and a large screen's size", async () => {
    // <details> fires "toggle" after the click returns: wait for the stored value.
    const stored = (value: string) => page.waitForFunction((v) => localStorage.getItem("bootlab:timeline-open") === v, value, { timeout: 5_000 });
    await page.locator("[data-testid=timeline-panel] > summary").click();
    await stored("closed");
    await page.locator("[data-testid=timeline-panel] > summary").click();
    await stored("open");

    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('nav.tabs button[data-pane="terminal"]').click();
    const panel = await page.locator("[data-testid=timeline-panel]").boundingBox();
    const terminal = await page.getByTestId("terminal").boundingBox();
    assert.ok(panel && terminal, "the timeline or the terminal is not shown on a phone");
    assert.ok(panel.x >= 0 && panel.x + panel.width <= 390 + 0.5, `the panel overflows: ${JSON.stringify(panel)}`);
    assert.ok(terminal.height >= 150, `the terminal is squeezed to ${terminal.height}px`);
    await screenshot(page, "timeline-390x844");

    await page.setViewportSize({ width: 2560, height: 1440 });
    // The panel redraws its picture for the new width: wait for the redrawn one, not the moment between.
    const wide = await page
      .waitForFunction((selector) => (document.querySelector(selector)?.getBoundingClientRect().width ?? 0) > 500, `${TIMELINE} svg`, { timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    assert.ok(wide, `the picture is ${JSON.stringify(await page.locator(`${TIMELINE} svg`).boundingBox())} at 2560 px`);
    await screenshot(page, "timeline-2560x1440");
    assert.deepEqual(errors, []);
  });
});
