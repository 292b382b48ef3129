// The options that say what to boot, shared by `bootlab boot`, `export`, `bench` and `parity`:
// --template, --rootfs, --kernel, --append, --disk, --memory and --bundle, turned into the
// BootSystem the plan (src/core/boot/plan.ts) boots. Nothing here decides how to boot it.
import { readFile, stat } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { parseKconfig } from "../core/kconfig/index.ts";
import { KernelCmdline, NETWORK_HELP, PlanError, planBoot, type PrebuiltArtifacts, type HostDisk, type BootPlan, type BootSystem, type CustomKernel, type EmulatorName, type PlanOptions } from "../core/boot/index.ts";
import { overlayFromEntries, type OverlayFile } from "../core/rootfs/index.ts";
import { findTemplate, templateDisks, templateFiles, templateSystem, TEMPLATES } from "../core/templates/index.ts";
import { loadBundle } from "./bundle.ts";
import { CliError, EXIT_FAILED, EXIT_USAGE } from "./command.ts";
import { CompileError, formatDiagnostics, sourceName } from "../core/cinit/index.ts";
import type { WarmSnapshotTarget } from "../core/warm/index.ts";
import { compileOnV86 } from "../../workers/runner/v86-build-guest.ts";
import { cachedSnapshot } from "./warm-cache.ts";
import { openHostDisk } from "./input-file.ts";
import { readHostTree } from "./host-tree.ts";
import { loadBios, loadV86Wasm, prebuiltArtifacts, readUserFile } from "./runners/artifacts.ts";

/** parseArgs option declarations for the system options, to spread into a command's own. */
export const SYSTEM_OPTIONS = {
  template: { type: "string" },
  rootfs: { type: "string" },
  kernel: { type: "string" },
  append: { type: "string" },
  disk: { type: "string", multiple: true },
  memory: { type: "string" },
  bundle: { type: "string" },
  net: { type: "boolean" },
  lan: { type: "string" },
} as const;

export interface SystemOptionValues {
  template?: string | undefined;
  rootfs?: string | undefined;
  kernel?: string | undefined;
  append?: string | undefined;
  disk?: string[] | undefined;
  memory?: string | undefined;
  bundle?: string | undefined;
  net?: boolean | undefined;
  lan?: string | undefined;
  /** `bootlab boot --warm`: a C source is compiled in a warm build guest too. */
  warm?: boolean | undefined;
}

/** The help lines of the system options, for commands that take them. */
export const SYSTEM_OPTIONS_HELP = `  --template ID          a playground template (\`bootlab templates\` lists them)
  --rootfs DIR|FILE      DIR: its files laid over the template's (or over the base archive);
                         FILE: a cpio, cpio.gz or RAM-disk image used as the whole initrd
  --kernel NAME|FILE     a prebuilt kernel (tiny, full, or one \`bootlab build --name\` put
                         in prebuilt/), DIR/NAME for one built with --out DIR, or a bzImage
                         file; default: the template's kernel, or the first prebuilt kernel
                         that has what the system needs (a RAM disk, IDE disks, ...), said
                         on stderr
  --append "S"           kernel parameters laid over the template's and bootlab's defaults
                         (console=ttyS0 tsc=reliable mitigations=off random.trust_cpu=on;
                         the same key: yours wins)
  --disk FILE            raw disk image, repeatable: /dev/sda, /dev/sdb (v86: at most 2, of
                         at most 1 GiB each, held in memory; QEMU: at most 4, read from FILE
                         itself); the guest's writes do not reach FILE (QEMU: snapshot=on,
                         v86: a copy in memory), unless \`bootlab boot --disk-writes keep\`
  --memory MIB           guest memory (default 128, more when v86 needs it for a large initrd)
  --bundle FILE.zip      an export bundle from the page (kernel, initramfs, command line)
${NETWORK_HELP}
  --lan NAME             a network card on the virtual LAN NAME instead: the guests booted on
                         the same LAN share one Ethernet, with no DHCP server, router or
                         internet (give addresses with ifconfig, or run udhcpd in one guest).
                         QEMU: a multicast socket (230.0.0.1, a port picked by NAME), so the
                         QEMUs of this host meet; v86: the guests of one process (the page:
                         the tabs of one browser, ?lan=NAME)`;

/** A system from the options; `what` names it in messages ("busybox-init + my-dir/"). */
export async function systemFromOptions(values: SystemOptionValues): Promise<{ system: BootSystem; what: string }> {
  if (values.bundle !== undefined && (values.template !== undefined || values.rootfs !== undefined || values.kernel !== undefined)) {
    throw new CliError("--bundle carries its own kernel and root filesystem: leave out --template, --rootfs and --kernel", EXIT_USAGE);
  }
  // Only that it is a number here: the plan checks the range, for --memory and a bundle's memory alike.
  const memoryMiB = values.memory === undefined ? undefined : Number(values.memory.trim() === "" ? NaN : values.memory);
  if (memoryMiB !== undefined && !Number.isFinite(memoryMiB)) throw new CliError(`--memory: got "${values.memory}", want a whole number of MiB (16 to 3072)`, EXIT_USAGE);
  // Disks stay on the host: QEMU opens them where they lie; v86 reads them when it boots.
  const disks: HostDisk[] = [];
  for (const disk of values.disk ?? []) disks.push(await openHostDisk(disk, "--disk"));
  const artifacts = await prebuiltArtifacts();

  let system: BootSystem;
  let what: string;
  if (values.bundle !== undefined) {
    const bundle = await loadBundle(values.bundle);
    system = { files: [], base: "none", kernel: { name: `${basename(values.bundle)}'s bzImage`, bytes: bundle.kernel, arch: bundle.manifest.arch }, kernelPinned: true, cmdline: bundle.cmdline };
    if (bundle.initrds[0]) system.initrd = bundle.initrds[0];
    if (bundle.disks.length) system.disks = bundle.disks;
    if (bundle.memoryMiB !== undefined) system.memoryMiB = bundle.memoryMiB;
    if (bundle.network) system.network = true;
    what = values.bundle;
  } else if (values.template !== undefined) {
    const template = findTemplate(values.template);
    if (!template) throw new CliError(`--template ${values.template}: no such template; the templates are ${TEMPLATES.map((t) => t.id).join(", ")}`, EXIT_USAGE);
    const read = (path: string) => artifacts.bytes(path);
    system = templateSystem(template, { files: await templateFiles(template, read), cmdline: template.cmdline, disks: await templateDisks(template, read) });
    what = template.id;
  } else {
    system = { files: [], base: "busybox", cmdline: "" };
    what = "the base system";
  }

  if (values.rootfs !== undefined) {
    if (await isDirectory(values.rootfs)) {
      system = { ...system, files: [...system.files, ...(await directoryFiles(values.rootfs))] };
      what = `${what} + ${values.rootfs.replace(/\/*$/, "/")}`;
    } else {
      // Held once, as read: the plan boots a plain archive or image as it is, and a gzip'd one
      // stays compressed past MAX_INFLATED_INITRD_BYTES (the guest inflates it), so no second
      // copy is made here. v86 then copies it into the emulator (test/bench/unpack-memory.bench.ts).
      system = { ...system, base: "none", files: [], initrd: await readUserFile(values.rootfs, "--rootfs") };
      what = values.rootfs;
    }
  }
  if (values.kernel !== undefined) {
    const prebuilt = artifacts.manifest.kernels.find((k) => k.id === values.kernel);
    system.kernel = prebuilt ? prebuilt.id : ((await namedKernel(values.kernel)) ?? { name: values.kernel, bytes: await readUserFile(values.kernel, "--kernel") });
    system.kernelPinned = true;
  }
  if (values.append !== undefined) system.cmdline = mergeCmdline(system.cmdline, values.append);
  if (memoryMiB !== undefined) system.memoryMiB = memoryMiB;
  if (disks.length) system.disks = [...(system.disks ?? []), ...disks];
  if (values.net) system.network = true;
  if (values.lan !== undefined) {
    if (values.net) throw new CliError("--net and --lan: a guest has one network card; give one of them", EXIT_USAGE);
    system.lan = values.lan;
  }
  if (system.compile) system = await compileFromOptions(system, artifacts, values.warm === true);
  return { system, what };
}

/**
 * Runs the system's compile step (the static-hello template's /init.c -> /init) in a v86 build
 * guest, as the page does (compileOnV86: the program read back from guest memory). With
 * `bootlab boot --warm` the build guest is warm too, from its snapshot in the warm cache (made
 * on first use, about 2 s, and kept: about 16 MB); without it the build guest boots cold, so a
 * plain `bootlab boot` writes nothing to the cache. tcc's errors are the guest's failure: exit 1
 * with its messages.
 */
async function compileFromOptions(system: BootSystem, artifacts: PrebuiltArtifacts, warm: boolean): Promise<BootSystem> {
  const source = system.compile!.source;
  let compiled;
  try {
    const runnerOptions = { bios: await loadBios(), wasm: loadV86Wasm };
    compiled = (await compileOnV86(system, artifacts, { runnerOptions, ...(warm ? { snapshot: async (target: WarmSnapshotTarget) => (await cachedSnapshot(target)).snapshot } : {}) })).compiled;
  } catch (error) {
    if (error instanceof CompileError) throw new CliError(`${source}: ${error.message}`, EXIT_FAILED);
    throw error;
  }
  if (!compiled.ok) {
    throw new CliError(`${source} did not compile (tcc, in the build guest); nothing was booted:\n${formatDiagnostics(compiled.result, source.replace(/^\//, ""), sourceName(source))}`, EXIT_FAILED);
  }
  return compiled.system;
}

/** The plan for `system`, with plan problems as a usage error (exit 2) listing each. */
export async function planFromOptions(system: BootSystem, options: PlanOptions & { emulator?: EmulatorName }): Promise<BootPlan> {
  try {
    return await planBoot(system, await prebuiltArtifacts(), options);
  } catch (error) {
    if (error instanceof PlanError) throw new CliError(error.problems.length === 1 ? error.problems[0]! : `this system cannot boot:\n  - ${error.problems.join("\n  - ")}`, EXIT_USAGE);
    throw error;
  }
}

/**
 * `--kernel DIR/NAME`: the kernel NAME of DIR/manifest.json (what `bootlab build --name NAME
 * --out DIR` wrote), with its architecture and .config, so the plan checks the system against
 * it as against a prebuilt one. Undefined when DIR has no manifest listing NAME.
 */
async function namedKernel(value: string): Promise<CustomKernel | undefined> {
  const dir = dirname(value);
  const manifestFile = join(dir, "manifest.json");
  if (dir === "." && !value.startsWith(".")) return undefined;
  let manifest: { kernels?: { id?: unknown; arch?: unknown; bzImage?: unknown; config?: unknown }[] };
  try {
    manifest = JSON.parse(await readFile(manifestFile, "utf8"));
  } catch {
    return undefined;
  }
  const entry = manifest.kernels?.find((k) => k.id === basename(value));
  if (!entry || typeof entry.bzImage !== "string" || typeof entry.config !== "string") return undefined;
  const config = new TextDecoder().decode(await readUserFile(join(dir, entry.config), "--kernel's .config"));
  const kernel: CustomKernel = { name: `${basename(value)} (${value})`, bytes: await readUserFile(join(dir, entry.bzImage), "--kernel"), kconfig: parseKconfig(config, { source: entry.config }) };
  if (entry.arch === "i386" || entry.arch === "x86_64") kernel.arch = entry.arch;
  return kernel;
}

function mergeCmdline(base: string, append: string): string {
  try {
    return KernelCmdline.parse(base).merge(KernelCmdline.parse(append)).toString();
  } catch (error) {
    throw new CliError(`--append: ${(error as Error).message}`, EXIT_USAGE);
  }
}

/** A directory's files as overlay files (owners and times dropped: uid 0, mtime 0). */
async function directoryFiles(dir: string): Promise<OverlayFile[]> {
  return overlayFromEntries(readHostTree(dir));
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}
