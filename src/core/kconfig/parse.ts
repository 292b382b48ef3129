// Reads kconfig text (a `.config` or a fragment) into a Kconfig. Strict about what it cannot
// understand, because a typo in a committed fragment would otherwise be silently ignored and the
// kernel built without the option.
import type { Kconfig, KconfigEntry, KconfigValue } from "./model.ts";

export class KconfigParseError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${source}:${line}: ${detail}`);
    this.name = "KconfigParseError";
  }
}

export interface ParseOptions {
  /** Named in errors, e.g. the fragment's file name. Default "kconfig". */
  source?: string;
  /**
   * The symbol prefix (default "CONFIG_"; both Linux and BusyBox use it). Lines must name
   * symbols with it.
   */
  prefix?: string;
}

const SYMBOL = "[A-Za-z0-9_]+";

/**
 * Parses kconfig text. Blank lines and comments are skipped; `# CONFIG_X is not set` is an
 * assignment, not a comment. A symbol assigned twice keeps its last value at its first
 * position (that is what kconfig itself does when it reads such a file).
 */
export function parseKconfig(text: string, options: ParseOptions = {}): Kconfig {
  const source = options.source ?? "kconfig";
  const prefix = options.prefix ?? "CONFIG_";
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const assignment = new RegExp(`^(${escaped}${SYMBOL})=(.*)$`);
  const notSet = new RegExp(`^#\\s*(${escaped}${SYMBOL}) is not set\\s*$`);
  const order: string[] = [];
  const values = new Map<string, KconfigValue>();
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const lineNumber = index + 1;
    if (line === "") return;
    let symbol: string;
    let value: KconfigValue;
    const unset = notSet.exec(line);
    if (unset) {
      symbol = unset[1]!;
      value = { kind: "unset" };
    } else if (line.startsWith("#")) {
      return;
    } else {
      const set = assignment.exec(line);
      if (!set) {
        throw new KconfigParseError(
          source,
          lineNumber,
          `got ${JSON.stringify(line)}, want ${prefix}NAME=value, "# ${prefix}NAME is not set" or a # comment`,
        );
      }
      symbol = set[1]!;
      value = { kind: "set", value: checkValue(source, lineNumber, set[2]!.trim()) };
    }
    if (!values.has(symbol)) order.push(symbol);
    values.set(symbol, value);
  });
  return { entries: order.map((symbol): KconfigEntry => ({ symbol, value: values.get(symbol)! })) };
}

function checkValue(source: string, line: number, value: string): string {
  if (value === "") throw new KconfigParseError(source, line, "got an empty value, want y, m, n, a number or a \"string\"");
  if (value.startsWith('"')) {
    if (value.length < 2 || !value.endsWith('"') || hasBareQuote(value.slice(1, -1))) {
      throw new KconfigParseError(source, line, `got ${value}, want a string in double quotes with inner quotes escaped`);
    }
    return value;
  }
  if (!/^(y|m|n|-?[0-9]+|0[xX][0-9a-fA-F]+)$/.test(value)) {
    throw new KconfigParseError(source, line, `got ${value}, want y, m, n, a number, 0x hex or a "string"`);
  }
  return value;
}

/** Whether a quoted string's inside has a `"` not escaped by a backslash. */
function hasBareQuote(inside: string): boolean {
  for (let i = 0; i < inside.length; i++) {
    if (inside[i] === "\\") i++;
    else if (inside[i] === '"') return true;
  }
  return false;
}
