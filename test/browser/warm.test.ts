// Warm reboots in the page (issue 11): after the first boot, every reboot restores the snapshot
// the worker made once the guest went quiet, shows each edit, and a reload boots warm from the
// snapshot kept in IndexedDB; reboot({ cold: true }) boots cold and says why.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { collectPageErrors, waitForPrompt, siteInChromium } from "./harness.ts";

const BOOT_MS = 90_000;


describe("warm reboots in the page", () => {
  const site = siteInChromium();

  test("five reboots with edits: warm after the first, each edit shown; a reload is warm; cold when asked", async () => {
    const page = await site.chromium.context.newPage();
    const errors = collectPageErrors(page);
    const untilPrompt = (bootId: number) => waitForPrompt(page, bootId, BOOT_MS);
    const metrics = () => page.evaluate(() => window.bootlab!.metrics());
    const requested: string[] = [];
    page.on("request", (request) => requested.push(new URL(request.url()).pathname));
    try {
      await page.goto(`${site.server.url}?template=busybox-init`);
      await page.waitForFunction(() => window.bootlab !== undefined, null, { timeout: 20_000 });
      await untilPrompt(0);
      const first = await metrics();
      assert.equal(first.warm, false, "the first visit's first boot is cold");
      assert.match(first.coldReason ?? "", /no warm snapshot/);
      assert.ok(!requested.some((path) => path.endsWith("/warm-agent")), "a first visit's boot fetches nothing for warm boots before its prompt");

      for (let i = 1; i <= 5; i++) {
        const before = (await metrics()).bootId!;
        await page.evaluate(async (n) => {
          await window.bootlab!.writeFile("/etc/motd", `edit number ${n}\n`);
          await window.bootlab!.reboot();
        }, i);
        await untilPrompt(before);
        const m = await metrics();
        assert.equal(m.warm, true, `reboot ${i} is warm (cold because: ${m.coldReason})`);
        await page.evaluate(async (n) => {
          await window.bootlab!.send("cat /etc/motd\n");
          await window.bootlab!.waitFor(`edit number ${n}`, 20_000);
        }, i);
      }

      assert.ok(requested.some((path) => path.endsWith("/warm-agent")), "the snapshot boot fetched the agent");
      // The next visit: the kept snapshot serves the first boot.
      await page.reload();
      await page.waitForFunction(() => window.bootlab !== undefined, null, { timeout: 20_000 });
      await untilPrompt(0);
      const revisit = await metrics();
      assert.equal(revisit.warm, true, `a reload boots warm from the kept snapshot (cold because: ${revisit.coldReason})`);
      await page.evaluate(async () => {
        await window.bootlab!.send("cat /etc/motd\n");
        await window.bootlab!.waitFor("edit number 5", 20_000);
      });

      const before = revisit.bootId!;
      await page.evaluate(() => window.bootlab!.reboot({ cold: true }));
      await untilPrompt(before);
      const cold = await metrics();
      assert.equal(cold.warm, false);
      assert.match(cold.coldReason ?? "", /asked for/);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
