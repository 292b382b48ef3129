// Your own C init (seeds 001 and 004, issue 14): the user's /init.c compiled to a static i386
// /init by the same TinyCC and musl the devel layer puts in the guest, with no server and no
// host compiler. The compile runs in a *build guest*: a system booted on the runner it is given
// (v86 in the CLI and in the page's worker, QEMU in tests) made of the BusyBox base, the devel
// layer, the source and a /init script that compiles it, says how it went (tcc's messages)
// between marker lines on the console, hands the program back and powers off. The program comes
// back in base64 on the console, or, in a v86 guest whose memory the host can read, as framed
// pages in guest memory (program-pages.ts): much faster. The guest boots cold, or warm from a
// snapshot of the base and devel layer with the warm-boot agent waiting (src/core/warm: the host
// arms that in BuildGuest.prepare). This module makes that system, reads the console (and the
// memory), and turns it into bytes or diagnostics with line numbers; it holds no emulator of its
// own, so core stays free of the DOM and node:*.
import { gunzipSync } from "fflate";
import type { BootPlan, BootSystem } from "../boot/plan.ts";
import { planBoot, PlanError } from "../boot/plan.ts";
import type { PrebuiltArtifacts } from "../boot/prebuilt.ts";
import type { Runner, RunnerTimings } from "../boot/runner.ts";
import { systemClock, type Clock } from "../boot/clock.ts";
import { findProgramPages, parseProgramLine, programNonce, programPagesScript, type ProgramInMemory } from "./program-pages.ts";

/** Where the source is compiled in the build guest; tcc's messages name it by its base name. */
const BUILD_DIR = "/src";
const MARK = "bootlab-cc:";

/** One message of tcc about the source. */
export interface CompileDiagnostic {
  /** 1-based line in the source. */
  line: number;
  severity: "error" | "warning";
  message: string;
}

/** Where the time of one compile went, for metrics and benchmarks (ms, host time). */
export interface CompileTimings {
  /** Whether the build guest was restored from a warm snapshot; else why not. */
  warm: boolean;
  coldReason?: string;
  /** From planning the build guest until it runs: a cold boot's emulator start, or a warm one's restore and delivery. */
  startMs: number;
  /** Warm: restoring the snapshot, and handing the source and script to the agent (both within startMs). */
  restoreMs?: number;
  deliverMs?: number;
  /** From the guest running until its end marker: the kernel's boot (cold), tcc, writing the program out (and, by console, sending it). */
  guestMs: number;
  /** v86: the instructions the guest ran in guestMs, which the host's load does not change. */
  guestInstructions?: number;
  /** "memory": the program read from guest memory (readBackMs), "console": it came in base64 with the rest (within guestMs). */
  returnedBy: "memory" | "console";
  readBackMs: number;
}

export type CompileResult =
  | { ok: true; bytes: Uint8Array; diagnostics: CompileDiagnostic[]; messages: string; timings?: CompileTimings }
  | { ok: false; diagnostics: CompileDiagnostic[]; messages: string; timings?: CompileTimings };

/** What the build guest's console says: a CompileResult, or, by memory, where the program waits. */
export type BuildConsole = CompileResult | { ok: true; inMemory: ProgramInMemory; diagnostics: CompileDiagnostic[]; messages: string };

/** How the build guest hands the program back: on the console, or in memory as pages framed with `nonce`. */
export type ProgramReturn = { by: "console" } | { by: "memory"; nonce: number };

export class CompileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CompileError";
  }
}

/** The file name tcc sees, from the user's path ("/init.c" -> "init.c"). */
export function sourceName(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return /^[A-Za-z0-9_.-]+\.c$/.test(name) ? name : "init.c";
}

/** The build guest's /init: compile, then the program or the messages between markers, then power off. */
export function buildScript(name: string, returnBy: ProgramReturn = { by: "console" }): string {
  const out = name.replace(/\.c$/, "");
  const ok =
    returnBy.by === "console"
      ? `  echo "${MARK} ok"
  cat messages
  echo "${MARK} program"
  gzip -c ${out} | base64`
      : `${programPagesScript(out, `${out}.pages`, returnBy.nonce).replace(/^/gm, "  ")}
  echo "${MARK} ok"
  cat messages
  echo "${MARK} memory $pages $size $sum"`;
  const how = returnBy.by === "console" ? "on the console (gzip'd, in base64: v86's UART is slow)" : "in memory, as framed pages the host finds (program-pages.ts)";
  return `#!/bin/sh
# bootlab's build guest (src/core/cinit/compile.ts): compile ${name} with tcc and hand the
# program back ${how}, then power off.
cd ${BUILD_DIR}
if tcc -static -o ${out} ${name} 2>messages; then
${ok}
else
  echo "${MARK} failed"
  cat messages
fi
echo "${MARK} end"
poweroff -f
`;
}

/** The build guest as a system: base + devel layer, the source, the compile script as /init. */
export function buildSystem(source: string, path = "/init.c", returnBy: ProgramReturn = { by: "console" }): BootSystem {
  const name = sourceName(path);
  return {
    base: "busybox",
    layers: ["devel"],
    kernel: "tiny",
    // loglevel=1: no kernel messages between the markers (and fewer bytes through v86's UART).
    cmdline: "console=ttyS0 loglevel=1",
    files: [
      { path: "/init", kind: "file", mode: 0o755, text: buildScript(name, returnBy) },
      { path: BUILD_DIR, kind: "directory", mode: 0o755 },
      { path: `${BUILD_DIR}/${name}`, kind: "file", mode: 0o644, text: source },
    ],
  };
}

/** tcc's "init.c:5: error: ';' expected (got "return")" lines as diagnostics. */
export function parseDiagnostics(messages: string, name: string): CompileDiagnostic[] {
  const found: CompileDiagnostic[] = [];
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`^(?:In file included from )?${escaped}:(\\d+): (error|warning): (.*)$`);
  for (const line of messages.split("\n")) {
    const match = pattern.exec(line.trim());
    if (match) found.push({ line: Number(match[1]), severity: match[2] as "error" | "warning", message: match[3]! });
  }
  return found;
}

/**
 * The compile's result from the build guest's console text, or undefined while the end marker
 * has not arrived. `nonce`: the program comes back in memory, framed with it.
 */
export function readBuildConsole(text: string, name = "init.c", nonce?: number): BuildConsole | undefined {
  // A marker may share its line with what came before it (SeaBIOS ends its lines with escapes,
  // not newlines), so a marker line is one that ends with it.
  const lines = text.replace(/\r/g, "").split("\n");
  const find = (word: string, from = 0): number => lines.findIndex((line, i) => i >= from && line.endsWith(`${MARK} ${word}`));
  const end = find("end");
  if (end < 0) return undefined;
  const okAt = find("ok");
  const failedAt = find("failed");
  if (okAt < 0 && failedAt < 0) throw new CompileError(`the build guest's console has "${MARK} end" but neither "${MARK} ok" nor "${MARK} failed"`);
  if (failedAt >= 0 && (okAt < 0 || failedAt < okAt)) {
    const messages = lines.slice(failedAt + 1, end).join("\n");
    return { ok: false, diagnostics: parseDiagnostics(messages, name), messages };
  }
  if (nonce !== undefined) {
    const prefix = `${MARK} memory `;
    const memoryAt = lines.findIndex((line, i) => i > okAt && i < end && line.startsWith(prefix));
    const inMemory = memoryAt >= 0 ? parseProgramLine(lines[memoryAt]!.slice(prefix.length), nonce) : undefined;
    if (!inMemory) throw new CompileError(`the build guest said "${MARK} ok" but not where the program is in its memory`);
    const messages = lines.slice(okAt + 1, memoryAt).join("\n");
    return { ok: true, inMemory, diagnostics: parseDiagnostics(messages, name), messages };
  }
  const programAt = find("program", okAt);
  if (programAt < 0 || programAt > end) throw new CompileError(`the build guest said "${MARK} ok" but printed no program`);
  const messages = lines.slice(okAt + 1, programAt).join("\n");
  let bytes: Uint8Array;
  try {
    bytes = gunzipSync(decodeBase64(lines.slice(programAt + 1, end).join("")));
  } catch (error) {
    throw new CompileError(`the build guest's program did not arrive whole: ${(error as Error).message}`);
  }
  return { ok: true, bytes, diagnostics: parseDiagnostics(messages, name), messages };
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard base64 (BusyBox's `base64`), whitespace ignored; anything else is an error. */
export function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/\s/g, "").replace(/=+$/, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let value = 0;
  let at = 0;
  for (let i = 0; i < clean.length; i++) {
    const digit = ALPHABET.indexOf(clean[i]!);
    if (digit < 0) throw new CompileError(`the build guest's program is not base64: got ${JSON.stringify(clean[i])} at ${i}`);
    value = (value << 6) | digit;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (value >> bits) & 0xff;
    }
  }
  return out.subarray(0, at);
}

export interface CompileOptions {
  /** The source's path in the project, for tcc's file name ("/init.c"). */
  path?: string;
  /** Give up after this long (default 120 s: v86 under load). */
  timeoutMs?: number;
  clock?: Clock;
}

/** A build guest about to run: its runner, and what its host can do beyond the Runner interface. */
export interface BuildGuest {
  /** A runner that has not started. */
  runner: Runner;
  /**
   * The guest's physical memory, read in place (V86Runner.physicalMemory): the program then
   * comes back as framed pages in memory instead of base64 on the console.
   */
  physicalMemory?: () => Uint8Array;
  /**
   * Called with the build guest's system and plan before it starts: a v86 host arms a warm start
   * here (planWarm, then V86Runner.bootWarm) and says whether it did, or why not.
   */
  prepare?: (system: BootSystem, plan: BootPlan) => Promise<{ warm: true } | { warm: false; coldReason: string }>;
  /** Ends the build guest once its result is read (default: stop the runner; a v86 host may keep its emulator for the next boot). */
  release?: () => Promise<void>;
  /** The instructions the guest has run (V86Runner.instructionCount), for CompileTimings.guestInstructions. */
  instructionCount?: () => number;
  /** What the runner's start reported beyond RunnerTimings (a warm start's restore and delivery). */
  startTimings?: (timings: RunnerTimings) => { restoreMs?: number; deliverMs?: number };
}

/**
 * Compiles `source` in a build guest booted on `guest.runner` (released afterwards). Resolves
 * with the program or tcc's diagnostics, and where the time went; rejects with a CompileError
 * when the build guest itself fails (no devel layer in the manifest, a panic, a time-out, a
 * program that did not come back whole), or with the runner's error when it cannot start.
 */
export async function compileInGuest(source: string, artifacts: PrebuiltArtifacts, guest: BuildGuest | Runner, options: CompileOptions = {}): Promise<CompileResult> {
  const host: BuildGuest = "start" in guest ? { runner: guest } : guest;
  const runner = host.runner;
  const path = options.path ?? "/init.c";
  const name = sourceName(path);
  const nonce = host.physicalMemory ? programNonce() : undefined;
  const system = buildSystem(source, path, nonce === undefined ? { by: "console" } : { by: "memory", nonce });
  const clock = options.clock ?? systemClock();
  const planned = clock.now();
  let plan;
  try {
    plan = await planBoot(system, artifacts, { emulator: runner.emulator });
  } catch (error) {
    if (error instanceof PlanError) throw new CompileError(`the build guest cannot be planned: ${error.message}`);
    throw error;
  }
  const timeoutMs = options.timeoutMs ?? 120_000;
  const decoder = new TextDecoder();
  let text = "";
  const subscriptions: Array<{ dispose(): void }> = [];
  try {
    const warm = (await host.prepare?.(system, plan)) ?? { warm: false as const, coldReason: "this build guest's host has no warm snapshots (QEMU)" };
    let running = Number.POSITIVE_INFINITY;
    let instructionsAtStart = 0;
    let startTimings: { restoreMs?: number; deliverMs?: number } = {};
    const said = await new Promise<BuildConsole>((resolve, reject) => {
      const timer = clock.setTimeout(() => reject(new CompileError(`the build guest did not finish within ${timeoutMs / 1000} s; its console ends: ${tail(text)}`)), timeoutMs);
      const settle = (body: () => void): void => {
        clock.clearTimeout(timer);
        body();
      };
      subscriptions.push(
        runner.onSerial((bytes) => {
          text += decoder.decode(bytes);
          try {
            const result = readBuildConsole(text, name, nonce);
            if (result) settle(() => resolve(result));
          } catch (error) {
            settle(() => reject(error));
          }
        }),
        runner.onExit((exit) => settle(() => reject(new CompileError(`the build guest stopped before it finished (${exit.reason}); its console ends: ${tail(text)}`)))),
      );
      runner.start(plan.spec).then(
        (timings) => {
          running = clock.now();
          instructionsAtStart = host.instructionCount?.() ?? 0;
          startTimings = host.startTimings?.(timings) ?? {};
        },
        (error: unknown) => settle(() => reject(error)),
      );
    });
    const ended = clock.now();
    if (running === Number.POSITIVE_INFINITY) running = ended; // a warm guest can finish before start() resolves
    const timings: CompileTimings = {
      warm: warm.warm,
      ...(warm.warm ? {} : { coldReason: warm.coldReason }),
      startMs: running - planned,
      ...startTimings,
      guestMs: ended - running,
      ...(host.instructionCount ? { guestInstructions: host.instructionCount() - instructionsAtStart } : {}),
      returnedBy: nonce === undefined ? "console" : "memory",
      readBackMs: 0,
    };
    if (!("inMemory" in said)) return { ...said, timings };
    const found = findProgramPages(host.physicalMemory!(), said.inMemory);
    if ("missing" in found) throw new CompileError(`the build guest's program did not come back whole: ${found.missing}`);
    timings.readBackMs = clock.now() - ended;
    return { ok: true, bytes: found.bytes, diagnostics: said.diagnostics, messages: said.messages, timings };
  } finally {
    for (const s of subscriptions) s.dispose();
    await (host.release ? host.release() : runner.stop());
  }
}

function tail(text: string): string {
  const lines = text.replace(/\r/g, "").trimEnd().split("\n");
  return JSON.stringify(lines.slice(-8).join("\n"));
}

/** tcc's messages as the CLI prints them: the user's path in front of each line. */
export function formatDiagnostics(result: CompileResult, displayPath: string, name = "init.c"): string {
  return result.messages
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => (line.startsWith(`${name}:`) ? `${displayPath}${line.slice(name.length)}` : line))
    .join("\n");
}

/** A file of the system compiled before it boots: `source` (C) becomes the program `output`. */
export interface CompileStep {
  source: string;
  output: string;
}

export type CompiledSystem = { ok: true; system: BootSystem; result?: CompileResult } | { ok: false; system: BootSystem; result: CompileResult & { ok: false } };

/**
 * The system with its `compile` step done: the last file at `source` compiled in a build guest
 * (on the runner or build guest `makeGuest` gives), the program laid in as `output` (mode 755) and the source
 * left out of the boot. A system without the step, or whose files have no such source (a project
 * saved before /init.c existed, a prebuilt /init), comes back as it is.
 */
export async function compileSystem(system: BootSystem, artifacts: PrebuiltArtifacts, makeGuest: () => Promise<BuildGuest | Runner>, options: Omit<CompileOptions, "path"> = {}): Promise<CompiledSystem> {
  const step = system.compile;
  if (!step) return { ok: true, system };
  let at = -1;
  for (let i = system.files.length - 1; i >= 0 && at < 0; i--) if (system.files[i]!.path === step.source) at = i;
  const file = at >= 0 ? system.files[at]! : undefined;
  if (!file || file.kind !== "file") return { ok: true, system };
  const text = file.text ?? new TextDecoder().decode(file.data ?? new Uint8Array());
  const result = await compileInGuest(text, artifacts, await makeGuest(), { ...options, path: step.source });
  if (!result.ok) return { ok: false, system, result };
  const files = system.files.filter((f) => f.path !== step.source && f.path !== step.output);
  files.push({ path: step.output, kind: "file", mode: 0o755, data: result.bytes });
  const compiled: BootSystem = { ...system, files };
  delete compiled.compile;
  return { ok: true, system: compiled, result };
}
