// `bootlab build --name NAME`: one named kernel (and, with --busybox-config, a BusyBox and a base
// archive made with it) from the user's fragments, into the output directory's layout and
// manifest beside the committed artifacts:
//   <arch>/<NAME>/bzImage  <arch>/configs/kernel-<NAME>.config  <arch>/<NAME>/kconfig-report.json
//   <arch>/<NAME>/busybox  <arch>/configs/busybox-<NAME>.config  <arch>/<NAME>/base.cpio.gz
// Each is a cached stage keyed by its inputs (the sources, the base, every fragment's text, the
// toolchain, the recipe), so asking again for the same kernel takes seconds.
import { mkdirSync, copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createHash } from "node:crypto";
import { parseKconfig } from "../../core/kconfig/index.ts";
import type { CacheLayout } from "./cache.ts";
import { extractTarball, kernelSourceTree } from "./extract.ts";
import { formatReport } from "./kconfig-why.ts";
import { describeArtifact, type Manifest, type ManifestArtifact, type ManifestKernel, MANIFEST_SCHEMA } from "./manifest.ts";
import { SourceFetcher, type ObtainedSource, type SourceRoute } from "./obtain-sources.ts";
import { defaultInit, packBaseRootfs } from "./recipes/base-rootfs.ts";
import { buildCustomBusybox, buildCustomKernel, kernelReport, readReport } from "./recipes/custom.ts";
import { installKernelHeaders, readFragment, type NamedFragment } from "./recipes/kernel.ts";
import { buildMusl } from "./recipes/musl.ts";
import { reproducibleEnv, SOURCE_DATE_EPOCH } from "./reproducible-env.ts";
import { BUSYBOX, LINUX, MUSL, type SourcePin } from "./sources.ts";
import { cachedStage, moduleDigest, type StageCacheOptions } from "./stage-cache.ts";
import type { StageLog } from "./stage-log.ts";
import { profileFragments, TARGET_SPECS, type ProfileName, type TargetName } from "./targets.ts";
import { toolchainVersions } from "./toolchain.ts";

export interface NamedBuildOptions {
  name: string;
  target: TargetName;
  profile: ProfileName;
  /** A defconfig make target instead of tinyconfig + the committed fragments. */
  defconfig?: string;
  kconfigs: readonly NamedFragment[];
  busyboxConfigs: readonly NamedFragment[];
  outDir: string;
  jobs: number;
  route: SourceRoute;
  layout: CacheLayout;
  log: StageLog;
}

export const NAMED_PATHS = {
  bzImage: (arch: string, name: string) => `${arch}/${name}/bzImage`,
  kernelConfig: (arch: string, name: string) => `${arch}/configs/kernel-${name}.config`,
  report: (arch: string, name: string) => `${arch}/${name}/kconfig-report.json`,
  busybox: (arch: string, name: string) => `${arch}/${name}/busybox`,
  busyboxConfig: (arch: string, name: string) => `${arch}/configs/busybox-${name}.config`,
  busyboxReport: (arch: string, name: string) => `${arch}/${name}/busybox-report.json`,
  base: (arch: string, name: string) => `${arch}/${name}/base.cpio.gz`,
};

/** Builds what the options ask for; returns the manifest entries to merge into the output's manifest. */
export async function runNamedBuild(o: NamedBuildOptions): Promise<Manifest> {
  const { log, layout } = o;
  const env = reproducibleEnv();
  const envKey = Object.fromEntries(Object.entries(env).filter(([k]) => !["PATH", "HOME", "TMPDIR"].includes(k)));
  const stages: StageCacheOptions = { root: layout.stages, workRoot: layout.work, fresh: false };
  const toolchain = await toolchainVersions();
  const target = TARGET_SPECS[o.target];
  const produced: string[] = [];
  const put = (stageDir: string, file: string, artifactPath: string): void => {
    const destination = join(o.outDir, artifactPath);
    mkdirSync(dirname(destination), { recursive: true });
    copyFileSync(join(stageDir, file), destination);
    produced.push(artifactPath);
  };

  const fetcher = new SourceFetcher(layout, log, o.route);
  const pins: SourcePin[] = o.busyboxConfigs.length ? [LINUX, MUSL, BUSYBOX] : [LINUX];
  const obtained = new Map<string, ObtainedSource>();
  await log.stage("sources", async () => {
    let downloaded = 0;
    for (const pin of pins) {
      const got = await fetcher.obtain(pin);
      if (got.downloaded) downloaded++;
      obtained.set(pin.name, got);
    }
    return { status: downloaded ? "fetched" : "cached" };
  });
  const source = (pin: SourcePin): ObtainedSource => obtained.get(pin.name)!;
  const linuxTree = await log.stage("linux source", async () => {
    const member = LINUX.debian.kind === "binary" ? LINUX.debian.member : "";
    return { status: "ready", tree: await kernelSourceTree(log, source(LINUX).path, member, layout.src, `linux-${source(LINUX).sha256.slice(0, 16)}`, LINUX.topDirectory!) };
  });

  // The kernel.
  const committed = o.defconfig ? [] : [target.kernelFragment, ...profileFragments(o.profile)].map(readFragment);
  const base = o.defconfig ?? "tinyconfig";
  const inputs = { linux: source(LINUX).sha256, base, committed, user: o.kconfigs, toolchain, env: envKey, recipe: moduleDigest(new URL("./recipes/custom.ts", import.meta.url).href), target: o.target };
  const kernel = await log.stage(`kernel ${o.target} ${o.name}`, () =>
    cachedStage(stages, `kernel-${o.target}-named`, inputs, (out) =>
      buildCustomKernel({
        log,
        env,
        jobs: o.jobs,
        sourceTree: linuxTree.tree,
        // One build directory for every named kernel of a target: the next named kernel with a
        // few lines changed rebuilds incrementally. (A copy of the profile's directory did not
        // help: objtool and the host tools record their absolute paths, so everything rebuilt.)
        buildDir: join(layout.work, `kernel-${o.target}-named`),
        target,
        base,
        committed,
        user: o.kconfigs,
        outDir: out,
      }),
    ),
  );
  const configText = readFileSync(join(kernel.dir, "kernel.config"), "utf8");
  // The architecture is what the .config says (i386_defconfig under ARCH=x86_64 is 32-bit).
  const arch: TargetName = parseKconfig(configText).entries.some((e) => e.symbol === "CONFIG_X86_64" && e.value.kind === "set" && e.value.value === "y") ? "x86_64" : "i386";
  const report = kernelReport(o.kconfigs, configText, linuxTree.tree);
  for (const line of formatReport(`kernel ${o.name}`, report)) log.say(line);
  put(kernel.dir, "bzImage", NAMED_PATHS.bzImage(arch, o.name));
  put(kernel.dir, "kernel.config", NAMED_PATHS.kernelConfig(arch, o.name));
  writeFileSync(join(o.outDir, NAMED_PATHS.report(arch, o.name)), JSON.stringify(report, null, 2) + "\n");
  produced.push(NAMED_PATHS.report(arch, o.name));
  const fragmentInputs = (fragments: readonly NamedFragment[]) => fragments.map((f) => ({ name: f.name, sha256: createHash("sha256").update(f.text).digest("hex") }));
  const entry: ManifestKernel = {
    id: o.name,
    arch,
    bzImage: NAMED_PATHS.bzImage(arch, o.name),
    config: NAMED_PATHS.kernelConfig(arch, o.name),
    summary: `your kernel: ${[base, ...committed.map((f) => f.name), ...o.kconfigs.map((f) => f.name)].join(" + ")}`,
    inputs: { base, committed: fragmentInputs(committed), fragments: fragmentInputs(o.kconfigs), report: NAMED_PATHS.report(arch, o.name) },
  };

  // BusyBox, when asked: the same musl sysroot stage as the committed build (same inputs, so
  // the cached one), then BusyBox with the user's fragments, then a base archive made with it.
  if (o.busyboxConfigs.length) {
    const sysrootInputs = {
      musl: source(MUSL).sha256,
      linux: source(LINUX).sha256,
      toolchain,
      env: envKey,
      target: o.target,
      recipe: [moduleDigest(new URL("./recipes/musl.ts", import.meta.url).href), moduleDigest(new URL("./recipes/kernel.ts", import.meta.url).href)],
    };
    const sysroot = await log.stage(`musl ${o.target}`, () =>
      cachedStage(stages, `sysroot-${o.target}`, sysrootInputs, async (out) => {
        const tree = await extractTarball(log, source(MUSL).path, join(layout.work, `musl-${o.target}`), MUSL.topDirectory!);
        await buildMusl({ log, env, jobs: o.jobs, tree, target, sysroot: out });
        await installKernelHeaders(log, env, linuxTree.tree, join(layout.work, `headers-${o.target}`), target, join(out, "include"));
      }),
    );
    const committedBusybox = readFragment("busybox.fragment");
    const busyboxInputs = { busybox: source(BUSYBOX).sha256, committed: committedBusybox, user: o.busyboxConfigs, sysroot: sysrootInputs, recipe: [moduleDigest(new URL("./recipes/custom.ts", import.meta.url).href), moduleDigest(new URL("./kconfig-why.ts", import.meta.url).href), moduleDigest(new URL("../../core/kconfig/explain.ts", import.meta.url).href)] };
    const busybox = await log.stage(`busybox ${o.target} ${o.name}`, () =>
      cachedStage(stages, `busybox-${o.target}-named`, busyboxInputs, async (out) => {
        const tree = await extractTarball(log, source(BUSYBOX).path, join(layout.work, `busybox-${o.target}-named-${o.name}`), BUSYBOX.topDirectory!);
        await buildCustomBusybox({ log, env, jobs: o.jobs, tree, target, sysroot: sysroot.dir, committed: committedBusybox, user: o.busyboxConfigs, outDir: out });
      }),
    );
    for (const line of formatReport(`busybox ${o.name}`, readReport(busybox.dir))) log.say(line);
    put(busybox.dir, "busybox", NAMED_PATHS.busybox(o.target, o.name));
    put(busybox.dir, "busybox.config", NAMED_PATHS.busyboxConfig(o.target, o.name));
    put(busybox.dir, "kconfig-report.json", NAMED_PATHS.busyboxReport(o.target, o.name));
    const archive = packBaseRootfs({ busybox: readFileSync(join(busybox.dir, "busybox")), links: readFileSync(join(busybox.dir, "busybox.links"), "utf8"), init: await defaultInit() });
    const basePath = NAMED_PATHS.base(o.target, o.name);
    mkdirSync(dirname(join(o.outDir, basePath)), { recursive: true });
    writeFileSync(join(o.outDir, basePath), archive);
    produced.push(basePath);
  }

  const artifacts: ManifestArtifact[] = produced.map((path) => describeArtifact(o.outDir, path));
  return { schema: MANIFEST_SCHEMA, generator: "bootlab build", sourceDateEpoch: SOURCE_DATE_EPOCH, bios: "", bases: [], kernels: [entry], artifacts, sources: [], toolchain };
}
