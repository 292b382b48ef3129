// What the linter reports: one problem at one place of one file, in words a reader can act on.
//
// Lines and columns are 1-based and columns count UTF-16 code units, the way editors (Monaco
// included) count them, so the app can turn a diagnostic into a marker without arithmetic.

export type Severity = "error" | "warning" | "info";

export interface Diagnostic {
  /** Absolute path inside the guest: "/init", "/etc/inittab". */
  path: string;
  /** Stable identifier of the rule, for tests and for filtering: "crlf", "shebang-missing", ... */
  code: string;
  severity: Severity;
  /** What is wrong, what happens at boot because of it, and what to do. */
  message: string;
  line: number;
  column: number;
  endLine: number;
  /** Exclusive, like Monaco's endColumn. */
  endColumn: number;
}

/** One line of a file without its terminator, and where it starts. */
export interface SourceLine {
  /** 1-based line number. */
  number: number;
  text: string;
  /** True when the line ended with "\r\n" (the "\r" is not part of `text`). */
  crlf: boolean;
}

/** Splits text into lines the way the guest's tools see them: on "\n", remembering a "\r" before it. */
export function splitLines(text: string): SourceLine[] {
  const raw = text.split("\n");
  // A trailing newline does not start another line.
  if (raw.length > 1 && raw[raw.length - 1] === "") raw.pop();
  return raw.map((line, index) => {
    const crlf = line.endsWith("\r");
    return { number: index + 1, text: crlf ? line.slice(0, -1) : line, crlf };
  });
}

export function diagnosticAt(
  path: string,
  code: string,
  severity: Severity,
  message: string,
  line: number,
  column: number,
  endColumn: number,
): Diagnostic {
  return { path, code, severity, message, line, column, endLine: line, endColumn: Math.max(endColumn, column + 1) };
}

/** A diagnostic covering a whole line (at least one column, so an empty line still shows a marker). */
export function diagnosticOnLine(
  path: string,
  code: string,
  severity: Severity,
  message: string,
  line: SourceLine,
): Diagnostic {
  return diagnosticAt(path, code, severity, message, line.number, 1, line.text.length + 1);
}
