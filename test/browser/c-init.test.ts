// Your own C init in the page (issue 14): static-hello's /init.c, edited, is compiled in the
// worker's v86 build guest (src/core/cinit, no server) and boots as process 1; the page's
// initrd, /init included, is the one `bootlab boot --template static-hello` plans from the same
// source; a syntax error stops the boot and puts tcc's message on its line in the editor.
// After the first compile the build guest is warm (its snapshot made in the background), the
// program comes back through guest memory and boots warm: still the CLI's bytes.
// Prints the edit-to-ready time of a changed /init.c (compile included), cold and warm.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import type { Page } from "playwright-core";
import { planBoot } from "../../src/core/boot/index.ts";
import { compileSystem } from "../../src/core/cinit/index.ts";
import { requireTemplate, templateSystem } from "../../src/core/templates/index.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { collectPageErrors, siteInChromium } from "./harness.ts";

const BOOT_MS = 120_000;

const source = (marker: string): string => `#include <stdio.h>
#include <unistd.h>

int main(void)
{
    printf("Hello from ${marker}: %.1f\\n", 0.5);
    fflush(stdout);
    for (;;)
        pause();
}
`;

let page: Page;
let errors: string[];

const readMetrics = (p: Page) => p.evaluate(() => window.bootlab!.metrics());

async function waitReady(p: Page): Promise<void> {
  await p.locator('[data-testid=status][data-phase="ready"]').waitFor({ timeout: BOOT_MS });
}

describe("your own C init in the page", () => {
  const site = siteInChromium();

  before(async () => {
    page = await site.chromium.context.newPage();
    errors = collectPageErrors(page);
    await page.goto(`${site.server.url}?template=static-hello`);
    await page.waitForFunction(() => window.bootlab !== undefined, null, { timeout: 20_000 });
    await waitReady(page);
  });

  test("an edited /init.c boots, from the initrd the CLI makes of the same source", async () => {
    const text = source(`page-${process.pid}`);
    const started = Date.now();
    await page.evaluate((t) => window.bootlab!.writeFile("/init.c", t), text);
    await page.evaluate(() => window.bootlab!.reboot());
    await page.evaluate((m) => window.bootlab!.waitFor(new RegExp(m), 120_000), `Hello from page-${process.pid}: 0\\.5`);
    const editToReadyMs = Date.now() - started;
    const metrics = await page.evaluate(() => window.bootlab!.metrics());
    console.log(`edit to ready (compile included), page: ${editToReadyMs} ms; timeToPromptMs ${metrics.timeToPromptMs} ms`);

    const template = requireTemplate("static-hello");
    const artifacts = await prebuiltArtifacts();
    const compiled = await compileSystem(templateSystem(template, { files: [{ path: "/init.c", kind: "file", mode: 0o644, text }], cmdline: template.cmdline }), artifacts, () => createRunner("v86"));
    assert.ok(compiled.ok);
    const cli = await planBoot(compiled.system, artifacts, { emulator: "v86" });
    assert.equal(metrics.initrdSha256, createHash("sha256").update(cli.spec.initrds[0]!).digest("hex"), "the page's /init (and initrd) is the CLI's");
    assert.deepEqual(errors, []);
  });

  test("after the first compile, an edit compiles in the warm build guest and boots warm, from the CLI's bytes", async () => {
    // The build guest's snapshot is made in the background once a boot is quiet: a few edits
    // give it the time; one of them must compile warm.
    let warm: { editToReadyMs: number; metrics: Awaited<ReturnType<typeof readMetrics>>; text: string } | undefined;
    for (let attempt = 0; attempt < 4 && !warm; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 3000));
      const marker = `warm-${process.pid}-${attempt}`;
      const text = source(marker);
      const started = Date.now();
      await page.evaluate((t) => window.bootlab!.writeFile("/init.c", t), text);
      await page.evaluate(() => window.bootlab!.reboot());
      await page.evaluate((m) => window.bootlab!.waitFor(new RegExp(m), 120_000), `Hello from ${marker}: 0\\.5`);
      const editToReadyMs = Date.now() - started;
      const metrics = await readMetrics(page);
      console.log(`edit ${attempt + 1}: edit to ready ${editToReadyMs} ms; compile ${JSON.stringify(metrics.compile)}; boot warm ${metrics.warm}`);
      if (metrics.compile?.warm) warm = { editToReadyMs, metrics, text };
    }
    assert.ok(warm, "an edit after the first compile compiled in the warm build guest");
    assert.equal(warm.metrics.compile?.returnedBy, "memory");
    assert.equal(warm.metrics.warm, true, "and the program booted warm");
    console.log(`edit to ready (compile included), page, warm build guest: ${warm.editToReadyMs} ms`);
    const template = requireTemplate("static-hello");
    const artifacts = await prebuiltArtifacts();
    const compiled = await compileSystem(templateSystem(template, { files: [{ path: "/init.c", kind: "file", mode: 0o644, text: warm.text }], cmdline: template.cmdline }), artifacts, () => createRunner("v86"));
    assert.ok(compiled.ok);
    const cli = await planBoot(compiled.system, artifacts, { emulator: "v86" });
    assert.equal(warm.metrics.initrdSha256, createHash("sha256").update(cli.spec.initrds[0]!).digest("hex"), "the page's /init (warm, from memory) is the CLI's (cold, on the console)");
    assert.deepEqual(errors, []);
  });

  test("a syntax error: nothing boots, tcc's message is on the status line and a marker on its line", async () => {
    await page.evaluate(() => window.bootlab!.writeFile("/init.c", '#include <stdio.h>\nint main(void)\n{\n    printf("no semicolon\\n")\n    return 0;\n}\n'));
    const rejected = await page.evaluate(() => window.bootlab!.reboot().then(() => "booted", (e: { code?: string; message: string }) => `${e.code}: ${e.message}`));
    assert.match(rejected, /^compile-failed: [^]*init\.c:5: error: ';' expected/);
    assert.match(await page.getByTestId("status-message").innerText(), /init\.c:5: error/);
    await page.locator(".monaco-editor").waitFor({ timeout: 30_000 });
    await page.locator(".monaco-editor .squiggly-error").first().waitFor({ timeout: 10_000 });
    const row = await page.locator(".monaco-editor .squiggly-error").first().boundingBox();
    const line5 = await page.locator(".monaco-editor .view-line").nth(4).boundingBox();
    assert.ok(row && line5 && Math.abs(row.y - line5.y) < line5.height, "the marker is on line 5");
  });
});
