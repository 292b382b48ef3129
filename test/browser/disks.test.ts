// Disks in the page (issue 12): the `disks` template's data disks are trees of the project,
// edited like the initramfs; a boot writes them, the guest reads the edit and writes a file of
// its own, and "Guest's changes" keeps that file in the project, which a reload still has. The
// RAM disk says it cannot be read back.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readBundle } from "../../src/core/bundle/index.ts";
import { readExt4 } from "../../src/core/ext4/index.ts";
import { collectPageErrors, screenshot, waitForPrompt, type Page, siteInChromium } from "./harness.ts";
import { BOOT_MS, waitForApi, waitForOutput } from "./share-helpers.ts";


/** Types a command line and waits for `expect` (a RegExp source) in the output. */
async function run(page: Page, command: string, expect: string): Promise<string> {
  await page.evaluate((c) => window.bootlab!.send(`${c}\n`), command);
  return waitForOutput(page, expect, 60_000);
}

/** Polls IndexedDB itself (not the page's code) until a stored project has `text` at `path` on `disk`. */
async function waitForStoredDiskFile(page: Page, disk: string, path: string, text: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const found = await page.evaluate(
      ([d, p, t]) =>
        new Promise<boolean>((resolve, reject) => {
          const open = indexedDB.open("bootlab:main");
          open.onerror = () => reject(open.error);
          open.onsuccess = () => {
            const db = open.result;
            const values = db.transaction("kv").objectStore("kv").getAll();
            values.onsuccess = () => {
              db.close();
              const projects = values.result as Array<{ disks?: Array<{ name: string; files: Array<{ path: string; text?: string }> }> }>;
              resolve(projects.some((project) => project.disks?.find((x) => x.name === d)?.files.some((f) => f.path === p && f.text === t) ?? false));
            };
            values.onerror = () => reject(values.error);
          };
        }),
      [disk, path, text] as const,
    );
    if (found) return;
    if (performance.now() > deadline) throw new Error(`no stored project has ${disk}:${path} with ${JSON.stringify(text)} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("disks in the page", () => {
  const site = siteInChromium();

  test("disks: edit a data disk's file, the guest reads it and writes one, Keep puts the guest's file in the project, a reload still has it", async () => {
    const page = await site.chromium.context.newPage();
    const errors = collectPageErrors(page);
    try {
      await page.goto(`${site.server.url}?template=disks`);
      await waitForApi(page);
      const first = await waitForPrompt(page, 0, BOOT_MS);
      assert.equal(typeof first.diskWriteMs, "number", "the boot timed its disk writes");
      console.log(`disks template in the page: the worker wrote its 2 data disks (2 x 4 MiB ext4) in ${first.diskWriteMs} ms (planMs ${first.planMs})`);

      // One tree per disk, labelled by name and device.
      const data1 = page.getByTestId("disk-tree-data1");
      assert.equal(await page.locator('[data-disk="data1"] .section-title span').first().textContent(), "data1 — /dev/sda");
      assert.equal(await page.locator('[data-disk="data2"] .section-title span').first().textContent(), "data2 — /dev/sdb");
      await data1.locator('[data-path="data1:/README.txt"]').click();
      assert.equal(await page.getByTestId("editor-path").textContent(), "data1:/README.txt");

      // A file command on the disk's tree: + File asks for a path on data1.
      await page.getByTestId("new-file-data1").click();
      const dialog = page.locator("dialog.modal");
      await dialog.locator("input").fill("/notes/from-page.txt");
      await dialog.locator("button[type=submit]").click();
      await data1.locator('[data-path="data1:/notes/from-page.txt"]').waitFor();
      // And an edit through window.bootlab, on the disk named by its option.
      const edited = `edited in the page: DISK-EDIT-${process.pid}\n`;
      await page.evaluate((text) => window.bootlab!.writeFile("/notes/todo.txt", text, { disk: "data1" }), edited);
      assert.equal(await page.evaluate(() => window.bootlab!.readFile("/notes/todo.txt", { disk: "data1" })), edited);
      await assert.rejects(
        page.evaluate(() => window.bootlab!.readFile("/notes/todo.txt", { disk: "data9" })),
        /no disk named "data9"; its disks are data1, data2/,
      );
      const listed = await page.evaluate(() => window.bootlab!.listFiles());
      assert.ok(listed.some((f) => f.disk === "data1" && f.path === "/notes/from-page.txt"));

      // Export goes through the same plan: the bundle's disks/sda.img holds the edit.
      const zip = new Uint8Array(await page.evaluate(async () => Array.from(new Uint8Array(await (await window.bootlab!.exportBundle()).arrayBuffer()))));
      const bundle = readBundle(zip, { sources: false });
      assert.equal(bundle.disks.length, 2);
      const todo = readExt4(bundle.disks[0]!).find((e) => e.path === "notes/todo.txt");
      assert.equal(todo?.kind === "file" ? new TextDecoder().decode(todo.data) : undefined, edited, "the exported data1 image has the page's edit");
      assert.ok(readExt4(bundle.disks[0]!).some((e) => e.path === "notes/from-page.txt"));

      // Boot: the worker writes the edited trees; the guest reads the edit on /dev/sda.
      await page.evaluate(() => window.bootlab!.reboot());
      const second = await waitForPrompt(page, first.bootId!, BOOT_MS);
      await page.evaluate(() => window.bootlab!.send("\n")); // BusyBox init asks for Enter first
      await run(page, "cat /mnt/data1/notes/todo.txt", `DISK-EDIT-${process.pid}`);
      await run(page, "ls /mnt/data1/notes/ && echo LISTED-$((20+1))", "from-page\\.txt[\\s\\S]*LISTED-21");

      // The guest writes a file onto the disk and syncs it.
      await run(page, `echo GUEST-$((40+2)) > /mnt/data1/from-guest.txt && sync && echo SYNCED-$((1+1))`, "SYNCED-2");
      const report = await page.evaluate(() => window.bootlab!.diskChanges("data1"));
      assert.equal(report.device, "/dev/sda");
      assert.equal(report.bootId, second.bootId);
      assert.equal(report.running, true);
      const added = report.changes.find((c) => c.path === "/from-guest.txt");
      assert.deepEqual(added && { change: added.change, text: added.text, keepable: added.keepable }, { change: "added", text: "GUEST-42\n", keepable: true });
      assert.deepEqual((await page.evaluate(() => window.bootlab!.diskChanges("data2"))).changes, [], "data2 is as written");

      // Keep, through the tree's "Guest's changes" dialog.
      await page.getByTestId("disk-changes-data1").click();
      const changes = page.getByTestId("disk-changes-dialog");
      await changes.locator('[data-path="/from-guest.txt"]').waitFor();
      await screenshot(page, "disks-guest-changes");
      await changes.locator('[data-choice="keep"]').click();
      await data1.locator('[data-path="data1:/from-guest.txt"]').waitFor();
      assert.equal(await page.evaluate(() => window.bootlab!.readFile("/from-guest.txt", { disk: "data1" })), "GUEST-42\n");
      // Kept again: nothing new, and the project's tree now equals the disk.
      const again = await page.evaluate(() => window.bootlab!.keepDiskChanges("data1"));
      assert.deepEqual(again.notKept, []);
      assert.ok(again.kept.includes("/from-guest.txt"));
      // A share link carries the disk trees (version 2).
      assert.match(await page.evaluate(() => window.bootlab!.shareLink()), /#share\/2\//);

      // The project is saved: a reload opens it with the guest's file on data1.
      await waitForStoredDiskFile(page, "data1", "/from-guest.txt", "GUEST-42\n");
      await page.reload();
      await waitForApi(page);
      assert.equal(await page.evaluate(() => window.bootlab!.readFile("/from-guest.txt", { disk: "data1" })), "GUEST-42\n");
      assert.equal(await page.evaluate(() => window.bootlab!.readFile("/notes/todo.txt", { disk: "data1" })), edited);
      // And the next boot writes it: the guest finds its own file again.
      const beforeBoot = (await page.evaluate(() => window.bootlab!.metrics())).bootId ?? 0;
      await page.evaluate(() => window.bootlab!.reboot());
      await waitForPrompt(page, beforeBoot, BOOT_MS);
      await page.evaluate(() => window.bootlab!.send("\n"));
      await run(page, "cat /mnt/data1/from-guest.txt && echo READ-$((3+4))", "GUEST-42\\s+READ-7");
      // A write the project does not keep is named when the next boot replaces it.
      await run(page, "echo LOST > /mnt/data1/lost.txt && sync && echo SYNCED-$((2+3))", "SYNCED-5");
      const lastBoot = (await page.evaluate(() => window.bootlab!.metrics())).bootId!;
      await page.evaluate(() => window.bootlab!.reboot());
      await page.getByTestId("status-message").filter({ hasText: /wrote to data1 \(1 change: added \/lost\.txt\), which the project did not keep/ }).waitFor({ timeout: 20_000 });
      await waitForPrompt(page, lastBoot, BOOT_MS);
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });

  test("ramdisk-ext4: the RAM disk's tree is edited and linted, and reading it back says why it cannot be", async () => {
    const page = await site.chromium.context.newPage();
    const errors = collectPageErrors(page);
    try {
      await page.goto(`${site.server.url}?template=ramdisk-ext4`);
      await waitForApi(page);
      await waitForPrompt(page, 0, BOOT_MS);
      assert.equal(await page.locator('[data-disk="root"] .section-title span').first().textContent(), "root — /dev/ram0");
      assert.match(await page.locator('[data-disk="root"]').textContent() ?? "", /cannot read it back/);
      await assert.rejects(page.evaluate(() => window.bootlab!.diskChanges("root")), /RAM disk.*no way to read it back/);
      // The disk's files are linted like the initramfs's: a broken fstab line on the root disk.
      await page.evaluate(() => window.bootlab!.writeFile("/etc/fstab", "proc /proc\n", { disk: "root" }));
      await page.locator('[data-path="root:/etc/fstab"] .problems').waitFor({ timeout: 10_000 });
      const code = await page.evaluate(() => window.bootlab!.diskChanges("root").then(() => "resolved", (e: { code?: string }) => e.code));
      assert.equal(code, "disk-not-readable");
      assert.deepEqual(errors, []);
    } finally {
      await page.close();
    }
  });
});
