// Where the Node side finds what the runners need: the prebuilt kernels and root filesystem
// (named by prebuilt/manifest.json, read through the same PrebuiltArtifacts the page's worker
// uses), the BIOS for v86, and the v86 wasm from the npm package (compiled once per process).
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { ManifestError, parsePrebuiltManifest, PrebuiltArtifacts } from "../../core/boot/index.ts";
import { CliError, EXIT_USAGE } from "../command.ts";
import { DEFAULT_MAX_INPUT_BYTES, readInputFile } from "../input-file.ts";

/** The repository (or installed package) root: src/cli/runners/ is three levels down. */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const PREBUILT_DIR = join(PACKAGE_ROOT, "prebuilt");

let artifacts: Promise<PrebuiltArtifacts> | undefined;

/** prebuilt/ through its manifest, read once per process; a missing or broken manifest says how to fix it. */
export function prebuiltArtifacts(): Promise<PrebuiltArtifacts> {
  artifacts ??= (async () => {
    const file = prebuiltPath("manifest.json");
    if (!existsSync(file)) throw new CliError(`${relative(process.cwd(), file) || file} not found: rebuild the artifacts with \`bootlab build\` or restore prebuilt/ from the repository`, EXIT_USAGE);
    try {
      return new PrebuiltArtifacts(parsePrebuiltManifest(JSON.parse(await readFile(file, "utf8"))), readPrebuilt);
    } catch (error) {
      if (error instanceof ManifestError || error instanceof SyntaxError) throw new CliError(error.message, EXIT_USAGE);
      throw error;
    }
  })();
  artifacts.catch(() => (artifacts = undefined));
  return artifacts;
}

/** Debian's SeaBIOS: boots Linux in v86 (checked, DESIGN.md). */
export const DEBIAN_SEABIOS = "/usr/share/seabios/bios.bin";

export function prebuiltPath(name: string): string {
  return join(PREBUILT_DIR, name);
}

/** Reads a prebuilt artifact, or says how to get it. */
export async function readPrebuilt(name: string): Promise<Uint8Array> {
  const file = prebuiltPath(name);
  if (!existsSync(file)) {
    throw new CliError(
      `${relative(process.cwd(), file) || file} not found: the prebuilt artifacts are missing; rebuild them with \`bootlab build\` or restore prebuilt/ from the repository`,
      EXIT_USAGE,
    );
  }
  return new Uint8Array(await readFile(file));
}

/**
 * Reads a user-given file through the bounded reader (src/cli/input-file.ts): a regular file of
 * at most `maxBytes` (default 1 GiB), with a message that names the option when it is missing,
 * not a regular file (`/dev/zero`, a FIFO) or too large. `raiseWith` names the option that
 * raises the limit, when the command has one.
 */
export async function readUserFile(file: string, option: string, maxBytes = DEFAULT_MAX_INPUT_BYTES, raiseWith?: string): Promise<Uint8Array> {
  return readInputFile(file, { label: option, maxBytes, ...(raiseWith ? { raiseWith } : {}) });
}

/** The BIOS for v86: prebuilt/seabios.bin, else Debian's, else a message saying how to get one. */
export async function loadBios(): Promise<Uint8Array> {
  const bios = (await prebuiltArtifacts()).manifest.bios;
  for (const file of [prebuiltPath(bios), DEBIAN_SEABIOS]) {
    if (existsSync(file)) return new Uint8Array(await readFile(file));
  }
  throw new CliError(
    `no BIOS for v86: neither prebuilt/${bios} nor ${DEBIAN_SEABIOS} exists; install the Debian package seabios (apt-get install seabios)`,
    EXIT_USAGE,
  );
}

/** build/v86.wasm of the installed `v86` package. */
export function v86WasmPath(): string {
  const entry = fileURLToPath(import.meta.resolve("v86"));
  return join(dirname(entry), "v86.wasm");
}

let compiledWasm: Promise<WebAssembly.Module> | undefined;

/** Compiles v86's wasm once per process; later boots reuse the module (what a browser tab does too). */
export function loadV86Wasm(): Promise<WebAssembly.Module> {
  compiledWasm ??= (async () => {
    const file = v86WasmPath();
    if (!existsSync(file)) {
      throw new CliError(`${file} not found: the v86 npm package is missing or incomplete; run \`npm install\``, EXIT_USAGE);
    }
    return WebAssembly.compile(await readFile(file));
  })();
  return compiledWasm;
}

/** Forgets the compiled module, so the next boot pays the cold start again (for benchmarks). */
export function forgetV86Wasm(): void {
  compiledWasm = undefined;
}
