// The devel layer's stages of `bootlab build` (i386 only: the page's guest): the -fno-pie musl,
// tcc and the layer archive (recipes/tcc.ts says why each is what it is). Kept out of
// pipeline.ts, which calls `buildDevelLayer` once per i386 target.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { extractTarball } from "./extract.ts";
import type { ObtainedSource } from "./obtain-sources.ts";
import { buildDevelMusl, buildTcc, packDevelLayer, TCC_DIVMOD_SOURCE } from "./recipes/tcc.ts";
import { MUSL } from "./sources.ts";
import { cachedStage, moduleDigest, type StageCacheOptions } from "./stage-cache.ts";
import type { StageLog } from "./stage-log.ts";
import type { Target } from "./targets.ts";

export interface DevelLayerBuild {
  log: StageLog;
  env: NodeJS.ProcessEnv;
  jobs: number;
  stages: StageCacheOptions;
  target: Target;
  musl: ObtainedSource;
  tcc: ObtainedSource;
  /** bootlab's musl sysroot (tcc is linked against it) and the inputs that made it. */
  sysroot: string;
  sysrootInputs: unknown;
  /** A build directory by name. */
  workDir: (name: string) => string;
  /** Where the archive goes (outDir joined with its artifact path). */
  destination: string;
}

/** Builds (or reuses) the stages and writes the layer archive to `destination`. */
export async function buildDevelLayer(b: DevelLayerBuild): Promise<void> {
  const t = b.target.name;
  const recipe = moduleDigest(new URL("./recipes/tcc.ts", import.meta.url).href);
  const muslInputs = { musl: b.musl.sha256, sysroot: b.sysrootInputs, recipe, flags: "-fno-pie" };
  const develMusl = await b.log.stage(`musl -fno-pie ${t}`, () =>
    cachedStage(b.stages, `devel-musl-${t}`, muslInputs, async (out) => {
      const tree = await extractTarball(b.log, b.musl.path, b.workDir(`devel-musl-${t}`), MUSL.topDirectory!);
      await buildDevelMusl({ log: b.log, env: b.env, jobs: b.jobs, tree, target: b.target, prefix: out });
    }),
  );
  const tcc = await b.log.stage(`tcc ${t}`, () =>
    cachedStage(b.stages, `tcc-${t}`, { tcc: b.tcc.sha256, musl: muslInputs, divmod: readFileSync(TCC_DIVMOD_SOURCE, "utf8"), recipe }, async (out) => {
      // The orig tarball has no top directory: it unpacks into a directory of its own.
      const tree = b.workDir(`tcc-${t}`);
      rmSync(tree, { recursive: true, force: true });
      mkdirSync(tree, { recursive: true });
      await b.log.step("tar", ["-x", "-f", b.tcc.path, "-C", tree, "--no-same-owner"]);
      await buildTcc({ log: b.log, env: b.env, jobs: b.jobs, tree, target: b.target, sysroot: b.sysroot, develMusl: develMusl.dir, outDir: out });
    }),
  );
  await b.log.stage(`devel layer ${t}`, async () => {
    mkdirSync(dirname(b.destination), { recursive: true });
    writeFileSync(b.destination, packDevelLayer(tcc.dir, develMusl.dir));
    return { status: "packed" };
  });
}
