// Finished stages are kept under the cache by a key made of everything that goes into them
// (source sha256s, committed configs, the recipe's own code, the toolchain), so a second
// `bootlab build` with nothing changed copies results instead of compiling. `--check` builds
// with `fresh`, which neither reads nor writes this cache.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export interface StageCacheOptions {
  /** stages/ under the cache. */
  root: string;
  /** Where fresh (uncached) stages build. */
  workRoot: string;
  fresh: boolean;
}

export interface StageResult {
  /** The directory holding the stage's outputs. */
  dir: string;
  status: "built" | "cached";
}

/** A stable key for any JSON-able inputs. */
export function stageKey(inputs: unknown): string {
  return createHash("sha256").update(JSON.stringify(inputs)).digest("hex").slice(0, 20);
}

/** sha256 of a module's own source file, so editing a recipe invalidates its cached stages. */
export function moduleDigest(moduleUrl: string): string {
  return createHash("sha256").update(readFileSync(fileURLToPath(moduleUrl))).digest("hex").slice(0, 20);
}

const COMPLETE = ".complete";

/**
 * Returns the stage's output directory, running `build(outDir)` unless a complete cached copy
 * exists. A stage that fails leaves nothing that a later run could mistake for a result.
 */
export async function cachedStage(
  options: StageCacheOptions,
  name: string,
  inputs: unknown,
  build: (outDir: string) => Promise<void>,
): Promise<StageResult> {
  if (options.fresh) {
    const dir = join(options.workRoot, "out", name);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    await build(dir);
    return { dir, status: "built" };
  }
  const key = stageKey({ name, inputs });
  const dir = join(options.root, `${name}-${key}`);
  if (existsSync(join(dir, COMPLETE))) return { dir, status: "cached" };
  const partial = `${dir}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  try {
    await build(partial);
    writeFileSync(join(partial, COMPLETE), JSON.stringify(inputs, null, 2) + "\n");
    rmSync(dir, { recursive: true, force: true });
    renameSync(partial, dir);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
  return { dir, status: "built" };
}
