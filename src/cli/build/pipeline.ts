// `bootlab build` end to end: sources, then per target the kernels, the musl sysroot, BusyBox,
// hello and the base root filesystem, then SeaBIOS and the manifest. Each stage is one line on
// the terminal and is reused from the cache when its inputs have not changed.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { CacheLayout } from "./cache.ts";
import { extractDebMember, extractTarball, kernelSourceTree } from "./extract.ts";
import { describeArtifact, type Manifest, type ManifestArtifact, type ManifestBase, type ManifestKernel, type ManifestLayer, type ManifestSource, MANIFEST_SCHEMA } from "./manifest.ts";
import { SourceFetcher, type ObtainedSource, type SourceRoute } from "./obtain-sources.ts";
import { buildBusybox } from "./recipes/busybox.ts";
import { buildStaticC, STATIC_C_PROGRAMS } from "./recipes/static-c.ts";
import { buildKernel, installKernelHeaders, readFragment } from "./recipes/kernel.ts";
import { buildMusl } from "./recipes/musl.ts";
import { defaultInit, packBaseRootfs } from "./recipes/base-rootfs.ts";
import { reproducibleEnv, SOURCE_DATE_EPOCH } from "./reproducible-env.ts";
import { ALL_SOURCES, BUSYBOX, LINUX, MUSL, SEABIOS, TCC, type SourcePin } from "./sources.ts";
import { buildDevelLayer } from "./devel-layer.ts";
import { cachedStage, moduleDigest, type StageCacheOptions } from "./stage-cache.ts";
import type { StageLog } from "./stage-log.ts";
import { PROFILE_SPECS, profileFragments, TARGET_SPECS, type ProfileName, type TargetName } from "./targets.ts";
import { toolchainVersions, type ToolchainVersions } from "./toolchain.ts";

export interface BuildOptions {
  targets: readonly TargetName[];
  profiles: readonly ProfileName[];
  /** Per target, the profiles to build instead of `profiles` (--check: what the manifest records). */
  profilesByTarget?: Partial<Record<TargetName, readonly ProfileName[]>>;
  /** Where the artifacts go, in prebuilt/'s layout. */
  outDir: string;
  jobs: number;
  route: SourceRoute;
  /** Build everything from scratch in `workRoot`, neither reading nor filling the stage cache. */
  fresh: boolean;
  workRoot: string;
  layout: CacheLayout;
  log: StageLog;
}

export interface BuildResult {
  manifest: Manifest;
}

/** Where each artifact goes, relative to the output directory (the layout others code against). */
export const ARTIFACT_PATHS = {
  seabios: "seabios.bin",
  bzImage: (t: TargetName, p: ProfileName) => `${t}/${p}/bzImage`,
  kernelConfig: (t: TargetName, p: ProfileName) => `${t}/configs/kernel-${p}.config`,
  /** A committed kernel fragment, served as it is for the page's kernel panel (one copy for every target). */
  kernelFragment: (name: string) => `kconfig/${name}`,
  busybox: (t: TargetName) => `${t}/busybox`,
  busyboxConfig: (t: TargetName) => `${t}/configs/busybox.config`,
  hello: (t: TargetName) => `${t}/hello`,
  warmAgent: (t: TargetName) => `${t}/warm-agent`,
  baseRootfs: (t: TargetName) => `${t}/base.cpio.gz`,
  develLayer: (t: TargetName) => `${t}/devel.cpio.gz`,
};

/** The layers a system may ask for after the base (BootSystem.layers); the devel layer is built for i386 only. */
export const LAYER_TARGETS: readonly TargetName[] = ["i386"];

export async function runBuild(options: BuildOptions): Promise<BuildResult> {
  const { log, layout } = options;
  const env = reproducibleEnv();
  // The fixed part of the environment is an input of every stage: changing it must rebuild.
  const envKey = Object.fromEntries(Object.entries(env).filter(([k]) => !["PATH", "HOME", "TMPDIR"].includes(k)));
  const stages: StageCacheOptions = { root: layout.stages, workRoot: options.workRoot, fresh: options.fresh };
  const produced: string[] = [];
  const put = (stageDir: string, file: string, artifactPath: string): void => {
    const destination = join(options.outDir, artifactPath);
    mkdirSync(dirname(destination), { recursive: true });
    copyFileSync(join(stageDir, file), destination);
    produced.push(artifactPath);
  };

  const toolchain = await toolchainVersions();
  const fetcher = new SourceFetcher(layout, log, options.route);
  const obtained = new Map<string, ObtainedSource>();
  await log.stage("sources", async () => {
    let downloaded = 0;
    for (const pin of ALL_SOURCES) {
      const got = await fetcher.obtain(pin);
      if (got.downloaded) downloaded++;
      obtained.set(pin.name, got);
    }
    return { status: downloaded ? "fetched" : "cached" };
  });
  const source = (pin: SourcePin): ObtainedSource => obtained.get(pin.name)!;

  const seabios = await log.stage("seabios", () =>
    cachedStage(stages, "seabios", { sha256: source(SEABIOS).sha256, recipe: moduleDigest(import.meta.url) }, async (out) => {
      await extractDebMember(log, source(SEABIOS).path, SEABIOS.debian.kind === "binary" ? SEABIOS.debian.member : "", join(out, "deb"), join(out, "bios.bin"));
    }),
  );
  put(seabios.dir, "bios.bin", ARTIFACT_PATHS.seabios);

  const linuxTree = await log.stage("linux source", async () => {
    const member = LINUX.debian.kind === "binary" ? LINUX.debian.member : "";
    const tree = await kernelSourceTree(log, source(LINUX).path, member, options.fresh ? join(options.workRoot, "src") : layout.src, `linux-${source(LINUX).sha256.slice(0, 16)}`, LINUX.topDirectory!);
    return { status: "ready", tree };
  });

  for (const targetName of options.targets) {
    const target = TARGET_SPECS[targetName];
    const workDir = (name: string): string => join(options.fresh ? options.workRoot : layout.work, name);

    for (const profile of options.profilesByTarget?.[targetName] ?? options.profiles) {
      const fragments = [target.kernelFragment, ...profileFragments(profile)].map(readFragment);
      const inputs = { linux: source(LINUX).sha256, fragments, toolchain, env: envKey, recipe: moduleDigest(new URL("./recipes/kernel.ts", import.meta.url).href), target: targetName };
      const kernel = await log.stage(`kernel ${targetName} ${profile}`, () =>
        cachedStage(stages, `kernel-${targetName}-${profile}`, inputs, (out) =>
          buildKernel({ log, env, jobs: options.jobs, sourceTree: linuxTree.tree, buildDir: workDir(`kernel-${targetName}-${profile}`), target, fragments, outDir: out }),
        ),
      );
      put(kernel.dir, "bzImage", ARTIFACT_PATHS.bzImage(targetName, profile));
      put(kernel.dir, "kernel.config", ARTIFACT_PATHS.kernelConfig(targetName, profile));
      for (const fragment of fragments) {
        const path = ARTIFACT_PATHS.kernelFragment(fragment.name);
        if (produced.includes(path)) continue;
        mkdirSync(dirname(join(options.outDir, path)), { recursive: true });
        writeFileSync(join(options.outDir, path), fragment.text);
        produced.push(path);
      }
    }

    const sysrootInputs = {
      musl: source(MUSL).sha256,
      linux: source(LINUX).sha256,
      toolchain,
      env: envKey,
      target: targetName,
      recipe: [moduleDigest(new URL("./recipes/musl.ts", import.meta.url).href), moduleDigest(new URL("./recipes/kernel.ts", import.meta.url).href)],
    };
    const sysroot = await log.stage(`musl ${targetName}`, () =>
      cachedStage(stages, `sysroot-${targetName}`, sysrootInputs, async (out) => {
        const tree = await extractTarball(log, source(MUSL).path, workDir(`musl-${targetName}`), MUSL.topDirectory!);
        await buildMusl({ log, env, jobs: options.jobs, tree, target, sysroot: out });
        await installKernelHeaders(log, env, linuxTree.tree, workDir(`headers-${targetName}`), target, join(out, "include"));
      }),
    );

    const busyboxFragment = readFragment("busybox.fragment");
    const busybox = await log.stage(`busybox ${targetName}`, () =>
      cachedStage(stages, `busybox-${targetName}`, { busybox: source(BUSYBOX).sha256, fragment: busyboxFragment, sysroot: sysrootInputs, recipe: moduleDigest(new URL("./recipes/busybox.ts", import.meta.url).href) }, async (out) => {
        const tree = await extractTarball(log, source(BUSYBOX).path, workDir(`busybox-${targetName}`), BUSYBOX.topDirectory!);
        await buildBusybox({ log, env, jobs: options.jobs, tree, target, sysroot: sysroot.dir, fragment: busyboxFragment, outDir: out });
      }),
    );
    put(busybox.dir, "busybox", ARTIFACT_PATHS.busybox(targetName));
    put(busybox.dir, "busybox.config", ARTIFACT_PATHS.busyboxConfig(targetName));

    for (const [key, program] of Object.entries(STATIC_C_PROGRAMS) as [keyof typeof STATIC_C_PROGRAMS, (typeof STATIC_C_PROGRAMS)[keyof typeof STATIC_C_PROGRAMS]][]) {
      const built = await log.stage(`${program.name} ${targetName}`, () =>
        cachedStage(stages, `${program.name}-${targetName}`, { source: readFileSync(program.source, "utf8"), sysroot: sysrootInputs, recipe: moduleDigest(new URL("./recipes/static-c.ts", import.meta.url).href) }, (out) =>
          buildStaticC(log, env, target, sysroot.dir, program, workDir(`${program.name}-${targetName}`), out),
        ),
      );
      put(built.dir, program.name, ARTIFACT_PATHS[key](targetName));
    }

    await log.stage(`base rootfs ${targetName}`, async () => {
      const archive = packBaseRootfs({
        busybox: readFileSync(join(busybox.dir, "busybox")),
        links: readFileSync(join(busybox.dir, "busybox.links"), "utf8"),
        init: await defaultInit(),
      });
      const destination = join(options.outDir, ARTIFACT_PATHS.baseRootfs(targetName));
      mkdirSync(dirname(destination), { recursive: true });
      writeFileSync(destination, archive);
      produced.push(ARTIFACT_PATHS.baseRootfs(targetName));
      return { status: "packed" };
    });

    if (LAYER_TARGETS.includes(targetName)) {
      const destination = join(options.outDir, ARTIFACT_PATHS.develLayer(targetName));
      await buildDevelLayer({ log, env, jobs: options.jobs, stages, target, musl: source(MUSL), tcc: source(TCC), sysroot: sysroot.dir, sysrootInputs, workDir, destination });
      produced.push(ARTIFACT_PATHS.develLayer(targetName));
    }
  }

  const artifacts: ManifestArtifact[] = produced.map((path) => describeArtifact(options.outDir, path)).sort((a, b) => (a.path < b.path ? -1 : 1));
  return {
    manifest: {
      schema: MANIFEST_SCHEMA,
      generator: "bootlab build",
      sourceDateEpoch: SOURCE_DATE_EPOCH,
      ...describeOutputs(options.targets, options.profiles, options.profilesByTarget),
      artifacts,
      sources: ALL_SOURCES.map((pin) => manifestSource(pin, source(pin))),
      toolchain,
    },
  };
}

/** What the artifacts of these targets and profiles are, in the manifest's terms (paths from ARTIFACT_PATHS). */
export function describeOutputs(targets: readonly TargetName[], profiles: readonly ProfileName[], profilesByTarget?: Partial<Record<TargetName, readonly ProfileName[]>>): Pick<Manifest, "bios" | "bases" | "kernels" | "layers"> {
  const bases: ManifestBase[] = targets.map((arch) => ({ arch, path: ARTIFACT_PATHS.baseRootfs(arch), warmAgent: ARTIFACT_PATHS.warmAgent(arch) }));
  const kernels: ManifestKernel[] = targets.flatMap((arch) =>
    (profilesByTarget?.[arch] ?? profiles).map((id) => ({
      id,
      arch,
      bzImage: ARTIFACT_PATHS.bzImage(arch, id),
      config: ARTIFACT_PATHS.kernelConfig(arch, id),
      fragments: [TARGET_SPECS[arch].kernelFragment, ...profileFragments(id)].map(ARTIFACT_PATHS.kernelFragment),
      summary: TARGET_SPECS[arch].kernelSummaries?.[id] ?? PROFILE_SPECS[id].summary,
    })),
  );
  const layers: ManifestLayer[] = targets.filter((arch) => LAYER_TARGETS.includes(arch)).map((arch) => ({ id: "devel", arch, path: ARTIFACT_PATHS.develLayer(arch), summary: DEVEL_LAYER_SUMMARY }));
  return { bios: ARTIFACT_PATHS.seabios, bases, kernels, layers };
}

function manifestSource(pin: SourcePin, got: ObtainedSource): ManifestSource {
  const d = pin.debian;
  const debian = d.kind === "binary" ? `${d.package} ${d.version} (apt-get download)` : `${d.package} source package, orig tarball (apt-get source --download-only)`;
  return {
    name: pin.name,
    version: d.kind === "binary" ? d.version : pin.version,
    file: d.file,
    sha256: got.sha256,
    origin: got.origin,
    debian,
    upstream: pin.upstream,
  };
}

export const DEVEL_LAYER_SUMMARY = "TinyCC (tcc, and cc) with musl's headers, start files and libc.a under /usr: `tcc -static hello.c -o hello` in the guest";

export type { ToolchainVersions };
