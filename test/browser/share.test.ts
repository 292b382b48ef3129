// Share links in real Chromium: a link made in the page opens as a new project next to the
// user's own (which stays as it was), and damaged, cut-off, newer-format and too-long links
// say so in the page.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { collectPageErrors, launchChromium, screenshot, siteInChromium } from "./harness.ts";
import { storedProjects, waitForApi, waitForOutput, waitForSaved } from "./share-helpers.ts";

let author: Page;
let link: string;
const MARKER = `SHARED-MARKER-${Date.now()}`;
const INIT = `#!/bin/sh\nmount -t devtmpfs devtmpfs /dev\necho ${MARKER}-$((6*7))\nexec /sbin/init\n`;
const MOTD = "Welcome to a shared lesson.\n";
const CMDLINE = "console=ttyS0 bootlab.lesson=share";

const site = siteInChromium({ serve: { subPath: "/lab/" } });

/** Opens `url` in a new tab of the same browser (same IndexedDB), with its errors collected. */
async function openTab(url: string): Promise<{ page: Page; errors: string[] }> {
  const page = await site.chromium.context.newPage();
  const errors = collectPageErrors(page);
  await page.goto(url);
  await waitForApi(page);
  return { page, errors };
}

describe("share links", () => {
  before(async () => {
    author = await site.chromium.context.newPage();
    await author.goto(site.server.url);
    await waitForApi(author);
  });

  test("the Share button makes a link with the files, the command line and the template", async () => {
    await author.evaluate(
      ([init, motd, cmdline]) => Promise.all([window.bootlab!.writeFile("/init", init!, { mode: 0o755 }), window.bootlab!.writeFile("/etc/motd", motd!), window.bootlab!.setCmdline(cmdline!)]),
      [INIT, MOTD, CMDLINE],
    );
    await author.getByTestId("share").click();
    const field = author.getByTestId("share-url");
    await field.waitFor();
    link = await field.inputValue();
    assert.match(link, new RegExp(`^${site.server.url.replace(/[.]/g, "\\.")}#share/1/[A-Za-z0-9_-]+$`));
    assert.equal(await author.evaluate(() => window.bootlab!.shareLink()), link, "window.bootlab.shareLink() gives the same link");
    assert.match(await author.getByTestId("embed-snippet").inputValue(), /<iframe src="http:\/\/127\.0\.0\.1:\d+\/lab\/embed\.html\?template=[\w-]+#share\/1\//);
    await screenshot(author, "share-panel");
    await author.getByTestId("panel-close").click();
    await waitForSaved(author, "/init", INIT);
  });

  test("opening the link shows its files as a new project; the user's own project is untouched", async () => {
    const before = await storedProjects(author);
    assert.equal(before.length, 1);
    const { page, errors } = await openTab(link);
    assert.equal(await page.evaluate(() => window.bootlab!.readFile("/init")), INIT);
    assert.equal(await page.evaluate(() => window.bootlab!.readFile("/etc/motd")), MOTD);
    assert.equal(await page.getByTestId("cmdline").inputValue(), CMDLINE);
    // The address now names the new project and holds its files (the link's, unchanged), so a
    // reload opens that saved project, not the link again.
    await page.waitForFunction(() => new URL(location.href).searchParams.has("project"));
    assert.equal(new URL(page.url()).hash, new URL(link).hash);
    await waitForOutput(page, `${MARKER}-42`);
    const after = await storedProjects(page);
    assert.equal(after.length, 2, JSON.stringify(after.map((p) => p.name)));
    const original = after.find((p) => p.id === before[0]!.id);
    assert.deepEqual(original, before[0], "the user's own project is stored as it was");
    const shared = after.find((p) => p.id !== before[0]!.id)!;
    assert.match(shared.name, /^Shared: /);
    assert.equal(shared.cmdline, CMDLINE);
    assert.match(await page.getByTestId("projects").innerText(), /Shared: /);
    await screenshot(page, "share-opened");
    // A reload opens a saved project (which one: the tab saved last), not the link again.
    await page.reload();
    await waitForApi(page);
    await page.getByTestId("share").waitFor();
    assert.equal((await storedProjects(page)).length, 2);
    assert.deepEqual(errors, []);
    await page.close();
  });

  for (const [what, mangle, title, message] of [
    ["a damaged link", (url: string) => url.slice(0, -30) + "A".repeat(20) + url.slice(-10), /Cannot open this link/, /This share link is damaged \(.+\)\. Nothing was changed/],
    ["a cut-off link", (url: string) => url.slice(0, Math.floor(url.length * 0.7)), /Cannot open this link/, /This share link is incomplete: it carries \d+ of its \d+ bytes/],
    ["a link from a newer bootlab", (url: string) => url.replace("#share/1/", "#share/7/"), /Cannot open this link/, /format version 7, but this copy of bootlab reads versions up to 2/],
  ] as const) {
    test(`${what} is explained in the page and changes nothing`, async () => {
      const before = await storedProjects(author);
      const { page, errors } = await openTab(mangle(link));
      const panel = page.getByTestId("error-panel");
      await panel.waitFor();
      assert.match(await panel.locator("h2").innerText(), title);
      assert.match(await page.getByTestId("panel-message").innerText(), message);
      assert.equal(await panel.getAttribute("role"), "alertdialog");
      // The page opened the saved project as usual and stored nothing new.
      assert.deepEqual(await storedProjects(page), before);
      assert.deepEqual(errors, [], "a bad link is a message in the page, not a console error");
      if (what === "a damaged link") await screenshot(page, "share-corrupt-link");
      await page.close();
    });
  }

  test("a link pasted into an open page opens as a new project", async () => {
    // A page with another project open (the address of the link's own project would not change).
    const { page } = await openTab(`${site.server.url}?template=minimal-init`);
    await page.getByTestId("share").waitFor(); // the share feature is installed
    const before = await storedProjects(page);
    const count = before.length;
    const openId = await page.evaluate(() => document.querySelector("[data-testid=projects]")?.textContent);
    await page.evaluate((hash) => (location.hash = hash), link.slice(link.indexOf("#")));
    // The second copy of the same link gets a name of its own.
    await page.waitForFunction(() => /Shared: .* \(2\)/.test(document.querySelector("[data-testid=projects]")?.textContent ?? ""), null, { timeout: 20_000 });
    assert.notEqual(await page.evaluate(() => document.querySelector("[data-testid=projects]")?.textContent), openId);
    assert.equal(await page.evaluate(() => window.bootlab!.readFile("/etc/motd")), MOTD);
    await page.waitForFunction((hash) => location.hash === hash, new URL(link).hash);
    const deadline = Date.now() + 5000;
    while ((await storedProjects(page)).length !== count + 1 && Date.now() < deadline) await page.waitForTimeout(100);
    assert.equal((await storedProjects(page)).length, count + 1);
    await page.close();
  });

  test("parameters the full page does not read are listed in the page, with the one meant", async () => {
    const { page, errors } = await openTab(`${site.server.url}?templat=minimal-init&readOnly=1`);
    const button = page.getByTestId("address-ignored");
    await button.waitFor();
    assert.equal(await button.getAttribute("aria-label"), "2 address parameters were ignored");
    await button.click();
    const items = await page.getByTestId("address-warnings").locator("li").allInnerTexts();
    assert.equal(items.length, 2);
    assert.match(items[0]!, /"templat" ignored \(did you mean "template"\?/);
    assert.match(items[1]!, /"readOnly" ignored: "readonly" applies to embedded playgrounds/);
    await screenshot(page, "address-ignored");
    // A clean address shows no such button.
    const clean = await openTab(`${site.server.url}?template=minimal-init`);
    await clean.page.getByTestId("share").waitFor();
    assert.equal(await clean.page.getByTestId("address-ignored").count(), 0);
    assert.deepEqual(errors, []);
    await clean.page.close();
    await page.close();
  });

  test("the address holds the open project: edits change it, a reload opens the same project, another browser a copy", async () => {
    const { page, errors } = await openTab(site.server.url);
    await page.waitForFunction(() => document.documentElement.dataset.urlState === "project");
    const id = new URL(page.url()).searchParams.get("project");
    assert.ok(id);
    const count = (await storedProjects(page)).length;
    await page.evaluate(() => window.bootlab!.writeFile("/etc/motd", "edited in the address\n"));
    await page.waitForFunction((before) => location.hash !== before, new URL(page.url()).hash);
    const address = page.url();
    assert.match(address, /\?project=[^#]+#share\/1\/[A-Za-z0-9_-]+$/);
    await waitForSaved(page, "/etc/motd", "edited in the address\n");
    await page.reload();
    await waitForApi(page);
    assert.equal(await page.evaluate(() => window.bootlab!.readFile("/etc/motd")), "edited in the address\n");
    assert.equal(new URL(page.url()).searchParams.get("project"), id, "the same project, not a copy");
    assert.equal((await storedProjects(page)).length, count);
    // The address in another browser (no such project there) opens its files as a new project.
    const other = await launchChromium();
    try {
      const stranger = await other.context.newPage();
      await stranger.goto(address);
      await waitForApi(stranger);
      assert.equal(await stranger.evaluate(() => window.bootlab!.readFile("/etc/motd")), "edited in the address\n");
      await stranger.waitForFunction((old) => new URL(location.href).searchParams.get("project") !== old, id);
    } finally {
      await other.close();
    }
    assert.deepEqual(errors, []);
    await page.close();
  });

  test("a project too large for a link says so and offers an export instead", async () => {
    // Random text does not compress: about 12 KB of it cannot fit in 8000 characters.
    const noise = await author.evaluate(() => {
      const bytes = crypto.getRandomValues(new Uint8Array(9000));
      return btoa(String.fromCharCode(...bytes)).replace(/.{76}/g, "$&\n");
    });
    await author.evaluate((text) => window.bootlab!.writeFile("/etc/noise.txt", text), noise);
    await assert.rejects(
      author.evaluate(() => window.bootlab!.shareLink().catch((e: { code: string; message: string }) => Promise.reject(new Error(`${e.code}: ${e.message}`)))),
      /too-long: This project makes a share link of \d+ characters, more than the 8000/,
    );
    await author.getByTestId("share").click();
    const panel = author.getByTestId("error-panel");
    await panel.waitFor();
    assert.match(await panel.locator("h2").innerText(), /Too long for a link/);
    assert.match(await author.getByTestId("panel-message").innerText(), /Export it as a bundle \(zip\) instead/);
    await screenshot(author, "share-too-long");
    const download = author.waitForEvent("download", { timeout: 60_000 });
    await author.getByTestId("share-export-instead").click();
    assert.match((await download).suggestedFilename(), /\.zip$/);
    await author.evaluate(() => window.bootlab!.removeFile("/etc/noise.txt"));
  });
});
