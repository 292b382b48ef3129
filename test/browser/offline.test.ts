// Offline after the first visit: once the first boot reached its prompt, the service worker
// (sw.js, versioned by the build and the manifest's hashes) keeps what the visit used; with the
// network gone, a reload boots from it. A new build is picked up on the next visit online, and
// its cache replaces the old one's.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { gunzipSync } from "fflate";
import { fileEntry, packCpioGz, readCpio } from "../../src/core/cpio/index.ts";
import type { Page } from "playwright-core";
import { buildSite, collectPageErrors, launchChromium, REPO_ROOT, screenshot, serveDist, type LaunchedChromium } from "./harness.ts";
import { BOOT_MS, waitForApi, waitForOutput } from "./share-helpers.ts";

let site: Awaited<ReturnType<typeof serveDist>>;
let chromium: LaunchedChromium;
let page: Page;
let errors: string[];
/** While set, the server answers sw.js late: the previous version's service worker keeps serving meanwhile. */
let slowServiceWorker = false;

async function bootToPrompt(): Promise<void> {
  await waitForApi(page);
  await page.locator('[data-testid=status][data-phase="ready"]').waitFor({ timeout: BOOT_MS });
}

const cacheNames = () => page.evaluate(async () => (await caches.keys()).filter((name) => name.startsWith("bootlab-")));

/** Keeping a visit's files (about 8 MB) may take long on a loaded machine: a wait, not a speed test. */
const KEEP_MS = 180_000;

describe("offline after the first visit", () => {
  before(async () => {
    site = await serveDist({ delayMs: (path) => (slowServiceWorker && path.endsWith("/sw.js") ? 20_000 : 0) });
    chromium = await launchChromium();
    page = await chromium.context.newPage();
    errors = collectPageErrors(page);
  });
  after(async () => {
    if (errors.length) console.log(`page errors:\n${errors.join("\n")}`);
    await chromium?.close();
    await site?.close();
  });

  test("the first visit boots, then the service worker keeps its files", async () => {
    await page.goto(site.url);
    await bootToPrompt();
    await page.locator('html[data-offline="ready"]').waitFor({ timeout: KEEP_MS });
    const version = /version ([0-9a-f]{16})/.exec(readFileSync(join(site.dir, "sw.js"), "utf8"))?.[1];
    assert.ok(version);
    assert.deepEqual(await cacheNames(), [`bootlab-${version}`]);
    const kept = await page.evaluate(async (name) => (await (await caches.open(name)).keys()).map((r) => new URL(r.url).pathname), `bootlab-${version}`);
    for (const wanted of ["/index.html", "/prebuilt/manifest.json", "/prebuilt/i386/tiny/bzImage", "/prebuilt/i386/base.cpio.gz"]) assert.ok(kept.includes(wanted), `${wanted} is kept: ${kept.join(" ")}`);
    assert.ok(kept.some((path) => /^\/assets\/v86-.*\.wasm$/.test(path)), "the wasm is kept");
  });

  test("with the network gone, a reload boots and the guest answers", async () => {
    await chromium.context.setOffline(true);
    try {
      await page.reload();
      await bootToPrompt();
      await page.evaluate(() => window.bootlab!.send("\n"));
      await page.evaluate(() => window.bootlab!.send("echo OFFLINE-$((5*5))\n"));
      await waitForOutput(page, "OFFLINE-25", 30_000);
      await screenshot(page, "offline-reload");
    } finally {
      await chromium.context.setOffline(false);
    }
  });

  test("a new build is picked up on the next visit, and its cache replaces the old one", async () => {
    const swPath = join(site.dir, "sw.js");
    const old = /version ([0-9a-f]{16})/.exec(readFileSync(swPath, "utf8"))![1]!;
    const next = "0123456789abcdef";
    writeFileSync(swPath, readFileSync(swPath, "utf8").replaceAll(old, next));
    const indexPath = join(site.dir, "index.html");
    writeFileSync(indexPath, readFileSync(indexPath, "utf8").replace("<head>", '<head><meta name="bootlab-build" content="next">'));
    await page.reload();
    await bootToPrompt();
    assert.equal(await page.locator('meta[name="bootlab-build"]').getAttribute("content"), "next", "the page came from the network");
    // Polled from here: waitForFunction would take an async predicate's promise as true at once.
    const cachesNow = () => page.evaluate(async () => (await caches.keys()).filter((n) => n.startsWith("bootlab-")));
    const deadline = performance.now() + KEEP_MS;
    while (JSON.stringify(await cachesNow()) !== JSON.stringify([`bootlab-${next}`])) {
      assert.ok(performance.now() < deadline, `only the new build's cache within ${KEEP_MS / 1000} s; got ${JSON.stringify(await cachesNow())}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await page.locator('html[data-offline="ready"]').waitFor({ timeout: KEEP_MS });
  });

  test("a deploy: the next visit boots the new version's artifacts, not the cached ones, and a page left open offers a reload", async () => {
    // The new version: the same site with another base archive (it has /etc/bootlab-build).
    const prebuilt = mkdtempSync(join(tmpdir(), "bootlab-prebuilt-"));
    cpSync(join(REPO_ROOT, "prebuilt"), prebuilt, { recursive: true });
    const basePath = join(prebuilt, "i386", "base.cpio.gz");
    const base = packCpioGz([...readCpio(gunzipSync(readFileSync(basePath))), fileEntry("/etc/bootlab-build", "NEW-VERSION\n")]);
    writeFileSync(basePath, base);
    const manifestPath = join(prebuilt, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { artifacts: Array<{ path: string; sha256: string; size: number }> };
    const entry = manifest.artifacts.find((artifact) => artifact.path === "i386/base.cpio.gz")!;
    entry.sha256 = createHash("sha256").update(base).digest("hex");
    entry.size = base.length;
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    const next = await buildSite({ prebuiltDir: prebuilt });
    const old = await chromium.context.newPage();
    try {
      await old.goto(site.url);
      await waitForApi(old);
      // Put it on the server as a static host would: the old files go, the new ones come.
      slowServiceWorker = true;
      for (const name of readdirSync(site.dir)) rmSync(join(site.dir, name), { recursive: true, force: true });
      cpSync(next.dir, site.dir, { recursive: true });
      const version = /version ([0-9a-f]{16})/.exec(readFileSync(join(site.dir, "sw.js"), "utf8"))![1]!;

      // The next visit: the page is the new one, while the old version's worker still serves
      // (sw.js is slow): its cached manifest and base are refused and fetched anew.
      await page.reload();
      await bootToPrompt();
      await page.evaluate(() => window.bootlab!.send("cat /etc/bootlab-build\n"));
      await waitForOutput(page, "NEW-VERSION", 30_000);
      assert.equal(await page.locator('meta[name="bootlab-version"]').getAttribute("content"), version);

      // Once the browser finds the new worker, the page left open says so; the new page does not.
      slowServiceWorker = false;
      await old.evaluate(() => navigator.serviceWorker.getRegistration().then((registration) => registration?.update()));
      await old.getByTestId("new-version").waitFor({ timeout: KEEP_MS });
      await screenshot(old, "offline-new-version");
      assert.equal(await page.getByTestId("new-version").count(), 0);
    } finally {
      slowServiceWorker = false;
      await old.close();
      next.dispose();
      rmSync(prebuilt, { recursive: true, force: true });
    }
  });
});
