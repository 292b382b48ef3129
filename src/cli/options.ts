// Checks of option values that several commands share, each failing as a usage error (exit 2)
// that quotes what the user typed and says what was wanted.
import { CliError, EXIT_USAGE } from "./command.ts";

/** `value` if it is one of `allowed`, else a usage error naming them. */
export function oneOf<T extends string>(option: string, value: string | undefined, allowed: readonly T[]): T {
  if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
  throw new CliError(`${option}: got "${value}", want one of ${allowed.join(", ")}`, EXIT_USAGE);
}

/**
 * `text` as a number from `min` to `max` inclusive, else a usage error that names the range.
 * Bounds keep a typo or a crafted value from reaching code that cannot take it: Node's timers
 * hold at most 2^31-1 ms (about 24.8 days) and fire after 1 ms for anything larger, so an
 * unbounded `--timeout 1e10` re-armed a 1 ms timer in a loop.
 */
export function boundedNumber(option: string, text: string, unit: string, min: number, max: number, options: { integer?: boolean } = {}): number {
  const n = text.trim() === "" ? NaN : Number(text);
  const whole = options.integer ? "a whole number" : "a number";
  if (!Number.isFinite(n) || n < min || n > max || (options.integer && !Number.isInteger(n))) {
    throw new CliError(`${option}: got "${text}", want ${whole} of ${unit} from ${min} to ${max}`, EXIT_USAGE);
  }
  return n;
}

/** The longest --timeout bootlab accepts: one day. A guest session longer than that wants no time-out at all. */
export const MAX_TIMEOUT_SECONDS = 24 * 60 * 60;

/** `--timeout SECONDS`: above 0 (at least 1 ms) and at most MAX_TIMEOUT_SECONDS. */
export function timeoutSeconds(option: string, text: string): number {
  return boundedNumber(option, text, "seconds", 0.001, MAX_TIMEOUT_SECONDS);
}

const BYTE_UNITS: Record<string, number> = { "": 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30 };

/** The largest --max-size: newc sizes are 32-bit, so no archive member holds more. */
export const MAX_BYTE_SIZE = 4 * 2 ** 30;

/**
 * `--max-size SIZE`: a byte count, with an optional K, M or G suffix (powers of 1024; "KiB",
 * "MB" and friends read the same), from 1 to 4G. Else a usage error with examples.
 */
export function byteSize(option: string, text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([KMG]?)(?:i?B)?\s*$/i.exec(text);
  const n = match ? Math.floor(Number(match[1]) * BYTE_UNITS[match[2]!.toUpperCase()]!) : NaN;
  if (!Number.isFinite(n) || n < 1 || n > MAX_BYTE_SIZE) {
    throw new CliError(`${option}: got "${text}", want a size from 1 byte to 4G, e.g. 1500000, 512M or 2G`, EXIT_USAGE);
  }
  return n;
}
