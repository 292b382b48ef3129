// The annotated kernel log: the console lines core's annotateLines explains get a mark in the
// terminal's gutter, and hovering (or tapping) such a line shows its sentence in a tooltip, with
// a link to the project's file behind it. The explanations are core's; this only places them.
import type { LineAnnotation } from "../../core/boot/index.ts";
import { h, listen, type Disposable } from "./dom.ts";
import type { SerialTerminal } from "./terminal.ts";

export interface AnnotationHandlers {
  /** Whether a path is one of the user's files (so the tooltip can link to it). */
  isProjectFile(path: string): boolean;
  openFile(path: string): void;
}

/** How long the tooltip stays after the pointer left the line, so it can move onto the link. */
const HIDE_DELAY_MS = 400;

export class ConsoleAnnotations implements Disposable {
  readonly tooltip: HTMLElement;
  private readonly byLine = new Map<number, LineAnnotation>();
  private readonly listeners: Disposable[] = [];
  private shown: number | undefined;
  private hideTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly terminal: SerialTerminal,
    private readonly handlers: AnnotationHandlers,
  ) {
    this.tooltip = h("div", { class: "annotation-tooltip", role: "tooltip", id: "console-annotation-tooltip", "data-testid": "annotation-tooltip", hidden: true });
    const host = terminal.element;
    this.listeners.push(
      listen(host, "mousemove", (event) => this.pointAt(event.clientX, event.clientY)),
      // A tap has no hover: it shows the line's explanation the same way.
      listen(host, "click", (event) => this.pointAt(event.clientX, event.clientY)),
      listen(host, "mouseleave", () => this.hideSoon()),
      listen(this.tooltip, "mouseenter", () => this.cancelHide()),
      listen(this.tooltip, "mouseleave", () => this.hideSoon()),
      listen(window, "keydown", (event) => {
        if (event.key === "Escape") this.hide();
      }),
    );
  }

  /** The boot's annotations so far (all of them, each call): marks the lines not marked yet. */
  update(annotations: readonly LineAnnotation[]): void {
    for (const annotation of annotations) {
      if (this.byLine.has(annotation.index)) continue;
      this.byLine.set(annotation.index, annotation);
      this.terminal.markLine(annotation.index, annotation.id === "panic" ? "panic" : annotation.id === "warning" ? "warning" : "info");
    }
  }

  /** A new boot: its lines are other lines. */
  reset(): void {
    this.byLine.clear();
    this.hide();
  }

  /**
   * Shows the explanation of console line `index` beside it, if it has one and is in view: a
   * stage picked in the timeline (by keyboard too) explains its line without a pointer.
   */
  showLine(index: number): void {
    const annotation = this.byLine.get(index);
    const y = this.terminal.lineMiddleY(index);
    if (!annotation || y === undefined) return;
    this.cancelHide();
    this.show(annotation, y);
  }

  private pointAt(x: number, y: number): void {
    const line = this.terminal.lineAtPoint(x, y);
    const annotation = line === undefined ? undefined : this.byLine.get(line);
    if (!annotation) {
      if (this.shown !== undefined) this.hideSoon();
      return;
    }
    this.cancelHide();
    if (this.shown === annotation.index) return;
    this.show(annotation, y);
  }

  private show(annotation: LineAnnotation, clientY: number): void {
    this.shown = annotation.index;
    const file = annotation.file;
    const link =
      file && this.handlers.isProjectFile(file)
        ? h("a", { href: "#", class: "annotation-file", "data-testid": "annotation-file", onclick: (event: Event) => (event.preventDefault(), this.hide(), this.handlers.openFile(file)) }, `Open ${file}`)
        : file
          ? h("span", { class: "annotation-file" }, `From ${file}.`)
          : undefined;
    this.tooltip.replaceChildren(h("span", { class: "annotation-text", "data-annotation": annotation.id }, annotation.explanation), ...(link ? [" ", link] : []));
    this.tooltip.dataset.line = String(annotation.index);
    this.tooltip.hidden = false;
    // Below the line when there is room in the console, else above it.
    const host = this.terminal.element.getBoundingClientRect();
    const top = clientY - host.top;
    const below = top + 18;
    const height = this.tooltip.offsetHeight;
    this.tooltip.style.top = `${Math.max(0, below + height > host.height ? top - height - 10 : below)}px`;
  }

  private hideSoon(): void {
    if (this.shown === undefined || this.hideTimer !== undefined) return;
    this.hideTimer = setTimeout(() => this.hide(), HIDE_DELAY_MS);
  }

  private cancelHide(): void {
    if (this.hideTimer !== undefined) clearTimeout(this.hideTimer);
    this.hideTimer = undefined;
  }

  private hide(): void {
    this.cancelHide();
    this.shown = undefined;
    this.tooltip.hidden = true;
  }

  dispose(): void {
    this.cancelHide();
    for (const l of this.listeners) l.dispose();
    this.tooltip.remove();
  }
}
