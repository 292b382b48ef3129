// The kernel panel: which kernel the open system boots (and the plan's notes when it picked
// another than the system prefers), the committed fragments it was made from with a line on
// what each symbol gives, and its full .config with a filter box. A system that runs in QEMU
// only (64-bit) says so here and offers the export, which boots it with a 64-bit kernel.
// Opened from the toolbar's Kernel button; the data comes from the worker's describeKernel.
import type { GuestArch, KernelView } from "../../core/boot/index.ts";
import { h } from "./dom.ts";

export interface KernelPanelHandlers {
  /** Downloads the export bundle of the open system for `arch` (QEMU). */
  onExport(arch: GuestArch): Promise<void>;
}

/** Shows the panel at once, filled when `view` resolves (or with its error); resolves when it closes. */
export function showKernelPanel(view: Promise<KernelView>, handlers: KernelPanelHandlers): Promise<void> {
  return new Promise((resolve) => {
    const body = h("div", { class: "kernel-body", "aria-live": "polite" }, h("p", {}, "Reading the kernel's configuration…"));
    const close = h("button", { class: "button", type: "button", "data-testid": "kernel-close", onclick: () => finish() }, "Close");
    const dialog = h("dialog", { class: "modal kernel-panel", "aria-label": "Kernel", "data-testid": "kernel-panel" }, h("h2", {}, "Kernel"), body, h("div", { class: "choices" }, close));
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      resolve();
    };
    dialog.addEventListener("cancel", () => finish());
    document.body.append(dialog);
    dialog.showModal();
    close.focus();
    view.then(
      (kernel) => {
        if (!done) body.replaceChildren(...kernelSections(kernel, handlers));
      },
      (error: unknown) => {
        if (!done) body.replaceChildren(h("p", { class: "error", role: "alert" }, `This system cannot boot, so it has no kernel yet: ${error instanceof Error ? error.message : String(error)}`));
      },
    );
  });
}

function kernelSections(kernel: KernelView, handlers: KernelPanelHandlers): Node[] {
  const sections: Node[] = [
    h("p", { "data-testid": "kernel-id" }, "This system boots the ", h("strong", {}, kernel.id), ` kernel (${kernel.arch}): ${kernel.summary}.`),
  ];
  if (kernel.notes.length) sections.push(h("ul", { class: "kernel-notes", "data-testid": "kernel-notes" }, ...kernel.notes.map((note) => h("li", {}, note))));
  if (kernel.qemuOnly) sections.push(qemuOnlySection(kernel.qemuOnly, handlers));
  if (!kernel.config) {
    sections.push(h("p", {}, "Its configuration is not known here: it is a kernel you brought."));
    return sections;
  }
  for (const fragment of kernel.fragments) {
    sections.push(
      h("h3", {}, fragment.path.replace(/^.*\//, "")),
      h(
        "ul",
        { class: "kernel-fragment", "data-testid": "kernel-fragment", "data-path": fragment.path },
        ...fragment.lines.map((line) =>
          h("li", { "data-symbol": line.symbol, class: line.on ? "on" : "off" }, h("code", {}, line.line), line.note ? ` — ${line.on ? "" : "off: "}${line.note}` : ""),
        ),
      ),
    );
  }
  if (!kernel.fragments.length) sections.push(h("p", {}, "The manifest names no committed fragments for this kernel."));
  sections.push(configSection(kernel));
  return sections;
}

function qemuOnlySection(qemuOnly: NonNullable<KernelView["qemuOnly"]>, handlers: KernelPanelHandlers): HTMLElement {
  const status = h("span", { class: "kernel-export-status", "aria-live": "polite" });
  const button = h(
    "button",
    {
      class: "button primary",
      type: "button",
      "data-testid": "kernel-export",
      onclick: () => {
        button.disabled = true;
        status.textContent = "Building the bundle…";
        handlers.onExport(qemuOnly.arch).then(
          () => (status.textContent = "Downloaded: unzip it and run ./run-qemu.sh, or npx bootlab boot --bundle FILE.zip."),
          (error: unknown) => (status.textContent = `The export failed: ${error instanceof Error ? error.message : String(error)}`),
        ).finally(() => (button.disabled = false));
      },
    },
    `Export for QEMU (${qemuOnly.arch})`,
  );
  return h("div", { class: "kernel-qemu-only", role: "note", "data-testid": "kernel-qemu-only" }, h("p", {}, `Runs in QEMU only: ${qemuOnly.reason}`), h("p", {}, button, " ", status));
}

function configSection(kernel: KernelView): HTMLElement {
  const lines = kernel.config.split("\n").filter((line) => line !== "");
  const filter = h("input", { type: "search", placeholder: "Filter: a symbol or a word (e.g. PRINTK)", "aria-label": "Filter the .config", "data-testid": "kernel-config-filter", spellcheck: "false", autocomplete: "off" });
  const count = h("span", { class: "kernel-config-count", "data-testid": "kernel-config-count", "aria-live": "polite" });
  const text = h("pre", { class: "kernel-config", "data-testid": "kernel-config", tabindex: "0" });
  const show = () => {
    const words = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const shown = words.length ? lines.filter((line) => words.every((word) => line.toLowerCase().includes(word))) : lines;
    text.textContent = shown.join("\n");
    count.textContent = words.length ? `${shown.length} of ${lines.length} lines` : `${lines.length} lines`;
  };
  filter.addEventListener("input", show);
  show();
  return h("section", { class: "kernel-config-section" }, h("h3", {}, `The full .config (${kernel.configPath})`), h("div", { class: "kernel-config-filter" }, filter, count), text);
}
