/// <reference types="vite/client" />
// The emulator worker: owns v86 so that the page never freezes, whatever the guest does.
// It fetches the artifacts named by prebuilt/manifest.json once (PrebuiltArtifacts caches the
// bytes, the inflated base archive and the kernels' configs) and the compiled wasm, plans each
// boot with the same planBoot `bootlab boot` uses (the user's files packed after the base
// archive; the kernel unpacks concatenated archives in order, later files replacing earlier
// ones), boots it and streams the serial console back in batches.
import { expose, transfer } from "comlink";
import v86WasmUrl from "v86/build/v86.wasm?url";
import { V86Runner, WarmRestoreError, type WarmSnapshot, type WarmTimings } from "./runner/v86-runner.ts";
import { compileOnV86, type V86Compiled } from "./runner/v86-build-guest.ts";
import { V86_VERSION } from "./runner/v86-version.ts";
import { sha256Hex, WarmStore } from "./warm-store.ts";
import { planWarm, type WarmDecision, type WarmSnapshotTarget } from "../src/core/warm/index.ts";
import { readCpio } from "../src/core/cpio/index.ts";
import { artifactSha256, BootTranscript, describeKernel, diskChanges, fileDiskDevices, parsePrebuiltManifest, PlanError, planBoot, PrebuiltArtifacts, type BootSystem, type FileDisk } from "../src/core/boot/index.ts";
import { CompileError, type CompileTimings } from "../src/core/cinit/index.ts";
import type {
  AssetUrls,
  BaseEntry,
  BootStarted,
  EmulatorApi,
  EmulatorEvents,
  EmulatorFailure,
  EmulatorFailureCode,
  FetchProgress,
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

/** The worker's downloads, reported to the page as their bytes arrive (EmulatorEvents.fetchProgress). */
const downloads = new Map<string, FetchProgress>();
let progressEvents: EmulatorEvents | undefined;
let progressTimer: ReturnType<typeof setTimeout> | undefined;
const PROGRESS_INTERVAL_MS = 100;

function noteDownload(name: string, loaded: number, total: number | undefined, done: boolean): void {
  // A compressed transfer's Content-Length counts other bytes than the body: then it says nothing.
  const known = total !== undefined && total >= loaded ? total : undefined;
  const first = !downloads.has(name);
  downloads.set(name, known === undefined ? { name, loaded, done } : { name, loaded, total: known, done });
  if (first || done) reportDownloads();
  else progressTimer ??= setTimeout(reportDownloads, PROGRESS_INTERVAL_MS);
}

function reportDownloads(): void {
  if (progressTimer !== undefined) clearTimeout(progressTimer);
  progressTimer = undefined;
  void progressEvents?.fetchProgress?.([...downloads.values()]);
}

/** `response`'s body, counted into the downloads as it is read. */
function countedBody(response: Response, name: string): ReadableStream<Uint8Array> | null {
  const total = Number(response.headers.get("Content-Length")) || undefined;
  let loaded = 0;
  noteDownload(name, 0, total, false);
  return (
    response.body?.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          loaded += chunk.byteLength;
          noteDownload(name, loaded, total, false);
          controller.enqueue(chunk);
        },
        flush() {
          noteDownload(name, loaded, total, true);
        },
      }),
    ) ?? null
  );
}

async function fetchBytes(url: string, name = new URL(url).pathname, init?: RequestInit): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, init);
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
  return new Uint8Array(await new Response(countedBody(response, name)).arrayBuffer());
}

/**
 * The bytes at `url` when their sha256 is `sha256`. A cache (the service worker's, the
 * browser's) may hold another version of the site's file under the same name, so a mismatch is
 * fetched once more from the server (`cache: "reload"`, which the service worker passes to the
 * network); a second mismatch means the server has another version than this page: the page
 * says to reload instead of booting one version's code with another's artifacts.
 */
async function fetchVerified(url: string, name: string, sha256: string | undefined | null): Promise<Uint8Array> {
  if (!sha256) return fetchBytes(url, name);
  const bytes = await fetchBytes(url, name);
  if ((await sha256Hex(bytes)) === sha256) return bytes;
  const fresh = await fetchBytes(url, name, { cache: "reload" });
  if ((await sha256Hex(fresh)) === sha256) return fresh;
  throw failure(
    "site-updated",
    `${name} on the server is not the one this page was built with (a new version of bootlab was put on the server since the page loaded, or the file is damaged): reload the page to get the new version; your project is saved.`,
  );
}

/** prebuilt/ as its manifest describes it, per prebuilt URL (fetched once; a failure is retried on the next call). */
const prebuiltByUrl = new Map<string, Promise<PrebuiltArtifacts>>();
function prebuilt(assets: AssetUrls): Promise<PrebuiltArtifacts> {
  let pending = prebuiltByUrl.get(assets.prebuilt);
  if (!pending) {
    pending = failingAs("artifact-fetch-failed", async () => {
      // The built page knows the manifest it was built with (vite.config.ts); `npm start` does not.
      const text = new TextDecoder().decode(await fetchVerified(`${assets.prebuilt}manifest.json`, "manifest.json", __BOOTLAB_MANIFEST_SHA256__));
      const manifest = parsePrebuiltManifest(JSON.parse(text));
      return new PrebuiltArtifacts(manifest, (path) => fetchVerified(`${assets.prebuilt}${path}`, path, artifactSha256(manifest, path)));
    });
    prebuiltByUrl.set(assets.prebuilt, pending);
    pending.catch(() => prebuiltByUrl.delete(assets.prebuilt));
  }
  return pending;
}

/** Plans `system` for v86, turning the plan's refusal into a failure the page shows as it is. */
async function plan(assets: AssetUrls, system: BootSystem, emulator?: "v86") {
  const artifacts = await prebuilt(assets);
  try {
    return await planBoot(system, artifacts, emulator ? { emulator, now: () => performance.now() } : {});
  } catch (error) {
    if (error instanceof PlanError) throw failure("plan-refused", error.message);
    throw failure(isFailure(error) ? error.code : "pack-failed", error instanceof Error || isFailure(error) ? error.message : String(error));
  }
}

/** Compiles of a C source by its text (the same source always gives the same program), the last few. */
const compiles = new Map<string, Promise<V86Compiled>>();
const MAX_COMPILES = 8;

/** The build guest's snapshot target, once a compile planned it: made in the background after a boot (buildStore). */
let buildTarget: WarmSnapshotTarget | undefined;

/** A system with its compile step done, and what the compile left for the boot. */
interface CompiledForBoot {
  system: BootSystem;
  /** The build guest's paused runner, when it compiled now: the boot's warm start restores into its emulator. */
  kept?: V86Runner;
  /** Where the compile's time went (only when it compiled now, not from the cache). */
  timings?: CompileTimings;
}

/**
 * The system with its compile step done (the static-hello template's /init.c -> /init), in a
 * v86 build guest (compileOnV86: warm from the build guest's snapshot when buildStore has it,
 * restored into `handOver`'s emulator, the program read back from guest memory; cold
 * otherwise), as `bootlab boot` does it. tcc's errors reject with "compile-failed" and the
 * diagnostics, so the page can mark their lines.
 */
async function compiled(assets: AssetUrls, system: BootSystem, options: { handOver?: () => V86Runner | undefined; cold?: string } = {}): Promise<CompiledForBoot> {
  const handOver = options.handOver;
  const step = system.compile;
  if (!step) return { system };
  const source = [...system.files].reverse().find((f) => f.path === step.source);
  const key = `${step.source}\0${step.output}\0${source?.text ?? ""}`;
  let pending = source?.text !== undefined ? compiles.get(key) : undefined;
  const fresh = pending === undefined;
  if (!pending) {
    const artifacts = await prebuilt(assets);
    const biosBytes = await bios(assets);
    const snapshot = async (target: WarmSnapshotTarget): Promise<WarmSnapshot | undefined> => {
      buildTarget = target;
      await buildStore.settle(target.key); // one being made now is worth waiting for
      return buildStore.find(target.key);
    };
    pending = compileOnV86({ files: source ? [source] : [], base: "none", cmdline: "", compile: step }, artifacts, {
      runnerOptions: { bios: biosBytes, wasm: v86Module },
      snapshot,
      ...(handOver ? { handOver, keep: true } : {}),
      ...(options.cold !== undefined ? { cold: options.cold } : {}),
    });
    if (source?.text !== undefined) {
      compiles.set(key, pending);
      if (compiles.size > MAX_COMPILES) compiles.delete(compiles.keys().next().value!);
      pending.catch(() => compiles.delete(key));
    }
  }
  let outcome: V86Compiled;
  try {
    outcome = await pending;
  } catch (error) {
    throw failure("compile-failed", `${step.source}: ${error instanceof CompileError ? error.message : String(error)}`);
  }
  const kept = fresh ? outcome.kept : undefined;
  if (fresh && outcome.warmFailed && buildTarget) await buildStore.discard(buildTarget.key);
  const result = outcome.compiled;
  if (!result.ok) {
    await kept?.dispose();
    const diagnostics = result.result.diagnostics.map((d) => ({ path: step.source, ...d }));
    throw { ...failure("compile-failed", `${step.source} did not compile (tcc, in the build guest); nothing was booted:\n${result.result.messages.trim()}`), diagnostics };
  }
  const program = result.system.files.find((f) => f.path === step.output)!;
  const files = system.files.filter((f) => f.path !== step.source && f.path !== step.output);
  const done: BootSystem = { ...system, files: [...files, program] };
  delete done.compile;
  const timings = fresh ? result.result?.timings : undefined;
  return { system: done, ...(kept ? { kept } : {}), ...(timings ? { timings } : {}) };
}

/** The system of `request` compiled, for an export: nothing kept for a boot. */
async function compiledSystem(assets: AssetUrls, system: BootSystem): Promise<BootSystem> {
  return (await compiled(assets, system)).system;
}

let compiledWasm: Promise<WebAssembly.Module> | undefined;

/** v86's wasm, compiled once for every boot of this worker. */
function v86Module(): Promise<WebAssembly.Module> {
  if (!compiledWasm) {
    const url = new URL(v86WasmUrl, import.meta.url).href;
    compiledWasm = (async () => {
      const response = await fetch(url);
      if (!response.ok) throw failure("artifact-fetch-failed", `could not fetch v86.wasm: HTTP ${response.status}`);
      // Compiled as it streams in, counted on the way (the headers keep application/wasm).
      const counted = new Response(countedBody(response, "v86.wasm"), { status: response.status, statusText: response.statusText, headers: response.headers });
      return WebAssembly.compileStreaming(counted).catch(async () => WebAssembly.compile(await (await fetch(url)).arrayBuffer()));
    })();
    compiledWasm.catch(() => (compiledWasm = undefined));
  }
  return compiledWasm;
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
    // v86 has no ACPI power-off: a guest that halts its CPU is the runner's exit. The page's
    // session hears of it after the last serial bytes, so the transcript is complete first.
    runner.onExit((exit) => {
      this.flush();
      void this.events.exit(this.bootId, exit.reason);
    });
  }

  /** When the guest last printed (for making a warm snapshot once it is up and quiet). */
  lastOutputAt = performance.now();
  /** The console read as the page reads it, to know when the system is up. */
  readonly transcript = new BootTranscript();

  private queue(bytes: Uint8Array): void {
    this.lastOutputAt = performance.now();
    this.transcript.push(bytes, this.lastOutputAt);
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

  /** Ends this session but leaves its emulator running, for a warm boot to restore into. */
  release(): V86Runner {
    this.flush();
    return this.runner;
  }
}

/** How long a cold boot's console must be silent, once the system is up, before the worker makes its warm snapshot. */
const QUIET_BEFORE_SNAPSHOT_MS = 400;
/** ... and when it never says it is up (no prompt, no ready text). */
const SILENCE_BEFORE_SNAPSHOT_MS = 5000;

const warmStore = new WarmStore(async () => ({ bios: await bios(lastAssets!), wasm: v86Module }));
/** The C build guest's snapshot (src/core/cinit): base + devel layer, the agent waiting; kept apart from the boots'. */
const buildStore = new WarmStore(async () => ({ bios: await bios(lastAssets!), wasm: v86Module }), "build");
let lastAssets: AssetUrls | undefined;

/**
 * Makes the warm snapshot of a cold boot's system (`decide`), then the C build guest's when its
 * compile found none (`build`), once the guest is up (its prompt, the askfirst line or its ready
 * text) and has gone quiet, so that it never competes with the boot itself (a kernel is silent
 * for most of a second while it unpacks the initramfs). A system that never says it is up gets
 * its snapshots after a long silence. One at a time: they share the worker's CPU.
 */
function snapshotWhenQuiet(current: Session, todo: { decide?: () => Promise<WarmDecision>; build?: WarmSnapshotTarget }, readyPattern: string | undefined): void {
  const ready = readyPattern ? new RegExp(readyPattern) : undefined;
  const check = async () => {
    if (session !== current) return;
    const t = current.transcript;
    const up = t.promptCount > 0 || t.askfirstCount > 0 || (ready?.test(t.text) ?? false);
    const quietFor = performance.now() - current.lastOutputAt;
    const wait = (up ? QUIET_BEFORE_SNAPSHOT_MS : SILENCE_BEFORE_SNAPSHOT_MS) - quietFor;
    if (wait > 0) {
      setTimeout(() => void check(), Math.min(wait, QUIET_BEFORE_SNAPSHOT_MS) + 10);
      return;
    }
    const decision = await todo.decide?.();
    if (decision?.warm && session === current) {
      warmStore.make(decision.snapshot);
      await warmStore.settle(decision.snapshot.key);
    }
    if (todo.build && session === current) buildStore.make(todo.build);
  };
  setTimeout(() => void check(), QUIET_BEFORE_SNAPSHOT_MS);
}

/**
 * The last boot's disks made of files: each IDE disk's image as written (the plan's bytes; v86
 * works on a copy) and the runner whose buffers the guest writes into. Kept until the next boot,
 * after the guest stops too, so the page can read back what it wrote (diskChanges).
 */
let lastDisks: { bootId: number; disks: readonly FileDisk[]; written: Uint8Array[]; runner: V86Runner } | undefined;

let session: Session | undefined;
/** The last guest's session, paused by stop({ park: true }): its emulator is what a warm boot restores into. */
let parked: Session | undefined;
let bootCounter = 0;

const api: EmulatorApi = {
  async prepare(assets, system, events) {
    if (events) progressEvents = events;
    // Everything a boot of this system fetches, fetched now: planning it does exactly that.
    await Promise.all([plan(assets, system, "v86"), bios(assets), failingAs("artifact-fetch-failed", v86Module)]);
  },

  async baseEntries(assets) {
    const artifacts = await prebuilt(assets);
    const base = artifacts.base("i386");
    if (!base) throw failure("artifact-missing", "prebuilt/manifest.json lists no i386 base archive");
    const bytes = await failingAs("artifact-fetch-failed", () => artifacts.plainInitrd(base.path));
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
    progressEvents = events;
    lastAssets = assets;
    const previous = session ?? parked;
    if (session) await parked?.stop();
    session = undefined;
    parked = undefined;

    // The first boot fetches the manifest, the kernel, its config and the base: that is fetchMs.
    // Later boots find them cached, and planning is only packing the user's files.
    const fetchStarted = performance.now();
    const [biosBytes] = await Promise.all([bios(assets), prebuilt(assets)]);
    const fetchMs = performance.now() - fetchStarted;
    const planStarted = performance.now();
    if (!request.system.compile) buildStore.cancel();
    // A compile restores the build guest into the previous guest's emulator, and leaves its own for this boot.
    const { system, kept: buildRunner, timings: compileTimings } = await compiled(assets, request.system, { handOver: () => previous?.release(), ...(request.cold ? { cold: "a cold boot was asked for" } : {}) });
    const compileMs = performance.now() - planStarted;
    const planned = await plan(assets, system, "v86");
    const artifacts = await prebuilt(assets);
    const decide = () =>
      planWarm(system, planned, artifacts, V86_VERSION).catch(
        (error: unknown): WarmDecision => ({ warm: false, coldReason: `the warm boot could not be planned: ${error instanceof Error ? error.message : String(error)}` }),
      );
    // A page's first boot plans its warm side only when an earlier visit kept a snapshot: a
    // first visit's boot reads and fetches nothing more (its snapshot is planned once it is quiet).
    const decision = previous || (await warmStore.keptKey()) !== undefined ? await decide() : undefined;
    const planMs = performance.now() - planStarted;
    const initrd = planned.spec.initrds[0] ?? new Uint8Array();
    await warmStore.settle(decision?.warm && !request.cold ? decision.snapshot.key : undefined);

    // Warm when asked for and a snapshot exists; else cold, saying why.
    let coldReason: string | undefined;
    let snapshot;
    let snapshotMs: number | undefined;
    if (request.cold) coldReason = "a cold boot was asked for";
    else if (!decision) coldReason = "the page's first boot is cold: no warm snapshot was kept from an earlier visit (it is made once this boot is quiet)";
    else if (!decision.warm) coldReason = decision.coldReason;
    else if (!(snapshot = await warmStore.find(decision.snapshot.key))) {
      if (previous) {
        // A reboot: making the snapshot now costs about one cold boot, and every reboot after
        // this one is warm. Only a page's first boot leaves it for later, when the guest is quiet.
        const making = performance.now();
        warmStore.make(decision.snapshot);
        await warmStore.settle(decision.snapshot.key);
        snapshot = await warmStore.find(decision.snapshot.key);
        snapshotMs = performance.now() - making;
      }
      if (!snapshot) coldReason = "no warm snapshot of this kernel, base and command line yet (it is made after this boot)";
    }

    if (bootId !== bootCounter) {
      await previous?.stop();
      await buildRunner?.dispose();
      throw failure("not-running", "a newer boot replaced this one before it started");
    }
    let runner = new V86Runner({ bios: biosBytes, wasm: v86Module });
    let current = new Session(bootId, runner, events);
    session = current;
    let timings: WarmTimings | undefined;
    if (snapshot && decision?.warm) {
      const handOver = buildRunner ?? previous?.release();
      if (buildRunner) await previous?.stop(); // its emulator, if the compile did not take it, is not needed
      runner.bootWarm(snapshot, decision.archive, handOver ? { handOver } : {});
      try {
        timings = (await runner.start(planned.spec)) as WarmTimings;
      } catch (error) {
        if (!(error instanceof WarmRestoreError)) throw failure("emulator-failed", error instanceof Error ? error.message : String(error));
        await warmStore.discard(snapshot.key);
        coldReason = error.message;
        await runner.dispose();
        runner = new V86Runner({ bios: biosBytes, wasm: v86Module });
        current = new Session(bootId, runner, events);
        session = current;
        timings = undefined;
      }
    } else {
      await previous?.stop();
      await buildRunner?.dispose();
    }
    const [coldTimings, initrdSha256] = await Promise.all([
      timings ? Promise.resolve(timings) : failingAs("emulator-failed", () => runner.start(planned.spec)),
      sha256Hex(initrd),
    ]);
    lastDisks = system.fileDisks?.length
      ? { bootId, disks: system.fileDisks, written: planned.spec.disks.filter((d): d is Uint8Array => d instanceof Uint8Array), runner }
      : undefined;
    // The build guest's snapshot is wanted when this compile ran cold (none yet, or a broken one discarded).
    const build = compileTimings && !compileTimings.warm ? buildTarget : undefined;
    if (!request.cold && (!timings || build)) snapshotWhenQuiet(current, { ...(timings ? {} : { decide: decision ? async () => decision : decide }), ...(build ? { build } : {}) }, planned.expectations.readyPattern);
    const started: BootStarted = {
      bootId,
      initrdBytes: initrd.length,
      initrdSha256,
      fetchMs,
      planMs,
      compileMs,
      ...(compileTimings ? { compile: compileTimings } : {}),
      emulatorStartMs: coldTimings.emulatorStartMs,
      kernel: planned.kernel,
      notes: planned.notes,
      expectations: planned.expectations,
      warm: timings !== undefined,
    };
    if (timings) {
      started.restoreMs = timings.restoreMs;
      started.deliverMs = timings.deliverMs;
      if (snapshotMs !== undefined) started.snapshotMs = snapshotMs;
    }
    if (coldReason !== undefined && !timings) started.coldReason = coldReason;
    if (planned.diskWriteMs !== undefined) started.diskWriteMs = planned.diskWriteMs;
    if (planned.needsArch) started.needsArch = planned.needsArch;
    return started;
  },

  async send(text) {
    if (!session) throw failure("not-running", "no guest is running: press Boot first");
    session.runner.send(text);
  },

  async stop(options) {
    const current = session;
    session = undefined;
    if (options?.park && current) {
      await parked?.stop();
      parked = current;
      await current.runner.pause();
      return;
    }
    await current?.stop();
  },

  async diskChanges(name) {
    const booted = lastDisks;
    const disk = booted?.disks.find((d) => d.name === name);
    if (!booted || !disk) throw failure("not-running", `no boot wrote a disk named "${name}" yet: boot the system first`);
    const device = fileDiskDevices(booted.disks).get(name)!;
    if (disk.role === "ramdisk") {
      throw failure(
        "disk-not-readable",
        `${name} (${device}) is the RAM disk: the kernel copied the image into the guest's memory, where v86 gives no way to read it back, so what the guest writes there is lost when it stops`,
      );
    }
    const index = booted.disks.filter((d) => d.role === "ide").indexOf(disk);
    const written = booted.written[index];
    const left = booted.runner.disks()[index];
    if (!written || !left) throw failure("disk-not-readable", `${name}: the emulator did not attach it`);
    let changes;
    try {
      changes = diskChanges(written, left);
    } catch (error) {
      throw failure("disk-unreadable", `${name} (${device}) does not read as ext4 right now (${error instanceof Error ? error.message : String(error)}); run sync in the guest, or stop it, and try again`);
    }
    return { name, device, bootId: booted.bootId, running: session?.runner === booted.runner, changes };
  },

  async artifact(assets, path) {
    const artifacts = await prebuilt(assets);
    const bytes = await failingAs("artifact-fetch-failed", () => artifacts.bytes(path));
    const copy = bytes.slice();
    return transfer(copy, [copy.buffer]);
  },

  async describeKernel(assets, system) {
    const artifacts = await prebuilt(assets);
    try {
      return await describeKernel(system, artifacts);
    } catch (error) {
      if (error instanceof PlanError) throw failure("plan-refused", error.message);
      if (isFailure(error)) throw error;
      throw failure("artifact-fetch-failed", error instanceof Error ? error.message : String(error));
    }
  },

  async exportBundle(assets, request) {
    const system = await compiledSystem(assets, request.system);
    const planned = await plan(assets, system);
    const zip = await failingAs("export-failed", async () => {
      // Loaded on first use: the boot path never pays for the zip writer.
      const { bundleFromPlan } = await import("../src/core/bundle/index.ts");
      return bundleFromPlan(planned, { files: system.files, template: request.template, ...(request.zipName ? { zipName: request.zipName } : {}) });
    });
    return transfer(zip, [zip.buffer]);
  },

  async exportInitramfs(assets, request) {
    const planned = await plan(assets, await compiledSystem(assets, request.system));
    const initrd = planned.spec.initrds[0];
    if (!initrd) throw failure("export-failed", "this system has no initramfs: its root is on a disk");
    // An ext2/ext4 initrd (magic 0xEF53 at 1080) is a RAM disk, not a cpio archive: the bundle carries it.
    if (initrd[1080] === 0x53 && initrd[1081] === 0xef) throw failure("export-failed", "this system's initrd is an ext4 RAM disk, not an initramfs: export the bundle, which holds it as ramdisk.ext4.gz");
    const { gzipSync } = await import("fflate");
    const gz = gzipSync(initrd, { level: 9, mtime: 0 });
    return transfer(gz, [gz.buffer]);
  },
};

/** The BIOS v86 boots with, named by the manifest. */
async function bios(assets: AssetUrls): Promise<Uint8Array> {
  const artifacts = await prebuilt(assets);
  return failingAs("artifact-fetch-failed", () => artifacts.bytes(artifacts.manifest.bios));
}

expose(api);
