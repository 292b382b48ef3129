// Import in real Chromium: archives made by GNU cpio (`cpio -o -H newc`), chosen with the
// Import button or dropped on the page, become a new project (text editable, binaries listed,
// symlinks kept) that boots and describes itself; a corrupt archive shows the reader's message
// and changes nothing. Files added from disk: a static ELF uploaded as /init boots.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { collectPageErrors, launchChromium, REPO_ROOT, screenshot, serveDist, type LaunchedChromium, type StaticServer } from "./harness.ts";
import { storedProjects, waitForApi, waitForOutput } from "./share-helpers.ts";

const INIT = "#!/bin/sh\nmount -t devtmpfs devtmpfs /dev\necho IMPORT-MARKER-$((6*7))\ncat /etc/lesson/notes.txt\necho LINK=$(readlink /usr/bin/hi)\nexec /bin/sh\n";
const NOTES = "notes from an imported archive\n";

let server: StaticServer;
let chromium: LaunchedChromium;
let page: Page;
let errors: string[];
let work: string;
let plain: string;
let gzipped: string;

/** `find . | cpio -o -H newc` in `dir`, the way the tutorials pack an initramfs. */
function gnuCpio(dir: string, out: string, gzip: boolean): void {
  const result = spawnSync("sh", ["-c", `cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet ${gzip ? "| gzip -9" : ""} > "$2"`, "sh", dir, out], { encoding: "utf8" });
  assert.equal(result.status, 0, `cpio: ${result.stderr}`);
}

async function waitForProjectCount(count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await storedProjects(page)).length !== count && Date.now() < deadline) await page.waitForTimeout(100);
  assert.equal((await storedProjects(page)).length, count);
}

describe("import", () => {
  before(async () => {
    work = mkdtempSync(join(tmpdir(), "bootlab-import-"));
    const tree = join(work, "rootfs");
    mkdirSync(join(tree, "etc/lesson"), { recursive: true });
    mkdirSync(join(tree, "usr/bin"), { recursive: true });
    writeFileSync(join(tree, "init"), INIT);
    chmodSync(join(tree, "init"), 0o755);
    writeFileSync(join(tree, "etc/lesson/notes.txt"), NOTES);
    copyFileSync(join(REPO_ROOT, "prebuilt/i386/hello"), join(tree, "usr/bin/hello"));
    chmodSync(join(tree, "usr/bin/hello"), 0o755);
    symlinkSync("hello", join(tree, "usr/bin/hi"));
    plain = join(work, "lesson.cpio");
    gzipped = join(work, "lesson.cpio.gz");
    gnuCpio(tree, plain, false);
    gnuCpio(tree, gzipped, true);

    server = await serveDist();
    chromium = await launchChromium();
    page = await chromium.context.newPage();
    errors = collectPageErrors(page);
    await page.goto(server.url);
    await waitForApi(page);
  });

  after(async () => {
    if (errors.length) console.log(`page errors:\n${errors.join("\n")}`);
    await chromium?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test("a GNU cpio archive chosen with Import becomes a new project that boots", async () => {
    const before = await storedProjects(page);
    await page.getByTestId("import-input").setInputFiles(plain);
    const summary = page.getByTestId("import-summary");
    await summary.waitFor();
    assert.match(
      await page.getByTestId("import-counts").innerText(),
      /^Opened as the new project "Imported: lesson\.cpio": 2 editable text files, 1 binary file \(kept as they are, not editable\), 1 link or special file kept\. Your other projects are unchanged\.$/,
    );
    assert.match(await summary.innerText(), /\/usr\/bin\/hello/);
    assert.match(await summary.innerText(), /\/usr\/bin\/hi -> hello/);
    await screenshot(page, "import-summary");
    assert.equal(await page.evaluate(() => window.bootlab!.readFile("/init")), INIT);
    assert.equal(await page.evaluate(() => window.bootlab!.readFile("/etc/lesson/notes.txt")), NOTES);
    const hello = (await page.evaluate(() => window.bootlab!.listFiles())).find((f) => f.path === "/usr/bin/hello");
    assert.deepEqual({ binary: hello?.binary, mode: hello?.mode, size: hello?.size }, { binary: true, mode: 0o755, size: readFileSync(join(REPO_ROOT, "prebuilt/i386/hello")).length });
    await waitForProjectCount(before.length + 1);
    const stored = await storedProjects(page);
    for (const project of before) assert.deepEqual(stored.find((p) => p.id === project.id), project, "the earlier projects are untouched");
    const link = (await page.evaluate(() => window.bootlab!.listFiles())).find((f) => f.path === "/usr/bin/hi");
    assert.equal(link?.kind, "symlink", "the archive's symlink is kept");
    await page.getByTestId("import-boot").click();
    await waitForOutput(page, "IMPORT-MARKER-42");
    await waitForOutput(page, NOTES.trim());
    await waitForOutput(page, "LINK=hello");
    // The files pane describes the imported project, not the template it lies over.
    const info = await page.locator(".template-info").innerText();
    assert.match(info, /Imported: lesson\.cpio/);
    assert.doesNotMatch(info, /BusyBox init: inittab/);
    assert.match(await page.getByTestId("overlay-tree").innerText(), /hi → hello/);
  });

  test("a gzip-compressed archive dropped on the page imports too", async () => {
    const count = (await storedProjects(page)).length;
    const bytes = readFileSync(gzipped).toString("base64");
    const dataTransfer = await page.evaluateHandle((b64) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], "lesson.cpio.gz", { type: "application/gzip" }));
      return transfer;
    }, bytes);
    await page.dispatchEvent("body", "dragenter", { dataTransfer });
    assert.equal(await page.locator(".drop-overlay").isVisible(), true, "the page shows where to drop");
    await page.dispatchEvent("body", "drop", { dataTransfer });
    await page.getByTestId("import-summary").waitFor();
    assert.match(await page.getByTestId("import-counts").innerText(), /"Imported: lesson\.cpio\.gz"/);
    assert.equal(await page.locator(".drop-overlay").isVisible(), false);
    assert.equal(await page.evaluate(() => window.bootlab!.readFile("/etc/lesson/notes.txt")), NOTES);
    await page.getByTestId("import-summary").getByTestId("panel-close").click();
    await waitForProjectCount(count + 1);
  });

  for (const [what, mangle, reason] of [
    ["a truncated archive", (b: Buffer) => b.subarray(0, Math.floor(b.length / 2)), /lesson-bad\.cpio is not an archive bootlab can read \(.+\)\. Nothing was changed\./],
    ["an archive with a damaged header", (b: Buffer) => Buffer.concat([Buffer.from("070701ZZZZZZZZ"), b.subarray(14)]), /lesson-bad\.cpio is not an archive bootlab can read \(.+\)\. Nothing was changed\./],
    ["a file that is no archive at all", () => Buffer.from("just some notes, not a cpio archive\n"), /lesson-bad\.cpio is not an archive bootlab can read \(.+\)\. Nothing was changed\./],
  ] as const) {
    test(`${what} shows the reader's error and changes nothing`, async () => {
      const before = await storedProjects(page);
      const init = await page.evaluate(() => window.bootlab!.readFile("/init"));
      const openProject = await page.getByTestId("projects").innerText();
      const bad = join(work, "lesson-bad.cpio");
      writeFileSync(bad, mangle(readFileSync(plain)));
      await page.getByTestId("import-input").setInputFiles(bad);
      const panel = page.getByTestId("error-panel");
      await panel.waitFor();
      const message = await page.getByTestId("panel-message").innerText();
      assert.match(message, reason);
      console.log(`  ${what}: ${message}`);
      if (what === "a truncated archive") await screenshot(page, "import-corrupt");
      await panel.getByTestId("panel-close").click();
      // A successful import opens its project at once (the projects button names it) and stores
      // it; so the open project, its files and what IndexedDB holds must all be as before.
      assert.equal(await page.getByTestId("projects").innerText(), openProject);
      assert.deepEqual(await storedProjects(page), before);
      assert.equal(await page.evaluate(() => window.bootlab!.readFile("/init")), init);
    });
  }

  test("a static ELF added from disk boots as /init", async () => {
    const hello = join(REPO_ROOT, "prebuilt/i386/hello");
    await page.getByTestId("upload-input").setInputFiles(hello);
    const dialog = page.getByRole("dialog", { name: "Add hello" });
    await dialog.waitFor();
    await dialog.getByRole("textbox").fill("/init");
    await dialog.getByRole("button", { name: "Add" }).click();
    const init = (await page.evaluate(() => window.bootlab!.listFiles())).find((f) => f.path === "/init");
    assert.deepEqual({ binary: init?.binary, mode: init?.mode, size: init?.size }, { binary: true, mode: 0o755, size: readFileSync(hello).length });
    assert.match(await page.getByTestId("status-message").innerText(), /Added \/init \(an ELF program\)/);
    await page.evaluate(() => window.bootlab!.reboot({ cold: true }));
    await waitForOutput(page, "Hello, World!");
    assert.match(await page.evaluate(() => window.bootlab!.output()), /Run \/init as init process/);
    await screenshot(page, "upload-elf-init");
  });
});
