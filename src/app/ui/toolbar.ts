// The toolbar: template picker, kernel command line, Boot/Reboot (Ctrl/Cmd+Enter), Stop, the
// kernel panel, theme, and a slot where extensions (share, export) add their buttons.
import { TEMPLATES } from "../../core/templates/index.ts";
import { h, type Disposable } from "./dom.ts";
import type { ThemeChoice } from "./theme.ts";

export interface ToolbarHandlers {
  onTemplate(templateId: string): void;
  onCmdline(cmdline: string): void;
  /** `cold`: Shift held, boot from the kernel's first instruction even when a warm boot would do. */
  onBoot(options?: { cold?: boolean }): void;
  onStop(): void;
  onTheme(): void;
  /** Opens the kernel panel: which kernel the system boots and its configuration. */
  onKernel(): void;
}

const LOGO = `<svg viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="6" fill="#1f6feb"/><path d="M8 10l6 6-6 6" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round" stroke-linejoin="round"/><path d="M16 23h8" stroke="#fff" stroke-width="3" stroke-linecap="round"/></svg>`;

export class Toolbar implements Disposable {
  readonly element: HTMLElement;
  /** Where extensions put their buttons. */
  readonly extensionSlot: HTMLElement;
  private readonly templateSelect: HTMLSelectElement;
  private readonly cmdlineInput: HTMLInputElement;
  private readonly bootButton: HTMLButtonElement;
  private readonly stopButton: HTMLButtonElement;
  private readonly themeButton: HTMLButtonElement;

  constructor(handlers: ToolbarHandlers) {
    const isMac = /Mac|iPhone|iPad/.test(navigator.platform);
    this.templateSelect = h(
      "select",
      { "aria-label": "Template", "data-testid": "template" },
      ...TEMPLATES.map((template) => h("option", { value: template.id }, `${template.title} (${template.source})`)),
    );
    this.templateSelect.addEventListener("change", () => handlers.onTemplate(this.templateSelect.value));
    this.cmdlineInput = h("input", {
      type: "text",
      "aria-label": "Kernel command line",
      "data-testid": "cmdline",
      spellcheck: "false",
      autocomplete: "off",
    });
    this.cmdlineInput.addEventListener("change", () => handlers.onCmdline(this.cmdlineInput.value));
    this.cmdlineInput.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
        handlers.onCmdline(this.cmdlineInput.value);
        handlers.onBoot();
      }
    });
    this.bootButton = h(
      "button",
      { class: "button primary", type: "button", "data-testid": "boot", title: `Boot (${isMac ? "⌘" : "Ctrl"}+Enter); Shift+click or ${isMac ? "⌘" : "Ctrl"}+Shift+Enter: a cold boot`, onclick: (event: Event) => handlers.onBoot({ cold: (event as MouseEvent).shiftKey }) },
      "Boot",
    );
    this.stopButton = h("button", { class: "button danger", type: "button", "data-testid": "stop", onclick: () => handlers.onStop(), disabled: true }, "Stop");
    this.themeButton = h("button", { class: "button icon", type: "button", "data-testid": "theme", onclick: () => handlers.onTheme() });
    const kernelButton = h("button", { class: "button", type: "button", "data-testid": "kernel", title: "Which kernel this system boots, and its configuration", onclick: () => handlers.onKernel() }, "Kernel");
    this.extensionSlot = h("span", { class: "actions extension-actions" });
    const brand = h("div", { class: "brand" });
    brand.innerHTML = `${LOGO}<span>bootlab</span>`;
    this.element = h(
      "header",
      { class: "toolbar", role: "toolbar", "aria-label": "Playground" },
      brand,
      h("label", { class: "field template" }, h("span", { class: "visually-hidden" }, "Template"), this.templateSelect),
      h("label", { class: "field cmdline" }, h("span", {}, "cmdline"), this.cmdlineInput),
      h("div", { class: "actions" }, this.bootButton, this.stopButton, kernelButton, this.extensionSlot, this.themeButton),
    );
  }

  setTemplate(templateId: string): void {
    this.templateSelect.value = templateId;
  }

  setCmdline(cmdline: string): void {
    if (document.activeElement !== this.cmdlineInput) this.cmdlineInput.value = cmdline;
  }

  setRunning(running: boolean): void {
    this.bootButton.firstChild!.textContent = running ? "Reboot" : "Boot";
    this.stopButton.disabled = !running;
  }

  setTheme(choice: ThemeChoice): void {
    const labels: Record<ThemeChoice, string> = { auto: "◐ Auto", light: "☀ Light", dark: "☾ Dark" };
    this.themeButton.textContent = labels[choice];
    this.themeButton.title = `Theme: ${choice} (click to change)`;
  }

  dispose(): void {
    this.element.remove();
  }
}
