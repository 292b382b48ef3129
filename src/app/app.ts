// The playground: wires the project model, storage, the emulator worker, the editor, the
// terminal and the status line together.
//
// Start-up order is chosen for the time to the first prompt: the worker starts fetching the
// kernel, BIOS, base archive and wasm before anything else; the saved project is read; the boot
// starts; only then do xterm.js and (later still) Monaco load.
import type { BaseEntry, BootRequest } from "../../workers/emulator.api.ts";
import type { BootSystem, KernelView } from "../core/boot/index.ts";
import { LAN_NAME } from "../core/boot/network.ts";
import type { Diagnostic } from "../core/lint/index.ts";
import { defaultTemplate, findTemplate, requireTemplate, TEMPLATES, templateSystem, type Template } from "../core/templates/index.ts";
import { ExtensibleApi, type BootlabApi } from "./automation/bootlab-api.ts";
import { makeApi } from "./automation/methods.ts";
import { EditorPane } from "./editor/editor-pane.ts";
import { BootController } from "./emulator/boot-controller.ts";
import { EmulatorBridge, EmulatorError } from "./emulator/bridge.ts";
import { DEFAULT_OPTIONS, type Playground, type PlaygroundExtension, type PlaygroundOptions } from "./playground.ts";
import { projectFromTemplate, withTemplateDisks } from "./project/from-template.ts";
import { locateKey } from "./project/file-key.ts";
import { ProjectModel, type ProjectState } from "./project/model.ts";
import { Autosave } from "./storage/autosave.ts";
import { ProjectStore } from "./storage/project-store.ts";
import { choose } from "./ui/dialogs.ts";
import { showKernelPanel } from "./ui/kernel-panel.ts";
import { h } from "./ui/dom.ts";
import { FileTree } from "./ui/file-tree.ts";
import { ConsoleAnnotations } from "./ui/console-annotations.ts";
import { ConsoleTools } from "./ui/console-tools.ts";
import { StatusLine } from "./ui/status-line.ts";
import { SerialTerminal } from "./ui/terminal.ts";
import { ThemeController } from "./ui/theme.ts";
import { TimelinePanel } from "./ui/timeline-panel.ts";
import { Toolbar } from "./ui/toolbar.ts";
import { playgroundCalls } from "./page/api.ts";
import { DiskChanges } from "./page/disk-changes.ts";
import { FileCommands } from "./page/file-commands.ts";
import { isNarrow, PageLayout } from "./page/layout.ts";
import { ProjectLint } from "./page/lint.ts";
import { ignoredPageParameters, ignoredParametersButton } from "./page/address.ts";
import { keepForOffline } from "./offline/register.ts";
import { newVersionButton, watchForNewVersion } from "./offline/new-version.ts";

/** After the first prompt, the editor loads; the files are kept for offline use after that. */
const OFFLINE_DELAY_MS = 1500;

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
  private readonly consoleTools: ConsoleTools;
  /** One redraw of the timeline and the annotations per frame, however many batches arrive. */
  private insightFrame: number | undefined;
  private readonly layout: PageLayout;
  private readonly files: FileCommands;
  private readonly diskChanges: DiskChanges;
  private readonly lint: ProjectLint;
  private autosave: Autosave | undefined;
  private selectedPath: string | undefined;
  private basePromise: Promise<BaseEntry[]> | undefined;
  private notifyTimer: ReturnType<typeof setTimeout> | undefined;
  /**
   * `?lan=NAME`: every boot's network card joins the virtual LAN NAME (BootSystem.lan), shared
   * by the tabs of this browser that name it: two guests that ping each other. It stays in the
   * address, so a reload stays on the LAN.
   */
  private readonly lan = lanFromUrl((message) => this.notify(message, "error"));

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
      onBoot: (options) => void this.reboot(options).catch(() => undefined),
      onStop: () => void this.boot.stop(),
      onTheme: () => this.theme.cycle(),
      onKernel: () => void this.showKernel(),
    });
    this.toolbarSlot = this.toolbar.extensionSlot;
    const app = this;
    this.files = new FileCommands({
      model: this.model,
      readOnly: options.readOnly,
      get selectedPath() {
        return app.selectedPath;
      },
      select: (path, fromUser) => this.select(path, fromUser),
      preferredFile: () => this.preferredFile(),
      lintNow: () => void this.lint.now(),
      notify: (message, kind) => this.notify(message, kind),
    });
    this.tree = new FileTree({
      onSelect: (path) => this.select(path, true),
      onNewFile: (directory) => void this.files.newFile(directory),
      onNewFolder: (directory) => void this.files.newFolder(directory),
      onRename: (path) => void this.files.renamePath(path),
      onDelete: (path) => void this.files.deletePath(path),
      onToggleExecutable: (path) => this.files.toggleExecutable(path),
      onUpload: (directory) => this.files.chooseUpload(directory),
      onDiskChanges: (name) => void this.diskChanges.show(name),
    });
    this.diskChanges = new DiskChanges({
      model: this.model,
      readOnly: options.readOnly,
      readDisk: (name) => this.bridge.diskChanges(name),
      notify: (message, kind) => this.notify(message, kind),
    });
    this.editor = new EditorPane(
      {
        onEdit: (path, text) => {
          if (!this.options.readOnly) this.model.writeText(path, text);
        },
        onToggleExecutable: (path) => this.files.toggleExecutable(path),
        onBoot: (options) => void this.reboot(options).catch(() => undefined),
      },
      this.theme.theme,
    );
    this.editor.setReadOnly(options.readOnly);
    this.terminal = new SerialTerminal((data) => void this.boot.send(data).catch(() => undefined), this.theme.theme);
    this.timeline = new TimelinePanel(
      {
        onStage: (_stage, lineIndex) => {
          if (isNarrow()) this.layout.showPane("terminal");
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
    this.consoleTools = new ConsoleTools({
      terminal: this.terminal,
      output: () => this.boot.output(),
      send: (data) => void this.boot.send(data).catch(() => undefined),
      notify: (message, kind) => this.notify(message, kind),
    });
    this.status = new StatusLine({
      onOpenFile: (path) => this.select(path, true),
      isOverlayFile: (path) => this.model.get(path)?.kind === "file",
    });
    this.lint = new ProjectLint(this.model, { editor: this.editor, tree: this.tree, status: this.status });

    this.layout = new PageLayout({
      files: this.tree.element,
      editor: [this.editor.header, this.editor.body],
      consoleActions: this.consoleTools.actions,
      console: [this.consoleTools.searchBar, h("div", { class: "pane-body" }, this.terminal.element, this.annotations.tooltip), this.consoleTools.keys, this.timeline.element],
      onTerminalShown: () => this.terminal.focus(),
    });
    if (options.chrome === "minimal") this.toolbar.element.classList.add("minimal");
    this.root.replaceChildren(this.toolbar.element, this.layout.tabs, this.layout.workspace, this.status.element, this.files.uploadInput);
    this.root.removeAttribute("aria-busy");

    this.extensibleApi = new ExtensibleApi(
      playgroundCalls({
        model: this.model,
        boot: this.boot,
        base: () => this.lint.base,
        loadBase: () => this.loadBase(),
        selectedPath: () => this.selectedPath,
        select: (path, fromUser) => this.select(path, fromUser),
        preferredFile: () => this.preferredFile(),
        lintNow: () => void this.lint.now(),
        reboot: (options) => this.reboot(options),
        diskChanges: this.diskChanges,
        describeKernel: () => this.describeKernel(),
      }),
    );
    this.api = makeApi(this.extensibleApi.implementation, { readOnly: options.readOnly, argumentCode: "bad-argument" });
  }

  async start(): Promise<void> {
    // Read before the project loads: opening `?template=ID` takes it out of the address.
    const ignored = this.options.chrome === "full" ? ignoredPageParameters(new URL(location.href)) : [];
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
    // Once a boot reached its prompt, keep what this visit used for the next one, offline too.
    const offline = this.boot.status.on((status) => {
      if (status.phase !== "ready") return;
      offline.dispose();
      setTimeout(() => {
        const artifacts = this.bridge.lastDownloads.filter((d) => d.done && d.name !== "v86.wasm").map((d) => new URL(d.name, this.prebuiltUrl).href);
        void keepForOffline(artifacts);
      }, OFFLINE_DELAY_MS);
    });
    this.boot.bootStarted.on(() => {
      this.terminal.reset();
      this.annotations.reset();
      this.scheduleInsight();
    });
    this.boot.progress.on(() => this.scheduleInsight());
    this.boot.output$.on((bytes) => this.terminal.write(bytes));
    this.model.changes.on((change) => {
      if (change.kind === "tree" || change.kind === "replaced") {
        this.tree.setDisks(this.model.disks());
        this.tree.setFiles(this.model.files());
      }
      if (change.kind !== "cmdline") this.editor.sync(this.model.keyedFiles());
      if (change.kind === "cmdline" || change.kind === "replaced") this.toolbar.setCmdline(this.model.cmdline);
      if (change.kind === "replaced") this.showTemplate();
      this.lint.schedule();
    });
    window.addEventListener("keydown", (event) => {
      if ((event.key === "F" || event.key === "f") && event.shiftKey && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.consoleTools.openSearch();
        return;
      }
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        // Shift: a cold boot, from the kernel's first instruction, even when a warm one would do.
        void this.reboot({ cold: event.shiftKey }).catch(() => undefined);
      }
    });

    if (this.store.problem) this.status.setStorage(this.store.problem, false);
    const state = await this.withDisks(await this.initialState());
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
    watchForNewVersion(() => {
      document.documentElement.dataset.newVersion = "";
      this.toolbarSlot.append(newVersionButton(() => this.autosave?.flush() ?? Promise.resolve()));
      this.notify("A new version of bootlab is on the server: reload the page to use it; your project is saved.");
    });
    const ignoredButton = ignoredParametersButton(ignored);
    if (ignoredButton) {
      this.toolbarSlot.append(ignoredButton);
      this.notify(`The address asked for something this page does not read: ${ignored.join("; ")}.`);
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

  /** A project saved or shared before disks were editable takes its template's disks (from-template.ts). */
  private withDisks(state: ProjectState): Promise<ProjectState> {
    return withTemplateDisks(state, findTemplate(state.templateId), (path) => this.bridge.artifact(path)).catch((error: unknown) => {
      this.notify(`The template's disks could not be loaded: ${error instanceof Error ? error.message : String(error)}`, "error");
      return state;
    });
  }

  /** /init, /etc/inittab or the first file; a disk's /etc/inittab (a root disk) before a disk's other files. */
  private preferredFile(): string | undefined {
    const files = this.model.keyedFiles().filter((f) => f.kind === "file");
    return (files.find((f) => f.path === "/init") ?? files.find((f) => f.path === "/etc/inittab") ?? files.find((f) => locateKey(f.path).path === "/etc/inittab") ?? files[0])?.path;
  }

  private showTemplate(): void {
    const template = findTemplate(this.model.templateId);
    this.toolbar.setTemplate(template?.id ?? defaultTemplate().id);
    // An imported project describes itself; the template it was laid over is not what it is.
    this.tree.setTemplateInfo(this.options.chrome === "minimal" ? undefined : (this.model.description ?? template));
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
    this.model.replace(await this.withDisks(state));
    this.select(this.preferredFile(), false);
    await this.autosave?.flush();
  }

  // ---- Files -----------------------------------------------------------------------------

  private select(path: string | undefined, fromUser: boolean): void {
    this.selectedPath = path;
    this.tree.setSelected(path);
    const file = path ? this.model.get(path) : undefined;
    this.editor.show(file, this.model.keyedFiles().length === 0 ? "This template has no files of its own. Add one with + File, e.g. /etc/inittab." : undefined);
    if (fromUser && file?.kind === "file") {
      this.layout.showPane("editor");
      this.editor.focus();
    }
  }

  // ---- The base archive ------------------------------------------------------------------

  private loadBase(): Promise<BaseEntry[]> {
    this.basePromise ??= this.bridge.baseEntries().then(
      (entries) => {
        this.lint.base = entries;
        this.tree.setBase(entries);
        this.lint.schedule();
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
    // A boot is a save point: what it boots is saved now, not after the edit's debounce, so a
    // reload straight after it finds these files (a write begun at unload may never finish).
    void this.autosave?.flush();
    this.lint.now();
    const request: BootRequest = { system: this.system() };
    if (options.cold) request.cold = true;
    if (isNarrow()) this.layout.showPane("terminal");
    // Nothing the guest wrote is lost without saying so: read before this boot replaces the disks.
    const unkept = await this.diskChanges.unkeptSummary();
    let started;
    try {
      started = await this.boot.boot(request);
    } catch (error) {
      // tcc's errors in /init.c (static-hello): markers on their lines until the next edit.
      if (error instanceof EmulatorError && error.code === "compile-failed") this.showCompileDiagnostics(error);
      throw error;
    }
    // What the plan decided on the user's behalf (another kernel, say) is worth a notice.
    const notes = started.needsArch ? [...started.notes, `64-bit systems run in QEMU only: the Kernel button offers the export for ${started.needsArch}.`] : started.notes;
    if (notes.length || unkept) this.notify([unkept, ...notes].filter(Boolean).join(" "));
    this.terminal.focus();
  }

  /** The open project as the system the plan boots (on the page's LAN, when the address names one). */
  private system(): BootSystem {
    const template = findTemplate(this.model.templateId) ?? defaultTemplate();
    // The project's disks as edited: the worker writes their images with the CLI's writeExt4.
    const system = templateSystem(template, { files: this.model.files(), cmdline: this.model.cmdline, disks: this.model.disks() });
    return this.lan === undefined ? system : { ...system, lan: this.lan };
  }

  private async describeKernel(): Promise<KernelView> {
    return this.bridge.describeKernel(this.system());
  }

  /** The kernel panel for the open project, with the export for a system that runs in QEMU only. */
  private async showKernel(): Promise<void> {
    await showKernelPanel(
      this.describeKernel(),
      {
        onExport: async (arch) => {
          // The share module's exporter, loaded on first use, in a worker of its own.
          const { Exporter, download } = await import("./share/exporter.ts");
          const exporter = new Exporter(this);
          try {
            download(await exporter.bundle({ arch }));
          } finally {
            exporter.dispose();
          }
        },
      },
    );
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
    this.lint.add(compile);
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

  notify(message: string, kind: "info" | "error" = "info"): void {
    const previous = this.boot.lastBootStatus;
    this.status.setBoot({ phase: kind === "error" ? "failed" : previous.phase, message });
    if (this.notifyTimer !== undefined) clearTimeout(this.notifyTimer);
    this.notifyTimer = setTimeout(() => this.status.setBoot(this.boot.lastBootStatus), kind === "error" ? 8000 : 4000);
  }

  registerApiExtension(extension: Parameters<ExtensibleApi["registerApiExtension"]>[0]): void {
    this.extensibleApi.registerApiExtension(extension);
  }

  /** The same calls for another caller, e.g. the embedding page, which may write in a read-only embed. */
  apiFor(caller: { readOnly: boolean; argumentCode: string }): BootlabApi {
    return makeApi(this.extensibleApi.implementation, caller);
  }

  baseEntries(): Promise<BaseEntry[]> {
    return this.loadBase();
  }

  artifact(path: string): Promise<Uint8Array> {
    return this.bridge.artifact(path);
  }

}

declare global {
  interface Window {
    /** The automation API (docs/page-api.md); see automation/bootlab-api.ts. */
    bootlab?: BootlabApi;
  }
}

/** The LAN the page's guests join (`?lan=NAME`), if the address names a valid one. */
function lanFromUrl(complain: (message: string) => void): string | undefined {
  const name = new URL(location.href).searchParams.get("lan");
  if (name === null) return undefined;
  if (LAN_NAME.test(name)) return name;
  // Later: notify() needs the status line, which exists once the constructor has run.
  queueMicrotask(() => complain(`?lan=${JSON.stringify(name.slice(0, 60))} is not a LAN name: use 1 to 40 letters, digits, "-", "_" or "."; this page boots without a LAN.`));
  return undefined;
}
