// `bootlab build`: kernel, musl, BusyBox, hello and the base root filesystem from pinned
// sources, reproducibly, into prebuilt/ (or --out); `--check` rebuilds from scratch and compares.
import { availableParallelism } from "node:os";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cacheLayout, cacheRoot, lockCache } from "../build/cache.ts";
import { compareWithManifest, formatManifest, MANIFEST_FILE, mergeManifest, readManifest, type Manifest } from "../build/manifest.ts";
import type { SourceRoute } from "../build/obtain-sources.ts";
import { runBuild } from "../build/pipeline.ts";
import { budgetProblems } from "../build/budgets.ts";
import { seconds, StageLog } from "../build/stage-log.ts";
import { PROFILES, TARGETS, type ProfileName, type TargetName } from "../build/targets.ts";
import { buildPackages, requireBuildTools, requireMultilib } from "../build/toolchain.ts";
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import { run } from "../exec.ts";

export const DEFAULT_OUT = fileURLToPath(new URL("../../../prebuilt", import.meta.url));

const help = `Usage: bootlab build [--target i386|x86_64] [--profile tiny|full] [--out DIR] [options]
       bootlab build --check [--out DIR]
       bootlab build --install-deps

Builds, from sources pinned by sha256, the Linux 6.1 kernel (tinyconfig + the committed
fragments in src/cli/build/kconfig/), musl, a static BusyBox, a static C hello init, the
program warm snapshots are taken in (warm-agent) and the base root filesystem (BusyBox +
applet symlinks + /dev nodes + a default /init, one cpio.gz), for i386 the devel layer
(TinyCC and musl for compiling in the guest, devel.cpio.gz), and takes SeaBIOS from
Debian's seabios package. Outputs go to DIR in this layout:
  seabios.bin  <target>/<profile>/bzImage  <target>/{busybox,hello,warm-agent,base.cpio.gz}
  i386/devel.cpio.gz
  <target>/configs/{kernel-tiny,kernel-full,busybox}.config  manifest.json
Sources and finished stages are cached under $XDG_CACHE_HOME/bootlab (else ~/.cache/bootlab),
so a second run with nothing changed takes seconds. Every command's output goes to a log file
there; a failure prints the failing command's last lines and the log's path.

Options:
      --target T      i386 (default; what v86 runs) or x86_64 (QEMU only)
      --profile P     tiny or full (default: both)
      --out DIR       output directory (default: the repository's prebuilt/)
      --check         rebuild everything from scratch in a fresh directory (no stage cache) and
                      compare each artifact's sha256 with DIR/manifest.json; exit 1 on a mismatch
      --source R      where sources come from: auto (default: Debian's archive when apt-get has
                      sources, else upstream URLs), debian or upstream
  -j, --jobs N        parallel compile jobs (default: the number of CPUs)
      --install-deps  apt-get install the Debian packages the build needs (as root), then exit
  -h, --help          this help

Exit codes: 0 built (or all sha256 match), 1 a build step failed or --check found a mismatch,
2 usage or a missing tool.

Examples:
  bootlab build                       # i386 tiny + full into prebuilt/
  bootlab build --target x86_64 --profile tiny --out /tmp/out
  bootlab build --check               # what CI runs`;

export const buildCommand: Command = {
  name: "build",
  summary: "build kernel, musl, BusyBox and the base rootfs from pinned sources into prebuilt/",
  help,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        target: { type: "string" },
        profile: { type: "string" },
        out: { type: "string" },
        check: { type: "boolean" },
        source: { type: "string" },
        jobs: { type: "string", short: "j" },
        "install-deps": { type: "boolean" },
      },
    });
    if (positionals.length) throw new CliError(`unexpected argument ${JSON.stringify(positionals[0])}. Run \`bootlab build --help\`.`, EXIT_USAGE);
    if (values["install-deps"]) return installDeps();
    const options = parseBuildOptions(values);
    requireBuildTools();
    if (options.targets.includes("i386")) await requireMultilib();
    const unlock = lockCache(cacheRoot());
    try {
      return values.check ? await check(options) : await build(options);
    } finally {
      unlock();
    }
  },
};

export interface ParsedBuildOptions {
  targets: TargetName[];
  profiles: ProfileName[];
  outDir: string;
  route: SourceRoute;
  jobs: number;
}

/** Validates the flags; every bad value gets a message with the allowed ones. */
export function parseBuildOptions(values: { target?: string; profile?: string; out?: string; source?: string; jobs?: string }): ParsedBuildOptions {
  const target = values.target ?? "i386";
  if (!(TARGETS as readonly string[]).includes(target)) throw new CliError(`--target ${target}: want one of ${TARGETS.join(", ")}`, EXIT_USAGE);
  const profiles = values.profile === undefined ? [...PROFILES] : [values.profile];
  for (const p of profiles) if (!(PROFILES as readonly string[]).includes(p)) throw new CliError(`--profile ${p}: want one of ${PROFILES.join(", ")}`, EXIT_USAGE);
  const route = values.source ?? "auto";
  if (!["auto", "debian", "upstream"].includes(route)) throw new CliError(`--source ${route}: want auto, debian or upstream`, EXIT_USAGE);
  let jobs = availableParallelism();
  if (values.jobs !== undefined) {
    jobs = Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1 || jobs > 1024) throw new CliError(`--jobs ${values.jobs}: want a whole number from 1 to 1024`, EXIT_USAGE);
  }
  return {
    targets: [target as TargetName],
    profiles: profiles as ProfileName[],
    outDir: resolve(values.out ?? DEFAULT_OUT),
    route: route as SourceRoute,
    jobs,
  };
}

function newLog(kind: string): { log: StageLog; layout: ReturnType<typeof cacheLayout> } {
  const layout = cacheLayout(cacheRoot());
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return { layout, log: new StageLog(join(layout.logs, `${kind}-${stamp}.log`)) };
}

async function build(options: ParsedBuildOptions): Promise<number> {
  const { log, layout } = newLog("build");
  log.say(`bootlab build: ${options.targets.join(", ")} ${options.profiles.join(" + ")} -> ${options.outDir} (log: ${log.path})`);
  const { manifest } = await runBuild({ ...options, fresh: false, workRoot: layout.work, layout, log });
  const manifestPath = join(options.outDir, MANIFEST_FILE);
  writeFileSync(manifestPath, formatManifest(mergeManifest(readManifest(manifestPath), manifest)));
  printSizes(log, manifest);
  log.say(`done in ${log.elapsed()}; manifest: ${manifestPath}`);
  return EXIT_OK;
}

async function check(options: ParsedBuildOptions): Promise<number> {
  const manifestPath = join(options.outDir, MANIFEST_FILE);
  const recorded = readManifest(manifestPath);
  if (!recorded) throw new CliError(`${manifestPath} does not exist: nothing to check against (run \`bootlab build\` first)`, EXIT_USAGE);
  const { log, layout } = newLog("check");
  // A fresh directory with a different path every time: a build path leaking into an artifact
  // shows up as a mismatch.
  const workRoot = join(layout.work, `check-${process.pid}-${Date.now()}`);
  const outDir = join(workRoot, "prebuilt");
  mkdirSync(outDir, { recursive: true });
  log.say(`bootlab build --check: fresh build in ${workRoot} (log: ${log.path})`);
  const { manifest } = await runBuild({ ...options, outDir, fresh: true, workRoot, layout, log });
  const results = compareWithManifest(recorded, manifest.artifacts);
  for (const r of results) {
    const detail = r.verdict === "match" ? r.got.slice(0, 16) : r.verdict === "differs" ? `got ${r.got.slice(0, 16)}, want ${r.want!.slice(0, 16)}` : `got ${r.got.slice(0, 16)}, not in ${MANIFEST_FILE}`;
    log.say(`${r.verdict === "match" ? "match  " : "DIFFERS"}  ${r.path.padEnd(32)} ${detail}`);
  }
  const bad = results.filter((r) => r.verdict !== "match");
  if (bad.length) {
    const toolchainNote = toolchainDiffers(recorded, manifest);
    log.say(`${bad.length} of ${results.length} artifacts differ from ${manifestPath}${toolchainNote}; the fresh build is kept in ${outDir}`);
    return EXIT_FAILED;
  }
  rmSync(workRoot, { recursive: true, force: true });
  log.say(`all ${results.length} artifacts match ${manifestPath} (${log.elapsed()})`);
  return EXIT_OK;
}

function toolchainDiffers(recorded: Manifest, built: Manifest): string {
  const differences = (Object.keys(built.toolchain) as (keyof Manifest["toolchain"])[])
    .filter((k) => recorded.toolchain?.[k] !== built.toolchain[k])
    .map((k) => `${k}: recorded "${recorded.toolchain?.[k]}", here "${built.toolchain[k]}"`);
  return differences.length ? ` (the toolchain differs: ${differences.join("; ")})` : "";
}

function printSizes(log: StageLog, manifest: Manifest): void {
  for (const a of manifest.artifacts) log.say(`  ${a.path.padEnd(32)} ${String(a.size).padStart(9)} bytes`);
  for (const problem of budgetProblems(manifest.artifacts)) log.say(`  over budget: ${problem}`);
}

async function installDeps(): Promise<number> {
  const packages = buildPackages();
  if (process.getuid?.() !== 0) {
    throw new CliError(`--install-deps runs apt-get and needs root. As root run:\n  apt-get install -y ${packages.join(" ")}`, EXIT_USAGE);
  }
  const t0 = Date.now();
  console.error(`apt-get install -y ${packages.join(" ")}`);
  await run("apt-get", ["install", "-y", "--no-install-recommends", ...packages], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  console.error(`installed in ${seconds(Date.now() - t0)}`);
  return EXIT_OK;
}
