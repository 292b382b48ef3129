// The project's files as the linter reads them.
import type { LintFile } from "../../core/lint/index.ts";
import type { OverlayFile } from "./model.ts";

export function toLintFiles(files: readonly OverlayFile[]): LintFile[] {
  return files.flatMap((file): LintFile[] => {
    if (file.kind !== "file" && file.kind !== "directory" && file.kind !== "symlink") return [];
    const lintFile: LintFile = { path: file.path, kind: file.kind, mode: file.mode };
    if (file.text !== undefined) lintFile.text = file.text;
    return [lintFile];
  });
}
