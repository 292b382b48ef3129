// A kconfig file as data: the symbol assignments of a `.config` or of a fragment, in file order.
// Both the kernel and BusyBox write the same two line shapes, `CONFIG_X=value` and
// `# CONFIG_X is not set`; everything else is a comment.

/** What one line says about a symbol: a value as written (`y`, `m`, `"text"`, `1`, `0x10`) or "not set". */
export type KconfigValue = { readonly kind: "set"; readonly value: string } | { readonly kind: "unset" };

export interface KconfigEntry {
  /** With its prefix, as written: `CONFIG_SERIAL_8250`. */
  readonly symbol: string;
  readonly value: KconfigValue;
}

/** The assignments, each symbol once, in the order they first appeared. */
export interface Kconfig {
  readonly entries: readonly KconfigEntry[];
}

export const NOT_SET: KconfigValue = { kind: "unset" };

export function setTo(value: string): KconfigValue {
  return { kind: "set", value };
}

/**
 * Whether a symbol counts as off: "not set" and `=n` mean the same to kconfig, and a symbol
 * missing from a `.config` is off too (kconfig omits symbols whose dependencies are not met).
 */
export function isOff(value: KconfigValue | undefined): boolean {
  return value === undefined || value.kind === "unset" || value.value === "n";
}

/** The line kconfig writes for an entry. */
export function formatEntry(entry: KconfigEntry): string {
  return entry.value.kind === "unset" ? `# ${entry.symbol} is not set` : `${entry.symbol}=${entry.value.value}`;
}

/** How a value reads in a message: `y`, `"ttyS0"`, `is not set`, `absent`. */
export function describeValue(value: KconfigValue | undefined): string {
  if (value === undefined) return "absent";
  return value.kind === "unset" ? "is not set" : value.value;
}

/** The value of `symbol`, or undefined when the config does not mention it. */
export function valueOf(config: Kconfig, symbol: string): KconfigValue | undefined {
  return config.entries.find((e) => e.symbol === symbol)?.value;
}
