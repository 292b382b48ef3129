// The kernel command line as data: an ordered list of `key` or `key=value` parameters and the
// arguments after `--` that the kernel hands to init. Parsing follows the kernel's own
// `next_arg()` (lib/cmdline.c): words split on whitespace, double quotes group a value with
// spaces (`key="a b"` or `"key=a b"`), and there is no escape character. Key comparison treats
// `-` and `_` alike, as the kernel's `parameq()` does.

export interface CmdlineParam {
  key: string;
  /** undefined for a bare flag such as `quiet`; "" for `key=`. */
  value: string | undefined;
}

export class KernelCmdline {
  private constructor(
    readonly params: readonly CmdlineParam[],
    /** Words after `--`: the kernel passes them to init as its arguments. */
    readonly initArgs: readonly string[],
  ) {}

  static parse(text: string): KernelCmdline {
    const params: CmdlineParam[] = [];
    const words = splitWords(text);
    const dashes = words.findIndex((w) => w.raw === "--");
    const kernelWords = dashes === -1 ? words : words.slice(0, dashes);
    const initArgs = dashes === -1 ? [] : words.slice(dashes + 1).map((w) => w.unquoted);
    for (const word of kernelWords) params.push(splitParam(word.unquoted));
    return new KernelCmdline(params, initArgs);
  }

  static from(params: readonly CmdlineParam[], initArgs: readonly string[] = []): KernelCmdline {
    for (const p of params) checkParam(p.key, p.value);
    return new KernelCmdline([...params], [...initArgs]);
  }

  /** The value the kernel uses: the last occurrence wins. "" for a bare flag; undefined if absent. */
  get(key: string): string | undefined {
    for (let i = this.params.length - 1; i >= 0; i--) {
      const p = this.params[i]!;
      if (sameKey(p.key, key)) return p.value ?? "";
    }
    return undefined;
  }

  has(key: string): boolean {
    return this.params.some((p) => sameKey(p.key, key));
  }

  /** Every value of a key that may repeat, such as `console=`. */
  getAll(key: string): string[] {
    return this.params.filter((p) => sameKey(p.key, key)).map((p) => p.value ?? "");
  }

  /**
   * Sets `key` (a flag when value is undefined). The first occurrence keeps its place and any
   * later ones go, so the result says one thing; a new key goes at the end.
   */
  set(key: string, value?: string): KernelCmdline {
    checkParam(key, value);
    const index = this.params.findIndex((p) => sameKey(p.key, key));
    if (index === -1) return new KernelCmdline([...this.params, { key, value }], this.initArgs);
    const params = this.params.filter((p, i) => i === index || !sameKey(p.key, key));
    params[params.findIndex((p) => sameKey(p.key, key))] = { key, value };
    return new KernelCmdline(params, this.initArgs);
  }

  /** Adds a parameter at the end even if the key exists (`console=tty0 console=ttyS0`). */
  append(key: string, value?: string): KernelCmdline {
    checkParam(key, value);
    return new KernelCmdline([...this.params, { key, value }], this.initArgs);
  }

  remove(key: string): KernelCmdline {
    return new KernelCmdline(
      this.params.filter((p) => !sameKey(p.key, key)),
      this.initArgs,
    );
  }

  /** Every parameter of `other` set over this one, in `other`'s order; init arguments from `other` when it has any. */
  merge(other: KernelCmdline): KernelCmdline {
    let result: KernelCmdline = this;
    for (const p of other.params) result = result.set(p.key, p.value);
    return other.initArgs.length ? new KernelCmdline(result.params, other.initArgs) : result;
  }

  toString(): string {
    const words = this.params.map((p) => (p.value === undefined ? p.key : `${p.key}=${quoteValue(p.value)}`));
    if (this.initArgs.length) words.push("--", ...this.initArgs.map(quoteValue));
    return words.join(" ");
  }
}

/** The kernel's parameq(): `-` and `_` are the same character in parameter names. */
function sameKey(a: string, b: string): boolean {
  return a.replaceAll("-", "_") === b.replaceAll("-", "_");
}

function quoteValue(value: string): string {
  return /\s/.test(value) || value === "" ? `"${value}"` : value;
}

function checkParam(key: string, value: string | undefined): void {
  if (key === "" || /[\s="]/.test(key)) {
    throw new Error(`kernel parameter name: got ${JSON.stringify(key)}, want a word without spaces, "=" or quotes`);
  }
  if (value !== undefined && value.includes('"')) {
    // The kernel has no escape for a quote inside a value; writing one would split the line.
    throw new Error(`kernel parameter ${key}: got a value with a double quote (${JSON.stringify(value)}); the kernel cannot read one`);
  }
}

interface Word {
  raw: string;
  /** The word with the grouping quotes removed, as next_arg() leaves it. */
  unquoted: string;
}

function splitWords(text: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const start = i;
    let inQuote = false;
    while (i < text.length && (inQuote || !/\s/.test(text[i]!))) {
      if (text[i] === '"') inQuote = !inQuote;
      i++;
    }
    const raw = text.slice(start, i);
    words.push({ raw, unquoted: raw.replaceAll('"', "") });
  }
  return words;
}

function splitParam(word: string): CmdlineParam {
  const eq = word.indexOf("=");
  if (eq === -1) return { key: word, value: undefined };
  return { key: word.slice(0, eq), value: word.slice(eq + 1) };
}
