// The playground: wires the project model, storage, the emulator worker, the editor, the
// terminal and the status line together.
//
// Start-up order is chosen for the time to the first prompt: the worker starts fetching the
// kernel, BIOS, base archive and wasm before anything else; the saved project is read; the boot
// starts; only then do xterm.js and (later still) Monaco load.
import type { BaseEntry, BootRequest } from "../../workers/emulator.api.ts";
import { lintOverlay, type Diagnostic } from "../core/lint/index.ts";
import { defaultTemplate, findTemplate, requireTemplate, TEMPLATES, templateSystem, type Template } from "../core/templates/index.ts";
import { ExtensibleApi, withCode, BootlabApiError, type BootlabApi, type ListedFile } from "./automation/bootlab-api.ts";
import { EditorPane } from "./editor/editor-pane.ts";
import { BootController } from "./emulator/boot-controller.ts";
import { EmulatorBridge, EmulatorError } from "./emulator/bridge.ts";
import { DEFAULT_OPTIONS, type Playground, type PlaygroundExtension, type PlaygroundOptions } from "./playground.ts";
import { projectFromTemplate } from "./project/from-template.ts";
import { ProjectModel, type ProjectState } from "./project/model.ts";
import { toLintFiles } from "./project/overlay.ts";
import { baseName, normalizeGuestPath } from "../core/rootfs/guest-path.ts";
import { Autosave } from "./storage/autosave.ts";
import { ProjectStore } from "./storage/project-store.ts";
import { choose, askText } from "./ui/dialogs.ts";
import { h } from "./ui/dom.ts";
import { FileTree } from "./ui/file-tree.ts";
import { ConsoleAnnotations } from "./ui/console-annotations.ts";
import { StatusLine } from "./ui/status-line.ts";
import { SerialTerminal } from "./ui/terminal.ts";
import { ThemeController } from "./ui/theme.ts";
import { TimelinePanel } from "./ui/timeline-panel.ts";
import { Toolbar } from "./ui/toolbar.ts";

type PaneName = "files" | "editor" | "terminal";

const LINT_DELAY_MS = 150;

/** Extension modules (share links, embed mode), when they exist in this build. */
const extensionModules = import.meta.glob<PlaygroundExtension>(["./share/extension.ts", "./embed/extension.ts"]);

async function loadExtensions(): Promise<PlaygroundExtension[]> {
  const loaded = await Promise.allSettled(Object.values(extensionModules).map((load) => load()));
  return loaded.flatMap((result) => {
    if (result.status === "fulfilled") return [result.value];
    console.error("bootlab: an extension failed to load", result.reason);
    return [];
  });
}

async function resolveOptions(extensions: PlaygroundExtension[]): Promise<PlaygroundOptions> {
  let options = { ...DEFAULT_OPTIONS };
  const url = new URL(location.href);
  for (const extension of extensions) {
    const more = await extension.options?.(url);
    if (more) options = { ...options, ...more };
  }
  return options;
}

export async function startPlayground(root: HTMLElement): Promise<Playground> {
  // The emulator starts fetching what the first boot needs before anything else happens.
  const prebuiltUrl = new URL("prebuilt/", document.baseURI).href;
  const bridge = new EmulatorBridge({ prebuilt: prebuiltUrl });
  // The default template's system without its files fetches what its first boot needs.
  const preparing = bridge.prepare(templateSystem(defaultTemplate(), { files: [], cmdline: defaultTemplate().cmdline })).catch(() => undefined); // a failure shows when booting
  const extensions = await loadExtensions();
  const options = await resolveOptions(extensions);
  const store = await ProjectStore.open(options.storageNamespace);
  const app = new PlaygroundApp(root, bridge, store, options, prebuiltUrl);
  await app.start();
  void preparing;
  for (const extension of extensions) {
    try {
      await extension.install?.(app);
    } catch (error) {
      console.error("bootlab: an extension failed to install", error);
      app.notify(`A feature failed to start: ${error instanceof Error ? error.message : String(error)}`, "error");
    }
  }
  // Only now: before start() has loaded the project, a write would land in the placeholder
  // model and be lost; and once it is set, shareLink() and exportBundle() are there too.
  if (options.exposeGlobalApi) window.bootlab = app.api;
  return app;
}

class PlaygroundApp implements Playground {
  readonly model: ProjectModel;
  readonly boot: BootController;
  readonly toolbarSlot: HTMLElement;
  readonly api: BootlabApi;
  private readonly extensibleApi: ExtensibleApi;
  private readonly theme: ThemeController;
  private readonly toolbar: Toolbar;
  private readonly tree: FileTree;
  private readonly editor: EditorPane;
  private readonly terminal: SerialTerminal;
  private readonly status: StatusLine;
  private readonly timeline: TimelinePanel;
  private readonly annotations: ConsoleAnnotations;
  /** One redraw of the timeline and the annotations per frame, however many batches arrive. */
  private insightFrame: number | undefined;
  private readonly workspace: HTMLElement;
  private readonly tabs: HTMLElement;
  private autosave: Autosave | undefined;
  private selectedPath: string | undefined;
  private diagnostics: Diagnostic[] = [];
  private lintTimer: ReturnType<typeof setTimeout> | undefined;
  private base: BaseEntry[] | undefined;
  private basePromise: Promise<BaseEntry[]> | undefined;
  private notifyTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly root: HTMLElement,
    private readonly bridge: EmulatorBridge,
    readonly store: ProjectStore,
    readonly options: PlaygroundOptions,
    readonly prebuiltUrl: string,
  ) {
    this.theme = new ThemeController(options.theme);
    this.boot = new BootController(bridge);
    // A placeholder project until start() loads the real one.
    this.model = new ProjectModel({
      id: "",
      name: "",
      templateId: defaultTemplate().id,
      cmdline: defaultTemplate().cmdline,
      files: [],
      pristineSignature: "",
      createdAt: 0,
      updatedAt: 0,
    });

    this.toolbar = new Toolbar({
      onTemplate: (id) => void this.switchTemplate(id),
      onCmdline: (cmdline) => {
        if (!this.options.readOnly) this.model.setCmdline(cmdline);
      },
      onBoot: () => void this.reboot().catch(() => undefined),
      onStop: () => void this.boot.stop(),
      onTheme: () => this.theme.cycle(),
    });
    this.toolbarSlot = this.toolbar.extensionSlot;
    this.tree = new FileTree({
      onSelect: (path) => this.select(path, true),
      onNewFile: (directory) => void this.newFile(directory),
      onNewFolder: (directory) => void this.newFolder(directory),
      onRename: (path) => void this.renamePath(path),
      onDelete: (path) => void this.deletePath(path),
      onToggleExecutable: (path) => this.toggleExecutable(path),
    });
    this.editor = new EditorPane(
      {
        onEdit: (path, text) => {
          if (!this.options.readOnly) this.model.writeText(path, text);
        },
        onToggleExecutable: (path) => this.toggleExecutable(path),
        onBoot: () => void this.reboot().catch(() => undefined),
      },
      this.theme.theme,
    );
    this.editor.setReadOnly(options.readOnly);
    this.terminal = new SerialTerminal((data) => void this.boot.send(data).catch(() => undefined), this.theme.theme);
    this.timeline = new TimelinePanel(
      {
        onStage: (_stage, lineIndex) => {
          if (matchMedia("(max-width: 760px)").matches) this.showPane("terminal");
          if (this.terminal.scrollToConsoleLine(lineIndex)) this.annotations.showLine(lineIndex);
        },
      },
      this.theme.theme,
      // An embed is a small frame in a lesson: the console gets the room until the reader opens
      // the timeline, remembered apart from the full page's choice.
      options.chrome === "minimal"
        ? { storageKey: `bootlab:timeline-open:${options.storageNamespace}`, defaultOpen: false }
        : { storageKey: "bootlab:timeline-open", defaultOpen: true },
    );
    this.annotations = new ConsoleAnnotations(this.terminal, {
      isProjectFile: (path) => this.model.get(path)?.kind === "file",
      openFile: (path) => this.select(path, true),
    });
    this.status = new StatusLine({
      onOpenFile: (path) => this.select(path, true),
      isOverlayFile: (path) => this.model.get(path)?.kind === "file",
    });

    this.workspace = h(
      "main",
      { class: "workspace", "data-active": "terminal" },
      h("section", { class: "pane pane-files", "aria-label": "Files" }, h("div", { class: "pane-header" }, h("span", { class: "title" }, "Files")), this.tree.element),
      h("section", { class: "pane pane-editor", "aria-label": "Editor" }, this.editor.header, this.editor.body),
      h(
        "section",
        { class: "pane pane-terminal", "aria-label": "Serial console" },
        h(
          "div",
          { class: "pane-header" },
          h("span", { class: "title" }, "Serial console · ttyS0"),
          h("span", { class: "spacer" }),
          h("span", { class: "badge", style: "color: var(--muted); font-size: 12px" }, "Ctrl-C interrupts"),
        ),
        h("div", { class: "pane-body" }, this.terminal.element, this.annotations.tooltip),
        this.timeline.element,
      ),
    );
    this.tabs = h(
      "nav",
      { class: "tabs", role: "tablist", "aria-label": "Panes" },
      ...(["files", "editor", "terminal"] as const).map((pane) =>
        h("button", { type: "button", role: "tab", "data-pane": pane, "aria-selected": String(pane === "terminal"), onclick: () => this.showPane(pane) }, pane[0]!.toUpperCase() + pane.slice(1)),
      ),
    );
    if (options.chrome === "minimal") this.toolbar.element.classList.add("minimal");
    this.root.replaceChildren(this.toolbar.element, this.tabs, this.workspace, this.status.element);
    this.root.removeAttribute("aria-busy");

    this.extensibleApi = new ExtensibleApi(this.coreApi());
    this.api = this.extensibleApi.api;
  }

  async start(): Promise<void> {
    this.toolbar.setTheme(this.theme.choice);
    this.theme.changes.on((theme) => {
      this.editor.setTheme(theme);
      this.terminal.setTheme(theme);
      this.timeline.setTheme(theme);
      this.toolbar.setTheme(this.theme.choice);
    });
    this.boot.status.on((status) => {
      this.status.setBoot(status);
      this.toolbar.setRunning(this.boot.running || status.phase === "starting" || status.phase === "booting");
      // The outcome may end a bar (the prompt) without new bytes.
      this.scheduleInsight();
    });
    this.boot.bootStarted.on(() => {
      this.terminal.reset();
      this.annotations.reset();
      this.scheduleInsight();
    });
    this.boot.progress.on(() => this.scheduleInsight());
    this.boot.output$.on((bytes) => this.terminal.write(bytes));
    this.model.changes.on((change) => {
      if (change.kind === "tree" || change.kind === "replaced") this.tree.setFiles(this.model.files());
      if (change.kind !== "cmdline") this.editor.sync(this.model.files());
      if (change.kind === "cmdline" || change.kind === "replaced") this.toolbar.setCmdline(this.model.cmdline);
      if (change.kind === "replaced") this.showTemplate();
      this.scheduleLint();
    });
    window.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        // Shift: a cold boot, from the kernel's first instruction, even when a warm one would do.
        void this.reboot({ cold: event.shiftKey }).catch(() => undefined);
      }
    });

    if (this.store.problem) this.status.setStorage(this.store.problem, false);
    const state = await this.initialState();
    this.model.replace(state);
    this.select(this.preferredFile(), false);
    this.autosave = new Autosave(this.model, this.store, ({ error }) => {
      if (error) this.status.setStorage(error.message, false);
      else if (this.store.persistent) this.status.setStorage("Saved", true);
      else this.status.setStorage(this.store.problem ?? "Not saved: storage is off", false);
    });
    // A project that came from a template or a link is stored at once, so a reload finds it.
    void this.autosave.flush();

    if (this.options.autoboot) {
      const booting = this.reboot().catch(() => undefined);
      void this.terminal.load();
      await booting;
    } else {
      this.boot.status.emit({ phase: "idle", message: "Press Boot (Ctrl+Enter; Ctrl+Shift+Enter boots cold) to start the system." });
      void this.terminal.load();
    }
    void this.loadBase();
    // Monaco is the heaviest part of the page: load it only once the guest is running.
    void this.editor.load().catch((error: unknown) => this.notify(`The editor failed to load: ${String(error)}`, "error"));
  }

  // ---- Project loading -------------------------------------------------------------------

  private async initialState(): Promise<ProjectState> {
    const provided = await this.options.initialProject?.(this.store).catch((error: unknown) => {
      this.notify(error instanceof Error ? error.message : String(error), "error");
      return undefined;
    });
    if (provided) return provided;
    const fromUrl = this.templateFromUrl();
    if (fromUrl) return this.stateFromTemplate(fromUrl);
    try {
      const id = await this.store.currentId();
      const saved = id ? await this.store.load(id) : undefined;
      if (saved) return saved;
    } catch (error) {
      this.status.setStorage(error instanceof Error ? error.message : String(error), false);
    }
    return this.stateFromTemplate(defaultTemplate());
  }

  /**
   * `?template=ID` opens that template as a new project, so saved work is never overwritten. The
   * parameter is then dropped from the address, so a reload opens the project, not another copy.
   */
  private templateFromUrl(): Template | undefined {
    const url = new URL(location.href);
    const id = url.searchParams.get("template");
    if (id === null) return undefined;
    url.searchParams.delete("template");
    history.replaceState(history.state, "", url);
    const template = findTemplate(id);
    if (!template) this.notify(`There is no template "${id}"; the templates are ${TEMPLATES.map((t) => t.id).join(", ")}.`, "error");
    return template;
  }

  private stateFromTemplate(template: Template, id = ProjectStore.newId()): Promise<ProjectState> {
    return projectFromTemplate(template, (path) => this.bridge.artifact(path), { id, name: template.title });
  }

  private preferredFile(): string | undefined {
    const files = this.model.files().filter((f) => f.kind === "file");
    return (files.find((f) => f.path === "/init") ?? files.find((f) => f.path === "/etc/inittab") ?? files[0])?.path;
  }

  private showTemplate(): void {
    const template = findTemplate(this.model.templateId);
    this.toolbar.setTemplate(template?.id ?? defaultTemplate().id);
    this.tree.setTemplateInfo(this.options.chrome === "minimal" ? undefined : template);
  }

  /** Switching never silently discards edits: an edited project is kept as it is, or the user says otherwise. */
  private async switchTemplate(templateId: string): Promise<void> {
    const template = requireTemplate(templateId);
    if (templateId === this.model.templateId && !this.model.isEdited()) return;
    let replaceCurrent = !this.model.isEdited();
    if (!replaceCurrent) {
      const choice = await choose(
        `Open "${template.title}"?`,
        `Your files differ from the template you started with. Keep them as the saved project "${this.model.name}" and open the template as a new project, or discard your edits?`,
        [
          { value: "discard", label: "Discard my edits", kind: "danger" },
          { value: "keep", label: "Keep mine, open as new project", kind: "primary" },
        ] as const,
      );
      if (!choice) {
        this.toolbar.setTemplate(this.model.templateId);
        return;
      }
      replaceCurrent = choice === "discard";
    }
    await this.autosave?.flush();
    const state = await this.stateFromTemplate(template, replaceCurrent ? this.model.id : ProjectStore.newId());
    if (replaceCurrent) state.createdAt = this.model.snapshot().createdAt;
    await this.openProject(state);
    // Picking a template means "show me this system": boot it.
    void this.reboot().catch(() => undefined);
    this.notify(replaceCurrent ? `Opened the template "${template.title}".` : `Opened "${template.title}" as a new project; your edits are saved as "${this.model.name}".`);
  }

  async openProject(state: ProjectState): Promise<void> {
    await this.autosave?.flush();
    this.model.replace(state);
    this.select(this.preferredFile(), false);
    await this.autosave?.flush();
  }

  // ---- Files -----------------------------------------------------------------------------

  private select(path: string | undefined, fromUser: boolean): void {
    this.selectedPath = path;
    this.tree.setSelected(path);
    const file = path ? this.model.get(path) : undefined;
    this.editor.show(file, this.model.files().length === 0 ? "This template has no files of its own. Add one with + File, e.g. /etc/inittab." : undefined);
    if (fromUser && file?.kind === "file") {
      this.showPane("editor");
      this.editor.focus();
    }
  }

  private validateNewPath(text: string): string | undefined {
    try {
      const path = normalizeGuestPath(text.trim());
      if (this.model.has(path)) return `${path} already exists`;
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  private async newFile(directory: string): Promise<void> {
    if (this.guardReadOnly()) return;
    const prefix = directory === "/" ? "/etc/" : `${directory}/`;
    const text = await askText("New file", "Path of the new file, e.g. /etc/motd", prefix, (t) => this.validateNewPath(t), "Create");
    if (text === undefined) return;
    const path = normalizeGuestPath(text.trim());
    const script = path.startsWith("/etc/init.d/") || path.endsWith(".sh") || path === "/init";
    this.runFileOperation(() => this.model.writeText(path, script ? "#!/bin/sh\n" : "", script ? 0o755 : 0o644));
    this.select(path, true);
  }

  private async newFolder(directory: string): Promise<void> {
    if (this.guardReadOnly()) return;
    const prefix = directory === "/" ? "/" : `${directory}/`;
    const text = await askText("New folder", "Path of the new folder, e.g. /etc/init.d", prefix, (t) => this.validateNewPath(t), "Create");
    if (text === undefined) return;
    this.runFileOperation(() => this.model.addDirectory(text));
  }

  private async renamePath(path: string): Promise<void> {
    if (this.guardReadOnly()) return;
    const text = await askText(`Rename ${baseName(path)}`, "New path (you can move it to another folder)", path, (t) => {
      try {
        const target = normalizeGuestPath(t.trim());
        return target !== path && this.model.has(target) ? `${target} already exists` : undefined;
      } catch (error) {
        return error instanceof Error ? error.message : String(error);
      }
    }, "Rename");
    if (text === undefined) return;
    const target = normalizeGuestPath(text.trim());
    this.runFileOperation(() => this.model.rename(path, target));
    if (this.selectedPath === path) this.select(target, false);
  }

  private async deletePath(path: string): Promise<void> {
    if (this.guardReadOnly()) return;
    const isFolder = this.model.get(path)?.kind === "directory" || this.model.isImplicitDirectory(path);
    const choice = await choose(`Delete ${path}?`, isFolder ? "The folder and everything in it will be deleted." : "The file will be deleted from your project.", [
      { value: "delete", label: "Delete", kind: "danger" },
    ] as const);
    if (choice !== "delete") return;
    this.runFileOperation(() => this.model.remove(path));
    if (this.selectedPath && (this.selectedPath === path || this.selectedPath.startsWith(`${path}/`))) this.select(this.preferredFile(), false);
  }

  private toggleExecutable(path: string): void {
    if (this.guardReadOnly()) return;
    const file = this.model.get(path);
    if (!file || file.kind !== "file") return;
    this.runFileOperation(() => this.model.setExecutable(path, (file.mode & 0o111) === 0));
    if (this.selectedPath === path) this.editor.show(this.model.get(path));
  }

  private runFileOperation(operation: () => unknown): void {
    try {
      operation();
    } catch (error) {
      this.notify(error instanceof Error ? error.message : String(error), "error");
    }
  }

  private guardReadOnly(): boolean {
    if (this.options.readOnly) this.notify("This playground is read-only.", "error");
    return this.options.readOnly;
  }

  // ---- Lint ------------------------------------------------------------------------------

  private scheduleLint(): void {
    if (this.lintTimer !== undefined) clearTimeout(this.lintTimer);
    this.lintTimer = setTimeout(() => this.lintNow(), LINT_DELAY_MS);
  }

  private lintNow(): Diagnostic[] {
    if (this.lintTimer !== undefined) clearTimeout(this.lintTimer);
    this.lintTimer = undefined;
    const template = findTemplate(this.model.templateId) ?? defaultTemplate();
    const basePaths = template.base === "none" ? new Set<string>() : this.base ? new Set(this.base.map((e) => e.path)) : undefined;
    this.diagnostics = lintOverlay({ files: toLintFiles(this.model.files()), cmdline: this.model.cmdline, ...(basePaths ? { basePaths } : {}) });
    this.editor.setDiagnostics(this.diagnostics);
    const counts = new Map<string, number>();
    for (const d of this.diagnostics) if (d.severity !== "info") counts.set(d.path, (counts.get(d.path) ?? 0) + 1);
    this.tree.setProblems(counts);
    this.status.setLint(
      this.diagnostics.filter((d) => d.severity === "error").length,
      this.diagnostics.filter((d) => d.severity === "warning").length,
    );
    return this.diagnostics;
  }

  private loadBase(): Promise<BaseEntry[]> {
    this.basePromise ??= this.bridge.baseEntries().then(
      (entries) => {
        this.base = entries;
        this.tree.setBase(entries);
        this.scheduleLint();
        return entries;
      },
      (error: unknown) => {
        this.basePromise = undefined;
        this.tree.setBase(undefined, error instanceof Error ? error.message : String(error));
        throw error;
      },
    );
    return this.basePromise;
  }

  // ---- Booting ---------------------------------------------------------------------------

  /** Boots the project: warm when a snapshot serves it (issue 11), cold when asked or when none can. */
  async reboot(options: { cold?: boolean } = {}): Promise<void> {
    const template = findTemplate(this.model.templateId) ?? defaultTemplate();
    this.lintNow();
    const request: BootRequest = { system: templateSystem(template, { files: this.model.files(), cmdline: this.model.cmdline }) };
    if (options.cold) request.cold = true;
    if (matchMedia("(max-width: 760px)").matches) this.showPane("terminal");
    let started;
    try {
      started = await this.boot.boot(request);
    } catch (error) {
      // tcc's errors in /init.c (static-hello): markers on their lines until the next edit.
      if (error instanceof EmulatorError && error.code === "compile-failed") this.showCompileDiagnostics(error);
      throw error;
    }
    // What the plan decided on the user's behalf (another kernel, say) is worth a notice.
    if (started.notes.length) this.notify(started.notes.join(" "));
    this.terminal.focus();
  }

  private showCompileDiagnostics(error: EmulatorError): void {
    const lines = (path: string) => (this.model.get(path)?.text ?? "").split("\n");
    const compile: Diagnostic[] = error.diagnostics.map((d) => ({
      path: d.path,
      code: "tcc",
      severity: d.severity,
      message: `tcc: ${d.message}`,
      line: d.line,
      column: 1,
      endLine: d.line,
      endColumn: (lines(d.path)[d.line - 1]?.length ?? 0) + 1,
    }));
    this.diagnostics = [...this.diagnostics, ...compile];
    this.editor.setDiagnostics(this.diagnostics);
    const counts = new Map<string, number>();
    for (const d of this.diagnostics) if (d.severity !== "info") counts.set(d.path, (counts.get(d.path) ?? 0) + 1);
    this.tree.setProblems(counts);
    this.terminal.write(new TextEncoder().encode(`\r\n${error.message.replace(/\n/g, "\r\n")}\r\n`));
  }

  /** Redraws the timeline and marks newly explained lines, once per frame. */
  private scheduleInsight(): void {
    if (this.insightFrame !== undefined) return;
    this.insightFrame = requestAnimationFrame(() => {
      this.insightFrame = undefined;
      this.timeline.update(this.boot.timeline(), this.boot.previousBootTimeline());
      this.annotations.update(this.boot.annotations());
    });
  }

  // ---- Chrome ----------------------------------------------------------------------------

  private showPane(pane: PaneName): void {
    this.workspace.dataset.active = pane;
    for (const tab of this.tabs.querySelectorAll<HTMLElement>("button")) tab.setAttribute("aria-selected", String(tab.dataset.pane === pane));
    if (pane === "terminal") this.terminal.focus();
  }

  notify(message: string, kind: "info" | "error" = "info"): void {
    const previous = this.boot.lastBootStatus;
    this.status.setBoot({ phase: kind === "error" ? "failed" : previous.phase, message });
    if (this.notifyTimer !== undefined) clearTimeout(this.notifyTimer);
    this.notifyTimer = setTimeout(() => this.status.setBoot(this.boot.lastBootStatus), kind === "error" ? 8000 : 4000);
  }

  registerApiExtension(extension: Parameters<ExtensibleApi["registerApiExtension"]>[0]): void {
    this.extensibleApi.registerApiExtension(extension);
  }

  baseEntries(): Promise<BaseEntry[]> {
    return this.loadBase();
  }

  artifact(path: string): Promise<Uint8Array> {
    return this.bridge.artifact(path);
  }

  // ---- window.bootlab --------------------------------------------------------------------

  private coreApi(): Omit<BootlabApi, "shareLink" | "exportBundle"> {
    const writable = () => {
      if (this.options.readOnly) throw new BootlabApiError("read-only", "this playground is read-only");
    };
    return {
      listFiles: () =>
        withCode("list-failed", async () => {
          const overlay = this.model.files().map(
            (f): ListedFile => ({
              path: f.path,
              kind: f.kind,
              mode: f.mode,
              size: f.data?.length ?? new TextEncoder().encode(f.text ?? "").length,
              readOnly: false,
              binary: f.data !== undefined,
            }),
          );
          const overlayPaths = new Set(overlay.map((f) => f.path));
          const base = await this.loadBase().catch(() => [] as BaseEntry[]);
          const template = findTemplate(this.model.templateId) ?? defaultTemplate();
          const baseListed = template.base === "none" ? [] : base.filter((e) => !overlayPaths.has(e.path)).map((e): ListedFile => ({ path: e.path, kind: e.kind, mode: e.mode, size: e.size, readOnly: true, binary: e.kind === "file" }));
          return [...overlay, ...baseListed].sort((a, b) => a.path.localeCompare(b.path));
        }),
      readFile: (path) =>
        withCode("read-failed", () => {
          const normalized = normalizeGuestPath(path.trim());
          const file = this.model.get(normalized);
          if (!file) {
            const inBase = this.base?.some((e) => e.path === normalized);
            throw new BootlabApiError("not-found", inBase ? `${normalized} is a read-only file of the base archive, not one of your files` : `${normalized} does not exist in your files`);
          }
          if (file.kind !== "file") throw new BootlabApiError("not-a-file", `${normalized} is a folder`);
          if (file.text === undefined) throw new BootlabApiError("binary", `${normalized} is a binary file`);
          return file.text;
        }),
      writeFile: (path, text, options) =>
        withCode("write-failed", () => {
          writable();
          if (typeof text !== "string") throw new BootlabApiError("bad-argument", `writeFile: text must be a string, got ${typeof text}`);
          const mode = options?.mode;
          if (mode !== undefined && (!Number.isInteger(mode) || mode < 0 || mode > 0o7777)) {
            throw new BootlabApiError("bad-argument", `writeFile: mode must be an integer from 0 to 0o7777, got ${String(mode)}`);
          }
          const normalized = normalizeGuestPath(path.trim());
          this.model.writeText(normalized, text, mode);
          if (this.selectedPath === normalized || !this.selectedPath) this.select(normalized, false);
          this.lintNow();
        }),
      removeFile: (path) =>
        withCode("remove-failed", () => {
          writable();
          this.model.remove(path);
          if (this.selectedPath === normalizeGuestPath(path.trim())) this.select(this.preferredFile(), false);
        }),
      setCmdline: (cmdline) =>
        withCode("cmdline-failed", () => {
          writable();
          if (typeof cmdline !== "string") throw new BootlabApiError("bad-argument", `setCmdline: want a string, got ${typeof cmdline}`);
          this.model.setCmdline(cmdline);
        }),
      reboot: (options) => withCode("boot-failed", async () => void (await this.reboot({ cold: options?.cold === true }))),
      send: (text) => withCode("send-failed", () => this.boot.send(String(text))),
      output: () => withCode("output-failed", () => this.boot.output()),
      waitFor: (pattern, ms) => withCode("wait-failed", () => this.boot.waitFor(pattern, ms)),
      metrics: () => withCode("metrics-failed", () => this.boot.metrics()),
    };
  }
}

declare global {
  interface Window {
    /** The automation API (docs/page-api.md); see automation/bootlab-api.ts. */
    bootlab?: BootlabApi;
  }
}
