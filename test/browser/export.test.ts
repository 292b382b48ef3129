// Export in real Chromium, taken home: the bundle zip downloaded from the page is booted by the
// CLI (`bootlab boot --bundle F.zip --emulator qemu`) in real QEMU, which prints the marker the
// page wrote; the initramfs download (the bundle's: base archive, then the files) is listed in
// full by `bootlab unpack --list` and its base part by GNU cpio.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { collectPageErrors, launchChromium, REPO_ROOT, screenshot, serveDist, type LaunchedChromium, type StaticServer } from "./harness.ts";
import { waitForApi } from "./share-helpers.ts";

const MARKER_INIT = `#!/bin/sh\necho "EXPORT-MARKER-$((6*7))"\ncat /etc/lesson.txt\npoweroff -f\n`;
const LESSON = "a file that travels in the bundle\n";

let server: StaticServer;
let chromium: LaunchedChromium;
let page: Page;
let errors: string[];
let work: string;

async function downloadFrom(testId: string): Promise<{ path: string; name: string }> {
  await page.getByTestId("export").click();
  await page.getByTestId("export-panel").waitFor();
  const download = page.waitForEvent("download", { timeout: 120_000 });
  await page.getByTestId(testId).click();
  const file = await download;
  const path = join(work, file.suggestedFilename());
  await file.saveAs(path);
  await page.getByTestId("export-panel").waitFor({ state: "detached" });
  return { path, name: file.suggestedFilename() };
}

describe("export", () => {
  before(async () => {
    work = mkdtempSync(join(tmpdir(), "bootlab-export-"));
    server = await serveDist();
    chromium = await launchChromium();
    page = await chromium.context.newPage();
    errors = collectPageErrors(page);
    await page.goto(server.url);
    await waitForApi(page);
    await page.evaluate(([init, lesson]) => Promise.all([window.bootlab!.writeFile("/init", init!, { mode: 0o755 }), window.bootlab!.writeFile("/etc/lesson.txt", lesson!)]), [MARKER_INIT, LESSON]);
  });

  after(async () => {
    if (errors.length) console.log(`page errors:\n${errors.join("\n")}`);
    await chromium?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test("the bundle downloaded from the page boots in QEMU through the CLI and shows the page's marker", async () => {
    const { path, name } = await downloadFrom("export-bundle");
    assert.match(name, /\.zip$/);
    await screenshot(page, "export-downloaded");
    const listing = spawnSync("unzip", ["-Z1", path], { encoding: "utf8" });
    assert.equal(listing.status, 0, listing.stderr);
    // Every file of the project goes to src/, next to the parts that boot.
    const projectFiles = (await page.evaluate(() => window.bootlab!.listFiles())).filter((f) => !f.readOnly && f.kind === "file").map((f) => `src${f.path}`);
    assert.ok(projectFiles.includes("src/init") && projectFiles.includes("src/etc/lesson.txt"));
    assert.deepEqual(listing.stdout.trim().split("\n").sort(), ["README.md", "bundle.json", "bzImage", "initramfs.cpio.gz", "run-qemu.sh", ...projectFiles].sort());
    const readme = spawnSync("unzip", ["-p", path, "README.md"], { encoding: "utf8" }).stdout;
    assert.match(readme, /bootlab boot --bundle/);

    const boot = spawnSync(process.execPath, [join(REPO_ROOT, "src/cli/bin.mjs"), "boot", "--bundle", path, "--emulator", "qemu", "--accel", "tcg", "--timeout", "90"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      input: "",
      timeout: 150_000,
    });
    assert.equal(boot.status, 0, `bootlab boot --bundle exited ${boot.status}\n${boot.stderr}\n${boot.stdout.slice(-2000)}`);
    assert.match(boot.stdout, /EXPORT-MARKER-42/);
    assert.match(boot.stdout, /a file that travels in the bundle/);
  });

  test("window.bootlab.exportBundle() gives the same kind of zip as a Blob", async () => {
    const blob = await page.evaluate(async () => {
      const started = performance.now();
      const b = await window.bootlab!.exportBundle();
      const ms = performance.now() - started;
      return { type: b.type, size: b.size, ms, magic: String.fromCharCode(...new Uint8Array(await b.slice(0, 4).arrayBuffer())) };
    });
    // A figure for the report, not a limit: the whole initrd is compressed in the export worker.
    console.log(`  exportBundle(): ${blob.size} bytes in ${blob.ms.toFixed(0)} ms (second export, worker warm)`);
    assert.equal(blob.type, "application/zip");
    assert.equal(blob.magic, "PK\u0003\u0004");
    assert.ok(blob.size > 1_000_000, String(blob.size));
  });

  test("download initramfs: the bundle's .cpio.gz; bootlab unpack lists and unpacks every file", async () => {
    const { path, name } = await downloadFrom("export-initramfs");
    assert.match(name, /-initramfs\.cpio\.gz$/);
    const bootlab = (...args: string[]) => spawnSync(process.execPath, [join(REPO_ROOT, "src/cli/bin.mjs"), ...args], { encoding: "utf8" });
    const list = bootlab("unpack", "--list", path);
    assert.equal(list.status, 0, list.stderr);
    const names = list.stdout.trim().split("\n").map((line) => line.replace(/ -> .*$/, "").split(" ").at(-1)!);
    for (const wanted of ["init", "etc/lesson.txt", "bin/busybox", "bin/sh"]) assert.ok(names.includes(wanted), `${wanted} missing from ${names.length} entries`);
    const root = join(work, "unpacked");
    const unpack = bootlab("unpack", path, "-o", root);
    assert.equal(unpack.status, 0, unpack.stderr);
    assert.equal(readFileSync(join(root, "init"), "utf8"), MARKER_INIT, "the project's /init replaces the base's");
    // GNU cpio reads the first archive, the base, as the bundle's README says.
    const gnu = spawnSync("sh", ["-c", 'gzip -dc "$1" | cpio -t --quiet', "sh", path], { encoding: "utf8" });
    assert.equal(gnu.status, 0, gnu.stderr);
    assert.ok(gnu.stdout.split("\n").includes("bin/busybox"));
    assert.ok(readFileSync(path).length > 500_000);
  });
});
