// The editor pane: Monaco for text files (loaded lazily; until then the file shows read-only),
// an information card for binaries, and a header with the path, the executable bit, the line
// endings and the file's lint problems. Lint diagnostics become Monaco markers.
import type * as Monaco from "monaco-editor/editor/editor.api.js";
import type { Diagnostic } from "../../core/lint/index.ts";
import { locateKey } from "../project/file-key.ts";
import type { OverlayFile } from "../project/model.ts";
import { h, type Disposable } from "../ui/dom.ts";
import type { Theme } from "../ui/theme.ts";
import { languageFor } from "./languages.ts";

type MonacoApi = typeof Monaco;

export interface EditorHandlers {
  onEdit(path: string, text: string): void;
  onToggleExecutable(path: string): void;
  onBoot(options?: { cold?: boolean }): void;
}

const MARKER_OWNER = "bootlab-lint";

export class EditorPane implements Disposable {
  readonly header: HTMLElement;
  readonly body: HTMLElement;
  private readonly title: HTMLElement;
  private readonly execToggle: HTMLInputElement;
  private readonly execLabel: HTMLElement;
  private readonly eolBadge: HTMLButtonElement;
  private readonly lintSummary: HTMLElement;
  private readonly fallback: HTMLPreElement;
  private readonly host: HTMLElement;
  private readonly card: HTMLElement;
  private monaco: MonacoApi | undefined;
  private editor: Monaco.editor.IStandaloneCodeEditor | undefined;
  private readonly models = new Map<string, Monaco.editor.ITextModel>();
  private current: OverlayFile | undefined;
  private diagnostics: Diagnostic[] = [];
  private applyingExternalChange = false;
  private theme: Theme;
  private readOnly = false;

  constructor(
    private readonly handlers: EditorHandlers,
    theme: Theme,
  ) {
    this.theme = theme;
    this.title = h("span", { class: "title", "data-testid": "editor-path" }, "No file");
    this.execToggle = h("input", { type: "checkbox", "data-testid": "exec-toggle" });
    this.execToggle.addEventListener("change", () => this.current && this.handlers.onToggleExecutable(this.current.path));
    this.execLabel = h("label", { class: "mode-toggle", title: "The executable bit (mode 755): the kernel runs /init only when it is set" }, this.execToggle, "executable");
    this.eolBadge = h("button", { class: "eol-badge", type: "button", "data-testid": "eol" }, "LF");
    this.eolBadge.addEventListener("click", () => this.convertToLf());
    this.lintSummary = h("span", { class: "lint-summary" });
    this.header = h("div", { class: "pane-header" }, this.title, h("span", { class: "spacer" }), this.lintSummary, this.eolBadge, this.execLabel);
    this.fallback = h("pre", { class: "editor-fallback", "aria-label": "File content (the editor is loading)" });
    this.host = h("div", { class: "editor-host", "data-testid": "editor", hidden: true });
    this.card = h("div", { class: "editor-empty", hidden: true });
    this.body = h("div", { class: "pane-body" }, this.fallback, this.host, this.card);
  }

  get loaded(): boolean {
    return this.editor !== undefined;
  }

  /** Loads Monaco and replaces the read-only preview with the editor. */
  async load(): Promise<void> {
    if (this.monaco) return;
    const { monaco } = await import("./monaco-setup.ts");
    this.monaco = monaco;
    this.editor = monaco.editor.create(this.host, {
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      fontFamily: 'ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace',
      scrollBeyondLastLine: false,
      renderWhitespace: "selection",
      tabSize: 4,
      insertSpaces: false,
      detectIndentation: true,
      theme: this.theme === "dark" ? "vs-dark" : "vs",
      readOnly: this.readOnly,
      fixedOverflowWidgets: true,
      // Mixed or Windows line endings are the user's business here: keep them, show them.
      unusualLineTerminators: "off",
    });
    this.editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => this.handlers.onBoot());
    this.editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.Enter, () => this.handlers.onBoot({ cold: true }));
    if (this.current) this.show(this.current);
  }

  setReadOnly(readOnly: boolean): void {
    this.readOnly = readOnly;
    this.editor?.updateOptions({ readOnly });
    this.execToggle.disabled = readOnly;
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.monaco?.editor.setTheme(theme === "dark" ? "vs-dark" : "vs");
  }

  /** Shows a file (or a placeholder when undefined). */
  show(file: OverlayFile | undefined, emptyMessage?: string): void {
    this.current = file;
    this.fallback.hidden = true;
    this.host.hidden = true;
    this.card.hidden = true;
    if (!file || file.kind === "directory") {
      this.title.textContent = file ? `${file.path}/` : "No file";
      this.execLabel.hidden = true;
      this.eolBadge.hidden = true;
      this.card.hidden = false;
      this.card.replaceChildren(
        h("h3", {}, file ? "A folder" : "No file open"),
        h("p", {}, file ? "Folders hold files; add one with + File." : emptyMessage ?? "Pick a file on the left, or add one with + File."),
      );
      this.updateLintSummary();
      return;
    }
    this.title.textContent = file.path;
    if (file.kind !== "file") {
      // A link or a device node from an imported archive: packed as it is, nothing to edit.
      this.execLabel.hidden = true;
      this.eolBadge.hidden = true;
      this.card.hidden = false;
      this.card.replaceChildren(
        h("h3", {}, file.kind === "symlink" ? "A symbolic link" : `A ${file.kind.replace("-", " ")}`),
        h(
          "p",
          {},
          file.kind === "symlink"
            ? `${file.path} -> ${file.target ?? ""}: the guest follows it to its target. It is ${whereItGoes(file.path)} as it is.`
            : `${file.path}${file.major !== undefined ? ` (${file.major}, ${file.minor ?? 0})` : ""}: ${whereItGoes(file.path)} as it is.`,
        ),
      );
      this.updateLintSummary();
      return;
    }
    this.execLabel.hidden = false;
    this.execToggle.checked = (file.mode & 0o111) !== 0;
    if (file.data) {
      this.eolBadge.hidden = true;
      this.card.hidden = false;
      this.card.replaceChildren(
        h("h3", {}, "A binary file"),
        h("p", {}, `${file.path}: ${file.data.length.toLocaleString()} bytes, ${describeBinary(file.data)}. It is ${whereItGoes(file.path)} as it is; binaries are not edited here.`),
      );
      this.updateLintSummary();
      return;
    }
    const text = file.text ?? "";
    this.eolBadge.hidden = false;
    this.updateEol(text);
    if (!this.monaco || !this.editor) {
      this.fallback.hidden = false;
      this.fallback.textContent = text;
      this.updateLintSummary();
      return;
    }
    this.host.hidden = false;
    const model = this.modelFor(file.path, text);
    if (this.editor.getModel() !== model) this.editor.setModel(model);
    this.editor.layout();
    this.applyMarkers();
  }

  /** Keeps the open models in step with the project (files written by window.bootlab, renamed or deleted). */
  sync(files: readonly OverlayFile[]): void {
    const byPath = new Map(files.map((file) => [file.path, file]));
    for (const [path, model] of this.models) {
      const file = byPath.get(path);
      if (!file || file.text === undefined) {
        if (this.editor?.getModel() === model) this.editor.setModel(null);
        model.dispose();
        this.models.delete(path);
      } else if (model.getValue() !== file.text) {
        this.applyingExternalChange = true;
        try {
          model.setValue(file.text);
        } finally {
          this.applyingExternalChange = false;
        }
      }
    }
    const current = this.current;
    if (current) {
      const updated = byPath.get(current.path);
      if (!updated) {
        this.show(undefined);
      } else if (updated !== current) {
        const sameTextFile = updated.kind === "file" && current.kind === "file" && updated.text !== undefined && current.text !== undefined;
        if (sameTextFile && this.editor) {
          // Typing, or a write through window.bootlab: the model is already up to date.
          this.current = updated;
          this.execToggle.checked = (updated.mode & 0o111) !== 0;
          this.updateEol(updated.text ?? "");
        } else {
          this.show(updated);
        }
      }
    }
  }

  setDiagnostics(diagnostics: Diagnostic[]): void {
    this.diagnostics = diagnostics;
    this.applyMarkers();
    this.updateLintSummary();
  }

  focus(): void {
    this.editor?.focus();
  }

  private modelFor(path: string, text: string): Monaco.editor.ITextModel {
    const monaco = this.monaco!;
    let model = this.models.get(path);
    if (!model) {
      model = monaco.editor.createModel(text, languageFor(locateKey(path).path, text), monaco.Uri.from({ scheme: "bootlab", path }));
      model.onDidChangeContent(() => {
        if (this.applyingExternalChange) return;
        const value = model!.getValue();
        this.updateEol(value);
        this.handlers.onEdit(path, value);
      });
      this.models.set(path, model);
    }
    return model;
  }

  private applyMarkers(): void {
    const monaco = this.monaco;
    if (!monaco) return;
    for (const [path, model] of this.models) {
      const severity = { error: monaco.MarkerSeverity.Error, warning: monaco.MarkerSeverity.Warning, info: monaco.MarkerSeverity.Info } as const;
      monaco.editor.setModelMarkers(
        model,
        MARKER_OWNER,
        this.diagnostics
          .filter((d) => d.path === path)
          .map((d) => ({
            severity: severity[d.severity],
            message: d.message,
            code: d.code,
            source: "bootlab",
            startLineNumber: d.line,
            startColumn: d.column,
            endLineNumber: d.endLine,
            endColumn: d.endColumn,
          })),
      );
    }
  }

  private updateLintSummary(): void {
    const path = this.current?.path;
    const mine = this.diagnostics.filter((d) => d.path === path && d.severity !== "info");
    const errors = mine.filter((d) => d.severity === "error").length;
    this.lintSummary.classList.toggle("warn", errors === 0);
    this.lintSummary.textContent = mine.length ? `${mine.length} problem${mine.length > 1 ? "s" : ""}` : "";
    this.lintSummary.title = mine.map((d) => `line ${d.line}: ${d.message}`).join("\n");
    // Before Monaco is loaded the preview cannot show markers; the header still lists them.
  }

  private updateEol(text: string): void {
    const crlf = text.includes("\r\n");
    this.eolBadge.textContent = crlf ? "CRLF → LF" : "LF";
    this.eolBadge.classList.toggle("crlf", crlf);
    this.eolBadge.disabled = !crlf || this.readOnly;
    this.eolBadge.title = crlf ? "Windows line endings: click to convert to LF" : "Unix line endings";
  }

  private convertToLf(): void {
    const file = this.current;
    if (!file || file.text === undefined || this.readOnly) return;
    const model = this.models.get(file.path);
    if (model && this.monaco) {
      model.pushEOL(this.monaco.editor.EndOfLineSequence.LF);
    } else {
      this.handlers.onEdit(file.path, file.text.replace(/\r\n/g, "\n"));
    }
  }

  dispose(): void {
    for (const model of this.models.values()) model.dispose();
    this.editor?.dispose();
  }
}

function describeBinary(data: Uint8Array): string {
  if (data[0] === 0x7f && data[1] === 0x45 && data[2] === 0x4c && data[3] === 0x46) {
    const bits = data[4] === 1 ? "32-bit" : data[4] === 2 ? "64-bit" : "";
    const machine = data[18] === 3 ? "i386" : data[18] === 0x3e ? "x86-64" : `machine ${data[18]}`;
    return `an ELF ${bits} ${machine} program`.replace("  ", " ");
  }
  return "not text";
}

/** Where a file goes at boot, by its key: "packed into the initramfs", "written onto the disk data1". */
function whereItGoes(key: string): string {
  const { disk } = locateKey(key);
  return disk === undefined ? "packed into the initramfs" : `written onto the disk ${disk}`;
}
