// /etc/fstab as `mount -a` reads it through getmntent(): blank-separated fields
// spec, mount point, type, options, and optionally dump and pass. With fewer than four fields the
// line is not a mount; with more than six a blank sits inside a field (write it as \040).
import { diagnosticAt, diagnosticOnLine, splitLines, type Diagnostic } from "./diagnostic.ts";

export interface FstabContext {
  /** Whether a path exists in the guest; undefined skips the mount-point check. */
  exists?: (absolutePath: string) => boolean;
}

interface Field {
  text: string;
  column: number;
}

function fieldsOf(text: string): Field[] {
  const fields: Field[] = [];
  for (const match of text.matchAll(/[^ \t]+/g)) fields.push({ text: match[0], column: (match.index ?? 0) + 1 });
  return fields;
}

export function lintFstab(path: string, text: string, context: FstabContext): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const line of splitLines(text)) {
    const trimmed = line.text.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const fields = fieldsOf(line.text);
    if (fields.length < 4 || fields.length > 6) {
      const hint =
        fields.length < 4
          ? "mount -a cannot use it."
          : "a blank inside a field splits it; write a blank as \\040.";
      diagnostics.push(
        diagnosticOnLine(
          path,
          "fstab-fields",
          "error",
          `An fstab line has 4 to 6 fields (device, mount point, type, options, and optionally dump and pass); got ${fields.length}: ${hint} Example: proc /proc proc defaults 0 0`,
          line,
        ),
      );
      continue;
    }
    const mountPoint = fields[1]!;
    const end = mountPoint.column + mountPoint.text.length;
    if (!mountPoint.text.startsWith("/") && mountPoint.text !== "none" && mountPoint.text !== "swap") {
      diagnostics.push(
        diagnosticAt(path, "fstab-mount-point", "error", `The mount point "${mountPoint.text}" must be an absolute path such as /proc.`, line.number, mountPoint.column, end),
      );
    } else if (context.exists && mountPoint.text.startsWith("/") && !context.exists(mountPoint.text)) {
      diagnostics.push(
        diagnosticAt(
          path,
          "fstab-mount-point-missing",
          "warning",
          `The directory ${mountPoint.text} does not exist in this system, so mounting there fails ("No such file or directory"). Add the folder, or create it before mount -a.`,
          line.number,
          mountPoint.column,
          end,
        ),
      );
    }
    for (const field of fields.slice(4)) {
      if (!/^\d+$/.test(field.text)) {
        diagnostics.push(
          diagnosticAt(path, "fstab-number", "warning", `The dump and pass fields are numbers; got "${field.text}".`, line.number, field.column, field.column + field.text.length),
        );
      }
    }
  }
  return diagnostics;
}
