// CRLF line endings: the most common way a file written on Windows breaks a Linux boot. The
// kernel reads "#!/bin/sh\r" as an interpreter named "sh\r"; BusyBox init runs "/etc/init.d/rcS\r".
import { diagnosticOnLine, splitLines, type Diagnostic } from "./diagnostic.ts";

/**
 * One diagnostic on the first CRLF line of a file (saying how many there are), so the editor
 * shows where the problem starts without painting every line.
 * `critical` files (scripts, inittab) get an error: they fail at boot. Others get a warning.
 */
export function lintLineEndings(path: string, text: string, critical: boolean): Diagnostic[] {
  const lines = splitLines(text);
  const crlfLines = lines.filter((line) => line.crlf);
  const first = crlfLines[0];
  if (!first) return [];
  const count = crlfLines.length === 1 ? "1 line ends" : `${crlfLines.length} lines end`;
  const consequence = critical
    ? "Linux reads the \\r as part of the text, so a shebang names an interpreter that does not exist and commands get a stray character."
    : "Linux tools read the \\r as part of each value.";
  return [
    diagnosticOnLine(
      path,
      "crlf",
      critical ? "error" : "warning",
      `Windows line endings (CRLF): ${count} with \\r\\n. ${consequence} Convert the file to LF line endings.`,
      first,
    ),
  ];
}
