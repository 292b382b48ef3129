// The kernel: `make tinyconfig`, the committed fragments merged in (src/core/kconfig), `make
// olddefconfig`, a check that every fragment line survived, then `make bzImage`. Built out of
// tree (O=) from the shared, read-only source tree, so no build path ends up in the image
// (the kernel maps its source path away with -fmacro-prefix-map; debug info is off).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  checkKconfig,
  describeMismatches,
  mergeKconfig,
  parseKconfig,
  serializeKconfig,
  type Kconfig,
} from "../../../core/kconfig/index.ts";
import { CliError, EXIT_FAILED } from "../../command.ts";
import { assertNoBuildPaths } from "../path-leaks.ts";
import type { RecipeRun } from "./recipe.ts";
import type { StageLog } from "../stage-log.ts";
import type { Target } from "../targets.ts";

export interface NamedFragment {
  /** The file name, for messages. */
  name: string;
  text: string;
}

/** The committed fragment files, read from src/cli/build/kconfig/. */
export function readFragment(name: string): NamedFragment {
  return { name, text: readFileSync(new URL(`../kconfig/${name}`, import.meta.url), "utf8") };
}

/** All fragments as one Kconfig, later lines winning; parse errors name the file and line. */
export function combineFragments(fragments: readonly NamedFragment[]): Kconfig {
  return mergeKconfig({ entries: [] }, ...fragments.map((f) => parseKconfig(f.text, { source: f.name })));
}

export interface KernelBuild extends RecipeRun {
  sourceTree: string;
  /** The O= directory; kept between runs so a changed fragment rebuilds incrementally. */
  buildDir: string;
  fragments: readonly NamedFragment[];
  /** Where bzImage and kernel.config go. */
  outDir: string;
}

export async function buildKernel(b: KernelBuild): Promise<void> {
  const make = (...args: string[]): Promise<void> =>
    b.log.step("make", ["-C", b.sourceTree, `O=${b.buildDir}`, `ARCH=${b.target.kernelArch}`, ...args], { env: b.env });
  mkdirSync(b.buildDir, { recursive: true });
  const configPath = join(b.buildDir, ".config");
  await make("tinyconfig");
  const requested = combineFragments(b.fragments);
  const base = parseKconfig(readFileSync(configPath, "utf8"), { source: "tinyconfig .config" });
  writeFileSync(configPath, serializeKconfig(mergeKconfig(base, requested)));
  await make("olddefconfig");
  const finalText = readFileSync(configPath, "utf8");
  const dropped = checkKconfig(requested, parseKconfig(finalText, { source: ".config" }));
  if (dropped.length) {
    throw new CliError(
      `the kernel's olddefconfig did not keep what ${b.fragments.map((f) => f.name).join(" + ")} asked for:\n  ${describeMismatches(dropped).join("\n  ")}\nFix the fragment (a dependency may be missing).`,
      EXIT_FAILED,
    );
  }
  await make(`-j${b.jobs}`, "bzImage");
  assertNoBuildPaths(join(b.buildDir, "vmlinux"), [b.buildDir, b.sourceTree]);
  copyFileSync(join(b.buildDir, "arch/x86/boot/bzImage"), join(b.outDir, "bzImage"));
  writeFileSync(join(b.outDir, "kernel.config"), finalText);
}

/** The kernel's user-space API headers (linux/*.h, asm/*.h), which BusyBox compiles against. */
export async function installKernelHeaders(log: StageLog, env: NodeJS.ProcessEnv, sourceTree: string, buildDir: string, target: Target, includeDir: string): Promise<void> {
  mkdirSync(buildDir, { recursive: true });
  await log.step("make", ["-C", sourceTree, `O=${buildDir}`, `ARCH=${target.kernelArch}`, "headers"], { env });
  // `make headers_install` would copy them with rsync (one more build dependency); cp copies the
  // directory's contents (the trailing "/." that path.join would drop), then drop kbuild's
  // .*.cmd bookkeeping files.
  mkdirSync(includeDir, { recursive: true });
  await log.step("cp", ["-R", "--no-preserve=mode,ownership", `${join(buildDir, "usr", "include")}/.`, includeDir]);
  await log.step("find", [includeDir, "-name", ".*.cmd", "-delete"]);
}
