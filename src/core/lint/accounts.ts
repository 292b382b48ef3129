// /etc/passwd, /etc/group and /etc/hostname: small files whose shape BusyBox's login, id, ls and
// hostname rely on. A wrong field count does not stop the boot, so these are warnings.
import { diagnosticOnLine, splitLines, type Diagnostic } from "./diagnostic.ts";

function lintColonFile(path: string, text: string, fieldCount: number, example: string): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const line of splitLines(text)) {
    if (line.text.trim() === "" || line.text.startsWith("#")) continue;
    const count = line.text.split(":").length;
    if (count !== fieldCount) {
      diagnostics.push(
        diagnosticOnLine(
          path,
          "colon-fields",
          "warning",
          `${path} lines have ${fieldCount} fields separated by ":"; got ${count}. Example: ${example}`,
          line,
        ),
      );
    }
  }
  return diagnostics;
}

export function lintPasswd(path: string, text: string): Diagnostic[] {
  return lintColonFile(path, text, 7, "root:x:0:0:root:/root:/bin/sh");
}

export function lintGroup(path: string, text: string): Diagnostic[] {
  return lintColonFile(path, text, 4, "root:x:0:");
}

export function lintHostname(path: string, text: string): Diagnostic[] {
  const lines = splitLines(text).filter((line) => line.text.trim() !== "");
  const diagnostics: Diagnostic[] = [];
  const first = lines[0];
  if (first && !/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(first.text.trim())) {
    diagnostics.push(
      diagnosticOnLine(path, "hostname-invalid", "warning", "A host name uses letters, digits, \"-\" and \".\" only.", first),
    );
  }
  const second = lines[1];
  if (second) {
    diagnostics.push(
      diagnosticOnLine(path, "hostname-lines", "warning", "hostname -F reads only the first line; the rest is ignored.", second),
    );
  }
  return diagnostics;
}
