// Why a symbol a fragment asked for is not in the final .config, the way a user of
// `scripts/config` + `olddefconfig` would want to know: the symbol does not exist in this tree,
// a dependency of it is off (named, with the `depends on` line and the enclosing `if` blocks),
// it has no prompt (only a `select` turns it on), or it is one option of a choice. Reads the
// Kconfig language's own text (the kernel's Kconfig files, BusyBox's Config.in files) as lines:
// enough of the grammar for the question, not a kconfig implementation.
import { describeValue, isOff, type Kconfig } from "./model.ts";
import type { KconfigMismatch } from "./check.ts";

/** One `config X` / `menuconfig X` block as the Kconfig text defines it. */
export interface SymbolDefinition {
  /** The Kconfig file, for messages. */
  file: string;
  line: number;
  /** `depends on` expressions of the block, then of its enclosing `if` and `menu` blocks. */
  dependsOn: string[];
  /** Whether the block has a prompt (a user can set it), or only `select` can turn it on. */
  hasPrompt: boolean;
  /** Inside `choice` ... `endchoice`: one option of several, the others chosen instead. */
  inChoice: boolean;
}

const BLOCK_START = /^\s*(config|menuconfig|choice|endchoice|menu|endmenu|if|endif|source|rsource|osource|comment|mainmenu)\b/;
const PROMPT = /^\s*(bool|tristate|string|int|hex|prompt|def_bool|def_tristate)\b\s*(.*)$/;

/** Every definition of `name` (without its CONFIG_ prefix) in one Kconfig file's text. */
export function findDefinitions(file: string, text: string, name: string): SymbolDefinition[] {
  const lines = text.split("\n");
  const definitions: SymbolDefinition[] = [];
  // The enclosing blocks: `if EXPR` (a dependency), `menu` (its `depends on` lines), `choice`.
  const stack: { kind: "if" | "menu" | "choice"; depends: string[] }[] = [];
  const header = new RegExp(`^\\s*(menu)?config\\s+${name}\\s*(#.*)?$`);
  let open: { kind: "if" | "menu" | "choice"; depends: string[] } | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const start = BLOCK_START.exec(line)?.[1];
    if (start) open = undefined;
    if (start === "if") stack.push({ kind: "if", depends: [line.replace(/^\s*if\s+/, "").replace(/#.*$/, "").trim()] });
    else if (start === "menu" || start === "choice") {
      open = { kind: start, depends: [] };
      stack.push(open);
    } else if (start === "endif" || start === "endmenu" || start === "endchoice") stack.pop();
    else if (open && /^\s*depends\s+on\s+/.test(line)) open.depends.push(line.replace(/^\s*depends\s+on\s+/, "").replace(/#.*$/, "").trim());
    if (!header.test(line)) continue;
    const definition: SymbolDefinition = { file, line: i + 1, dependsOn: [], hasPrompt: false, inChoice: stack.some((s) => s.kind === "choice") };
    for (let j = i + 1; j < lines.length && !BLOCK_START.test(lines[j]!); j++) {
      const body = lines[j]!;
      if (/^\s*(help|---help---)\s*$/.test(body)) break;
      const depends = /^\s*depends\s+on\s+(.*)$/.exec(body);
      if (depends) definition.dependsOn.push(depends[1]!.replace(/#.*$/, "").trim());
      const prompt = PROMPT.exec(body);
      if (prompt && /^(bool|tristate|string|int|hex|prompt)$/.test(prompt[1]!) && /^"/.test(prompt[2]!.trim())) definition.hasPrompt = true;
    }
    for (const enclosing of stack) definition.dependsOn.push(...enclosing.depends);
    definitions.push(definition);
  }
  return definitions;
}

/** A `source "path"` line of a Kconfig file and the conditions (`if`, `menu ... depends on`) around it. */
export interface SourceSite {
  /** The sourced file, relative to the tree (`$(SRCARCH)` as given in `srcarch`; `rsource` resolved). */
  path: string;
  dependsOn: string[];
}

/** The files one Kconfig file sources, each with the conditions it is sourced under. */
export function findSourceSites(file: string, text: string, srcarch = "x86"): SourceSite[] {
  const sites: SourceSite[] = [];
  const stack: { kind: string; depends: string[] }[] = [];
  let open: { kind: string; depends: string[] } | undefined;
  for (const line of text.split("\n")) {
    const start = BLOCK_START.exec(line)?.[1];
    if (start) open = undefined;
    if (start === "if") stack.push({ kind: "if", depends: [line.replace(/^\s*if\s+/, "").replace(/#.*$/, "").trim()] });
    else if (start === "menu" || start === "choice") {
      open = { kind: start, depends: [] };
      stack.push(open);
    } else if (start === "endif" || start === "endmenu" || start === "endchoice") stack.pop();
    else if (open && /^\s*depends\s+on\s+/.test(line)) open.depends.push(line.replace(/^\s*depends\s+on\s+/, "").replace(/#.*$/, "").trim());
    const source = /^\s*(source|rsource|osource)\s+"?([^"\s]+)"?/.exec(line);
    if (!source) continue;
    let path = source[2]!.replaceAll("$(SRCARCH)", srcarch).replaceAll("$SRCARCH", srcarch);
    if (source[1] === "rsource") path = `${file.includes("/") ? file.slice(0, file.lastIndexOf("/") + 1) : ""}${path}`;
    sites.push({ path, dependsOn: stack.flatMap((s) => s.depends) });
  }
  return sites;
}

/** The symbols an expression names (`PCI && (X86_64 || !SMP)`: PCI, X86_64, SMP). */
export function expressionSymbols(expression: string): string[] {
  const names = expression.replace(/"[^"]*"/g, " ").match(/[A-Za-z0-9_]+/g) ?? [];
  return [...new Set(names.filter((n) => !/^(y|n|m|if|on)$/.test(n) && !/^[0-9]+$/.test(n)))];
}

export interface DropExplanation {
  symbol: string;
  /** The requested value and the final one, as `describeMismatches` words them. */
  wanted: string;
  got: string;
  /** One sentence: why. */
  reason: string;
}

/**
 * Why each mismatch happened, from the symbol's definitions (undefined: none found, the symbol
 * is unknown to this tree) and the final config. `prefix` is what the config files put before
 * the Kconfig names ("CONFIG_").
 */
export function explainMismatch(mismatch: KconfigMismatch, definitions: readonly SymbolDefinition[], final: Kconfig, prefix = "CONFIG_"): DropExplanation {
  const base = { symbol: mismatch.symbol, wanted: describeValue(mismatch.wanted), got: describeValue(mismatch.got) };
  if (definitions.length === 0) return { ...base, reason: "no such symbol in this tree's Kconfig files (a typo, or an option of another version)" };
  const values = new Map(final.entries.map((e) => [e.symbol, e.value] as const));
  const offSymbols = (expression: string): string[] => expressionSymbols(expression).filter((s) => isOff(values.get(prefix + s)));
  const where = `${definitions[0]!.file}:${definitions[0]!.line}`;
  // A dependency that is off, from the first definition that names one.
  for (const definition of definitions) {
    for (const expression of definition.dependsOn) {
      const off = offSymbols(expression).filter((s) => !expression.includes(`!${s}`));
      if (off.length) return { ...base, reason: `depends on ${expression}, and ${off.map((s) => prefix + s).join(", ")} ${off.length > 1 ? "are" : "is"} off (${where}); turn ${off.length > 1 ? "them" : "it"} on too` };
    }
  }
  if (!isOff(mismatch.wanted) && definitions.every((d) => !d.hasPrompt)) return { ...base, reason: `has no prompt: only another option's \`select\` turns it on (${where})` };
  if (definitions.some((d) => d.inChoice)) return { ...base, reason: `one option of a choice: another option of it was chosen; set that one off (${where})` };
  const expressions = definitions.flatMap((d) => d.dependsOn);
  if (expressions.length) return { ...base, reason: `depends on ${expressions.join(" && ")} (${where}), which does not hold here` };
  return { ...base, reason: isOff(mismatch.wanted) ? `another option selects it (${where})` : `kconfig changed it (${where}): a range, a select, or an invalid value` };
}

/** One line per explanation: `CONFIG_X=y: got absent: depends on BLOCK, and CONFIG_BLOCK is off (...)`. */
export function formatExplanations(explanations: readonly DropExplanation[]): string[] {
  return explanations.map((e) => `${e.symbol}: wanted ${e.wanted}, got ${e.got}: ${e.reason}`);
}
