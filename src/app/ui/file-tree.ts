// The file tree: the initramfs overlay the user edits (add, rename, delete, folders, executable
// bit), then one tree per disk of the project ("data1 — /dev/sda"), edited the same way, and
// below them the base archive (BusyBox and its links), listed read-only. Rows name their file
// by its key (project/file-key.ts): "/etc/inittab", "data1:/notes/todo.txt".
import type { BaseEntry } from "../../../workers/emulator.api.ts";
import { fileDiskDevices, type FileDisk } from "../../core/boot/file-disks.ts";
import { fileKey, locateKey, rootKey } from "../project/file-key.ts";
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
  /** Show what the last boot's guest wrote to the disk `name`, to keep it in the project. */
  onDiskChanges(name: string): void;
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
  private readonly disksElement: HTMLElement;
  /** "Your files", or "Initramfs" when disks follow it. */
  private readonly overlayTitle: HTMLElement;
  private disks: FileDisk[] = [];
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
    this.overlayTitle = h("span", {}, "Your files");
    const overlayHeader = h(
      "div",
      { class: "section-title" },
      this.overlayTitle,
      h("span", { class: "spacer" }),
      h("button", { class: "button small", type: "button", title: "New file", "data-testid": "new-file", onclick: () => handlers.onNewFile(this.targetDirectory()) }, "+ File"),
      h("button", { class: "button small", type: "button", title: "New folder", "data-testid": "new-folder", onclick: () => handlers.onNewFolder(this.targetDirectory()) }, "+ Folder"),
      h("button", { class: "button small", type: "button", title: "Add files from disk (programs and images too)", "data-testid": "upload-file", onclick: () => handlers.onUpload(this.targetDirectory()) }, "⇪ Add"),
    );
    this.disksElement = h("div", { class: "disk-sections" });
    this.element = h("div", { class: "files" }, this.info, h("section", { class: "tree-section" }, overlayHeader, this.overlayList), this.disksElement, this.baseSection);
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

  /** The project's disks, each shown as a tree of its own after the initramfs's. */
  setDisks(disks: FileDisk[]): void {
    this.disks = disks;
    this.overlayTitle.textContent = disks.length ? "Initramfs" : "Your files";
    this.overlayTitle.title = disks.length ? "The files laid over the base archive in the initrd" : "";
    this.renderDisks();
  }

  setProblems(counts: Map<string, number>): void {
    this.problems = counts;
    this.renderOverlay();
    this.renderDisks();
  }

  setSelected(path: string | undefined): void {
    this.selected = path;
    for (const row of this.element.querySelectorAll<HTMLElement>(".tree-row[data-path]")) {
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

  /**
   * The folder new files go into, as a key: the selected folder, or the selected file's folder,
   * when the selection is in the tree of `disk` (undefined: the initramfs); else that tree's root.
   */
  private targetDirectory(disk?: string): string {
    const selected = this.selected === undefined ? undefined : locateKey(this.selected);
    if (!selected || selected.disk !== disk) return rootKey(disk);
    const files = disk === undefined ? this.files : (this.disks.find((d) => d.name === disk)?.files ?? []);
    const entry = files.find((f) => f.path === selected.path);
    if (entry?.kind === "directory") return fileKey({ ...selected, path: entry.path });
    return fileKey({ ...selected, path: parentOf(selected.path) });
  }

  private renderOverlay(): void {
    this.overlayList.replaceChildren(...this.renderChildren(treeOf(this.files, undefined), 0));
    if (this.files.length === 0) {
      this.overlayList.append(
        h("li", { class: "base-note" }, this.disks.length ? "No initramfs files of your own." : "No files of your own: the system boots from the base archive alone. Add one with + File."),
      );
    }
  }

  private renderDisks(): void {
    const devices = fileDiskDevices(this.disks);
    this.disksElement.replaceChildren(
      ...this.disks.map((disk) => {
        const device = devices.get(disk.name) ?? "";
        const label = `${disk.name} — ${device}`;
        const header = h(
          "div",
          { class: "section-title" },
          h("span", { title: `${disk.fs}, ${disk.size / 1048576} MiB, written from these files at every boot` }, label),
          h("span", { class: "spacer" }),
          h("button", { class: "button small", type: "button", title: `New file on ${disk.name}`, "data-testid": `new-file-${disk.name}`, onclick: () => this.handlers.onNewFile(this.targetDirectory(disk.name)) }, "+ File"),
          h("button", { class: "button small", type: "button", title: `New folder on ${disk.name}`, onclick: () => this.handlers.onNewFolder(this.targetDirectory(disk.name)) }, "+ Folder"),
          h("button", { class: "button small", type: "button", title: `Add files from disk to ${disk.name}`, onclick: () => this.handlers.onUpload(this.targetDirectory(disk.name)) }, "⇪ Add"),
          h(
            "button",
            {
              class: "button small",
              type: "button",
              title: disk.role === "ramdisk" ? "The RAM disk cannot be read back: see the note below" : `What the last boot's guest wrote to ${disk.name}, to keep in the project`,
              "data-testid": `disk-changes-${disk.name}`,
              onclick: () => this.handlers.onDiskChanges(disk.name),
            },
            "Guest's changes",
          ),
        );
        const list = h("ul", { class: "tree", role: "tree", "aria-label": label, "data-testid": `disk-tree-${disk.name}` }, ...this.renderChildren(treeOf(disk.files, disk.name), 0));
        if (disk.files.length === 0) list.append(h("li", { class: "base-note" }, "No files yet: the disk is empty. Add one with + File."));
        const notes: HTMLElement[] = [];
        if (disk.base === "busybox") notes.push(h("p", { class: "base-note" }, "The BusyBox base (as listed below) lies under these files on the disk."));
        if (disk.role === "ramdisk") {
          notes.push(h("p", { class: "base-note" }, "A RAM disk: the kernel copies it into the guest's memory, where the page cannot read it back, so what the guest writes to it is lost when it stops."));
        } else {
          notes.push(h("p", { class: "base-note" }, "What the guest writes here is kept until the next boot: Guest's changes shows it and keeps it in the project."));
        }
        return h("section", { class: "tree-section disk-section", "data-disk": disk.name }, header, ...notes, list);
      }),
    );
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

/** The files of one tree (the initramfs, or the disk `disk`) as nodes named by their keys. */
function treeOf(files: readonly OverlayFile[], disk: string | undefined): TreeNode {
  const root: TreeNode = { path: rootKey(disk), name: "/", children: new Map() };
  for (const file of files) {
    let node = root;
    const segments = file.path.split("/").filter(Boolean);
    segments.forEach((segment, index) => {
      const path = fileKey(disk === undefined ? { path: `/${segments.slice(0, index + 1).join("/")}` } : { disk, path: `/${segments.slice(0, index + 1).join("/")}` });
      let child = node.children.get(segment);
      if (!child) {
        child = { path, name: segment, children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    });
    node.file = file;
  }
  return root;
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
