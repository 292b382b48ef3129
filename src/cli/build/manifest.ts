// prebuilt/manifest.json: what was built from what. For every artifact its path (relative to
// the output directory), sha256 and size; the sources with versions, sha256 and origin; the
// toolchain. `bootlab build --check` compares a fresh build's artifacts with it.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CliError, EXIT_USAGE } from "../command.ts";
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

export interface Manifest {
  schema: number;
  generator: string;
  sourceDateEpoch: string;
  artifacts: ManifestArtifact[];
  sources: ManifestSource[];
  toolchain: ToolchainVersions;
}

export function describeArtifact(outDir: string, path: string): ManifestArtifact {
  const bytes = readFileSync(join(outDir, path));
  return { path, sha256: createHash("sha256").update(bytes).digest("hex"), size: statSync(join(outDir, path)).size };
}

/**
 * The manifest after a build: this build's artifacts replace those with the same path in the
 * previous manifest (so building x86_64 keeps the i386 entries), and the list stays sorted.
 */
export function mergeManifest(previous: Manifest | undefined, current: Manifest): Manifest {
  const byPath = new Map<string, ManifestArtifact>();
  for (const a of previous?.artifacts ?? []) byPath.set(a.path, a);
  for (const a of current.artifacts) byPath.set(a.path, a);
  return { ...current, artifacts: [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) };
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
