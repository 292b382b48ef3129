// Which kernel a system boots and how that kernel is configured, as the page's kernel panel and
// `window.bootlab.kernel()` show it: the plan's kernel (and its notes, when it picked another
// kernel than the system prefers), the committed fragments the manifest names for it, each line
// with what its symbol gives (src/core/kconfig/symbols.ts), and the full `.config`. A system that
// runs in QEMU only (a 64-bit kernel, or a 64-bit /init that needs one) says so and why, with the
// architecture to export it for.
import { formatEntry, isOff, parseKconfig, symbolNote } from "../kconfig/index.ts";
import { planBoot, PlanError, type BootPlan, type BootSystem } from "./plan.ts";
import type { PrebuiltArtifacts } from "./prebuilt.ts";
import type { GuestArch } from "./spec.ts";

/** One line of a committed fragment. */
export interface KernelFragmentLine {
  /** With its prefix: `CONFIG_TTY`. */
  symbol: string;
  /** As the fragment writes it: `CONFIG_TTY=y`, `# CONFIG_SMP is not set`. */
  line: string;
  /** Whether the line turns the symbol on (any value but "not set" and `n`). */
  on: boolean;
  /** What the symbol gives, in one line; absent for one bootlab does not describe. */
  note?: string;
}

export interface KernelFragmentView {
  /** Relative to prebuilt/: `kconfig/tiny.fragment`. */
  path: string;
  lines: KernelFragmentLine[];
}

export interface KernelView {
  /** The manifest's id: "tiny", "full", or the name of a kernel the user brought. */
  id: string;
  arch: GuestArch;
  summary: string;
  /** What the plan decided on the user's behalf (another kernel than the system prefers, ...). */
  notes: string[];
  /** The full `.config`'s path below prebuilt/ and its text; both empty for a kernel the user brought. */
  configPath: string;
  config: string;
  /** The committed fragments the kernel was made from, in order (none for a kernel the user brought). */
  fragments: KernelFragmentView[];
  /** Present when the page cannot boot the system: why, and the architecture a QEMU export boots it with. */
  qemuOnly?: { reason: string; arch: GuestArch };
}

/**
 * The kernel `system` boots in the page (v86), or, when v86 cannot boot it because it is 64-bit,
 * the kernel QEMU would boot it with. Plan problems of another kind throw the PlanError.
 */
export async function describeKernel(system: BootSystem, artifacts: PrebuiltArtifacts): Promise<KernelView> {
  // The compile step (static-hello) does not change the kernel: plan the files as they are.
  const { compile: _compile, ...asItIs } = system;
  let plan: BootPlan;
  let qemuOnly: KernelView["qemuOnly"];
  try {
    plan = await planBoot(asItIs, artifacts, { emulator: "v86" });
    if (plan.needsArch && plan.needsArch !== "i386") {
      qemuOnly = { reason: `${plan.expectations.initPath} is a 64-bit (${plan.needsArch}) program: 64-bit systems run in QEMU only (v86 emulates a 32-bit CPU), with a 64-bit kernel.`, arch: plan.needsArch };
    }
  } catch (error) {
    if (!(error instanceof PlanError)) throw error;
    // A 64-bit kernel is refused by v86 only; QEMU boots what the plan picks without that limit.
    const qemu = await planBoot(asItIs, artifacts, { emulator: "qemu" }).catch(() => undefined);
    if (!qemu || qemu.kernel.arch === "i386") throw error;
    plan = qemu;
    qemuOnly = { reason: `the ${qemu.kernel.id} kernel is ${qemu.kernel.arch}: 64-bit systems run in QEMU only (v86 emulates a 32-bit CPU).`, arch: qemu.kernel.arch };
  }
  const view: KernelView = { id: plan.kernel.id, arch: plan.kernel.arch, summary: plan.kernel.summary, notes: plan.notes, configPath: "", config: "", fragments: [] };
  if (qemuOnly) view.qemuOnly = qemuOnly;
  const entry = artifacts.manifest.kernels.find((k) => k.id === plan.kernel.id && k.arch === plan.kernel.arch && k.bzImage === plan.kernel.bzImage);
  if (!entry) return view;
  const text = async (path: string) => new TextDecoder().decode(await artifacts.bytes(path));
  view.configPath = entry.config;
  view.config = await text(entry.config);
  for (const path of entry.fragments) {
    const lines = parseKconfig(await text(path), { source: path }).entries.map((e): KernelFragmentLine => {
      const line: KernelFragmentLine = { symbol: e.symbol, line: formatEntry(e), on: !isOff(e.value) };
      const note = symbolNote(e.symbol);
      if (note !== undefined) line.note = note;
      return line;
    });
    view.fragments.push({ path, lines });
  }
  return view;
}
