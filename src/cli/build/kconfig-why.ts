// The report of a user's fragment: which of its lines the final .config kept, and for each it did
// not, why (src/core/kconfig/explain.ts), from the Kconfig files of the tree that was built:
// `Kconfig*` in the kernel, `Config.in` in BusyBox.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { checkKconfig, explainMismatch, findDefinitions, findSourceSites, formatExplanations, type DropExplanation, type Kconfig, type SymbolDefinition } from "../../core/kconfig/index.ts";

export interface FragmentReport {
  /** The fragment files, in order. */
  fragments: string[];
  /** How many symbol lines they had. */
  requested: number;
  dropped: DropExplanation[];
}

/** The Kconfig files below `tree` whose names match (the kernel: Kconfig, Kconfig.*; BusyBox: Config.in). */
export function kconfigFiles(tree: string, isKconfig: (name: string) => boolean): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith(".")) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && isKconfig(entry.name)) found.push(path);
    }
  };
  walk(tree);
  return found.sort();
}

export const KERNEL_KCONFIG = (name: string): boolean => name === "Kconfig" || name.startsWith("Kconfig.");
export const BUSYBOX_KCONFIG = (name: string): boolean => name === "Config.in";

/** What `requested` (the user's fragments, merged) became in `final`, explained from `tree`'s Kconfig files. */
export function reportFragments(fragments: readonly string[], requested: Kconfig, final: Kconfig, tree: string, isKconfig: (name: string) => boolean): FragmentReport {
  const mismatches = checkKconfig(requested, final);
  const texts = mismatches.length ? kconfigFiles(tree, isKconfig).map((file) => ({ file: relative(tree, file), text: readFileSync(file, "utf8") })) : [];
  // The conditions a file inherits from where it is sourced (fs/Kconfig sources fs/ext4/Kconfig
  // inside `if BLOCK`), up the chain of source lines.
  const sitesOf = new Map<string, string[]>();
  for (const t of texts) for (const site of findSourceSites(t.file, t.text)) if (!sitesOf.has(site.path)) sitesOf.set(site.path, [...site.dependsOn, `\0${t.file}`]);
  const inherited = (file: string, seen = new Set<string>()): string[] => {
    const site = sitesOf.get(file);
    if (!site || seen.has(file)) return [];
    seen.add(file);
    const parent = site.at(-1)!.slice(1);
    return [...site.slice(0, -1), ...inherited(parent, seen)];
  };
  const dropped = mismatches.map((mismatch) => {
    const name = mismatch.symbol.replace(/^CONFIG_/, "");
    const definitions: SymbolDefinition[] = texts
      .filter((t) => t.text.includes(name))
      .flatMap((t) => findDefinitions(t.file, t.text, name))
      .map((d) => ({ ...d, dependsOn: [...d.dependsOn, ...inherited(d.file)] }));
    return explainMismatch(mismatch, definitions, final);
  });
  return { fragments: [...fragments], requested: requested.entries.length, dropped };
}

/** The report as lines for the terminal. */
export function formatReport(what: string, report: FragmentReport): string[] {
  const kept = report.requested - report.dropped.length;
  const head = `${what}: ${report.fragments.join(" + ")}: ${kept} of ${report.requested} line(s) kept`;
  return report.dropped.length ? [`${head}; not kept:`, ...formatExplanations(report.dropped).map((l) => `  ${l}`)] : [head];
}
