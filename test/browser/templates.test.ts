// Every template the page ships boots in the page (opened with ?template=ID), and the page boots
// the very bytes the CLI's plan makes of the same project: the initrd (by its sha256), the
// kernel and the command line; and its Export holds the initramfs `bootlab export` writes.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { planBoot } from "../../src/core/boot/index.ts";
import { bundleFromPlan, readBundle } from "../../src/core/bundle/index.ts";
import { TEMPLATES, templateDisks, templateFiles, templateSystem } from "../../src/core/templates/index.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { compileSystem } from "../../src/core/cinit/index.ts";
import { collectPageErrors, waitForPrompt, siteInChromium } from "./harness.ts";

const BOOT_MS = 90_000;


describe("every template in the page", () => {
  const site = siteInChromium();

  for (const template of TEMPLATES) {
    test(`${template.id}: boots in the page, from the same initrd, kernel and command line as the CLI's plan`, async () => {
      const artifacts = await prebuiltArtifacts();
      const read = (p: string) => artifacts.bytes(p);
      // A template that compiles a C source (static-hello's /init.c) compiles it as `bootlab boot` does.
      const compiled = await compileSystem(templateSystem(template, { files: await templateFiles(template, read), cmdline: template.cmdline, disks: await templateDisks(template, read) }), artifacts, () => createRunner("v86"));
      assert.ok(compiled.ok);
      const system = compiled.system;
      const cli = await planBoot(system, artifacts, { emulator: "v86" });

      const page = await site.chromium.context.newPage();
      const errors = collectPageErrors(page);
      try {
        await page.goto(`${site.server.url}?template=${template.id}`);
        await page.waitForFunction(() => window.bootlab !== undefined, null, { timeout: 20_000 });
        const metrics = await waitForPrompt(page, 0, BOOT_MS);
        assert.equal(await page.getByTestId("template").inputValue(), template.id, "?template= opened the template");
        assert.ok(!page.url().includes("template="), "the parameter is dropped once used");
        assert.equal(metrics.initrdSha256, createHash("sha256").update(cli.spec.initrds[0] ?? new Uint8Array()).digest("hex"), "the page's initrd is the CLI plan's");
        assert.equal(metrics.kernel, cli.kernel.id);
        assert.equal(metrics.cmdline, cli.spec.cmdline);

        // Export: the page's bundle holds the initramfs and command line `bootlab export` writes
        // (planned for no emulator in particular, as the CLI's export plans it).
        const pageZip = new Uint8Array(
          await page.evaluate(async () => Array.from(new Uint8Array(await (await window.bootlab!.exportBundle()).arrayBuffer()))),
        );
        const cliZip = bundleFromPlan(await planBoot(system, artifacts, {}), { files: system.files, template: template.id });
        const fromPage = readBundle(pageZip, { sources: false });
        const fromCli = readBundle(cliZip, { sources: false });
        assert.deepEqual(fromPage.initramfs, fromCli.initramfs, "the page's exported initramfs.cpio.gz is the CLI's");
        // The disks the page wrote from the template's files are the CLI's, byte for byte.
        assert.deepEqual(fromPage.ramdisk, fromCli.ramdisk, "the page's RAM disk is the CLI's");
        assert.deepEqual(fromPage.disks, fromCli.disks, "the page's disk images are the CLI's");
        assert.equal(fromPage.manifest.cmdline, fromCli.manifest.cmdline);
        assert.equal(fromPage.manifest.template, template.id);
        assert.deepEqual(errors, []);
      } finally {
        await page.close();
      }
    });
  }
});
