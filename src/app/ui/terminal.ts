// The serial console in an xterm.js terminal. xterm loads lazily; output that arrives before it
// is ready is kept and written once it is. Keys typed go to the guest (Ctrl-C included: xterm
// sends the byte 0x03, and the guest's tty turns it into SIGINT).
//
// Each console line's first row is kept as an xterm marker, written in step with the boot's
// transcript (both split lines at "\n"), so transcript line i is buffer row lineRow(i) however
// the terminal wrapped the lines before it; the timeline scrolls to it and the annotations mark it.
import type { IDecoration, IMarker, Terminal as XTerm } from "@xterm/xterm";
import type { FitAddon } from "@xterm/addon-fit";
import { h, type Disposable } from "./dom.ts";
import type { Theme } from "./theme.ts";

const THEMES = {
  light: { background: "#fbfbfc", foreground: "#1d2329", cursor: "#1f6feb", selectionBackground: "#1f6feb44", black: "#1d2329", brightBlack: "#5d6975" },
  dark: { background: "#0b0e12", foreground: "#dfe5ec", cursor: "#4493f8", selectionBackground: "#4493f855" },
} as const;

/** Console lines that get a marker each (xterm keeps 5000 rows of scrollback). */
const MARKED_LINES = 5000;

export class SerialTerminal implements Disposable {
  readonly element: HTMLElement;
  private terminal: XTerm | undefined;
  private fit: FitAddon | undefined;
  private pending: Uint8Array[] = [];
  private readonly resizeObserver: ResizeObserver;
  private theme: Theme;
  /** lineMarkers[i]: the row where the console's line i (counted from the boot's start) begins. */
  private lineMarkers: IMarker[] = [];
  private decorations: IDecoration[] = [];
  /** Marks asked for before their line (or the terminal) existed: line index → class and label. */
  private wantedMarks = new Map<number, string>();
  /** Line ends written whose marker is not registered yet (xterm parses writes later). */
  private queuedLines = 0;
  /** Counts resets: a queued write's callback from before the last reset marks nothing. */
  private generation = 0;

  constructor(
    private readonly onInput: (data: string) => void,
    theme: Theme,
  ) {
    this.theme = theme;
    this.element = h("div", { class: "terminal-host", "data-testid": "terminal" }, h("pre", { class: "terminal-fallback" }, "Loading the terminal…"));
    this.resizeObserver = new ResizeObserver(() => this.fitNow());
    this.resizeObserver.observe(this.element);
  }

  /** Loads xterm.js; call once the first boot is under way. */
  async load(): Promise<void> {
    const [{ Terminal }, { FitAddon }] = await Promise.all([
      import("@xterm/xterm"),
      import("@xterm/addon-fit"),
      import("@xterm/xterm/css/xterm.css"),
    ]);
    const terminal = new Terminal({
      fontFamily: 'ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace',
      fontSize: 13,
      lineHeight: 1.15,
      scrollback: 5000,
      cursorBlink: true,
      convertEol: false,
      theme: THEMES[this.theme],
      // registerDecoration (the annotated lines' gutter marks) is still "proposed" API in xterm 6.
      allowProposedApi: true,
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    this.element.replaceChildren();
    terminal.open(this.element);
    terminal.onData((data) => this.onInput(this.withCtrl(data)));
    this.terminal = terminal;
    this.fit = fit;
    this.fitNow();
    this.startLines();
    for (const chunk of this.pending) this.writeNow(chunk);
    this.pending = [];
  }

  write(bytes: Uint8Array): void {
    if (this.terminal) this.writeNow(bytes);
    else this.pending.push(bytes);
  }

  /**
   * Writes up to each "\n" separately and marks the row the cursor is on once that part is
   * parsed (xterm calls a write's callback before it parses the next write): the first row of
   * the next console line.
   */
  private writeNow(bytes: Uint8Array): void {
    const terminal = this.terminal!;
    const generation = this.generation;
    let from = 0;
    // Past MARKED_LINES (a guest flooding the console) the rest goes in one write: the stages
    // and the annotated lines come long before, and a write per line would slow the flood.
    for (let i = 0; i < bytes.length && this.lineMarkers.length + this.queuedLines < MARKED_LINES; i++) {
      if (bytes[i] !== 0x0a) continue;
      this.queuedLines++;
      terminal.write(bytes.subarray(from, i + 1), () => this.markLineStart(generation));
      from = i + 1;
    }
    if (from < bytes.length) terminal.write(bytes.subarray(from));
  }

  private markLineStart(generation: number): void {
    if (generation !== this.generation || !this.terminal) return;
    if (this.queuedLines > 0) this.queuedLines--;
    this.lineMarkers.push(this.terminal.registerMarker(0));
    this.applyMark(this.lineMarkers.length - 1);
  }

  /**
   * Forgets the lines of the last boot and marks where the first line of the next one begins.
   * Through the write queue: xterm's reset() does not drop writes still queued, so the new
   * boot's first row is wherever the cursor is once they are parsed.
   */
  private startLines(): void {
    this.generation++;
    for (const d of this.decorations) d.dispose();
    for (const m of this.lineMarkers) m.dispose();
    this.decorations = [];
    this.lineMarkers = [];
    // The first line's marker is queued too.
    this.queuedLines = this.terminal ? 1 : 0;
    const generation = this.generation;
    this.terminal?.write(new Uint8Array(0), () => this.markLineStart(generation));
  }

  /** A new boot: start with an empty screen. */
  reset(): void {
    this.pending = [];
    this.wantedMarks.clear();
    this.terminal?.reset();
    this.startLines();
  }

  /** The buffer row where console line `index` begins, if the terminal still holds it. */
  lineRow(index: number): number | undefined {
    const marker = this.lineMarkers[index];
    return marker && !marker.isDisposed && marker.line >= 0 ? marker.line : undefined;
  }

  /** The console line shown at buffer row `row` (a wrapped line spans several rows). */
  lineAtRow(row: number): number | undefined {
    // Markers are in row order: the last one at or above the row (markers of lines trimmed off the
    // scrollback's top have line -1 and come first).
    let low = 0;
    let high = this.lineMarkers.length - 1;
    let found: number | undefined;
    while (low <= high) {
      const mid = (low + high) >> 1;
      const line = this.lineMarkers[mid]!.line;
      if (line <= row) {
        found = mid;
        low = mid + 1;
      } else high = mid - 1;
    }
    return found !== undefined && this.lineMarkers[found]!.line >= 0 ? found : undefined;
  }

  /** Scrolls so that console line `index` is the top row; false when the terminal no longer holds it. */
  scrollToConsoleLine(index: number): boolean {
    const row = this.lineRow(index);
    if (row === undefined || !this.terminal) return false;
    this.terminal.scrollToLine(row);
    return true;
  }

  /** Marks console line `index` in the gutter (now, or once it is written); `kind` becomes a class. */
  markLine(index: number, kind: string): void {
    if (this.wantedMarks.has(index)) return;
    this.wantedMarks.set(index, kind);
    if (index < this.lineMarkers.length) this.applyMark(index);
  }

  private applyMark(index: number): void {
    const kind = this.wantedMarks.get(index);
    const marker = this.lineMarkers[index];
    if (kind === undefined || !marker || !this.terminal) return;
    const decoration = this.terminal.registerDecoration({ marker, anchor: "left", x: 0, width: 1, height: 1 });
    if (!decoration) return;
    decoration.onRender((element) => {
      element.classList.add("console-annotation", `annotation-${kind}`);
      element.dataset.consoleLine = String(index);
    });
    this.decorations.push(decoration);
  }

  /** Where console line `index` is on the page (clientY of its first row's middle), when it is in view. */
  lineMiddleY(index: number): number | undefined {
    const row = this.lineRow(index);
    const terminal = this.terminal;
    const screen = terminal?.element?.querySelector<HTMLElement>(".xterm-screen");
    if (row === undefined || !terminal || !screen) return undefined;
    const visible = row - terminal.buffer.active.viewportY;
    if (visible < 0 || visible >= terminal.rows) return undefined;
    const box = screen.getBoundingClientRect();
    return box.top + ((visible + 0.5) / terminal.rows) * box.height;
  }

  /** The console line under a point of the page (clientX/Y), for hovering an annotated line. */
  lineAtPoint(clientX: number, clientY: number): number | undefined {
    const terminal = this.terminal;
    const screen = terminal?.element?.querySelector<HTMLElement>(".xterm-screen");
    if (!terminal || !screen) return undefined;
    const box = screen.getBoundingClientRect();
    if (clientX < box.left - 12 || clientX > box.right || clientY < box.top || clientY >= box.bottom) return undefined;
    const row = Math.floor(((clientY - box.top) / box.height) * terminal.rows);
    return this.lineAtRow(terminal.buffer.active.viewportY + row);
  }

  focus(): void {
    this.terminal?.focus();
  }

  /** The extra keys' Ctrl: the next key typed is sent as Ctrl+key (c → ^C). */
  ctrlArmed = false;

  private withCtrl(data: string): string {
    if (!this.ctrlArmed || data.length !== 1) return data;
    this.ctrlArmed = false;
    this.ctrlChanged?.(false);
    const code = data.toUpperCase().charCodeAt(0);
    return code >= 0x40 && code <= 0x5f ? String.fromCharCode(code & 0x1f) : data;
  }

  /** Told when Ctrl is used up, so the key's button can show it. */
  ctrlChanged: ((armed: boolean) => void) | undefined;

  /** Clears the screen and the scrollback (the boot's output stays in output()). */
  clear(): void {
    this.terminal?.clear();
  }

  /** Rows of the buffer holding `query` (case-insensitive), each with the column of every match. */
  find(query: string): Array<{ row: number; column: number }> {
    const buffer = this.terminal?.buffer.active;
    if (!buffer || query === "") return [];
    const wanted = query.toLowerCase();
    const matches: Array<{ row: number; column: number }> = [];
    for (let row = 0; row < buffer.length; row++) {
      const text = buffer.getLine(row)?.translateToString(true).toLowerCase() ?? "";
      for (let column = text.indexOf(wanted); column !== -1; column = text.indexOf(wanted, column + 1)) matches.push({ row, column });
    }
    return matches;
  }

  /** Selects a match of find() and scrolls it into the middle of the view. */
  reveal(match: { row: number; column: number }, length: number): void {
    const terminal = this.terminal;
    if (!terminal) return;
    terminal.select(match.column, match.row, length);
    terminal.scrollToLine(Math.max(0, match.row - Math.floor(terminal.rows / 2)));
  }

  /** The selected text (a search's match), for tests and copying. */
  selection(): string {
    return this.terminal?.getSelection() ?? "";
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    if (this.terminal) this.terminal.options.theme = THEMES[theme];
  }

  private fitNow(): void {
    if (!this.fit || this.element.clientWidth === 0) return;
    try {
      this.fit.fit();
    } catch {
      // Not laid out yet (a hidden tab on a narrow screen); the next resize fits it.
    }
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.terminal?.dispose();
    this.element.remove();
  }
}
