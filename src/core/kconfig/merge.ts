// Combining and writing kconfig data: a base config with fragments on top, as
// scripts/kconfig/merge_config.sh does, but as a pure function so the result can be tested and
// written in one go (BusyBox's old kconfig keeps the FIRST of two assignments, the kernel's the
// last, so appending a fragment to a .config is not portable; replacing in place is).
import { formatEntry, type Kconfig, type KconfigEntry, type KconfigValue } from "./model.ts";

/** `base` with every assignment of each fragment applied in turn: replaced in place, or appended. */
export function mergeKconfig(base: Kconfig, ...fragments: readonly Kconfig[]): Kconfig {
  const order = base.entries.map((e) => e.symbol);
  const values = new Map<string, KconfigValue>(base.entries.map((e) => [e.symbol, e.value]));
  for (const fragment of fragments) {
    for (const entry of fragment.entries) {
      if (!values.has(entry.symbol)) order.push(entry.symbol);
      values.set(entry.symbol, entry.value);
    }
  }
  return { entries: order.map((symbol): KconfigEntry => ({ symbol, value: values.get(symbol)! })) };
}

/** The config as kconfig text: one assignment a line, in order, ending with a newline. */
export function serializeKconfig(config: Kconfig): string {
  return config.entries.map(formatEntry).join("\n") + (config.entries.length ? "\n" : "");
}
