// The host tools a build depends on, and their versions for the manifest: a different compiler
// is the usual reason an artifact's sha256 differs, so --check prints both.
import { CliError, EXIT_USAGE } from "../command.ts";
import { findTool, missingToolMessage, run } from "../exec.ts";
import { TOOL_PACKAGES } from "../tools.ts";

/** Every tool `bootlab build` runs. */
export const BUILD_TOOLS = ["make", "gcc", "ld", "ar", "ranlib", "flex", "bison", "bc", "perl", "tar", "xz", "bzip2", "lz4", "gzip", "dpkg-deb", "apt-get"] as const;

/** The Debian packages that provide BUILD_TOOLS, plus what no single tool names. */
export function buildPackages(): string[] {
  const packages = new Set<string>(BUILD_TOOLS.map((t) => TOOL_PACKAGES[t]).filter((p): p is string => p !== undefined));
  // -m32 builds (musl, BusyBox and hello for i386) need the 32-bit libgcc and crt files.
  packages.add("gcc-multilib");
  // objtool, which x86_64 kernel builds run, links against libelf.
  packages.add("libelf-dev");
  return [...packages].sort();
}

/** The build tools that are missing, each with how to get it. */
export function missingBuildTools(): string[] {
  return BUILD_TOOLS.filter((tool) => !findTool(tool)).map((tool) => missingToolMessage(tool));
}

export function requireBuildTools(): void {
  const missing = missingBuildTools();
  if (missing.length) {
    throw new CliError(`missing build tools:\n  ${missing.join("\n  ")}\nOr run \`bootlab build --install-deps\` as root.`, EXIT_USAGE);
  }
}

/** Checks that gcc can build 32-bit programs (the gcc-multilib package). */
export async function requireMultilib(): Promise<void> {
  const result = await run("gcc", ["-m32", "-print-file-name=crtbegin.o"], { check: false });
  const path = result.stdout.trim();
  if (result.code !== 0 || !path.includes("/32/")) {
    throw new CliError("gcc cannot build 32-bit code: install the Debian package gcc-multilib (apt-get install gcc-multilib)", EXIT_USAGE);
  }
}

export interface ToolchainVersions {
  gcc: string;
  binutils: string;
  make: string;
}

export async function toolchainVersions(): Promise<ToolchainVersions> {
  const first = async (tool: string): Promise<string> => (await run(tool, ["--version"])).stdout.split("\n")[0]!.trim();
  return { gcc: await first("gcc"), binutils: await first("ld"), make: await first("make") };
}
