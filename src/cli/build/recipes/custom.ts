// A user's own kernel or BusyBox (`bootlab build --name`): the base configuration (tinyconfig
// with the committed fragments, or the kernel's own defconfig; BusyBox's defconfig with
// busybox.fragment), the user's fragments merged over it, `olddefconfig` (BusyBox: `oldconfig`),
// then a report of what the user's lines became instead of a failure: a user asking for a symbol
// whose dependency is off is told which, and gets the kernel kconfig made. The committed
// fragments must still hold, as in recipes/kernel.ts. Kept apart from kernel.ts and busybox.ts
// so that editing this file does not invalidate the committed artifacts' cached stages.
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkKconfig, describeMismatches, mergeKconfig, parseKconfig, serializeKconfig } from "../../../core/kconfig/index.ts";
import { CliError, EXIT_FAILED } from "../../command.ts";
import { BUSYBOX_KCONFIG, KERNEL_KCONFIG, reportFragments, type FragmentReport } from "../kconfig-why.ts";
import { assertNoBuildPaths } from "../path-leaks.ts";
import type { RecipeRun } from "./recipe.ts";
import { combineFragments, type NamedFragment } from "./kernel.ts";
import { muslCc, writeSpecs } from "./musl.ts";

/** The report file the BusyBox stage leaves beside its outputs (printed again when the stage is cached). */
export const REPORT_FILE = "kconfig-report.json";

export interface CustomKernelBuild extends RecipeRun {
  sourceTree: string;
  /** The O= directory (seeded from the profile's when it exists: a small fragment rebuilds little). */
  buildDir: string;
  /** An O= directory to start from, copied when buildDir does not exist yet. */
  seedDir?: string;
  /** The make target that writes the starting .config: "tinyconfig" or a defconfig's name. */
  base: string;
  /** Must hold in the final .config (the committed fragments). */
  committed: readonly NamedFragment[];
  /** Reported on, not enforced. */
  user: readonly NamedFragment[];
  outDir: string;
}

export async function buildCustomKernel(b: CustomKernelBuild): Promise<void> {
  const make = (...args: string[]): Promise<void> =>
    b.log.step("make", ["-C", b.sourceTree, `O=${b.buildDir}`, `ARCH=${b.target.kernelArch}`, ...args], { env: b.env });
  if (b.seedDir && !existsSync(b.buildDir) && existsSync(join(b.seedDir, ".config"))) await b.log.step("cp", ["-a", b.seedDir, b.buildDir]);
  mkdirSync(b.buildDir, { recursive: true });
  const configPath = join(b.buildDir, ".config");
  await make(b.base);
  const committed = combineFragments(b.committed);
  const user = combineFragments(b.user);
  const base = parseKconfig(readFileSync(configPath, "utf8"), { source: `${b.base} .config` });
  writeFileSync(configPath, serializeKconfig(mergeKconfig(base, committed, user)));
  await make("olddefconfig");
  const finalText = readFileSync(configPath, "utf8");
  const final = parseKconfig(finalText, { source: ".config" });
  // A committed line the user's fragment overrode is the user's choice; others must hold.
  const userSymbols = new Set(user.entries.map((e) => e.symbol));
  const broken = checkKconfig({ entries: committed.entries.filter((e) => !userSymbols.has(e.symbol)) }, final);
  if (broken.length) {
    throw new CliError(`olddefconfig did not keep what ${b.committed.map((f) => f.name).join(" + ")} asked for, after your fragments:\n  ${describeMismatches(broken).join("\n  ")}\nOne of your lines turned off a dependency of these.`, EXIT_FAILED);
  }
  await make(`-j${b.jobs}`, "bzImage");
  assertNoBuildPaths(join(b.buildDir, "vmlinux"), [b.buildDir, b.sourceTree]);
  copyFileSync(join(b.buildDir, "arch/x86/boot/bzImage"), join(b.outDir, "bzImage"));
  writeFileSync(join(b.outDir, "kernel.config"), finalText);
}

/**
 * The report on the user's kernel fragments against a built .config, read from the kernel tree:
 * made after the (possibly cached) stage, so a better explainer explains old builds too.
 */
export function kernelReport(user: readonly NamedFragment[], configText: string, sourceTree: string): FragmentReport {
  return reportFragments(user.map((f) => f.name), combineFragments(user), parseKconfig(configText, { source: ".config" }), sourceTree, KERNEL_KCONFIG);
}

export interface CustomBusyboxBuild extends RecipeRun {
  tree: string;
  sysroot: string;
  committed: NamedFragment;
  user: readonly NamedFragment[];
  outDir: string;
}

/** BusyBox as recipes/busybox.ts builds it, with the user's fragments over busybox.fragment. */
export async function buildCustomBusybox(b: CustomBusyboxBuild): Promise<FragmentReport> {
  const specs = writeSpecs(b.sysroot, b.tree);
  const make = (...args: string[]): Promise<void> =>
    b.log.step("make", [...args, `CC=${muslCc(b.target, specs).join(" ")}`, `LD=ld -m ${b.target.ldEmulation}`, "HOSTCC=gcc", `EXTRA_CFLAGS=-ffile-prefix-map=${b.tree}=busybox`], {
      cwd: b.tree,
      env: b.env,
      input: "\n".repeat(4000),
    });
  await make("defconfig");
  const configPath = join(b.tree, ".config");
  const committed = combineFragments([b.committed]);
  const user = combineFragments(b.user);
  const base = parseKconfig(readFileSync(configPath, "utf8"), { source: "busybox defconfig" });
  writeFileSync(configPath, serializeKconfig(mergeKconfig(base, committed, user)));
  await make("oldconfig");
  const finalText = readFileSync(configPath, "utf8");
  const final = parseKconfig(finalText, { source: "busybox .config" });
  const userSymbols = new Set(user.entries.map((e) => e.symbol));
  const broken = checkKconfig({ entries: committed.entries.filter((e) => !userSymbols.has(e.symbol)) }, final);
  if (broken.length) throw new CliError(`BusyBox's oldconfig did not keep what ${b.committed.name} asked for, after your fragments:\n  ${describeMismatches(broken).join("\n  ")}`, EXIT_FAILED);
  const report = reportFragments(b.user.map((f) => f.name), user, final, b.tree, BUSYBOX_KCONFIG);
  await make(`-j${b.jobs}`, "busybox");
  await make("busybox.links");
  assertNoBuildPaths(join(b.tree, "busybox"), [b.tree, b.sysroot]);
  copyFileSync(join(b.tree, "busybox"), join(b.outDir, "busybox"));
  copyFileSync(join(b.tree, "busybox.links"), join(b.outDir, "busybox.links"));
  writeFileSync(join(b.outDir, "busybox.config"), finalText);
  writeFileSync(join(b.outDir, REPORT_FILE), JSON.stringify(report, null, 2) + "\n");
  return report;
}

export function readReport(stageDir: string): FragmentReport {
  return JSON.parse(readFileSync(join(stageDir, REPORT_FILE), "utf8")) as FragmentReport;
}
