// The linter for a root filesystem overlay: the problems that would break a boot, found before
// booting and reported as diagnostics the editor shows as markers.
//
//   lintOverlay({ files, cmdline, basePaths }) -> Diagnostic[]
//
// Pure and synchronous: text in, diagnostics out. `basePaths` lists what the base archive holds
// (BusyBox and its links); without it, checks that need to know what exists are skipped.
import { diagnosticAt, type Diagnostic } from "./diagnostic.ts";
import { lintLineEndings } from "./line-endings.ts";
import { lintShebang } from "./shebang.ts";
import { lintInittab, parseInittab } from "./inittab.ts";
import { lintFstab } from "./fstab.ts";
import { lintGroup, lintHostname, lintPasswd } from "./accounts.ts";

export type { Diagnostic, Severity } from "./diagnostic.ts";
export { splitLines } from "./diagnostic.ts";
export { BUSYBOX_INIT_ACTIONS, parseInittab } from "./inittab.ts";

export interface LintFile {
  /** Absolute guest path: "/init", "/etc/fstab". */
  path: string;
  kind: "file" | "directory" | "symlink";
  /** Permission bits (0o755). */
  mode: number;
  /** The content when it is text; undefined for binaries, directories and symlinks. */
  text?: string;
}

export interface LintInput {
  files: readonly LintFile[];
  /** The kernel command line: it decides whether /init is the program the kernel runs. */
  cmdline?: string;
  /** Absolute paths the base archive provides; undefined when not known (yet). */
  basePaths?: ReadonlySet<string>;
}

const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

/**
 * Most diagnostics shown for one file; the rest are summarised in one more diagnostic. A crafted
 * file (300,000 CRLF fstab lines) would otherwise give as many markers, and the page would spend
 * its time painting them.
 */
export const MAX_DIAGNOSTICS_PER_FILE = 100;

/** The program the kernel runs from an initramfs: rdinit= if given, else /init. */
export function initProgramOf(cmdline: string | undefined): string {
  for (const token of (cmdline ?? "").split(/\s+/)) {
    if (token.startsWith("rdinit=")) return token.slice("rdinit=".length);
  }
  return "/init";
}

function isExecutable(mode: number): boolean {
  return (mode & 0o111) !== 0;
}

export function lintOverlay(input: LintInput): Diagnostic[] {
  const byPath = new Map(input.files.map((file) => [file.path, file]));
  const basePaths = input.basePaths;
  const exists = basePaths
    ? (path: string) => byPath.has(path) || basePaths.has(path) || isImpliedDirectory(path, byPath, basePaths)
    : undefined;
  const overlayExecutable = (path: string): boolean | undefined => {
    const file = byPath.get(path);
    return file && file.kind === "file" ? isExecutable(file.mode) : undefined;
  };
  const initProgram = initProgramOf(input.cmdline);

  const inittab = byPath.get("/etc/inittab");
  const inittabPrograms = new Set(
    inittab?.text !== undefined
      ? parseInittab(inittab.text).map((entry) => entry.process.replace(/^-/, "").trim().split(/[ \t]/)[0] ?? "")
      : ["/etc/init.d/rcS"], // BusyBox init's built-in default when there is no inittab
  );

  const diagnostics: Diagnostic[] = [];
  for (const file of input.files) {
    if (file.kind !== "file") continue;
    appendAll(diagnostics, capPerFile(file.path, lintFile(file)));
  }
  return diagnostics.sort(compareDiagnostics);

  function lintFile(file: LintFile): Diagnostic[] {
    const diagnostics: Diagnostic[] = [];
    const { path, text } = file;
    const runByBoot = path === initProgram || inittabPrograms.has(path);
    const isScriptPlace = path === "/init" || path.startsWith("/etc/init.d/");

    if (path === "/init" && path !== initProgram) {
      diagnostics.push(
        diagnosticAt(path, "init-unused", "info", `The kernel command line says rdinit=${initProgram}, so the kernel runs that program, not /init.`, 1, 1, 2),
      );
    }
    if (path === initProgram && !isExecutable(file.mode)) {
      diagnostics.push(
        diagnosticAt(
          path,
          "init-not-executable",
          "error",
          `${path} is not executable, so the kernel cannot run it ("Failed to execute ${path} (error -13)") and falls back to other init programs or panics. Tick "executable" for this file.`,
          1,
          1,
          2,
        ),
      );
    } else if (isScriptPlace && path !== initProgram && !isExecutable(file.mode) && runByBoot) {
      diagnostics.push(
        diagnosticAt(path, "script-not-executable", "error", `${path} is not executable, so init cannot run it ("Permission denied"). Tick "executable" for this file.`, 1, 1, 2),
      );
    }
    if (text === undefined) return diagnostics; // a binary: nothing textual to check

    const looksLikeScript = isExecutable(file.mode) || isScriptPlace || runByBoot;
    appendAll(diagnostics, lintLineEndings(path, text, looksLikeScript || path === "/etc/inittab" || path === "/etc/fstab"));
    if (looksLikeScript && (isExecutable(file.mode) || runByBoot)) {
      appendAll(diagnostics, lintShebang(path, text, runByBoot || isScriptPlace ? "error" : "warning", exists ? { exists } : {}));
    }
    switch (path) {
      case "/etc/inittab":
        appendAll(diagnostics, lintInittab(path, text, { ...(exists ? { exists } : {}), isExecutable: overlayExecutable }));
        break;
      case "/etc/fstab":
        appendAll(diagnostics, lintFstab(path, text, exists ? { exists } : {}));
        break;
      case "/etc/passwd":
        appendAll(diagnostics, lintPasswd(path, text));
        break;
      case "/etc/group":
        appendAll(diagnostics, lintGroup(path, text));
        break;
      case "/etc/hostname":
        appendAll(diagnostics, lintHostname(path, text));
        break;
    }
    return diagnostics;
  }
}

function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.path.localeCompare(b.path) ||
    a.line - b.line ||
    a.column - b.column ||
    SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]
  );
}

/** Appends without spreading: `push(...items)` overflows the stack for a few hundred thousand items. */
function appendAll<T>(into: T[], items: readonly T[]): void {
  for (const item of items) into.push(item);
}

/**
 * The first MAX_DIAGNOSTICS_PER_FILE diagnostics of one file in reading order, plus, when there
 * were more, one that says how many more (at the first one left out, with its severity).
 */
function capPerFile(path: string, diagnostics: Diagnostic[]): Diagnostic[] {
  if (diagnostics.length <= MAX_DIAGNOSTICS_PER_FILE) return diagnostics;
  // One file: no path to compare (localeCompare over 300,000 items takes seconds).
  diagnostics.sort((a, b) => a.line - b.line || a.column - b.column || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  const kept = diagnostics.slice(0, MAX_DIAGNOSTICS_PER_FILE);
  const omitted = diagnostics.slice(MAX_DIAGNOSTICS_PER_FILE);
  const first = omitted[0]!;
  const worst = omitted.reduce((w, d) => (SEVERITY_ORDER[d.severity] < SEVERITY_ORDER[w] ? d.severity : w), first.severity);
  kept.push(
    diagnosticAt(
      path,
      "too-many-diagnostics",
      worst,
      `...and ${omitted.length} more problems in ${path} from this line on, not shown (at most ${MAX_DIAGNOSTICS_PER_FILE} per file). Fix the ones above first; the same mistake usually repeats.`,
      first.line,
      first.column,
      first.endColumn,
    ),
  );
  return kept;
}
/** A directory exists when some listed path lies below it, even if the directory itself is not listed. */
function isImpliedDirectory(path: string, overlay: ReadonlyMap<string, LintFile>, base: ReadonlySet<string>): boolean {
  const prefix = path.endsWith("/") ? path : `${path}/`;
  for (const candidate of overlay.keys()) if (candidate.startsWith(prefix)) return true;
  for (const candidate of base) if (candidate.startsWith(prefix)) return true;
  return false;
}
