// Two tabs on one virtual LAN (?lan=NAME, issue 13): each tab's guest joins the LAN; one serves
// a page with BusyBox httpd, the other pings it and fetches the page.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { collectPageErrors, waitForPrompt, siteInChromium } from "./harness.ts";


describe("two tabs on one LAN", () => {
  const site = siteInChromium();

  test("the guests of two tabs opened with ?lan=lesson ping each other and one wgets the other's httpd", async () => {
    const pages = [await site.chromium.context.newPage(), await site.chromium.context.newPage()];
    const errors = pages.map(collectPageErrors);
    try {
      for (const page of pages) await page.goto(`${site.server.url}?template=busybox-init&lan=lesson`);
      for (const page of pages) {
        await page.waitForFunction(() => window.bootlab !== undefined, null, { timeout: 20_000 });
        const metrics = await waitForPrompt(page, 0, 120_000);
        assert.equal(metrics.kernel, "full", "a LAN needs the network card's driver");
      }
      const [a, b] = pages as [(typeof pages)[0], (typeof pages)[0]];
      await a.evaluate(async () => {
        await window.bootlab!.send("ifconfig eth0 10.0.0.1 up && mkdir -p /www && echo served-by-$((40+2)) > /www/index.html && httpd -p 80 -h /www && echo serving\n");
        await window.bootlab!.waitFor(/\nserving\r?\n/, 60_000);
      });
      await b.evaluate(async () => {
        await window.bootlab!.send("ifconfig eth0 10.0.0.2 up && ping -c 2 10.0.0.1 && wget -q -O - http://10.0.0.1/\n");
        await window.bootlab!.waitFor("2 packets received", 60_000);
        await window.bootlab!.waitFor("served-by-42", 60_000);
      });
      assert.deepEqual(errors.flat(), []);
    } finally {
      for (const page of pages) await page.close();
    }
  });
});
