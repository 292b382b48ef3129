// BusyBox: `make defconfig`, the committed busybox.fragment merged in, `make oldconfig`, a
// check that the fragment survived, then a static build against the sysroot's musl. Built in
// its own extracted tree; -ffile-prefix-map keeps that path out of the binary.
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkKconfig, describeMismatches, mergeKconfig, parseKconfig, serializeKconfig } from "../../../core/kconfig/index.ts";
import { CliError, EXIT_FAILED } from "../../command.ts";
import { assertNoBuildPaths } from "../path-leaks.ts";
import type { RecipeRun } from "./recipe.ts";
import { combineFragments, type NamedFragment } from "./kernel.ts";
import { muslCc, writeSpecs } from "./musl.ts";

export interface BusyboxBuild extends RecipeRun {
  tree: string;
  sysroot: string;
  fragment: NamedFragment;
  /** Where busybox, busybox.config and busybox.links go. */
  outDir: string;
}

export async function buildBusybox(b: BusyboxBuild): Promise<void> {
  const specs = writeSpecs(b.sysroot, b.tree);
  const make = (...args: string[]): Promise<void> =>
    b.log.step("make", [
      ...args,
      `CC=${muslCc(b.target, specs).join(" ")}`,
      `LD=ld -m ${b.target.ldEmulation}`,
      "HOSTCC=gcc",
      `EXTRA_CFLAGS=-ffile-prefix-map=${b.tree}=busybox`,
    ], { cwd: b.tree, env: b.env, input: "\n".repeat(4000) });
  await make("defconfig");
  const configPath = join(b.tree, ".config");
  const requested = combineFragments([b.fragment]);
  const base = parseKconfig(readFileSync(configPath, "utf8"), { source: "busybox defconfig" });
  // Replaced in place, not appended: BusyBox's kconfig keeps the first of two assignments.
  writeFileSync(configPath, serializeKconfig(mergeKconfig(base, requested)));
  // oldconfig asks about symbols the merge made newly visible; the newlines on stdin take defaults.
  await make("oldconfig");
  const finalText = readFileSync(configPath, "utf8");
  const dropped = checkKconfig(requested, parseKconfig(finalText, { source: "busybox .config" }));
  if (dropped.length) {
    throw new CliError(`BusyBox's oldconfig did not keep what ${b.fragment.name} asked for:\n  ${describeMismatches(dropped).join("\n  ")}`, EXIT_FAILED);
  }
  await make(`-j${b.jobs}`, "busybox");
  await make("busybox.links");
  assertNoBuildPaths(join(b.tree, "busybox"), [b.tree, b.sysroot]);
  copyFileSync(join(b.tree, "busybox"), join(b.outDir, "busybox"));
  copyFileSync(join(b.tree, "busybox.links"), join(b.outDir, "busybox.links"));
  writeFileSync(join(b.outDir, "busybox.config"), finalText);
}
