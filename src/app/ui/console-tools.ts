// Tools for the serial console: clear, copy, download as a log, search; and, on narrow screens,
// a row of the keys a phone's soft keyboard lacks (Ctrl, Esc, Tab, arrows, |, /), since the
// console says "Ctrl-C interrupts".
import { h, type Disposable } from "./dom.ts";
import type { SerialTerminal } from "./terminal.ts";

export interface ConsoleToolsOptions {
  terminal: SerialTerminal;
  /** Everything the current boot printed ("\r" removed): what Copy and Download take. */
  output(): string;
  /** Types into the console. */
  send(data: string): void;
  /** A short message in the status line. */
  notify(message: string, kind?: "info" | "error"): void;
}

/** The extra keys: label, what they send, and their accessible name. */
const EXTRA_KEYS: ReadonlyArray<readonly [label: string, data: string, name: string]> = [
  ["Esc", "\x1b", "Escape"],
  ["Tab", "\t", "Tab"],
  ["←", "\x1b[D", "Left"],
  ["↑", "\x1b[A", "Up"],
  ["↓", "\x1b[B", "Down"],
  ["→", "\x1b[C", "Right"],
  ["|", "|", "Pipe"],
  ["/", "/", "Slash"],
];

export class ConsoleTools implements Disposable {
  /** Buttons for the console's header. */
  readonly actions: HTMLElement;
  /** The search bar, shown under the header when searching. */
  readonly searchBar: HTMLElement;
  /** The extra keys, shown on narrow screens only (CSS). */
  readonly keys: HTMLElement;
  private readonly searchInput: HTMLInputElement;
  private readonly searchCount: HTMLElement;
  private readonly ctrlKey: HTMLButtonElement;
  private matchIndex = -1;

  constructor(private readonly options: ConsoleToolsOptions) {
    const button = (label: string, testId: string, title: string, run: () => void) =>
      h("button", { class: "button small console-tool", type: "button", "data-testid": testId, title, "aria-label": title, onclick: run }, label);
    this.actions = h(
      "span",
      { class: "console-tools" },
      button("Find", "console-search", "Search the console (Ctrl+Shift+F)", () => this.openSearch()),
      button("Copy", "console-copy", "Copy the console's text", () => void this.copy()),
      button("Log", "console-download", "Download the console as a .log file", () => this.download()),
      button("Clear", "console-clear", "Clear the console (the boot goes on)", () => this.clear()),
    );

    this.searchInput = h("input", { type: "search", placeholder: "Search the console", "aria-label": "Search the console", "data-testid": "console-search-input", spellcheck: "false" });
    this.searchCount = h("span", { class: "console-search-count", "data-testid": "console-search-count", "aria-live": "polite" });
    this.searchInput.addEventListener("input", () => this.search(0));
    this.searchInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter") {
        event.preventDefault();
        this.search(event.shiftKey ? -1 : 1);
      } else if (event.key === "Escape") {
        event.preventDefault();
        this.closeSearch();
      }
    });
    this.searchBar = h(
      "div",
      { class: "console-search", hidden: true },
      this.searchInput,
      this.searchCount,
      button("↑", "console-search-previous", "Previous match (Shift+Enter)", () => this.search(-1)),
      button("↓", "console-search-next", "Next match (Enter)", () => this.search(1)),
      button("✕", "console-search-close", "Close the search (Escape)", () => this.closeSearch()),
    );

    // pointerdown's default would move focus to the button and close a phone's soft keyboard.
    const keepFocus = (event: Event) => event.preventDefault();
    this.ctrlKey = h("button", { class: "key", type: "button", "aria-pressed": "false", "aria-label": "Ctrl: the next key is sent with Ctrl", "data-testid": "key-ctrl", onpointerdown: keepFocus, onclick: () => this.toggleCtrl() }, "Ctrl");
    options.terminal.ctrlChanged = (armed) => this.ctrlKey.setAttribute("aria-pressed", String(armed));
    this.keys = h(
      "div",
      { class: "extra-keys", role: "toolbar", "aria-label": "Keys a soft keyboard lacks", "data-testid": "extra-keys" },
      this.ctrlKey,
      ...EXTRA_KEYS.map(([label, data, name]) =>
        h("button", { class: "key", type: "button", "aria-label": name, "data-testid": `key-${name.toLowerCase()}`, onpointerdown: keepFocus, onclick: () => this.options.send(data) }, label),
      ),
    );
  }

  private toggleCtrl(): void {
    const terminal = this.options.terminal;
    terminal.ctrlArmed = !terminal.ctrlArmed;
    this.ctrlKey.setAttribute("aria-pressed", String(terminal.ctrlArmed));
    terminal.focus();
  }

  openSearch(): void {
    this.searchBar.hidden = false;
    this.searchInput.focus();
    this.searchInput.select();
    if (this.searchInput.value) this.search(0);
  }

  private closeSearch(): void {
    this.searchBar.hidden = true;
    this.matchIndex = -1;
    this.options.terminal.focus();
  }

  /** Finds the query again and moves `step` matches on (0: the first match from the bottom, the newest). */
  private search(step: -1 | 0 | 1): void {
    const query = this.searchInput.value;
    const matches = this.options.terminal.find(query);
    if (matches.length === 0) {
      this.matchIndex = -1;
      this.searchCount.textContent = query ? "no match" : "";
      return;
    }
    this.matchIndex = step === 0 || this.matchIndex < 0 ? matches.length - 1 : (this.matchIndex + step + matches.length) % matches.length;
    this.options.terminal.reveal(matches[this.matchIndex]!, query.length);
    this.searchCount.textContent = `${this.matchIndex + 1} of ${matches.length}`;
  }

  private async copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(this.options.output());
      this.options.notify("Copied the console's text.");
    } catch (error) {
      this.options.notify(`Could not copy: ${error instanceof Error ? error.message : String(error)}. Select the text in the console instead.`, "error");
    }
  }

  private download(): void {
    const stamp = new Date().toISOString().replace(/\..*$/, "").replaceAll(":", "-");
    const url = URL.createObjectURL(new Blob([this.options.output()], { type: "text/plain;charset=utf-8" }));
    const link = h("a", { href: url, download: `bootlab-console-${stamp}.log` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }

  private clear(): void {
    this.options.terminal.clear();
    this.options.terminal.focus();
  }

  dispose(): void {
    this.actions.remove();
    this.searchBar.remove();
    this.keys.remove();
    this.options.terminal.ctrlChanged = undefined;
  }
}
