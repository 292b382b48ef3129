// The page's panes: files, editor and serial console side by side, or one at a time behind tabs
// on a narrow screen (CSS decides which; `data-active` says which pane the tabs show).
import { h } from "../ui/dom.ts";

export type PaneName = "files" | "editor" | "terminal";

/** The narrow layout's breakpoint, as in styles.css. */
export const NARROW_MEDIA = "(max-width: 760px)";

export function isNarrow(): boolean {
  return matchMedia(NARROW_MEDIA).matches;
}

export interface LayoutParts {
  /** The file tree. */
  files: HTMLElement;
  /** The editor's header and body. */
  editor: HTMLElement[];
  /** Buttons at the end of the console's header. */
  consoleActions: HTMLElement;
  /** Everything under the console's header: search bar, terminal, extra keys, timeline. */
  console: HTMLElement[];
  /** The console's tab was chosen: give the terminal the keyboard. */
  onTerminalShown(): void;
}

export class PageLayout {
  readonly workspace: HTMLElement;
  readonly tabs: HTMLElement;

  constructor(private readonly parts: LayoutParts) {
    this.workspace = h(
      "main",
      { class: "workspace", "data-active": "terminal" },
      h("section", { class: "pane pane-files", "aria-label": "Files" }, h("div", { class: "pane-header" }, h("span", { class: "title" }, "Files")), parts.files),
      h("section", { class: "pane pane-editor", "aria-label": "Editor" }, ...parts.editor),
      h(
        "section",
        { class: "pane pane-terminal", "aria-label": "Serial console" },
        h(
          "div",
          { class: "pane-header" },
          h("span", { class: "title" }, "Serial console · ttyS0"),
          h("span", { class: "spacer" }),
          h("span", { class: "badge console-hint", style: "color: var(--muted); font-size: 12px" }, "Ctrl-C interrupts"),
          parts.consoleActions,
        ),
        ...parts.console,
      ),
    );
    this.tabs = h(
      "nav",
      { class: "tabs", role: "tablist", "aria-label": "Panes" },
      ...(["files", "editor", "terminal"] as const).map((pane) =>
        h("button", { type: "button", role: "tab", "data-pane": pane, "aria-selected": String(pane === "terminal"), onclick: () => this.showPane(pane) }, pane[0]!.toUpperCase() + pane.slice(1)),
      ),
    );
  }

  /** Shows a pane (on a narrow screen the others hide). */
  showPane(pane: PaneName): void {
    this.workspace.dataset.active = pane;
    for (const tab of this.tabs.querySelectorAll<HTMLElement>("button")) tab.setAttribute("aria-selected", String(tab.dataset.pane === pane));
    if (pane === "terminal") this.parts.onTerminalShown();
  }
}
