// A modal panel on the native <dialog> (the look of ui/dialogs.ts): a title, any content and a
// row of actions. Used for the share link, export, import summaries and every error these
// features report, so that a message is seen in the page and not only in the console.
import { h } from "../ui/dom.ts";

export interface PanelAction {
  label: string;
  kind?: "primary" | "danger";
  testId?: string;
  /** Return false to keep the panel open (e.g. while a download is prepared). */
  run(): void | boolean | Promise<void | boolean>;
}

export interface PanelOptions {
  title: string;
  body: Array<Node | string>;
  actions?: PanelAction[];
  /** data-testid of the dialog. */
  testId?: string;
  /** An error: announced to screen readers at once, and styled as one. */
  alert?: boolean;
  /** Label of the button that just closes the panel. */
  closeLabel?: string;
}

export interface OpenPanel {
  readonly dialog: HTMLDialogElement;
  close(): void;
  /** Resolves when the panel is closed, however that happened. */
  readonly closed: Promise<void>;
}

export function openPanel(options: PanelOptions): OpenPanel {
  const dialog = h("dialog", {
    class: `modal panel${options.alert ? " alert" : ""}`,
    "aria-label": options.title,
    role: options.alert ? "alertdialog" : undefined,
    "data-testid": options.testId,
  });
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let done = false;
  const close = () => {
    if (done) return;
    done = true;
    dialog.close();
    dialog.remove();
    resolveClosed();
  };
  const buttons = (options.actions ?? []).map((action) => {
    const button = h("button", { class: `button ${action.kind ?? ""}`, type: "button", "data-testid": action.testId }, action.label);
    button.addEventListener("click", async () => {
      button.disabled = true;
      try {
        if ((await action.run()) !== false) close();
      } finally {
        button.disabled = false;
      }
    });
    return button;
  });
  const closeButton = h("button", { class: "button", type: "button", "data-testid": "panel-close", onclick: () => close() }, options.closeLabel ?? "Close");
  dialog.append(h("h2", {}, options.title), h("div", { class: "panel-body" }, ...options.body), h("div", { class: "choices" }, closeButton, ...buttons));
  dialog.addEventListener("cancel", () => close());
  document.body.append(dialog);
  dialog.showModal();
  (buttons.find((b) => b.classList.contains("primary")) ?? closeButton).focus();
  return { dialog, close, closed };
}

/** An error in words, with the actions that help (export instead, try again, ...). */
export function showError(title: string, message: string, actions: PanelAction[] = []): OpenPanel {
  return openPanel({ title, body: [h("p", { class: "panel-message", "data-testid": "panel-message" }, message)], actions, testId: "error-panel", alert: true });
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : typeof error === "object" && error !== null && "message" in error ? String(error.message) : String(error);
}
