// Light, dark, or whatever the system prefers; the choice is kept in localStorage (read before
// the first paint by index.html) and announced to Monaco and xterm.
import { Emitter } from "./dom.ts";

export type ThemeChoice = "auto" | "light" | "dark";
export type Theme = "light" | "dark";

const KEY = "bootlab:theme";

export class ThemeController {
  readonly changes = new Emitter<Theme>();
  private choiceValue: ThemeChoice;
  private readonly media = window.matchMedia("(prefers-color-scheme: dark)");

  constructor(forced?: ThemeChoice) {
    this.choiceValue = forced ?? readChoice();
    this.apply();
    this.media.addEventListener("change", () => {
      if (this.choiceValue === "auto") this.changes.emit(this.theme);
    });
  }

  get choice(): ThemeChoice {
    return this.choiceValue;
  }

  get theme(): Theme {
    if (this.choiceValue !== "auto") return this.choiceValue;
    return this.media.matches ? "dark" : "light";
  }

  set(choice: ThemeChoice, persist = true): void {
    this.choiceValue = choice;
    if (persist) {
      try {
        if (choice === "auto") localStorage.removeItem(KEY);
        else localStorage.setItem(KEY, choice);
      } catch {
        // Storage blocked: the theme still applies for this page.
      }
    }
    this.apply();
    this.changes.emit(this.theme);
  }

  /** auto → light → dark → auto */
  cycle(): void {
    this.set(this.choiceValue === "auto" ? "light" : this.choiceValue === "light" ? "dark" : "auto");
  }

  private apply(): void {
    if (this.choiceValue === "auto") delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = this.choiceValue;
  }
}

function readChoice(): ThemeChoice {
  try {
    const stored = localStorage.getItem(KEY);
    return stored === "light" || stored === "dark" ? stored : "auto";
  } catch {
    return "auto";
  }
}
