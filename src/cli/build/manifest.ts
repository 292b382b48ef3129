// prebuilt/manifest.json: what was built from what. For every artifact its path (relative to
// the output directory), sha256 and size; the sources with versions, sha256 and origin; the
// toolchain. `bootlab build --check` compares a fresh build's artifacts with it. It also says
// what the artifacts are, for the code that boots them: the BIOS, the base root filesystem per
// architecture and the kernels (profile id, architecture, bzImage, .config, what it is for), so
// no other code spells the paths out.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CliError, EXIT_USAGE } from "../command.ts";
import { PROFILES, type ProfileName, type TargetName } from "./targets.ts";
import type { ToolchainVersions } from "./toolchain.ts";

export const MANIFEST_FILE = "manifest.json";
export const MANIFEST_SCHEMA = 1;

export interface ManifestArtifact {
  path: string;
  sha256: string;
  size: number;
}

export interface ManifestSource {
  name: string;
  version: string;
  /** The file the sha256 is of (an upstream tarball, or a .deb for Debian-only sources). */
  file: string;
  sha256: string;
  /** Where it came from: the Debian package (and version) and, when known, the upstream URL. */
  origin: string;
  debian: string;
  upstream: { url: string; sha256: string | null; note: string } | null;
}

/** A base root filesystem (BusyBox, applet links, /dev nodes, default /init) for one architecture. */
export interface ManifestBase {
  arch: TargetName;
  /** Relative to the manifest's directory, like every path here. */
  path: string;
  /** The static program warm snapshots are taken in (src/core/warm). */
  warmAgent: string;
}

/** An archive a system may ask for on top of the base (BootSystem.layers): the devel layer. */
export interface ManifestLayer {
  id: string;
  arch: TargetName;
  path: string;
  summary: string;
}

/** A kernel: its profile's id (or the user's --name), architecture, image and the exact .config that made it. */
export interface ManifestKernel {
  id: ProfileName | string;
  arch: TargetName;
  bzImage: string;
  config: string;
  /**
   * The committed fragments it was made from, in the order applied over tinyconfig (paths like
   * every path here: `kconfig/i386.fragment`); the page's kernel panel shows them. Named kernels
   * list theirs in `inputs` instead.
   */
  fragments?: string[];
  /** One line on what this kernel is for (src/cli/build/targets.ts). */
  summary: string;
  /** A named kernel's inputs (`bootlab build --name`): its base, the fragments by sha256, its report. */
  inputs?: {
    base: string;
    committed: { name: string; sha256: string }[];
    fragments: { name: string; sha256: string }[];
    report: string;
  };
}

export interface Manifest {
  schema: number;
  generator: string;
  sourceDateEpoch: string;
  /** The BIOS v86 boots with. */
  bios: string;
  bases: ManifestBase[];
  kernels: ManifestKernel[];
  /** Optional: manifests from before the devel layer have none. */
  layers?: ManifestLayer[];
  artifacts: ManifestArtifact[];
  sources: ManifestSource[];
  toolchain: ToolchainVersions;
}

export function describeArtifact(outDir: string, path: string): ManifestArtifact {
  const bytes = readFileSync(join(outDir, path));
  return { path, sha256: createHash("sha256").update(bytes).digest("hex"), size: statSync(join(outDir, path)).size };
}

/**
 * The manifest after a build: this build's artifacts, bases and kernels replace those with the
 * same path (arch, arch and id) in the previous manifest (so building x86_64 keeps the i386
 * entries), and the lists stay sorted: artifacts by path, bases and kernels by architecture,
 * kernels of one architecture in the order of PROFILES (tiny before full).
 */
export function mergeManifest(previous: Manifest | undefined, current: Manifest): Manifest {
  const merge = <T>(old: readonly T[] | undefined, now: readonly T[], key: (item: T) => string): T[] => {
    const byKey = new Map<string, T>();
    for (const item of old ?? []) byKey.set(key(item), item);
    for (const item of now) byKey.set(key(item), item);
    return [...byKey.values()];
  };
  const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  const rank = (id: string): number => {
    const i = (PROFILES as readonly string[]).indexOf(id);
    return i === -1 ? PROFILES.length : i;
  };
  return {
    ...current,
    bases: merge(previous?.bases, current.bases, (b) => b.arch).sort((a, b) => compare(a.arch, b.arch)),
    kernels: merge(previous?.kernels, current.kernels, (k) => `${k.arch}/${k.id}`).sort((a, b) => compare(a.arch, b.arch) || rank(a.id) - rank(b.id) || compare(a.id, b.id)),
    layers: merge(previous?.layers, current.layers ?? [], (l) => `${l.arch}/${l.id}`).sort((a, b) => compare(a.arch, b.arch) || compare(a.id, b.id)),
    artifacts: merge(previous?.artifacts, current.artifacts, (a) => a.path).sort((a, b) => compare(a.path, b.path)),
  };
}

export function readManifest(path: string): Manifest | undefined {
  if (!existsSync(path)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new CliError(`${path}: not JSON (${(error as Error).message}); delete it or restore it from git`, EXIT_USAGE);
  }
  const manifest = parsed as Partial<Manifest>;
  if (manifest.schema !== MANIFEST_SCHEMA || !Array.isArray(manifest.artifacts)) {
    throw new CliError(`${path}: got schema ${String(manifest.schema)}, want ${MANIFEST_SCHEMA} with an artifacts list`, EXIT_USAGE);
  }
  return manifest as Manifest;
}

export function formatManifest(manifest: Manifest): string {
  return JSON.stringify(manifest, null, 2) + "\n";
}

export type CheckVerdict = "match" | "differs" | "missing-in-manifest";

export interface ArtifactCheck {
  path: string;
  verdict: CheckVerdict;
  want?: string;
  got: string;
}

/** Compares freshly built artifacts with the recorded ones, path by path. */
export function compareWithManifest(recorded: Manifest, built: readonly ManifestArtifact[]): ArtifactCheck[] {
  const want = new Map(recorded.artifacts.map((a) => [a.path, a.sha256] as const));
  return built.map((a) => {
    const recordedSha = want.get(a.path);
    if (recordedSha === undefined) return { path: a.path, verdict: "missing-in-manifest", got: a.sha256 };
    return { path: a.path, verdict: recordedSha === a.sha256 ? "match" : "differs", want: recordedSha, got: a.sha256 };
  });
}
