// Did the build system keep what a fragment asked for? `make olddefconfig` silently drops a
// symbol whose dependencies are not met (or that does not exist in this kernel version), so
// every fragment line is checked against the final .config.
import { describeValue, isOff, type Kconfig, type KconfigValue } from "./model.ts";

export interface KconfigMismatch {
  symbol: string;
  wanted: KconfigValue;
  /** undefined when the final config does not mention the symbol at all. */
  got: KconfigValue | undefined;
}

/** The requested assignments the final config does not honour; empty when all hold. */
export function checkKconfig(requested: Kconfig, final: Kconfig): KconfigMismatch[] {
  const finalValues = new Map(final.entries.map((e) => [e.symbol, e.value] as const));
  const mismatches: KconfigMismatch[] = [];
  for (const { symbol, value: wanted } of requested.entries) {
    const got = finalValues.get(symbol);
    if (!honours(wanted, got)) mismatches.push({ symbol, wanted, got });
  }
  return mismatches;
}

function honours(wanted: KconfigValue, got: KconfigValue | undefined): boolean {
  if (isOff(wanted)) return isOff(got);
  return got !== undefined && got.kind === "set" && got.value === (wanted as { value: string }).value;
}

/** One line per mismatch: `CONFIG_X: wanted y, got absent (dropped: unmet dependencies or no such symbol)`. */
export function describeMismatches(mismatches: readonly KconfigMismatch[]): string[] {
  return mismatches.map(({ symbol, wanted, got }) => {
    const why = got === undefined || isOff(got) ? " (dropped: unmet dependencies or no such symbol)" : "";
    return `${symbol}: wanted ${describeValue(wanted)}, got ${describeValue(got)}${why}`;
  });
}
