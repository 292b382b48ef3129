// The network template in the page: v86's fetch backend gives the guest a DHCP lease, the status
// line shows its address, and the guest fetches a file from the page's own origin (opened as
// http://localhost:PORT/, so that http://PORT.external/ is the same origin).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { collectPageErrors, REPO_ROOT, siteInChromium } from "./harness.ts";

const BOOT_MS = 90_000;


describe("the network template in the page", () => {
  const site = siteInChromium();

  test("gets a lease, shows the guest's address, and wgets a file of the page's origin through fetch()", async () => {
    const url = new URL(site.server.url);
    url.hostname = "localhost";
    const page = await site.chromium.context.newPage();
    const errors = collectPageErrors(page);
    try {
      await page.goto(`${url.href}?template=network`);
      await page.waitForFunction(() => window.bootlab !== undefined, null, { timeout: 20_000 });
      await page.evaluate((ms) => window.bootlab!.waitFor("root@smart-os:/ # ", ms), BOOT_MS);
      const metrics = (await page.evaluate(() => window.bootlab!.metrics())) as { kernel?: string; guestAddress?: string };
      assert.equal(metrics.kernel, "full");
      assert.equal(metrics.guestAddress, "192.168.86.100");
      const badge = page.getByTestId("guest-network");
      assert.equal(await badge.textContent(), "eth0 192.168.86.100");
      assert.match((await badge.getAttribute("title")) ?? "", /Only HTTP to port 80 leaves the guest, through this page's fetch\(\)/);

      const manifest = JSON.parse(await readFile(join(REPO_ROOT, "prebuilt/manifest.json"), "utf8")) as { bios: string };
      await page.evaluate((command) => window.bootlab!.send(command), `wget -q -O - http://${url.port}.external/prebuilt/manifest.json | grep -c '"bios": "${manifest.bios}"'\n`);
      const seen = await page.evaluate(() => window.bootlab!.waitFor(/^1\r?$/m, 30_000));
      assert.match(seen, /1/);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
