// What an address asked for that a page ignores, in words: an author who wrote `readOnly=1` or
// `?templat=...` learns in the page that nothing happened, and what was meant. The embed mode
// (embed/config.ts) and the full page (page/address.ts) each pass the parameters they know.

export interface ParameterRules {
  /** The parameters this page reads. */
  known: readonly string[];
  /** Parameters that may be given more than once (all of them count). */
  repeatable?: readonly string[];
  /**
   * Parameters another mode of the page reads, and what they are for there ("applies to ..."):
   * not typos, just elsewhere.
   */
  elsewhere?: Readonly<Record<string, string>>;
}

/** One sentence per parameter that was ignored or given more than once. */
export function ignoredParameters(params: URLSearchParams, rules: ParameterRules): string[] {
  const warnings: string[] = [];
  for (const key of new Set(params.keys())) {
    if (rules.known.includes(key)) {
      const count = params.getAll(key).length;
      if (count > 1 && !rules.repeatable?.includes(key)) warnings.push(`parameter "${key}" given ${count} times; the last one counts`);
      continue;
    }
    const other = [key, fold(key)].find((name) => rules.elsewhere?.[name] !== undefined);
    if (other !== undefined) {
      warnings.push(`parameter "${key}" ignored: "${other}" ${rules.elsewhere![other]}`);
      continue;
    }
    const meant = nearestKnown(key, rules.known);
    warnings.push(`unknown parameter "${key}" ignored (${meant ? `did you mean "${meant}"? ` : ""}known: ${rules.known.join(", ")})`);
  }
  return warnings;
}

/**
 * The known parameter a key was probably meant to be: the same letters in another case or with
 * "-"/"_" (`readOnly`, `read-only`), or one or two letters off in a longer name (`templat`).
 */
export function nearestKnown(key: string, known: readonly string[]): string | undefined {
  const folded = fold(key);
  const same = known.find((name) => name === folded);
  if (same) return same;
  if (folded.length < 4) return undefined;
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = editDistance(folded, name);
    if (distance <= (name.length >= 7 ? 2 : 1) && (!best || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}

/** A key as the page's parameters are spelled: lower case, no "-" or "_". */
function fold(key: string): string {
  return key.toLowerCase().replace(/[-_]/g, "");
}

/** Levenshtein distance; the names are short (a URL parameter), so the plain table is fine. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]!;
}
