// Checks of option values that several commands share, each failing as a usage error (exit 2)
// that quotes what the user typed and says what was wanted.
import { CliError, EXIT_USAGE } from "./command.ts";

/** `value` if it is one of `allowed`, else a usage error naming them. */
export function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T {
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
  throw new CliError(`${option}: got "${value}", want one of ${allowed.join(", ")}`, EXIT_USAGE);
}

/** `text` as a number above 0, else a usage error; `unit` (e.g. "seconds") goes into the message. */
export function positiveNumber(option: string, text: string, unit?: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0) {
    throw new CliError(`${option}: got "${text}", want a positive number${unit ? ` of ${unit}` : ""}`, EXIT_USAGE);
  }
  return n;
}
