// The status line: what the guest is doing (booting, prompt after N s, a panic, an /init that
// could not run, silence, a respawn loop: each explained with the file to fix, in the words of
// src/core/boot/outcome.ts), lint problems, and whether edits are being saved.
import type { BootStatus } from "../emulator/boot-controller.ts";
import { h, type Disposable } from "./dom.ts";

export interface StatusHandlers {
  /** Opens a file of the overlay (from the panic's "file to fix"). */
  onOpenFile(path: string): void;
  /** Whether a path is one of the user's files, so the panic can link to it. */
  isOverlayFile(path: string): boolean;
}

export class StatusLine implements Disposable {
  readonly element: HTMLElement;
  private readonly message: HTMLElement;
  private readonly lint: HTMLElement;
  private readonly storage: HTMLElement;
  /** The guest's address when it has a network (the network template), its reach as the tooltip. */
  private readonly network: HTMLElement;

  constructor(private readonly handlers: StatusHandlers) {
    this.message = h("div", { class: "message", "data-testid": "status-message", role: "status", "aria-live": "polite" }, "Starting…");
    this.lint = h("span", { class: "lint-summary", "data-testid": "lint-summary" });
    this.storage = h("span", { class: "storage ok", "data-testid": "storage-status" });
    this.network = h("span", { class: "guest-network", "data-testid": "guest-network" });
    this.element = h("footer", { class: "status", "data-phase": "idle", "data-testid": "status" }, h("span", { class: "dot", "aria-hidden": "true" }), this.message, this.network, this.lint, this.storage);
  }

  setBoot(status: BootStatus): void {
    this.element.dataset.phase = status.phase;
    // Every status replaces the whole message, tooltip included: a panic's line must not stay
    // as the tooltip of the next boot's "Booting…".
    this.message.title = status.report?.line ?? "";
    this.network.textContent = status.network ? `eth0 ${status.network.address}` : "";
    this.network.title = status.network?.explanation ?? "";
    const report = status.report;
    const downloads = status.downloads;
    if (downloads) {
      // The first boot's downloads: their bytes in words, and a bar when the sizes are known.
      const bar = h("progress", { class: "fetch-progress", "data-testid": "fetch-progress", "aria-label": "Downloaded", max: downloads.total ?? 1 });
      if (downloads.total !== undefined) bar.value = downloads.loaded;
      else bar.removeAttribute("value");
      this.message.replaceChildren(status.message, " ", bar);
      return;
    }
    if (!report || (!report.fix && !report.fileToFix)) {
      this.message.replaceChildren(status.message);
      return;
    }
    // "<Headline>. <explanation> Fix <file>: <fix>", the file a link when it is one of the user's.
    const file = report.fileToFix ?? "";
    const path = file.split(" ")[0] ?? file;
    const target = this.handlers.isOverlayFile(path)
      ? h("a", { href: "#", class: "fix-file", "data-testid": "fix-file", onclick: (event: Event) => (event.preventDefault(), this.handlers.onOpenFile(path)) }, file)
      : h("span", { class: "fix-file", "data-testid": "fix-file" }, file);
    this.message.replaceChildren(h("strong", {}, `${report.headline}. `), `${report.explanation} `, ...(file ? ["Fix ", target, report.fix ? `: ${report.fix}` : ""] : [`Fix: ${report.fix}`]));
  }

  setLint(errors: number, warnings: number): void {
    this.lint.classList.toggle("warn", errors === 0);
    this.lint.textContent =
      errors + warnings === 0 ? "" : [errors ? `${errors} error${errors > 1 ? "s" : ""}` : "", warnings ? `${warnings} warning${warnings > 1 ? "s" : ""}` : ""].filter(Boolean).join(", ");
  }

  setStorage(text: string, ok: boolean): void {
    this.storage.textContent = text;
    this.storage.classList.toggle("ok", ok);
    this.storage.title = text;
  }

  dispose(): void {
    this.element.remove();
  }
}
