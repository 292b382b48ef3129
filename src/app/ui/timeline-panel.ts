// The boot timeline under the console: core's timelineSvg picture of the current boot (the
// previous boot faint beneath), placed as it is. The panel only adds what a page needs on top of
// the picture: each stage with a console line becomes focusable and clickable, and it scrolls the
// console to that line. Collapsed or open is remembered in localStorage.
import { timelineSvg, type BootTimeline } from "../../core/boot/index.ts";
import { h, listen, type Disposable } from "./dom.ts";
import type { Theme } from "./theme.ts";

export interface TimelinePanelOptions {
  /** The localStorage key that remembers open or closed. */
  storageKey: string;
  /** Open or closed until the user picks. */
  defaultOpen: boolean;
}

export interface TimelinePanelHandlers {
  /** A stage was activated: show console line `lineIndex` (an index in the boot's transcript lines). */
  onStage(stage: string, lineIndex: number): void;
}

export class TimelinePanel implements Disposable {
  readonly element: HTMLDetailsElement;
  private readonly picture: HTMLElement;
  private readonly listeners: Disposable[] = [];
  private readonly resizeObserver: ResizeObserver;
  private lastSvg = "";
  private current: BootTimeline | undefined;
  private previous: BootTimeline | undefined;
  private width = 0;

  constructor(
    private readonly handlers: TimelinePanelHandlers,
    private theme: Theme,
    private readonly options: TimelinePanelOptions = { storageKey: "bootlab:timeline-open", defaultOpen: true },
  ) {
    this.picture = h("div", { class: "timeline-picture", "data-testid": "timeline" }, h("p", { class: "timeline-empty" }, "The stages of the next boot appear here."));
    this.element = h(
      "details",
      { class: "timeline-panel", "data-testid": "timeline-panel" },
      h("summary", {}, h("span", { class: "title" }, "Boot timeline"), h("span", { class: "timeline-hint" }, "click a stage to see its console line")),
      this.picture,
    );
    this.element.open = readOpen(options.storageKey) ?? options.defaultOpen;
    this.listeners.push(
      listen(this.element, "toggle", () => {
        writeOpen(this.options.storageKey, this.element.open);
        if (this.element.open) this.render();
      }),
      // One listener for every bar: the picture is replaced as the boot goes on.
      listen(this.picture, "click", (event) => this.activate(event.target, event.clientY)),
      listen(this.picture, "keydown", (event) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        this.activate(event.target);
      }),
    );
    this.resizeObserver = new ResizeObserver(() => {
      const width = Math.floor(this.picture.clientWidth);
      if (width > 0 && width !== this.width) {
        this.width = width;
        this.render();
      }
    });
    this.resizeObserver.observe(this.picture);
  }

  /** The boot so far and the one before; drawn now if the panel is open, else when it opens. */
  update(current: BootTimeline | undefined, previous: BootTimeline | undefined): void {
    this.current = current;
    this.previous = previous;
    if (this.element.open) this.render();
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.render();
  }

  private render(): void {
    const current = this.current;
    if (!current || (current.bars.length === 0 && !this.previous)) return;
    const width = this.width || Math.floor(this.picture.clientWidth) || 640;
    const svg = timelineSvg(current, this.previous, { width, theme: this.theme, idPrefix: "page-timeline", title: "Boot timeline of the last boot" });
    if (svg === this.lastSvg) return;
    this.lastSvg = svg;
    const focused = (document.activeElement as Element | null)?.closest?.("[data-stage]")?.getAttribute("data-stage");
    // Our own picture, built by core from numbers and console lines it escapes (escapeXml in
    // timeline-svg.ts), so it is placed as markup.
    this.picture.innerHTML = svg;
    for (const stage of this.picture.querySelectorAll<SVGGElement>("g[data-stage][data-line]")) {
      const label = stage.querySelector(":scope > g[role=img]:not(.previous)")?.getAttribute("aria-label");
      stage.setAttribute("tabindex", "0");
      stage.setAttribute("role", "button");
      if (label) stage.setAttribute("aria-label", `${label} Shows its console line.`);
      if (stage.dataset.stage === focused) stage.focus();
    }
  }

  /** A click anywhere on a stage's row counts (between its label and its bar is empty space). */
  private activate(target: EventTarget | null, clientY?: number): void {
    let stage = (target as Element | null)?.closest?.("g[data-stage][data-line]") ?? undefined;
    if (!stage && clientY !== undefined) {
      stage = [...this.picture.querySelectorAll("g[data-stage][data-line]")].find((g) => {
        const box = g.getBoundingClientRect();
        return clientY >= box.top && clientY <= box.bottom;
      });
    }
    if (!stage || !this.picture.contains(stage)) return;
    const line = Number(stage.getAttribute("data-line"));
    if (Number.isInteger(line)) this.handlers.onStage(stage.getAttribute("data-stage") ?? "", line);
  }

  dispose(): void {
    for (const l of this.listeners) l.dispose();
    this.resizeObserver.disconnect();
    this.element.remove();
  }
}

function readOpen(key: string): boolean | undefined {
  try {
    const value = localStorage.getItem(key);
    return value === "open" ? true : value === "closed" ? false : undefined;
  } catch {
    return undefined;
  }
}

function writeOpen(key: string, open: boolean): void {
  try {
    localStorage.setItem(key, open ? "open" : "closed");
  } catch {
    // Storage blocked: the panel stays as it is for this page.
  }
}
