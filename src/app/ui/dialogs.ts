// Small modal dialogs on the native <dialog> element: a choice between buttons, and a text prompt
// that validates as you type. Both resolve to undefined when dismissed (Escape or Cancel).
import { h } from "./dom.ts";

export interface Choice<T extends string> {
  value: T;
  label: string;
  kind?: "primary" | "danger";
}

export function choose<T extends string>(title: string, message: string, choices: readonly Choice<T>[]): Promise<T | undefined> {
  return new Promise((resolve) => {
    const dialog = h("dialog", { class: "modal", "aria-label": title });
    const buttons = choices.map((choice) =>
      h(
        "button",
        {
          class: `button ${choice.kind ?? ""}`,
          type: "button",
          "data-choice": choice.value,
          onclick: () => finish(choice.value),
        },
        choice.label,
      ),
    );
    const cancel = h("button", { class: "button", type: "button", "data-choice": "cancel", onclick: () => finish(undefined) }, "Cancel");
    dialog.append(h("h2", {}, title), h("p", {}, message), h("div", { class: "choices" }, cancel, ...buttons));
    let done = false;
    const finish = (value: T | undefined) => {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    dialog.addEventListener("cancel", () => finish(undefined));
    document.body.append(dialog);
    dialog.showModal();
    (buttons.find((b) => b.classList.contains("primary")) ?? cancel).focus();
  });
}

/**
 * Asks for a line of text. `validate` returns an error message or undefined; the dialog stays
 * open until the text is valid or the user cancels.
 */
export function askText(
  title: string,
  label: string,
  initial: string,
  validate: (text: string) => string | undefined,
  confirmLabel = "OK",
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const input = h("input", { type: "text", value: initial, "aria-label": label, spellcheck: "false", autocomplete: "off" });
    const error = h("p", { class: "error", role: "alert" });
    const ok = h("button", { class: "button primary", type: "submit" }, confirmLabel);
    const cancel = h("button", { class: "button", type: "button", onclick: () => finish(undefined) }, "Cancel");
    const form = h("form", { method: "dialog" }, h("label", {}, h("p", {}, label), input), error, h("div", { class: "choices" }, cancel, ok));
    const dialog = h("dialog", { class: "modal", "aria-label": title }, h("h2", {}, title), form);
    let done = false;
    const finish = (value: string | undefined) => {
      if (done) return;
      done = true;
      dialog.close();
      dialog.remove();
      resolve(value);
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const problem = validate(input.value);
      if (problem) {
        error.textContent = problem;
        input.focus();
        return;
      }
      finish(input.value);
    });
    input.addEventListener("input", () => (error.textContent = ""));
    dialog.addEventListener("cancel", () => finish(undefined));
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
    input.setSelectionRange(input.value.length, input.value.length);
  });
}
