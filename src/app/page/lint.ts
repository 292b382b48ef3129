// The linter over the open project (src/core/lint): markers in the editor, problem counts in
// the file tree and the status line. Runs shortly after each change, and at once before a boot.
// Each disk's tree is linted as a file system of its own, its diagnostics named by file key: a
// root disk (the RAM disk, or the IDE disk root= names) as the root the kernel runs init= from,
// over the BusyBox base when the disk has it; a data disk without existence checks (its
// scripts run with the root's programs, which the linter does not see from there).
import type { BaseEntry } from "../../../workers/emulator.api.ts";
import { fileDiskDevices } from "../../core/boot/file-disks.ts";
import { KernelCmdline } from "../../core/boot/cmdline.ts";
import { lintOverlay, type Diagnostic } from "../../core/lint/index.ts";
import { fileKey } from "../project/file-key.ts";
import { defaultTemplate, findTemplate } from "../../core/templates/index.ts";
import type { EditorPane } from "../editor/editor-pane.ts";
import type { ProjectModel } from "../project/model.ts";
import { toLintFiles } from "../project/overlay.ts";
import type { Disposable } from "../ui/dom.ts";
import type { FileTree } from "../ui/file-tree.ts";
import type { StatusLine } from "../ui/status-line.ts";

const LINT_DELAY_MS = 150;

export class ProjectLint implements Disposable {
  private diagnostics: Diagnostic[] = [];
  private lintTimer: ReturnType<typeof setTimeout> | undefined;
  /** The base archive's entries once known: a path the base provides is not missing. */
  base: BaseEntry[] | undefined;

  constructor(
    private readonly model: ProjectModel,
    private readonly views: { editor: EditorPane; tree: FileTree; status: StatusLine },
  ) {}

  schedule(): void {
    if (this.lintTimer !== undefined) clearTimeout(this.lintTimer);
    this.lintTimer = setTimeout(() => this.now(), LINT_DELAY_MS);
  }

  now(): Diagnostic[] {
    if (this.lintTimer !== undefined) clearTimeout(this.lintTimer);
    this.lintTimer = undefined;
    const template = findTemplate(this.model.templateId) ?? defaultTemplate();
    const basePaths = template.base === "none" ? new Set<string>() : this.base ? new Set(this.base.map((e) => e.path)) : undefined;
    this.diagnostics = lintOverlay({ files: toLintFiles(this.model.files()), cmdline: this.model.cmdline, ...(basePaths ? { basePaths } : {}) });
    const disks = this.model.disks();
    const devices = fileDiskDevices(disks);
    const cmdline = KernelCmdline.parse(this.model.cmdline);
    const root = cmdline.get("root");
    for (const disk of disks) {
      const isRoot = disk.role === "ramdisk" ? root !== undefined && /^\/dev\/ram/.test(root) : root === devices.get(disk.name);
      const diskBase = disk.base === "busybox" && this.base ? new Set(this.base.map((e) => e.path).filter((p) => p !== "/init")) : disk.base === "none" ? new Set<string>() : undefined;
      const found = lintOverlay({
        files: toLintFiles(disk.files),
        // The linter names the program the kernel runs rdinit=; from a root disk it runs init=.
        cmdline: isRoot ? `rdinit=${cmdline.get("init") ?? "/sbin/init"}` : "rdinit=",
        ...(isRoot && diskBase ? { basePaths: diskBase } : {}),
      });
      for (const d of found) if (d.code !== "init-unused") this.diagnostics.push({ ...d, path: fileKey({ disk: disk.name, path: d.path }) });
    }
    this.show();
    return this.diagnostics;
  }

  /** Adds problems found elsewhere (tcc's, when a boot compiles /init.c) until the next lint. */
  add(found: readonly Diagnostic[]): void {
    this.diagnostics = [...this.diagnostics, ...found];
    this.show();
  }

  private show(): void {
    this.views.editor.setDiagnostics(this.diagnostics);
    const counts = new Map<string, number>();
    for (const d of this.diagnostics) if (d.severity !== "info") counts.set(d.path, (counts.get(d.path) ?? 0) + 1);
    this.views.tree.setProblems(counts);
    this.views.status.setLint(
      this.diagnostics.filter((d) => d.severity === "error").length,
      this.diagnostics.filter((d) => d.severity === "warning").length,
    );
  }

  dispose(): void {
    if (this.lintTimer !== undefined) clearTimeout(this.lintTimer);
  }
}
