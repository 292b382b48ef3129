// The file tree: the overlay the user edits (add, rename, delete, folders, executable bit) and,
// below it, the base archive (BusyBox and its links), listed read-only.
import type { BaseEntry } from "../../../workers/emulator.api.ts";
import type { OverlayFile } from "../project/model.ts";
import { baseName, parentOf } from "../../core/rootfs/guest-path.ts";
import { h, type Disposable } from "./dom.ts";

export interface FileTreeHandlers {
  onSelect(path: string): void;
  onNewFile(directory: string): void;
  onNewFolder(directory: string): void;
  onRename(path: string): void;
  onDelete(path: string): void;
  onToggleExecutable(path: string): void;
  /** Add files from disk into `directory` (binaries too: an ELF program as /init). */
  onUpload(directory: string): void;
}

export interface TemplateInfo {
  title: string;
  source: string;
  summary: readonly string[];
}

interface TreeNode {
  path: string;
  name: string;
  file?: OverlayFile;
  children: Map<string, TreeNode>;
}

export class FileTree implements Disposable {
  readonly element: HTMLElement;
  private readonly info: HTMLElement;
  private readonly overlayList: HTMLElement;
  private readonly baseSection: HTMLDetailsElement;
  private readonly baseSummary: HTMLElement;
  private readonly baseList: HTMLElement;
  private selected: string | undefined;
  private files: OverlayFile[] = [];
  private problems = new Map<string, number>();
  private base: BaseEntry[] | undefined;
  private baseProblem: string | undefined;

  constructor(private readonly handlers: FileTreeHandlers) {
    this.info = h("details", { class: "template-info", open: true });
    this.overlayList = h("ul", { class: "tree", role: "tree", "aria-label": "Your files", "data-testid": "overlay-tree" });
    this.baseSummary = h("div", { class: "section-title" }, "Base system (read-only)");
    this.baseList = h("div", { class: "base-list" });
    this.baseSection = h("details", { class: "tree-section base-section" }, h("summary", {}, this.baseSummary), this.baseList);
    this.baseSection.addEventListener("toggle", () => this.renderBase());
    const overlayHeader = h(
      "div",
      { class: "section-title" },
      h("span", {}, "Your files"),
      h("span", { class: "spacer" }),
      h("button", { class: "button small", type: "button", title: "New file", "data-testid": "new-file", onclick: () => handlers.onNewFile(this.targetDirectory()) }, "+ File"),
      h("button", { class: "button small", type: "button", title: "New folder", "data-testid": "new-folder", onclick: () => handlers.onNewFolder(this.targetDirectory()) }, "+ Folder"),
      h("button", { class: "button small", type: "button", title: "Add files from disk (programs and images too)", "data-testid": "upload-file", onclick: () => handlers.onUpload(this.targetDirectory()) }, "⇪ Add"),
    );
    this.element = h("div", { class: "files" }, this.info, h("section", { class: "tree-section" }, overlayHeader, this.overlayList), this.baseSection);
  }

  setTemplateInfo(info: TemplateInfo | undefined): void {
    this.info.replaceChildren();
    this.info.hidden = !info;
    if (!info) return;
    this.info.append(h("summary", {}, `${info.title} · ${info.source}`), ...info.summary.map((line) => h("p", {}, line)));
  }

  setFiles(files: OverlayFile[]): void {
    this.files = files;
    this.renderOverlay();
  }

  setProblems(counts: Map<string, number>): void {
    this.problems = counts;
    this.renderOverlay();
  }

  setSelected(path: string | undefined): void {
    this.selected = path;
    for (const row of this.overlayList.querySelectorAll<HTMLElement>(".tree-row")) {
      row.setAttribute("aria-selected", String(row.dataset.path === path));
    }
  }

  setBase(entries: BaseEntry[] | undefined, problem?: string): void {
    this.base = entries;
    this.baseProblem = problem;
    const count = entries ? `${entries.length} entries` : problem ? "unavailable" : "loading…";
    this.baseSummary.textContent = `Base system (read-only) · ${count}`;
    this.renderBase();
  }

  /** The folder new files go into: the selected folder, or the selected file's folder. */
  private targetDirectory(): string {
    if (!this.selected) return "/";
    const entry = this.files.find((f) => f.path === this.selected);
    if (entry?.kind === "directory") return entry.path;
    return parentOf(this.selected);
  }

  private renderOverlay(): void {
    const root: TreeNode = { path: "/", name: "/", children: new Map() };
    for (const file of this.files) {
      let node = root;
      const segments = file.path.split("/").filter(Boolean);
      segments.forEach((segment, index) => {
        const path = `/${segments.slice(0, index + 1).join("/")}`;
        let child = node.children.get(segment);
        if (!child) {
          child = { path, name: segment, children: new Map() };
          node.children.set(segment, child);
        }
        node = child;
      });
      node.file = file;
    }
    this.overlayList.replaceChildren(...this.renderChildren(root, 0));
    if (this.files.length === 0) {
      this.overlayList.append(h("li", { class: "base-note" }, "No files of your own: the system boots from the base archive alone. Add one with + File."));
    }
  }

  private renderChildren(node: TreeNode, depth: number): HTMLElement[] {
    const children = [...node.children.values()].sort((a, b) => {
      const aDir = isDirectoryNode(a);
      const bDir = isDirectoryNode(b);
      return aDir === bDir ? a.name.localeCompare(b.name) : aDir ? -1 : 1;
    });
    return children.map((child) => {
      const directory = isDirectoryNode(child);
      const item = h("li", { role: "treeitem" }, this.renderRow(child, depth, directory));
      if (directory && child.children.size) item.append(h("ul", { role: "group" }, ...this.renderChildren(child, depth + 1)));
      return item;
    });
  }

  private renderRow(node: TreeNode, depth: number, directory: boolean): HTMLElement {
    const file = node.file;
    const executable = file?.kind === "file" && (file.mode & 0o111) !== 0;
    const binary = file?.data !== undefined;
    const problemCount = this.problems.get(node.path) ?? 0;
    const actions = h("span", { class: "row-actions" });
    if (!directory && file?.kind !== "symlink") {
      actions.append(
        h(
          "button",
          { type: "button", title: executable ? "Make not executable" : "Make executable", "aria-label": `Toggle executable ${node.path}`, onclick: stop(() => this.handlers.onToggleExecutable(node.path)) },
          "±x",
        ),
      );
    }
    actions.append(
      h("button", { type: "button", title: "Rename or move", "aria-label": `Rename ${node.path}`, onclick: stop(() => this.handlers.onRename(node.path)) }, "✎"),
      h("button", { type: "button", title: "Delete", "aria-label": `Delete ${node.path}`, onclick: stop(() => this.handlers.onDelete(node.path)) }, "✕"),
    );
    const row = h(
      "div",
      {
        class: "tree-row",
        tabindex: "0",
        "data-path": node.path,
        "aria-selected": String(this.selected === node.path),
        style: `padding-left: ${8 + depth * 14}px`,
        title: file ? `${node.path}  mode ${file.mode.toString(8).padStart(4, "0")}` : node.path,
      },
      h("span", { class: "icon" }, directory ? "▾" : binary ? "◆" : file?.kind === "symlink" ? "↪" : file?.kind.endsWith("device") ? "▪" : "·"),
      h("span", { class: "name" }, directory ? `${node.name}/` : file?.kind === "symlink" ? `${node.name} → ${file.target ?? ""}` : node.name),
      problemCount ? h("span", { class: "problems", title: `${problemCount} problem(s)` }, String(problemCount)) : null,
      executable ? h("span", { class: "badge exec", title: "executable" }, "x") : null,
      binary ? h("span", { class: "badge" }, "bin") : null,
      actions,
    );
    const select = () => this.handlers.onSelect(node.path);
    row.addEventListener("click", select);
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        select();
      } else if (event.key === "Delete") {
        this.handlers.onDelete(node.path);
      } else if (event.key === "F2") {
        this.handlers.onRename(node.path);
      }
    });
    return row;
  }

  /** Rendered only when opened: the base holds hundreds of BusyBox links. */
  private renderBase(): void {
    if (!this.baseSection.open) return;
    if (!this.base) {
      this.baseList.replaceChildren(h("p", { class: "base-note" }, this.baseProblem ?? "Loading the base archive…"));
      return;
    }
    const overlayPaths = new Set(this.files.map((f) => f.path));
    const byDirectory = new Map<string, BaseEntry[]>();
    for (const entry of this.base) {
      if (entry.kind === "directory") {
        if (!byDirectory.has(entry.path)) byDirectory.set(entry.path, []);
        continue;
      }
      const parent = parentOf(entry.path);
      const list = byDirectory.get(parent) ?? [];
      list.push(entry);
      byDirectory.set(parent, list);
    }
    const sections = [...byDirectory.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([directory, entries]) => {
        const rows = entries
          .sort((a, b) => a.path.localeCompare(b.path))
          .map((entry) => {
            const shadowed = overlayPaths.has(entry.path);
            return h(
              "li",
              {},
              h(
                "div",
                { class: "tree-row readonly", style: "padding-left: 22px", title: describeBase(entry) + (shadowed ? " (replaced by your file)" : "") },
                h("span", { class: "icon" }, entry.kind === "symlink" ? "↪" : entry.kind.endsWith("device") ? "▪" : "·"),
                h("span", { class: "name" }, baseName(entry.path) + (entry.kind === "symlink" ? ` → ${entry.target ?? ""}` : "")),
                shadowed ? h("span", { class: "badge" }, "replaced") : null,
              ),
            );
          });
        return h(
          "details",
          { class: "base-dir" },
          h("summary", {}, h("div", { class: "tree-row readonly" }, h("span", { class: "icon" }, "▸"), h("span", { class: "name" }, `${directory}/`), h("span", { class: "badge" }, String(entries.length)))),
          h("ul", { class: "tree" }, ...rows),
        );
      });
    this.baseList.replaceChildren(h("p", { class: "base-note" }, "BusyBox and its links come from the prebuilt base archive. Your files are laid over it; add a file with the same path to replace one."), ...sections);
  }

  dispose(): void {
    this.element.remove();
  }
}

function isDirectoryNode(node: TreeNode): boolean {
  return node.file ? node.file.kind === "directory" : node.children.size > 0;
}

function describeBase(entry: BaseEntry): string {
  const mode = entry.mode.toString(8).padStart(4, "0");
  switch (entry.kind) {
    case "file":
      return `${entry.path}  file, ${entry.size} bytes, mode ${mode}`;
    case "symlink":
      return `${entry.path}  symlink to ${entry.target ?? "?"}`;
    default:
      return `${entry.path}  ${entry.kind}, mode ${mode}`;
  }
}

function stop(handler: () => void): EventListener {
  return (event) => {
    event.stopPropagation();
    handler();
  };
}
