/// <reference types="vite/client" />
// The emulator worker: owns v86 so that the page never freezes, whatever the guest does.
// It caches the artifacts (BIOS, kernels, base archive, compiled wasm) across boots, packs the
// overlay the user edited into a cpio archive laid over the base archive (the kernel unpacks
// concatenated archives in order, later files replacing earlier ones), boots it and streams the
// serial console back in batches.
import { expose, transfer } from "comlink";
import { gunzipSync, gzipSync } from "fflate";
import v86WasmUrl from "v86/build/v86.wasm?url";
import { V86Runner } from "./runner/v86-runner.ts";
import { concatArchives, packCpio, readCpio } from "../src/core/cpio/index.ts";
import type { CpioEntry } from "../src/core/cpio/entry.ts";
import { concatInitrds, DEFAULT_MEMORY_MIB, inflateInitrd, minimumV86MemoryMiB, type BootPlan } from "../src/core/boot/index.ts";
import { overlayEntries as overlayFileEntries, type OverlayFile } from "../src/core/rootfs/overlay.ts";
import type { TemplateKernel } from "../src/core/templates/index.ts";
import type {
  AssetUrls,
  BaseEntry,
  BootRequest,
  BootStarted,
  EmulatorApi,
  EmulatorEvents,
  EmulatorFailure,
  EmulatorFailureCode,
  ExportRequest,
  OverlayNode,
} from "./emulator.api.ts";

/** Serial output is posted to the page at most this often, so a chatty guest cannot flood it. */
const SERIAL_FLUSH_MS = 12;

function failure(code: EmulatorFailureCode, message: string): EmulatorFailure {
  return { code, message };
}

function isFailure(value: unknown): value is EmulatorFailure {
  return typeof value === "object" && value !== null && "code" in value && "message" in value;
}

/** Runs `body`, turning anything it throws into an EmulatorFailure with `code`. */
async function failingAs<T>(code: EmulatorFailureCode, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (isFailure(error)) throw error;
    throw failure(code, error instanceof Error ? error.message : String(error));
  }
}

/** Fetches each URL once; concurrent and later requests share the result. */
class ArtifactCache {
  private readonly bytes = new Map<string, Promise<Uint8Array>>();

  get(url: string): Promise<Uint8Array> {
    let pending = this.bytes.get(url);
    if (!pending) {
      pending = fetchBytes(url);
      this.bytes.set(url, pending);
      // A failed fetch is not cached: the next boot tries again.
      pending.catch(() => this.bytes.delete(url));
    }
    return pending;
  }
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw failure("artifact-fetch-failed", `could not fetch ${url}: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (response.status === 404) {
    throw failure(
      "artifact-missing",
      `${new URL(url).pathname} is missing on the server: the site was built without the prebuilt artifacts. Run \`npx bootlab build\`, then \`npm run build\`.`,
    );
  }
  if (!response.ok) throw failure("artifact-fetch-failed", `could not fetch ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

const artifacts = new ArtifactCache();

/**
 * The base archive as the guest gets it: decompressed here, once. Inflating a 600 KiB gzip inside
 * the emulated CPU takes seconds in v86 (the kernel's "Unpacking initramfs" step), while fflate
 * does it natively in milliseconds; the kernel then only copies the plain cpio. The network
 * still carries the compressed file.
 */
const plainBases = new Map<string, Promise<Uint8Array>>();
function plainBase(url: string): Promise<Uint8Array> {
  let pending = plainBases.get(url);
  if (!pending) {
    pending = artifacts.get(url).then(decompressSingleGzip);
    plainBases.set(url, pending);
    pending.catch(() => plainBases.delete(url));
  }
  return pending;
}

/**
 * fflate's gunzipSync reads one gzip member; an archive of several (concatenated .gz files) is
 * passed on as it is, for the kernel to unpack. A single member ends with an 8-byte trailer whose
 * last 4 bytes are the uncompressed size mod 2^32: the decompressed size must agree with it.
 */
function decompressSingleGzip(bytes: Uint8Array): Uint8Array {
  if (bytes.length < 18 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    const n = bytes.length;
    const size = (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0;
    const plain = gunzipSync(bytes);
    return plain.length % 2 ** 32 === size ? plain : bytes;
  } catch {
    return bytes;
  }
}

let compiledWasm: Promise<WebAssembly.Module> | undefined;

/** v86's wasm, compiled once for every boot of this worker. */
function v86Module(): Promise<WebAssembly.Module> {
  if (!compiledWasm) {
    const url = new URL(v86WasmUrl, import.meta.url).href;
    compiledWasm = (async () => {
      const response = await fetch(url);
      if (!response.ok) throw failure("artifact-fetch-failed", `could not fetch v86.wasm: HTTP ${response.status}`);
      return WebAssembly.compileStreaming(response).catch(async () => WebAssembly.compile(await (await fetch(url)).arrayBuffer()));
    })();
    compiledWasm.catch(() => (compiledWasm = undefined));
  }
  return compiledWasm;
}

const kernelUrl = (assets: AssetUrls, kernel: TemplateKernel) => `${assets.prebuilt}i386/${kernel}/bzImage`;
const biosUrl = (assets: AssetUrls) => `${assets.prebuilt}seabios.bin`;
const baseUrl = (assets: AssetUrls) => `${assets.prebuilt}i386/base.cpio.gz`;

function overlayEntries(overlay: readonly OverlayNode[]): CpioEntry[] {
  return overlay.map((node): CpioEntry => {
    const path = node.path.replace(/^\/+/, "");
    const common = { path, mode: node.mode & 0o7777, uid: 0, gid: 0, mtime: 0 };
    switch (node.kind) {
      case "file":
        return { ...common, kind: "file", data: node.data ?? new Uint8Array() };
      case "directory":
        return { ...common, kind: "directory" };
      case "symlink":
        return { ...common, kind: "symlink", target: node.target ?? "" };
    }
  });
}

/** The running guest and the batching of its output. */
class Session {
  private pending: Uint8Array[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly bootId: number,
    readonly runner: V86Runner,
    private readonly events: EmulatorEvents,
  ) {
    runner.onSerial((bytes) => this.queue(bytes));
  }

  private queue(bytes: Uint8Array): void {
    this.pending.push(bytes);
    this.timer ??= setTimeout(() => this.flush(), SERIAL_FLUSH_MS);
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const total = this.pending.reduce((sum, chunk) => sum + chunk.length, 0);
    const joined = new Uint8Array(total);
    let at = 0;
    for (const chunk of this.pending) {
      joined.set(chunk, at);
      at += chunk.length;
    }
    this.pending = [];
    // Fire and forget: the page may be busy; v86 must not wait for it.
    void this.events.serial(this.bootId, transfer(joined, [joined.buffer]));
  }

  async stop(): Promise<void> {
    await this.runner.dispose();
    this.flush();
  }
}

let session: Session | undefined;
let bootCounter = 0;

const api: EmulatorApi = {
  async prepare(assets, kernel) {
    await failingAs("artifact-fetch-failed", async () => {
      await Promise.all([artifacts.get(kernelUrl(assets, kernel)), artifacts.get(biosUrl(assets)), plainBase(baseUrl(assets)), v86Module()]);
    });
  },

  async baseEntries(assets) {
    const bytes = await failingAs("artifact-fetch-failed", () => artifacts.get(baseUrl(assets)));
    return failingAs("pack-failed", async () =>
      readCpio(bytes).map((entry): BaseEntry => {
        const listed: BaseEntry = {
          path: `/${entry.path}`,
          kind: entry.kind,
          mode: entry.mode,
          size: entry.kind === "file" ? entry.data.length : 0,
        };
        if (entry.kind === "symlink" || entry.kind === "hardlink") listed.target = entry.target;
        return listed;
      }),
    );
  },

  async boot(assets, request, events) {
    const bootId = ++bootCounter;
    const previous = session;
    session = undefined;
    await previous?.stop();

    const fetchStarted = performance.now();
    const [kernel, bios, base] = await failingAs("artifact-fetch-failed", () =>
      Promise.all([
        artifacts.get(kernelUrl(assets, request.kernel)),
        artifacts.get(biosUrl(assets)),
        request.base === "busybox" ? plainBase(baseUrl(assets)) : Promise.resolve(undefined),
      ]),
    );
    const fetchMs = performance.now() - fetchStarted;

    const packStarted = performance.now();
    const initrd = await failingAs("pack-failed", async () => {
      // The overlay stays uncompressed: it is small, and packing it is then nearly free.
      const overlay = packCpio(overlayEntries(request.overlay));
      return base ? concatArchives([base, overlay]) : overlay;
    });
    const packMs = performance.now() - packStarted;

    if (bootId !== bootCounter) throw failure("not-running", "a newer boot replaced this one before it started");
    const runner = new V86Runner({ bios, wasm: v86Module });
    const current = new Session(bootId, runner, events);
    session = current;
    const memoryMiB = Math.max(request.memoryMiB ?? DEFAULT_MEMORY_MIB, minimumV86MemoryMiB(initrd.length));
    const timings = await failingAs("emulator-failed", () =>
      runner.start({ kernel, initrds: [initrd], disks: [], cmdline: request.cmdline, memoryMiB }),
    );
    const started: BootStarted = { bootId, initrdBytes: initrd.length, fetchMs, packMs, emulatorStartMs: timings.emulatorStartMs };
    return started;
  },

  async send(text) {
    if (!session) throw failure("not-running", "no guest is running: press Boot first");
    session.runner.send(text);
  },

  async stop() {
    const current = session;
    session = undefined;
    await current?.stop();
  },

  async artifact(assets, path) {
    const bytes = await failingAs("artifact-fetch-failed", () => artifacts.get(`${assets.prebuilt}${path}`));
    const copy = bytes.slice();
    return transfer(copy, [copy.buffer]);
  },

  async exportBundle(assets, request) {
    const { kernel, base, files } = await exportInputs(assets, request);
    const zip = await failingAs("export-failed", async () => {
      // Loaded on first use: the boot path never pays for the zip writer.
      const { bundleFromPlan } = await import("../src/core/bundle/index.ts");
      const options: Parameters<typeof bundleFromPlan>[1] = { files, template: request.template };
      if (request.zipName) options.zipName = request.zipName;
      return bundleFromPlan(exportPlan(kernel, base, files, request.cmdline), options);
    });
    return transfer(zip, [zip.buffer]);
  },

  async exportInitramfs(assets, request) {
    const { kernel, base, files } = await exportInputs(assets, request);
    const initramfs = await failingAs("export-failed", async () => {
      const initrd = exportPlan(kernel, base, files, request.cmdline).spec.initrds[0]!;
      // The bundle's initramfs.cpio.gz, made the same way (bundleFromPlan).
      return gzipSync(initrd, { level: 9, mtime: 0 });
    });
    return transfer(initramfs, [initramfs.buffer]);
  },
};

/**
 * Until this worker boots through planBoot (src/core/boot/plan.ts), its exports are described
 * as the plan would assemble them: the inflated base archive, then the files' archive, joined
 * into one initrd. bundleFromPlan checks that the files' archive is the initrd's last part.
 */
function exportPlan(kernel: Uint8Array, base: Uint8Array | undefined, files: OverlayFile[], cmdline: string): BootPlan {
  const parts = base ? [inflateInitrd(base)] : [];
  if (files.length > 0) parts.push(packCpio(overlayFileEntries(files)));
  if (parts.length === 0) throw failure("export-failed", "there is nothing to export: this template has no base archive and the project has no files");
  const initrd = concatInitrds(parts);
  return {
    spec: { kernel, initrds: [initrd], disks: [], cmdline, memoryMiB: Math.max(DEFAULT_MEMORY_MIB, minimumV86MemoryMiB(initrd.length)) },
    kernel: { id: "prebuilt", arch: "i386", summary: "" },
    usesBase: base !== undefined,
    notes: [],
    expectations: { cmdline, initPath: "/init" },
  };
}

/** The kernel, the compressed base archive (when the template has one) and the files, for an export. */
async function exportInputs(assets: AssetUrls, request: ExportRequest) {
  const [kernel, base] = await failingAs("artifact-fetch-failed", () =>
    Promise.all([artifacts.get(kernelUrl(assets, request.kernel)), request.base === "busybox" ? artifacts.get(baseUrl(assets)) : Promise.resolve(undefined)]),
  );
  const files = request.overlay.map((node): OverlayFile => {
    if (node.kind === "symlink") throw failure("bad-request", `${node.path}: an export cannot hold symlinks`);
    return node.kind === "directory" ? { path: node.path, kind: "directory" as const, mode: node.mode } : { path: node.path, kind: "file" as const, mode: node.mode, data: node.data ?? new Uint8Array() };
  });
  return { kernel, base, files };
}

expose(api);
