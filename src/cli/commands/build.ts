// `bootlab build`: kernel, musl, BusyBox, hello and the base root filesystem from pinned
// sources, reproducibly, into prebuilt/ (or --out); `--check` rebuilds from scratch and compares.
import { availableParallelism } from "node:os";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
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
import { readInputFileSync } from "../input-file.ts";
import { KconfigParseError, parseKconfig } from "../../core/kconfig/index.ts";
import { runNamedBuild } from "../build/named.ts";
import type { NamedFragment } from "../build/recipes/kernel.ts";

export const DEFAULT_OUT = fileURLToPath(new URL("../../../prebuilt", import.meta.url));

const help = `Usage: bootlab build [--target i386|x86_64] [--profile tiny|full] [--out DIR] [options]
       bootlab build --name NAME [--kconfig FILE]... [--defconfig NAME] [--busybox-config FILE]...
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
  <target>/configs/{kernel-tiny,kernel-full,busybox}.config  kconfig/*.fragment  manifest.json
Sources and finished stages are cached under $XDG_CACHE_HOME/bootlab (else ~/.cache/bootlab),
so a second run with nothing changed takes seconds. Every command's output goes to a log file
there; a failure prints the failing command's last lines and the log's path.

Your own kernel (--name): tinyconfig + the target's and the profile's committed fragments
(default profile: tiny), then your fragments, then olddefconfig; or --defconfig's own
configuration with your fragments alone. A fragment has the lines scripts/config and a .config
use: CONFIG_X=y, CONFIG_X=value, # CONFIG_X is not set. Every line that olddefconfig did not
keep is reported with the reason read from the kernel's Kconfig files: a dependency that is
off (named), no such symbol in Linux 6.1, no prompt (only a select sets it), or a choice.
The kernel goes to DIR/<arch>/NAME/bzImage and DIR/<arch>/configs/kernel-NAME.config, with
its inputs and report in DIR/manifest.json; \`bootlab boot --kernel NAME\` boots it when DIR is
prebuilt/, \`--kernel DIR/NAME\` otherwise. --busybox-config does the same for BusyBox (over
busybox.fragment) and also writes DIR/<arch>/NAME/base.cpio.gz, which \`bootlab boot --rootfs\`
boots.

Options:
      --target T      i386 (default; what v86 runs) or x86_64 (QEMU only)
      --profile P     tiny or full (default: both; with --name: tiny)
      --name NAME     build one kernel of your own, named NAME (letters, digits, . _ -; not
                      tiny or full)
      --kconfig FILE  a kernel fragment merged over the profile's, repeatable (needs --name)
      --defconfig D   start from the kernel's D (x86_64_defconfig, i386_defconfig, defconfig,
                      tinyconfig) instead of tinyconfig + bootlab's fragments (needs --name)
      --busybox-config FILE
                      a BusyBox fragment merged over busybox.fragment, repeatable (needs --name)
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
  bootlab build --check               # what CI runs
  bootlab build --name mine --kconfig my.fragment --out /tmp/out
  bootlab boot --emulator qemu --kernel /tmp/out/mine`;

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
        name: { type: "string" },
        kconfig: { type: "string", multiple: true },
        defconfig: { type: "string" },
        "busybox-config": { type: "string", multiple: true },
      },
    });
    if (positionals.length) throw new CliError(`unexpected argument ${JSON.stringify(positionals[0])}. Run \`bootlab build --help\`.`, EXIT_USAGE);
    if (values["install-deps"]) return installDeps();
    const options = parseBuildOptions(values);
    const named = parseNamedOptions(values, options);
    requireBuildTools();
    if (options.targets.includes("i386")) await requireMultilib();
    const unlock = lockCache(cacheRoot());
    try {
      if (named) return await buildNamed(options, named);
      return values.check ? await check(options, values.target === undefined, values.profile === undefined) : await build(options);
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

export interface NamedOptions {
  name: string;
  profile: ProfileName;
  defconfig?: string;
  kconfigs: NamedFragment[];
  busyboxConfigs: NamedFragment[];
}

const DEFCONFIGS = ["tinyconfig", "allnoconfig", "defconfig", "x86_64_defconfig", "i386_defconfig"];
/** Fragments are short text; a megabyte is far more than any .config. */
const MAX_FRAGMENT_BYTES = 1024 * 1024;

/** --name and what goes with it; undefined for a build of the committed artifacts. */
export function parseNamedOptions(
  values: { name?: string; kconfig?: string[]; defconfig?: string; "busybox-config"?: string[]; profile?: string; check?: boolean },
  options: ParsedBuildOptions,
): NamedOptions | undefined {
  const kconfigFiles = values.kconfig ?? [];
  const busyboxFiles = values["busybox-config"] ?? [];
  if (values.name === undefined) {
    const stray = [kconfigFiles.length ? "--kconfig" : "", values.defconfig !== undefined ? "--defconfig" : "", busyboxFiles.length ? "--busybox-config" : ""].filter(Boolean);
    if (stray.length) throw new CliError(`${stray.join(", ")}: give the kernel a name with --name NAME (bootlab's own kernels are built from the committed fragments only)`, EXIT_USAGE);
    return undefined;
  }
  const name = values.name;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(name)) throw new CliError(`--name ${JSON.stringify(name)}: want letters, digits, ".", "_" or "-" (at most 64, not starting with . _ -)`, EXIT_USAGE);
  if ((PROFILES as readonly string[]).includes(name)) throw new CliError(`--name ${name}: that is a committed profile's kernel; pick another name`, EXIT_USAGE);
  if (values.check) throw new CliError("--check rebuilds the committed artifacts; leave out --name", EXIT_USAGE);
  if (values.defconfig !== undefined && !DEFCONFIGS.includes(values.defconfig)) throw new CliError(`--defconfig ${values.defconfig}: want one of ${DEFCONFIGS.join(", ")}`, EXIT_USAGE);
  const read = (file: string, option: string): NamedFragment => {
    const text = new TextDecoder().decode(readInputFileSync(file, { label: option, maxBytes: MAX_FRAGMENT_BYTES }));
    try {
      parseKconfig(text, { source: file });
    } catch (error) {
      if (error instanceof KconfigParseError) throw new CliError(`${option} ${error.message}`, EXIT_USAGE);
      throw error;
    }
    return { name: basename(file), text };
  };
  return {
    name,
    profile: values.profile === undefined ? "tiny" : options.profiles[0]!,
    ...(values.defconfig !== undefined ? { defconfig: values.defconfig } : {}),
    kconfigs: kconfigFiles.map((f) => read(f, "--kconfig")),
    busyboxConfigs: busyboxFiles.map((f) => read(f, "--busybox-config")),
  };
}

async function buildNamed(options: ParsedBuildOptions, named: NamedOptions): Promise<number> {
  const { log, layout } = newLog("build");
  log.say(`bootlab build: kernel ${named.name} (${options.targets[0]}, ${named.defconfig ?? `tinyconfig + ${named.profile}`}${named.kconfigs.length ? ` + ${named.kconfigs.map((f) => f.name).join(" + ")}` : ""}) -> ${options.outDir} (log: ${log.path})`);
  const built = await runNamedBuild({ ...named, target: options.targets[0]!, outDir: options.outDir, jobs: options.jobs, route: options.route, layout, log });
  const manifestPath = join(options.outDir, MANIFEST_FILE);
  const previous = readManifest(manifestPath);
  // The named kernel joins what the directory already has (its BIOS, bases, sources, toolchain).
  const current: Manifest = previous ? { ...previous, kernels: built.kernels, artifacts: built.artifacts } : built;
  writeFileSync(manifestPath, formatManifest(mergeManifest(previous, current)));
  for (const a of built.artifacts) log.say(`  ${a.path.padEnd(40)} ${String(a.size).padStart(9)} bytes  sha256 ${a.sha256.slice(0, 16)}`);
  log.say(`done in ${log.elapsed()}; manifest: ${manifestPath}`);
  return EXIT_OK;
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

async function check(given: ParsedBuildOptions, everyTarget: boolean, recordedProfiles: boolean): Promise<number> {
  const manifestPath = join(given.outDir, MANIFEST_FILE);
  const recorded = readManifest(manifestPath);
  if (!recorded) throw new CliError(`${manifestPath} does not exist: nothing to check against (run \`bootlab build\` first)`, EXIT_USAGE);
  // Without --target: every target the manifest records; without --profile: the profiles it
  // records for each (x86_64 has tiny only). Named kernels aside.
  const recordedOutputs = recordedTargets(recorded);
  const options: ParsedBuildOptions & { profilesByTarget?: Partial<Record<TargetName, ProfileName[]>> } = {
    ...given,
    ...(everyTarget ? { targets: recordedOutputs.targets } : {}),
    ...(recordedProfiles ? { profilesByTarget: recordedOutputs.profilesByTarget } : {}),
  };
  if (everyTarget && options.targets.includes("i386")) await requireMultilib();
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

/** The targets of the manifest's bases and kernels, and per target the committed profiles it records. */
export function recordedTargets(recorded: Manifest): { targets: TargetName[]; profilesByTarget: Partial<Record<TargetName, ProfileName[]>> } {
  const targets = TARGETS.filter((t) => recorded.bases?.some((b) => b.arch === t) || recorded.kernels?.some((k) => k.arch === t));
  const profilesByTarget: Partial<Record<TargetName, ProfileName[]>> = {};
  for (const t of targets) profilesByTarget[t] = PROFILES.filter((p) => recorded.kernels?.some((k) => k.arch === t && k.id === p));
  return { targets: targets.length ? targets : ["i386"], profilesByTarget };
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
