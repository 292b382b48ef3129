// The serial console in an xterm.js terminal. xterm loads lazily; output that arrives before it
// is ready is kept and written once it is. Keys typed go to the guest (Ctrl-C included: xterm
// sends the byte 0x03, and the guest's tty turns it into SIGINT).
import type { Terminal as XTerm } from "@xterm/xterm";
import type { FitAddon } from "@xterm/addon-fit";
import { h, type Disposable } from "./dom.ts";
import type { Theme } from "./theme.ts";

const THEMES = {
  light: { background: "#fbfbfc", foreground: "#1d2329", cursor: "#1f6feb", selectionBackground: "#1f6feb44", black: "#1d2329", brightBlack: "#5d6975" },
  dark: { background: "#0b0e12", foreground: "#dfe5ec", cursor: "#4493f8", selectionBackground: "#4493f855" },
} as const;

export class SerialTerminal implements Disposable {
  readonly element: HTMLElement;
  private terminal: XTerm | undefined;
  private fit: FitAddon | undefined;
  private pending: Uint8Array[] = [];
  private readonly resizeObserver: ResizeObserver;
  private theme: Theme;

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
      allowProposedApi: false,
    });
    const fit = new FitAddon();
    terminal.loadAddon(fit);
    this.element.replaceChildren();
    terminal.open(this.element);
    terminal.onData((data) => this.onInput(data));
    this.terminal = terminal;
    this.fit = fit;
    this.fitNow();
    for (const chunk of this.pending) terminal.write(chunk);
    this.pending = [];
  }

  write(bytes: Uint8Array): void {
    if (this.terminal) this.terminal.write(bytes);
    else this.pending.push(bytes);
  }

  /** A new boot: start with an empty screen. */
  reset(): void {
    this.pending = [];
    this.terminal?.reset();
  }

  focus(): void {
    this.terminal?.focus();
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
