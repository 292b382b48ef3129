// A respawn loop: init restarting something that fails at once, seen on the console as the
// same line over and over (BusyBox init without an inittab and no /dev/tty2: "can't open
// /dev/tty2: No such file or directory", thousands of times when guest time is broken).
// Lines are compared with their numbers masked, so tty2/tty3/tty4 or PIDs count as one line.
import { stripPrintkTime } from "./diagnosis.ts";

export interface RespawnLoop {
  /** The repeated line, numbers masked ("can't open /dev/ttyN: No such file or directory"). */
  pattern: string;
  /** How often it came when the loop was declared. */
  count: number;
  /** The distinct lines as printed (at most a few), e.g. the tty2, tty3 and tty4 variants. */
  examples: string[];
  /** The devices that could not be opened, named by lines such as "can't open /dev/X". */
  devices: string[];
  /** The /etc/inittab line that starts it, when the inittab was given and one matches. */
  inittabLine?: string;
}

const ANSI = /\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b[^[]/g;
const PRINTK_STAMP = /^\[\s*\d+\.\d+\]/;
const CANT_OPEN = /can't open (\/dev\/\S+?):/;

export function maskNumbers(line: string): string {
  return line.replace(/\d+/g, "N");
}

export interface RespawnOptions {
  /** Repeats of one masked line that make a loop. */
  repeats?: number;
  /** The system's /etc/inittab, to name the line that respawns. */
  inittab?: string;
}

export class RespawnDetector {
  private readonly counts = new Map<string, { count: number; examples: string[] }>();
  private found: RespawnLoop | undefined;
  private readonly repeats: number;

  constructor(private readonly options: RespawnOptions = {}) {
    this.repeats = options.repeats ?? 10;
  }

  get loop(): RespawnLoop | undefined {
    return this.found;
  }

  /**
   * Counts one complete line of user space. Kernel messages (a printk time stamp) and blank
   * lines are not counted: a respawn loop is init's doing. Returns the loop once it is found.
   */
  add(rawLine: string): RespawnLoop | undefined {
    if (this.found) return this.found;
    const clean = rawLine.replace(ANSI, "").trim();
    if (!clean || PRINTK_STAMP.test(clean)) return undefined;
    const line = stripPrintkTime(clean);
    const pattern = maskNumbers(line);
    const entry = this.counts.get(pattern) ?? { count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < 4 && !entry.examples.includes(line)) entry.examples.push(line);
    this.counts.set(pattern, entry);
    if (entry.count < this.repeats) return undefined;
    const devices = [...new Set(entry.examples.map((e) => e.match(CANT_OPEN)?.[1]).filter((d): d is string => d !== undefined))].sort();
    const loop: RespawnLoop = { pattern, count: entry.count, examples: entry.examples, devices };
    const inittabLine = this.options.inittab ? findInittabLine(this.options.inittab, devices, entry.examples) : undefined;
    if (inittabLine) loop.inittabLine = inittabLine;
    this.found = loop;
    return loop;
  }
}

/**
 * The respawn/askfirst inittab entry behind the loop: the one on a device that could not be
 * opened, else the one whose program the repeated line names.
 */
export function findInittabLine(inittab: string, devices: readonly string[], examples: readonly string[]): string | undefined {
  const entries = inittab
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => ({ line: l, fields: l.split(":") }))
    .filter((e) => e.fields.length >= 4 && /^(respawn|askfirst)$/.test(e.fields[2]!));
  for (const device of devices) {
    const name = device.replace(/^\/dev\//, "");
    const hit = entries.find((e) => e.fields[0] === name || e.fields[0] === device);
    if (hit) return hit.line;
  }
  for (const entry of entries) {
    const program = entry.fields.slice(3).join(":").trim().replace(/^-/, "").split(/\s+/)[0] ?? "";
    const base = program.split("/").pop();
    if (base && examples.some((e) => e.includes(base))) return entry.line;
  }
  return undefined;
}
