// prebuilt/manifest.json as data: which kernels, base archives and BIOS `bootlab build` made, and
// where each lies below prebuilt/. The page's worker and the CLI find every artifact through
// this one model, so a path is written once (by the build) and read once (here).
// `PrebuiltArtifacts` fetches through it with a cache; the plan (plan.ts) asks it for bytes.
import { parseKconfig, type Kconfig } from "../kconfig/index.ts";
import { inflateInitrd } from "./initrd.ts";
import type { GuestArch } from "./spec.ts";

export interface PrebuiltKernel {
  /** "tiny", "full": what templates and `--kernel` name. */
  id: string;
  arch: GuestArch;
  /** The bzImage, relative to prebuilt/. */
  bzImage: string;
  /** The kernel's .config, relative to prebuilt/: what the plan checks a system against. */
  config: string;
  /** One line on what the kernel is for. */
  summary: string;
  /**
   * The committed fragments it was made from, in the order applied over tinyconfig, relative to
   * prebuilt/ ("kconfig/tiny.fragment"); empty in a manifest from before they were served.
   */
  fragments: readonly string[];
}

export interface PrebuiltBase {
  arch: GuestArch;
  /** The base root filesystem (BusyBox, its links, /dev nodes, a default /init), a .cpio.gz. */
  path: string;
  /**
   * The static program a warm snapshot of this base is taken in (src/core/warm). Optional: a
   * manifest from before warm boots still boots, always cold.
   */
  warmAgent?: string;
}

/** An archive a system may ask for after the base (BootSystem.layers), such as "devel". */
export interface PrebuiltLayer {
  id: string;
  arch: GuestArch;
  /** A .cpio.gz, relative to prebuilt/. */
  path: string;
  summary: string;
}

export interface PrebuiltManifest {
  bios: string;
  bases: readonly PrebuiltBase[];
  layers: readonly PrebuiltLayer[];
  kernels: readonly PrebuiltKernel[];
  artifacts: ReadonlyArray<{ path: string; sha256: string; size: number }>;
}

/** An artifact's sha256 as the manifest records it (what warm snapshots are keyed by). */
export function artifactSha256(manifest: PrebuiltManifest, path: string): string | undefined {
  return manifest.artifacts.find((artifact) => artifact.path === path)?.sha256;
}

export class ManifestError extends Error {
  constructor(detail: string) {
    super(`prebuilt/manifest.json: ${detail}; rebuild it with \`bootlab build\``);
    this.name = "ManifestError";
  }
}

/** Reads manifest.json's parsed JSON, checking the fields the boot path relies on. */
export function parsePrebuiltManifest(json: unknown): PrebuiltManifest {
  const object = (value: unknown, what: string): Record<string, unknown> => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw new ManifestError(`${what}: got ${JSON.stringify(value)?.slice(0, 40)}, want an object`);
    return value as Record<string, unknown>;
  };
  const text = (record: Record<string, unknown>, key: string, what: string): string => {
    const value = record[key];
    if (typeof value !== "string" || value === "") throw new ManifestError(`${what}.${key}: got ${JSON.stringify(value)}, want a string`);
    return value;
  };
  const arch = (record: Record<string, unknown>, what: string): GuestArch => {
    const value = text(record, "arch", what);
    if (value !== "i386" && value !== "x86_64") throw new ManifestError(`${what}.arch: got "${value}", want i386 or x86_64`);
    return value;
  };
  const list = (value: unknown, what: string): unknown[] => {
    if (!Array.isArray(value)) throw new ManifestError(`${what}: got ${JSON.stringify(value)?.slice(0, 40)}, want a list`);
    return value;
  };
  const root = object(json, "the manifest");
  const kernels = list(root.kernels, "kernels").map((value, i): PrebuiltKernel => {
    const what = `kernels[${i}]`;
    const record = object(value, what);
    const fragments = (record.fragments === undefined ? [] : list(record.fragments, `${what}.fragments`)).map((path, j) => {
      if (typeof path !== "string" || path === "") throw new ManifestError(`${what}.fragments[${j}]: got ${JSON.stringify(path)}, want a path`);
      return path;
    });
    return { id: text(record, "id", what), arch: arch(record, what), bzImage: text(record, "bzImage", what), config: text(record, "config", what), summary: text(record, "summary", what), fragments };
  });
  if (kernels.length === 0) throw new ManifestError("kernels: the list is empty");
  const bases = list(root.bases, "bases").map((value, i): PrebuiltBase => {
    const what = `bases[${i}]`;
    const record = object(value, what);
    const base: PrebuiltBase = { arch: arch(record, what), path: text(record, "path", what) };
    if (record.warmAgent !== undefined) base.warmAgent = text(record, "warmAgent", what);
    return base;
  });
  // Optional: a manifest from before the devel layer has no layers.
  const layers = (root.layers === undefined ? [] : list(root.layers, "layers")).map((value, i): PrebuiltLayer => {
    const what = `layers[${i}]`;
    const record = object(value, what);
    return { id: text(record, "id", what), arch: arch(record, what), path: text(record, "path", what), summary: text(record, "summary", what) };
  });
  const artifacts = list(root.artifacts, "artifacts").map((value, i) => {
    const what = `artifacts[${i}]`;
    const record = object(value, what);
    return { path: text(record, "path", what), sha256: text(record, "sha256", what), size: Number(record.size) };
  });
  return { bios: text(root, "bios", "manifest"), bases, layers, kernels, artifacts };
}

/** A prebuilt kernel with its parsed .config, as the plan needs it. */
export interface KernelInfo extends PrebuiltKernel {
  kconfig: Kconfig;
}

/**
 * The prebuilt artifacts as the boot path reads them: bytes fetched once through `read` (a
 * file read in Node, `fetch` in the worker), base archives inflated once, kernel configs parsed
 * once. A failed read is not cached: the next boot tries again.
 */
export class PrebuiltArtifacts {
  private readonly bytesCache = new Map<string, Promise<Uint8Array>>();
  private readonly plainCache = new Map<string, Promise<Uint8Array>>();
  private readonly kernelCache = new Map<string, Promise<KernelInfo>>();

  constructor(
    readonly manifest: PrebuiltManifest,
    private readonly read: (path: string) => Promise<Uint8Array>,
  ) {}

  /** The bytes of an artifact, by its path below prebuilt/. */
  bytes(path: string): Promise<Uint8Array> {
    return memo(this.bytesCache, path, () => this.read(path));
  }

  /** An initrd artifact (a base archive) with its gzip members inflated, as the runners boot it. */
  plainInitrd(path: string): Promise<Uint8Array> {
    return memo(this.plainCache, path, async () => inflateInitrd(await this.bytes(path)));
  }

  /**
   * A prebuilt kernel with its parsed configuration, or undefined when the manifest has no such
   * id (for `arch`, when given: "tiny" is one kernel per architecture; else the manifest's first).
   * Each config is fetched only when asked for: a boot whose kernel fits reads one.
   */
  kernel(id: string, arch?: GuestArch): Promise<KernelInfo> | undefined {
    const entry = this.manifest.kernels.find((kernel) => kernel.id === id && (arch === undefined || kernel.arch === arch));
    if (!entry) return undefined;
    const key = `${entry.arch}/${entry.id}`;
    let pending = this.kernelCache.get(key);
    if (!pending) {
      pending = this.bytes(entry.config).then((bytes) => ({ ...entry, kconfig: parseKconfig(new TextDecoder().decode(bytes), { source: entry.config }) }));
      this.kernelCache.set(key, pending);
      pending.catch(() => this.kernelCache.delete(key));
    }
    return pending;
  }

  base(arch: GuestArch): PrebuiltBase | undefined {
    return this.manifest.bases.find((base) => base.arch === arch);
  }

  layer(id: string, arch: GuestArch): PrebuiltLayer | undefined {
    return (this.manifest.layers ?? []).find((layer) => layer.id === id && layer.arch === arch);
  }
}

function memo(cache: Map<string, Promise<Uint8Array>>, key: string, make: () => Promise<Uint8Array>): Promise<Uint8Array> {
  let pending = cache.get(key);
  if (!pending) {
    pending = make();
    cache.set(key, pending);
    pending.catch(() => cache.delete(key));
  }
  return pending;
}
