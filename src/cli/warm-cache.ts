// Warm snapshots for `bootlab boot --warm` (v86): kept in the cache directory under the sha256
// of their key ($XDG_CACHE_HOME/bootlab/warm/, beside the build's stages), made on first use by
// a snapshot boot and checked by sha256 when read back. A snapshot that is missing, stale or
// damaged is made again; one that cannot be written costs only the next boot's speed.
import { createHash } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { BootPlan, BootSystem } from "../core/boot/index.ts";
import { planWarm, type AgentBuffer, type WarmSnapshotTarget } from "../core/warm/index.ts";
import type { WarmSnapshot } from "../../workers/runner/v86-runner.ts";
import { V86_VERSION } from "../../workers/runner/v86-version.ts";
import { takeWarmSnapshot } from "../../workers/runner/warm-snapshot.ts";
import { cacheRoot } from "./build/cache.ts";
import { loadBios, loadV86Wasm, prebuiltArtifacts } from "./runners/artifacts.ts";

export type WarmStart = { warm: true; snapshot: WarmSnapshot; archive: Uint8Array; made: boolean; file: string } | { warm: false; coldReason: string };

interface SnapshotMeta {
  key: string;
  sha256: string;
  buffer: AgentBuffer;
  log: string;
  memoryMiB: number;
}

export function warmCacheDir(): string {
  return join(cacheRoot(), "warm");
}

/** The warm start of `plan`: its snapshot from the cache, or made now and kept; or why it stays cold. */
export async function warmStartFor(system: BootSystem, plan: BootPlan): Promise<WarmStart> {
  const decision = await planWarm(system, plan, await prebuiltArtifacts(), V86_VERSION);
  if (!decision.warm) return decision;
  return { warm: true, archive: decision.archive, ...(await cachedSnapshot(decision.snapshot)) };
}

/**
 * The snapshot of `target` from the cache, or made now and kept: for boots, and for the C build
 * guest of `bootlab boot --warm` (compileOnV86), whose snapshot is kept the same way.
 */
export async function cachedSnapshot(target: WarmSnapshotTarget): Promise<{ snapshot: WarmSnapshot; made: boolean; file: string }> {
  const name = createHash("sha256").update(target.key).digest("hex").slice(0, 32);
  const dir = warmCacheDir();
  const file = join(dir, `${name}.state`);
  const kept = await readKept(file, target.key);
  if (kept) return { snapshot: kept, made: false, file };
  const snapshot = await takeWarmSnapshot({ bios: await loadBios(), wasm: loadV86Wasm }, target);
  await keep(dir, file, snapshot).catch(() => undefined);
  return { snapshot, made: true, file };
}

async function readKept(file: string, key: string): Promise<WarmSnapshot | undefined> {
  try {
    const meta = JSON.parse(await readFile(`${file}.json`, "utf8")) as SnapshotMeta;
    if (meta.key !== key) return undefined;
    const state = await readFile(file);
    if (createHash("sha256").update(state).digest("hex") !== meta.sha256) return undefined;
    const buffer = state.buffer.slice(state.byteOffset, state.byteOffset + state.byteLength);
    return { key, state: buffer, buffer: meta.buffer, log: Buffer.from(meta.log, "base64"), memoryMiB: meta.memoryMiB };
  } catch {
    return undefined;
  }
}

async function keep(dir: string, file: string, snapshot: WarmSnapshot): Promise<void> {
  await mkdir(dir, { recursive: true });
  const state = new Uint8Array(snapshot.state);
  const meta: SnapshotMeta = { key: snapshot.key, sha256: createHash("sha256").update(state).digest("hex"), buffer: snapshot.buffer, log: Buffer.from(snapshot.log).toString("base64"), memoryMiB: snapshot.memoryMiB };
  // Written aside and renamed, so a reader never sees half a state.
  await writeFile(`${file}.tmp`, state);
  await writeFile(`${file}.json.tmp`, JSON.stringify(meta));
  await rename(`${file}.tmp`, file);
  await rename(`${file}.json.tmp`, `${file}.json`);
}
