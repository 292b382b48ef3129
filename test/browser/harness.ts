// Shared by the browser tests and the page benchmark: build the site, serve it from
// 127.0.0.1 with node:http, and launch Debian's Chromium through playwright-core.
//
//   const site = await buildSite();            // vite build into a fresh temporary folder
//   const server = await serveDir(site.dir);   // { url, close() }; serveDist() = both
//   const browser = await launchChromium();    // fresh profile, closed with browser.close()
//
// Each test file builds its own copy, so files that run in parallel never share an output folder.
import { after, before } from "node:test";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const RESULTS_DIR = join(REPO_ROOT, "test-results");
export const CHROMIUM_PATH = "/usr/bin/chromium";

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".wasm": "application/wasm",
  ".ttf": "font/ttf",
  ".png": "image/png",
  ".gz": "application/gzip",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

export interface BuiltSite {
  dir: string;
  dispose(): void;
}

/**
 * `vite build` of the repository into a fresh temporary folder, with the artifacts of
 * `prebuiltDir` (default: $BOOTLAB_PREBUILT_DIR, else prebuilt/), as vite.config.ts reads it.
 */
export async function buildSite(options: { prebuiltDir?: string } = {}): Promise<BuiltSite> {
  const prebuiltDir = resolve(REPO_ROOT, options.prebuiltDir ?? process.env.BOOTLAB_PREBUILT_DIR ?? "prebuilt");
  const manifest = join(prebuiltDir, "manifest.json");
  if (!existsSync(manifest)) {
    throw new Error(`${manifest} is missing: the page has nothing to boot. Run \`npx bootlab build\` first (or set BOOTLAB_PREBUILT_DIR).`);
  }
  const dir = mkdtempSync(join(tmpdir(), "bootlab-site-"));
  const { build } = await import("vite");
  const previous = process.env.BOOTLAB_PREBUILT_DIR;
  process.env.BOOTLAB_PREBUILT_DIR = prebuiltDir;
  try {
    await build({ root: REPO_ROOT, logLevel: "error", build: { outDir: dir, emptyOutDir: true } });
  } finally {
    if (previous === undefined) delete process.env.BOOTLAB_PREBUILT_DIR;
    else process.env.BOOTLAB_PREBUILT_DIR = previous;
  }
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface StaticServer {
  /** Base URL ending with "/", e.g. http://127.0.0.1:41234/ (or with the sub-path given). */
  url: string;
  /** Bytes sent per request path, for transfer-size measurements. */
  readonly sent: Map<string, number>;
  close(): Promise<void>;
}

export interface ServeOptions {
  subPath?: string;
  port?: number;
  bytesPerSecond?: number;
  /** Milliseconds to wait before answering a request for this path (a slow server for one file). */
  delayMs?: (pathname: string) => number;
}

/**
 * Serves `dir` on 127.0.0.1 (a free port). With `subPath` ("/lab/") the site lives under that
 * path only, like a project page on a static host.
 */
export async function serveDir(dir: string, options: ServeOptions = {}): Promise<StaticServer> {
  const subPath = options.subPath ?? "/";
  const root = resolve(dir);
  const sent = new Map<string, number>();
  const server: Server = createServer(async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const delay = options.delayMs?.(url.pathname) ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    if (!url.pathname.startsWith(subPath)) {
      response.writeHead(404).end("not found");
      return;
    }
    let relative = decodeURIComponent(url.pathname.slice(subPath.length));
    if (relative === "" || relative.endsWith("/")) relative += "index.html";
    const file = normalize(join(root, relative));
    if (!(file === root || file.startsWith(root + sep)) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404, { "Content-Type": "text/plain" }).end("not found");
      return;
    }
    const body = readFileSync(file);
    // As static hosts do: an ETag, and 304 Not Modified (no body) when the browser has it.
    const stat = statSync(file);
    const etag = `"${stat.size.toString(16)}-${Math.floor(stat.mtimeMs).toString(16)}"`;
    if (request.headers["if-none-match"] === etag) {
      response.writeHead(304, { ETag: etag, "Cache-Control": "no-cache" }).end();
      return;
    }
    sent.set(url.pathname, (sent.get(url.pathname) ?? 0) + body.length);
    response.writeHead(200, {
      ETag: etag,
      "Content-Type": CONTENT_TYPES[extname(file)] ?? "application/octet-stream",
      "Content-Length": String(body.length),
      "Cache-Control": "no-cache",
    });
    if (request.method === "HEAD") response.end();
    else if (options.bytesPerSecond) void sendSlowly(response, body, options.bytesPerSecond);
    else response.end(body);
  });
  await new Promise<void>((ready) => server.listen(options.port ?? 0, "127.0.0.1", ready));
  const address = server.address();
  if (!address || typeof address === "string") throw new Error("the test server has no port");
  return {
    url: `http://127.0.0.1:${address.port}${subPath}`,
    sent,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** A slow connection: `body` in 16 KiB pieces at about `bytesPerSecond`. */
async function sendSlowly(response: ServerResponse, body: Buffer, bytesPerSecond: number): Promise<void> {
  const piece = 16 * 1024;
  for (let offset = 0; offset < body.length && !response.destroyed; offset += piece) {
    response.write(body.subarray(offset, offset + piece));
    await new Promise((resolve) => setTimeout(resolve, (piece / bytesPerSecond) * 1000));
  }
  response.end();
}

/** buildSite() and serveDir() in one; close() stops the server and removes the build. */
export async function serveDist(options: ServeOptions = {}): Promise<StaticServer & { dir: string }> {
  const site = await buildSite();
  const server = await serveDir(site.dir, options);
  return {
    ...server,
    sent: server.sent,
    dir: site.dir,
    close: async () => {
      await server.close();
      site.dispose();
    },
  };
}

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface LaunchedChromium {
  context: BrowserContext;
  close(): Promise<void>;
}

export interface ChromiumOptions {
  viewport?: { width: number; height: number };
  colorScheme?: "light" | "dark";
}

/** Chromium with a fresh profile (user data dir), removed again on close(). */
export async function launchChromium(options: ChromiumOptions = {}): Promise<LaunchedChromium> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium package (apt-get install chromium)`);
  const profile = mkdtempSync(join(tmpdir(), "bootlab-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    args: CHROMIUM_ARGS,
    headless: true,
    viewport: options.viewport ?? { width: 1440, height: 900 },
    colorScheme: options.colorScheme ?? "light",
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The built site, served, and one Chromium: what the tests of a browser test file share. */
export interface SiteInChromium {
  readonly server: StaticServer & { dir: string };
  readonly chromium: LaunchedChromium;
}

/**
 * The site built and served and a Chromium launched before the tests of the describe block (or
 * file) that calls it, both closed after them. Read `site.server` and `site.chromium` in tests.
 */
export function siteInChromium(options: { serve?: ServeOptions; chromium?: ChromiumOptions } = {}): SiteInChromium {
  let server: (StaticServer & { dir: string }) | undefined;
  let browser: LaunchedChromium | undefined;
  before(async () => {
    server = await serveDist(options.serve);
    browser = await launchChromium(options.chromium);
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started: read it inside a test, after siteInChromium's before()`);
    return value;
  };
  return {
    get server() {
      return started(server, "the site");
    },
    get chromium() {
      return started(browser, "Chromium");
    },
  };
}

/** The browser type, for helpers that take one. */
export type { Browser, Page };

/** Saves a screenshot under test-results/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Collects the page's console errors and uncaught exceptions, to show when a test fails. */
export function collectPageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(`pageerror: ${error.message}`));
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(`console.error: ${message.text()}`);
  });
  return errors;
}

/**
 * window.bootlab as the tests see it from outside the page: docs/page-api.md's contract, written out
 * here on purpose instead of importing the app's BootlabApi, so that a change to the app's type
 * cannot quietly change what the tests hold the page to.
 */
export interface BootlabWindowApi {
  listFiles(): Promise<Array<{ path: string; kind: string; mode: number; size: number; readOnly: boolean; binary: boolean; disk?: string }>>;
  readFile(path: string, options?: { disk?: string }): Promise<string>;
  writeFile(path: string, text: string, options?: { mode?: number; disk?: string }): Promise<void>;
  removeFile(path: string, options?: { disk?: string }): Promise<void>;
  setCmdline(cmdline: string): Promise<void>;
  reboot(options?: { cold?: boolean }): Promise<void>;
  send(text: string): Promise<void>;
  output(): Promise<string>;
  waitFor(pattern: string | RegExp, ms?: number): Promise<string>;
  metrics(): Promise<{ bootId?: number; timeToPromptMs?: number; kernelToPromptMs?: number; readyAtPageMs?: number; emulatorStartMs?: number; planMs?: number; initrdSha256?: string; kernel?: string; cmdline?: string; fetchMs?: number; initrdBytes?: number; warm?: boolean; coldReason?: string; restoreMs?: number; deliverMs?: number; snapshotMs?: number; diskWriteMs?: number; compile?: { warm: boolean; coldReason?: string; startMs: number; restoreMs?: number; deliverMs?: number; guestMs: number; guestInstructions?: number; returnedBy: "memory" | "console"; readBackMs: number } }>;
  diskChanges(name: string): Promise<{
    disk: string;
    device: string;
    bootId: number;
    running: boolean;
    changes: Array<{ change: "added" | "changed" | "removed"; path: string; kind: string; mode: number; size: number; what?: string[]; text?: string; keepable: boolean; reason?: string }>;
  }>;
  keepDiskChanges(name: string): Promise<{ kept: string[]; notKept: Array<{ path: string; reason: string }> }>;
  kernel(): Promise<{
    id: string;
    arch: string;
    summary: string;
    notes: string[];
    configPath: string;
    config: string;
    fragments: Array<{ path: string; lines: Array<{ symbol: string; line: string; on: boolean; note?: string }> }>;
    qemuOnly?: { reason: string; arch: string };
  }>;
  shareLink(): Promise<string>;
  exportBundle(): Promise<Blob>;
}

declare global {
  interface Window {
    bootlab?: BootlabWindowApi;
  }
}

export type PageMetrics = Awaited<ReturnType<BootlabWindowApi["metrics"]>>;

/**
 * Polls `window.bootlab.metrics()` until `test` holds, and returns those metrics. (Playwright's
 * waitForFunction does not await a predicate's promise: an async predicate is truthy at once.)
 */
export async function waitForMetrics(page: Page, test: (metrics: PageMetrics) => boolean, timeoutMs: number, what = "the metrics"): Promise<PageMetrics> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const metrics = await page.evaluate(() => window.bootlab!.metrics());
    if (test(metrics)) return metrics;
    if (performance.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms; the last metrics: ${JSON.stringify({ ...metrics, timeline: undefined })}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Polls the project's file at `path` (window.bootlab.readFile) until `test` holds; returns its text. */
export async function waitForFileText(page: Page, path: string, test: (text: string) => boolean, timeoutMs = 20_000): Promise<string> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const text = await page.evaluate((p) => window.bootlab!.readFile(p), path);
    if (test(text)) return text;
    if (performance.now() > deadline) throw new Error(`${path}: not as expected within ${timeoutMs} ms; it holds ${JSON.stringify(text.slice(0, 200))}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The metrics of the first boot after `afterBootId` once it reached its prompt (or ready text). */
export function waitForPrompt(page: Page, afterBootId: number, timeoutMs: number): Promise<PageMetrics> {
  return waitForMetrics(page, (m) => m.bootId !== undefined && m.bootId > afterBootId && m.timeToPromptMs !== undefined, timeoutMs, `a prompt after boot ${afterBootId}`);
}
