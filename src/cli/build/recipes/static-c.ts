// The static C programs bootlab ships: the C init of tutorials 001 and 004 (`hello`) and the
// warm-boot agent (src/core/warm), each one source file compiled against the sysroot's musl and
// stripped.
import { copyFileSync, mkdirSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertNoBuildPaths } from "../path-leaks.ts";
import type { StageLog } from "../stage-log.ts";
import type { Target } from "../targets.ts";
import { muslCc, writeSpecs } from "./musl.ts";

export interface StaticCProgram {
  /** The artifact's file name. */
  name: string;
  source: string;
}

export const STATIC_C_PROGRAMS = {
  hello: { name: "hello", source: fileURLToPath(new URL("../files/hello.c", import.meta.url)) },
  warmAgent: { name: "warm-agent", source: fileURLToPath(new URL("../files/warm-agent.c", import.meta.url)) },
} satisfies Record<string, StaticCProgram>;

export async function buildStaticC(log: StageLog, env: NodeJS.ProcessEnv, target: Target, sysroot: string, program: StaticCProgram, workDir: string, outDir: string): Promise<void> {
  mkdirSync(workDir, { recursive: true });
  // A copy, so the compiler sees the same relative name wherever the checkout is.
  const file = basename(program.source);
  copyFileSync(program.source, join(workDir, file));
  const [cc, ...flags] = muslCc(target, writeSpecs(sysroot, workDir));
  await log.step(cc!, [...flags, "-Os", "-s", `-ffile-prefix-map=${workDir}=.`, "-o", join(outDir, program.name), file], { cwd: workDir, env });
  assertNoBuildPaths(join(outDir, program.name), [workDir, sysroot]);
}
