// The first line of a script: the kernel executes a text file only through its "#!" line
// (CONFIG_BINFMT_SCRIPT), and the interpreter it names must exist in the guest.
import { diagnosticAt, splitLines, type Diagnostic, type Severity } from "./diagnostic.ts";

export interface ShebangContext {
  /** Whether a path exists in the guest (overlay or base archive); undefined skips existence checks. */
  exists?: (absolutePath: string) => boolean;
}

/** Interpreters people reach for that a BusyBox system does not have, with what to use instead. */
const FOREIGN_INTERPRETERS: Record<string, string> = {
  bash: "BusyBox has no bash; use #!/bin/sh (BusyBox ash)",
  zsh: "BusyBox has no zsh; use #!/bin/sh (BusyBox ash)",
  python: "there is no Python in this system",
  python3: "there is no Python in this system",
  perl: "there is no Perl in this system",
};

/**
 * Checks a script's first line. `missingSeverity` says how bad a missing "#!" is: an error for
 * files the kernel or init executes directly, a warning for other executable text files (a shell
 * would still run them, exec() would not).
 */
export function lintShebang(
  path: string,
  text: string,
  missingSeverity: Severity,
  context: ShebangContext,
): Diagnostic[] {
  const lines = splitLines(text);
  const first = lines[0];
  const firstText = first?.text ?? "";
  if (firstText.startsWith("\uFEFF")) {
    return [
      diagnosticAt(
        path,
        "shebang-bom",
        "error",
        "The file starts with a byte-order mark (BOM), so its first bytes are not \"#!\" and the kernel cannot execute it. Save it as UTF-8 without BOM.",
        1,
        1,
        2,
      ),
    ];
  }
  if (!firstText.startsWith("#!")) {
    const later = lines.find((line) => line.text.startsWith("#!"));
    const hint = later
      ? ` There is a "#!" on line ${later.number}: it only counts on the very first line.`
      : " Start the file with #!/bin/sh.";
    return [
      diagnosticAt(
        path,
        "shebang-missing",
        missingSeverity,
        `No "#!" line: the kernel cannot execute this text file (exec fails with "Exec format error", error -8).${hint}`,
        1,
        1,
        firstText.length + 1,
      ),
    ];
  }
  // "#!" then optional blanks, then the interpreter, then at most one argument.
  const afterMarker = firstText.slice(2);
  const leading = afterMarker.length - afterMarker.trimStart().length;
  const interpreter = afterMarker.trimStart().split(/[ \t]/)[0] ?? "";
  const start = 3 + leading;
  const end = start + interpreter.length;
  if (interpreter === "") {
    return [diagnosticAt(path, "shebang-empty", "error", "The \"#!\" line names no interpreter. Write #!/bin/sh.", 1, 1, firstText.length + 1)];
  }
  if (!interpreter.startsWith("/")) {
    return [
      diagnosticAt(
        path,
        "shebang-relative",
        "error",
        `The interpreter "${interpreter}" is not an absolute path; the kernel does not search PATH. Write #!/bin/${interpreter.split("/").pop()}.`,
        1,
        start,
        end,
      ),
    ];
  }
  const base = interpreter.split("/").pop() ?? "";
  const foreign = FOREIGN_INTERPRETERS[base];
  const exists = context.exists;
  if (exists && !exists(interpreter)) {
    const advice = foreign ?? "use #!/bin/sh, or add that program to the file tree";
    return [
      diagnosticAt(
        path,
        "shebang-interpreter-missing",
        "error",
        `The interpreter ${interpreter} does not exist in this system, so running the script fails with "No such file or directory" (error -2): ${advice}.`,
        1,
        start,
        end,
      ),
    ];
  }
  if (!exists && foreign) {
    return [diagnosticAt(path, "shebang-interpreter-missing", "error", `${interpreter}: ${foreign}.`, 1, start, end)];
  }
  return [];
}
