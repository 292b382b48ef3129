// The static C init of tutorials 001 and 004, compiled against the sysroot's musl and stripped.
import { copyFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { assertNoBuildPaths } from "../path-leaks.ts";
import type { StageLog } from "../stage-log.ts";
import type { Target } from "../targets.ts";
import { muslCc, writeSpecs } from "./musl.ts";

export const HELLO_SOURCE = fileURLToPath(new URL("../files/hello.c", import.meta.url));

export async function buildHello(log: StageLog, env: NodeJS.ProcessEnv, target: Target, sysroot: string, workDir: string, outDir: string): Promise<void> {
  mkdirSync(workDir, { recursive: true });
  // A copy, so the compiler sees the same relative name wherever the checkout is.
  copyFileSync(HELLO_SOURCE, join(workDir, "hello.c"));
  const [cc, ...flags] = muslCc(target, writeSpecs(sysroot, workDir));
  await log.step(cc!, [...flags, "-Os", "-s", `-ffile-prefix-map=${workDir}=.`, "-o", join(outDir, "hello"), "hello.c"], { cwd: workDir, env });
  assertNoBuildPaths(join(outDir, "hello"), [workDir, sysroot]);
}
