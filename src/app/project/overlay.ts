// The project's files as the worker packs them, and as the linter reads them.
import type { OverlayNode } from "../../../workers/emulator.api.ts";
import type { LintFile } from "../../core/lint/index.ts";
import type { OverlayFile } from "./model.ts";

const encoder = new TextEncoder();

export function toOverlayNodes(files: readonly OverlayFile[]): OverlayNode[] {
  return files.map((file): OverlayNode =>
    file.kind === "directory"
      ? { path: file.path, kind: "directory", mode: file.mode }
      : { path: file.path, kind: "file", mode: file.mode, data: file.data ?? encoder.encode(file.text ?? "") },
  );
}

export function toLintFiles(files: readonly OverlayFile[]): LintFile[] {
  return files.map((file): LintFile => {
    const lintFile: LintFile = { path: file.path, kind: file.kind, mode: file.mode };
    if (file.text !== undefined) lintFile.text = file.text;
    return lintFile;
  });
}
