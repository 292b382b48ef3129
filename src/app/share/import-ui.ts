// Import in the page: a .cpio or .cpio.gz chosen with the Import button or dropped anywhere on
// the page becomes a new project (the open one is saved and kept). Text files are editable,
// binaries are kept and listed, entries the project cannot hold are listed as skipped. A file
// that is not a readable archive shows the reader's message and changes nothing.
import type { Playground } from "../playground.ts";
import type { ProjectDescription, ProjectState } from "../project/model.ts";
import { ProjectStore } from "../storage/project-store.ts";
import { h, type Disposable } from "../ui/dom.ts";
import { importArchive, ImportError, type ImportedArchive } from "./import-archive.ts";
import { errorMessage, openPanel, showError } from "./panel.ts";
import { uniqueName } from "./project-names.ts";

/** Larger files are refused before reading: no initramfs a lesson uses comes near it. */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

export class ImportFeature implements Disposable {
  readonly button: HTMLButtonElement;
  private readonly input: HTMLInputElement;
  private readonly dropOverlay: HTMLElement;
  private dragDepth = 0;
  private readonly listeners: Array<[string, EventListener]> = [];

  constructor(private readonly playground: Playground) {
    this.input = h("input", { type: "file", accept: ".cpio,.gz,.cpio.gz,.img,application/gzip,application/x-cpio", class: "visually-hidden", "data-testid": "import-input", tabindex: "-1" });
    this.input.addEventListener("change", () => {
      const file = this.input.files?.[0];
      this.input.value = "";
      if (file) void this.importFile(file);
    });
    this.button = h("button", { class: "button", type: "button", "data-testid": "import", title: "Open a .cpio or .cpio.gz as a new project (or drop one on the page)", onclick: () => this.input.click() }, "Import");
    this.dropOverlay = h("div", { class: "drop-overlay", "aria-hidden": "true" }, h("div", {}, "Drop a .cpio or .cpio.gz to open it as a new project"));
    document.body.append(this.input, this.dropOverlay);
    this.listen("dragenter", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      this.dragDepth++;
      this.dropOverlay.classList.add("visible");
    });
    this.listen("dragover", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      (event as DragEvent).dataTransfer!.dropEffect = "copy";
    });
    this.listen("dragleave", () => {
      if (--this.dragDepth <= 0) this.hideOverlay();
    });
    this.listen("drop", (event) => {
      if (!hasFiles(event)) return;
      event.preventDefault();
      this.hideOverlay();
      const file = (event as DragEvent).dataTransfer?.files[0];
      if (file) void this.importFile(file);
    });
  }

  /** Reads `file` and opens it as a new project, or shows why it cannot. */
  async importFile(file: File): Promise<void> {
    if (file.size > MAX_FILE_BYTES) {
      showError("Cannot import", `${file.name} is ${(file.size / 1048576).toFixed(0)} MiB; bootlab imports archives of up to ${MAX_FILE_BYTES / 1048576} MiB. Nothing was changed.`);
      return;
    }
    let imported: ImportedArchive;
    try {
      imported = importArchive(new Uint8Array(await file.arrayBuffer()), file.name);
    } catch (error) {
      showError("Cannot import", error instanceof ImportError ? error.message : `${file.name} could not be read (${errorMessage(error)}). Nothing was changed.`);
      return;
    }
    if (!imported.files.some((f) => f.kind === "file")) {
      showError("Nothing to import", `${file.name} is a valid archive, but holds no regular files bootlab can edit or keep. Nothing was changed.`);
      return;
    }
    const names = await this.playground.store.list().then((list) => list.map((p) => p.name), () => []);
    const now = Date.now();
    const model = this.playground.model;
    const state: ProjectState = {
      id: ProjectStore.newId(),
      name: uniqueName(`Imported: ${file.name}`, names),
      // The archive's files go over the base and kernel of the template in use.
      templateId: model.templateId,
      cmdline: model.cmdline,
      files: imported.files,
      description: describeImport(file.name, imported, model.templateId),
      pristineSignature: "imported",
      createdAt: now,
      updatedAt: now,
    };
    await this.playground.openProject(state);
    this.showSummary(file.name, imported);
  }

  private showSummary(fileName: string, imported: ImportedArchive): void {
    const list = (items: string[]) => h("ul", { class: "path-list" }, ...items.slice(0, 200).map((item) => h("li", {}, item)), items.length > 200 ? h("li", {}, `… and ${items.length - 200} more`) : "");
    openPanel({
      title: `Imported ${fileName}`,
      testId: "import-summary",
      body: [
        h("p", { "data-testid": "import-counts" }, `Opened as the new project "${this.playground.model.name}": ${countsOf(imported)}. Your other projects are unchanged.`),
        imported.binaries.length ? h("details", { open: imported.binaries.length <= 8 }, h("summary", {}, "Binary files"), list(imported.binaries)) : "",
        imported.special.length
          ? h("details", { open: imported.special.length <= 8 }, h("summary", {}, "Links and special files"), list(imported.special.map((s) => (s.target !== undefined ? `${s.path} -> ${s.target}` : `${s.path} (${s.kind})`))))
          : "",
        imported.skipped.length
          ? h("details", {}, h("summary", {}, "Skipped (sockets, and hard links to files the archive lacks: the overlay cannot hold them)"), list(imported.skipped.map((s) => `${s.path} (${s.kind})`)))
          : "",
      ],
      actions: [{ label: "Boot it", kind: "primary", testId: "import-boot", run: () => void this.playground.reboot().catch(() => undefined) }],
    });
  }

  private listen(type: string, listener: EventListener): void {
    window.addEventListener(type, listener);
    this.listeners.push([type, listener]);
  }

  private hideOverlay(): void {
    this.dragDepth = 0;
    this.dropOverlay.classList.remove("visible");
  }

  dispose(): void {
    for (const [type, listener] of this.listeners) window.removeEventListener(type, listener);
    this.input.remove();
    this.dropOverlay.remove();
    this.button.remove();
  }
}

/** "2 editable text files, 1 binary file (kept as they are, not editable), 1 link or special file kept" */
function countsOf(imported: ImportedArchive): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const textCount = imported.files.filter((f) => f.kind === "file" && f.text !== undefined).length;
  return [
    plural(textCount, "editable text file", "editable text files"),
    `${plural(imported.binaries.length, "binary file", "binary files")} (kept as they are, not editable)`,
    imported.special.length ? `${plural(imported.special.length, "link or special file", "links or special files")} kept` : "",
    imported.skipped.length ? `${plural(imported.skipped.length, "entry", "entries")} skipped` : "",
  ]
    .filter(Boolean)
    .join(", ");
}

/** The files pane's note for an imported project: what it is, not the template it lies over. */
function describeImport(fileName: string, imported: ImportedArchive, templateId: string): ProjectDescription {
  return {
    title: `Imported: ${fileName}`,
    source: "imported archive",
    summary: [`The files of ${fileName}: ${countsOf(imported)}.`, `They lie over the base system and kernel of the template "${templateId}", as when this project was imported; your files win where both have one.`],
  };
}

function hasFiles(event: Event): boolean {
  return (event as DragEvent).dataTransfer?.types.includes("Files") ?? false;
}
