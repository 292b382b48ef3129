// Embed mode in real Chromium: the playground in an iframe of a page from a second origin
// (http://localhost:<port B> embedding http://127.0.0.1:<port A>), configured by its URL and
// driven only through postMessage, as a tutorial would.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Frame, Page } from "playwright-core";
import { encodeShareFragment } from "../../src/core/share/index.ts";
import { collectPageErrors, launchChromium, screenshot, serveDir, serveDist, type LaunchedChromium, type StaticServer } from "./harness.ts";
import { BOOT_MS, storedProjects, waitForSaved } from "./share-helpers.ts";

// The embedding page: a plain page with the protocol written out, as in the docs.
const HOST_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>A tutorial</title>
<style>body{font:15px system-ui;margin:16px} iframe{width:100%;height:460px;border:1px solid #8884;border-radius:6px;margin-bottom:12px}</style></head>
<body><h1>Lesson: your own /init</h1><div id="frames"></div>
<script>
  window.events = [];
  const pending = new Map();
  let nextId = 1;
  addEventListener("message", (event) => {
    const m = event.data;
    if (!m || m.channel !== "bootlab") return;
    const frame = [...document.querySelectorAll("iframe")].find((f) => f.contentWindow === event.source);
    if (!frame) return;
    if (m.type === "event") window.events.push({ frame: frame.id, event: m.event, data: m.data, origin: event.origin });
    if (m.type === "response" && pending.has(m.id)) {
      pending.get(m.id)(m.error ? { error: m.error } : { result: m.result });
      pending.delete(m.id);
    }
  });
  window.embed = (id, src) => {
    const frame = document.createElement("iframe");
    frame.id = id;
    frame.src = src;
    document.getElementById("frames").append(frame);
  };
  /** One request; resolves to { result } or { error: { code, message } }. */
  window.call = (id, method, ...args) => new Promise((resolve) => {
    const frame = document.getElementById(id);
    const requestId = "req-" + nextId++;
    pending.set(requestId, resolve);
    frame.contentWindow.postMessage({ channel: "bootlab", type: "request", id: requestId, method, args }, new URL(frame.src).origin);
  });
</script></body></html>`;

const LESSON_INIT = "#!/bin/sh\nmount -t devtmpfs devtmpfs /dev\necho LESSON-START\nexec /sbin/init\n";
const MARKER_INIT = "#!/bin/sh\nmount -t devtmpfs devtmpfs /dev\necho EMBED-MARKER-$((6*7))\nexec /sbin/init\n";

interface Answer {
  result?: unknown;
  error?: { code: string; message: string };
}

let site: StaticServer;
let hostServer: StaticServer;
let hostDir: string;
let chromium: LaunchedChromium;
let host: Page;
let hostOrigin: string;
let errors: string[];

function call(frame: string, method: string, ...args: unknown[]): Promise<Answer> {
  return host.evaluate(([f, m, a]) => (window as unknown as { call(...x: unknown[]): Promise<Answer> }).call(f, m, ...(a as unknown[])), [frame, method, args] as const);
}

async function waitForEvent(frame: string, event: string, ms = 60_000): Promise<void> {
  await host.waitForFunction(([f, e]) => (window as unknown as { events: Array<{ frame: string; event: string }> }).events.some((x) => x.frame === f && x.event === e), [frame, event], { timeout: ms });
}

/** The iframe's frame, once it has navigated to the playground. */
async function frameOf(id: string): Promise<Frame> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const frame = host.frames().find((f) => f.url().includes(`lesson=${id}`));
    if (frame) return frame;
    if (Date.now() > deadline) throw new Error(`no frame ${id}`);
    await host.waitForTimeout(100);
  }
}

describe("the embedded playground, driven from another origin", () => {
  before(async () => {
    site = await serveDist();
    hostDir = mkdtempSync(join(tmpdir(), "bootlab-embed-host-"));
    writeFileSync(join(hostDir, "index.html"), HOST_PAGE);
    hostServer = await serveDir(hostDir);
    // Another host name and another port: a different origin (and site) from the playground's.
    const hostUrl = hostServer.url.replace("127.0.0.1", "localhost");
    hostOrigin = new URL(hostUrl).origin;
    chromium = await launchChromium({ viewport: { width: 1100, height: 1100 } });
    host = await chromium.context.newPage();
    errors = collectPageErrors(host);
    await host.goto(hostUrl);
  });

  after(async () => {
    if (errors.length) console.log(`page errors:\n${errors.join("\n")}`);
    await chromium?.close();
    await hostServer?.close();
    await site?.close();
    rmSync(hostDir, { recursive: true, force: true });
  });

  test("configured by its URL: the lesson's files, autoboot, minimal chrome", async () => {
    const { fragment } = encodeShareFragment({ files: [{ path: "/init", mode: 0o755, text: LESSON_INIT }], cmdline: "console=ttyS0", template: "busybox-init" });
    const src = `${site.url}embed.html?lesson=main&template=busybox-init&boot=auto&origin=${encodeURIComponent(hostOrigin)}#${fragment}`;
    assert.notEqual(new URL(src).origin, hostOrigin);
    await host.evaluate(([id, s]) => (window as unknown as { embed(i: string, s: string): void }).embed(id!, s!), ["main", src]);
    await waitForEvent("main", "ready");
    const frame = await frameOf("main");
    assert.equal(await frame.getByTestId("template").isHidden(), true, "no template picker in embed mode");
    const init = await call("main", "readFile", "/init");
    assert.deepEqual(init, { result: LESSON_INIT });
    const listed = (await call("main", "listFiles")).result as Array<{ path: string; readOnly: boolean }>;
    assert.ok(listed.some((f) => f.path === "/init" && !f.readOnly));
    assert.ok(listed.some((f) => f.path === "/bin/busybox" && f.readOnly));
    const first = await call("main", "waitFor", "LESSON-START", BOOT_MS);
    assert.match(String(first.result), /LESSON-START/, JSON.stringify(first));
  });

  test("writeFile, reboot and waitFor over postMessage, each answered", async () => {
    assert.deepEqual(await call("main", "writeFile", "/init", MARKER_INIT, { mode: 0o755 }), { result: undefined });
    assert.deepEqual(await call("main", "reboot"), { result: undefined });
    const seen = await call("main", "waitFor", { regexp: "EMBED-MARKER-(\\d+)" }, BOOT_MS);
    assert.match(String(seen.result), /EMBED-MARKER-42/, JSON.stringify(seen));
    const output = (await call("main", "output")).result as string;
    assert.match(output, /Run \/init as init process/);
    const metrics = (await call("main", "metrics")).result as { bootId: number };
    assert.ok(metrics.bootId >= 2, JSON.stringify(metrics));
    // Status events reached the embedding page, from the playground's origin.
    const events = await host.evaluate(() => (window as unknown as { events: Array<{ frame: string; event: string; data?: { phase: string }; origin: string }> }).events);
    assert.ok(events.some((e) => e.event === "status" && e.data?.phase === "booting"));
    assert.ok(events.every((e) => e.origin === new URL(site.url).origin));
    await screenshot(host, "embed-driven");
  });

  test("bad calls get an error answer with a code", async () => {
    const unknown = await call("main", "formatDisk", "/dev/sda");
    assert.equal(unknown.error?.code, "unknown-method");
    assert.match(unknown.error!.message, /unknown method "formatDisk"; the methods are listFiles, readFile/);
    const badArgs = await call("main", "writeFile", "/etc/motd", 42);
    assert.equal(badArgs.error?.code, "bad-args");
    assert.match(badArgs.error!.message, /got \(string, number\)/);
    const missing = await call("main", "readFile", "/etc/no-such-file");
    assert.deepEqual(missing.error, { code: "not-found", message: "/etc/no-such-file does not exist in your files" });
  });

  test("shareLink and exportBundle work over postMessage", async () => {
    const link = (await call("main", "shareLink")).result as string;
    assert.ok(link.startsWith(`${site.url}#share/1/`), link);
    const exported = await host.evaluate(async () => {
      const answer = await (window as unknown as { call(...x: unknown[]): Promise<{ result?: Blob }> }).call("main", "exportBundle");
      const blob = answer.result!;
      const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
      return { isBlob: blob instanceof Blob, size: blob.size, type: blob.type, magic: String.fromCharCode(...head) };
    });
    assert.deepEqual({ ...exported, size: exported.size > 1_000_000 }, { isBlob: true, size: true, type: "application/zip", magic: "PK" });
  });

  test("the embed keeps its own storage: the user's saved projects are never opened", async () => {
    // A cross-site iframe gets no IndexedDB in this Chromium (third-party storage is blocked);
    // the embed says so and keeps working from memory.
    assert.match(await (await frameOf("main")).getByTestId("storage-status").innerText(), /^$|Saved|Storage is unavailable/);
    // The case that needs the namespace: a page of the playground's own site (the docs page)
    // embeds it, so the iframe shares the origin, and IndexedDB, with the user's projects.
    const docs = await chromium.context.newPage();
    await docs.goto(site.url);
    await docs.waitForFunction(() => window.bootlab !== undefined, null, { timeout: 30_000 });
    await docs.evaluate(() => window.bootlab!.writeFile("/etc/secret", "the user's own work\n"));
    await waitForSaved(docs, "/etc/secret", "the user's own work\n");
    const own = await storedProjects(docs);
    await docs.goto(`${site.url}docs/embed.html`);
    assert.match(await docs.getByTestId("docs-snippet").innerText(), new RegExp(`^<iframe src="${site.url.replace(/[.]/g, "\\.")}embed\\.html\\?template=busybox-init"`));
    // The snippet loads lazily: bring it into view, as a reader scrolling down would.
    await docs.locator("#demo iframe").scrollIntoViewIfNeeded();
    await docs.waitForFunction(() => document.querySelector<HTMLIFrameElement>("#demo iframe")?.contentWindow?.location !== undefined);
    let embedded = docs.frames().find((f) => f !== docs.mainFrame() && f.url().includes("/embed.html"));
    for (let i = 0; !embedded && i < 100; i++) {
      await docs.waitForTimeout(100);
      embedded = docs.frames().find((f) => f !== docs.mainFrame() && f.url().includes("/embed.html"));
    }
    assert.ok(embedded, "the docs page's iframe loaded the playground");
    await embedded.waitForFunction(() => window.bootlab !== undefined, null, { timeout: 30_000 });
    await embedded.getByTestId("embed-open").waitFor();
    const databases = await embedded.evaluate(async () => (await indexedDB.databases()).map((d) => d.name!).sort());
    const embedDb = databases.find((name) => /^bootlab:embed\.[0-9a-f]{8}$/.test(name));
    assert.ok(embedDb, JSON.stringify(databases));
    const listed = (await embedded.evaluate(() => window.bootlab!.listFiles())).map((f) => f.path);
    assert.ok(!listed.includes("/etc/secret"), "the user's file is not in the embed");
    // The docs page's own demo drives the iframe through postMessage.
    await docs.getByRole("button", { name: /Write \/init with a greeting/ }).click();
    await docs.locator("#demo-log").filter({ hasText: "The guest printed the greeting." }).waitFor({ timeout: BOOT_MS });
    await screenshot(docs, "embed-docs-page");
    assert.deepEqual(await storedProjects(docs), own, "the user's projects are as they were");
    assert.ok((await storedProjects(embedded, embedDb!.slice("bootlab:".length))).length === 1);
    await docs.close();
  });

  test("the snippet and script copied from docs/embed.html run verbatim on a second origin and get answers", async () => {
    const docs = await chromium.context.newPage();
    await docs.goto(`${site.url}docs/embed.html`);
    const snippet = await docs.getByTestId("docs-snippet").innerText();
    const script = await docs.getByTestId("docs-client-code").innerText();
    await docs.close();
    assert.match(script, /^<script>\n/);
    assert.doesNotMatch(script, /^await /m, "no top-level await in a classic script");
    // Pasted into a plain page of another origin, as a tutorial author would.
    writeFileSync(join(hostDir, "pasted.html"), `<!doctype html>\n<html><head><meta charset="utf-8"><title>Pasted</title></head><body>\n<h1>My lesson</h1>\n${snippet}\n${script}\n</body></html>\n`);
    const pasted = await chromium.context.newPage();
    const pageErrors = collectPageErrors(pasted);
    const logged: string[] = [];
    pasted.on("console", (message) => logged.push(message.text()));
    await pasted.goto(`${hostServer.url.replace("127.0.0.1", "localhost")}pasted.html`);
    // The script's calls went out before the playground was ready: queued, then answered.
    const deadline = Date.now() + BOOT_MS;
    while (!logged.some((line) => line.startsWith("bootlab:")) && Date.now() < deadline) await pasted.waitForTimeout(200);
    assert.deepEqual(pageErrors, []);
    assert.ok(logged.includes("bootlab: Hello from my tutorial"), logged.join("\n"));
    await screenshot(pasted, "embed-pasted-snippet");
    await pasted.close();
  });

  test("unknown URL parameters are listed in the embed's settings dialog", async () => {
    const src = `${site.url}embed.html?lesson=typo&template=minimal-init&readOnly=1&read-only=1`;
    await host.evaluate(([id, s]) => (window as unknown as { embed(i: string, s: string): void }).embed(id!, s!), ["typo", src]);
    await waitForEvent("typo", "ready");
    const frame = await frameOf("typo");
    const button = frame.getByTestId("embed-settings");
    assert.equal(await button.getAttribute("aria-label"), "Settings: 3 URL parameters were ignored");
    await button.click();
    const warnings = frame.getByTestId("embed-warnings");
    await warnings.waitFor();
    const text = await warnings.innerText();
    assert.match(text, /unknown parameter "readOnly" ignored \(did you mean "readonly"\?/);
    assert.match(text, /unknown parameter "read-only" ignored \(did you mean "readonly"\?/);
    assert.match(await frame.getByTestId("embed-settings-table").innerText(), /readonly\s+no/);
    await host.locator("#typo").scrollIntoViewIfNeeded();
    await screenshot(host, "embed-settings-ignored");
    await frame.getByTestId("panel-close").click();
  });

  test("read-only, click-to-boot, dark; calls from an origin not on its list are refused", async () => {
    const src = `${site.url}embed.html?lesson=locked&template=minimal-init&readonly=1&boot=click&theme=dark&origin=https://docs.example`;
    await host.evaluate(([id, s]) => (window as unknown as { embed(i: string, s: string): void }).embed(id!, s!), ["locked", src]);
    const frame = await frameOf("locked");
    // Its "ready" event goes only to the pinned origin, so this page waits for the page itself.
    await frame.getByTestId("boot-overlay").waitFor({ timeout: 30_000 });
    await frame.getByTestId("embed-open").waitFor();
    const refused = await call("locked", "listFiles");
    assert.equal(refused.error?.code, "origin-not-allowed");
    assert.match(refused.error!.message, new RegExp(`accepts calls from https://docs\\.example, not ${hostOrigin.replace(/[.]/g, "\\.")}`));
    assert.equal(await frame.evaluate(() => document.documentElement.dataset.theme), "dark");
    assert.equal(await frame.locator("[data-testid=status]").getAttribute("data-phase"), "idle", "nothing boots before the click");
    await frame.locator(".embed-readonly-badge").waitFor();
    await host.locator("#locked").scrollIntoViewIfNeeded();
    await screenshot(host, "embed-readonly-click-to-boot");
    await frame.getByTestId("boot-overlay").getByRole("button").click();
    await frame.getByTestId("boot-overlay").waitFor({ state: "detached" });
    await frame.locator('[data-testid=status][data-phase="ready"]').waitFor({ timeout: BOOT_MS });
    // The reader cannot edit: the page's API refuses writes.
    const refusedWrite = await frame.evaluate(() => window.bootlab!.writeFile("/init", "x").then(() => "written", (e: { code: string }) => e.code));
    assert.equal(refusedWrite, "read-only");
  });
});
