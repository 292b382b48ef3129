// Making a share link for the open project, and the Share panel: the link to copy and, for
// tutorial authors, the <iframe> snippet that embeds this project.
import { buildShareUrl, ShareLinkError, type ShareUrl } from "../../core/share/index.ts";
import { findTemplate, isPrebuiltFile } from "../../core/templates/index.ts";
import { embedSnippet, embedUrl, type BootMode, type Theme } from "../embed/config.ts";
import type { Playground } from "../playground.ts";
import { h } from "../ui/dom.ts";
import { errorMessage, openPanel, showError } from "./panel.ts";
import { shareInputOf } from "./share-project.ts";
import { fileKey } from "../project/file-key.ts";

/** The page a link opens: the full playground next to this page (also from embed.html). */
export function playgroundUrl(): string {
  return new URL("./", location.href).href;
}

/** The share link of the project as it is now. Throws ShareLinkError (too-long, binary-file). */
export async function makeShareLink(playground: Pick<Playground, "model" | "artifact">): Promise<ShareUrl> {
  const snapshot = playground.model.snapshot();
  const template = findTemplate(snapshot.templateId);
  // A template's prebuilt binary goes by reference only if the project still has it unchanged.
  const templateBytes = new Map<string, Uint8Array>();
  for (const file of template?.files ?? []) {
    if (isPrebuiltFile(file) && snapshot.files.some((f) => f.path === file.path && f.data)) {
      templateBytes.set(file.path, await playground.artifact(file.artifact));
    }
  }
  // A disk's prebuilt file (disk-root's /init) by its key, "root:/init".
  for (const disk of template?.disks ?? []) {
    const files = snapshot.disks?.find((d) => d.name === disk.name)?.files ?? [];
    for (const file of disk.files) {
      if (isPrebuiltFile(file) && files.some((f) => f.path === file.path && f.data)) {
        templateBytes.set(fileKey({ disk: disk.name, path: file.path }), await playground.artifact(file.artifact));
      }
    }
  }
  return buildShareUrl(playgroundUrl(), shareInputOf(snapshot, template, templateBytes));
}

/** Copies text; falls back to selecting it when the clipboard is not allowed. */
async function copyText(text: string, input: HTMLInputElement | HTMLTextAreaElement): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    input.focus();
    input.select();
    return document.execCommand("copy");
  }
}

function copyRow(value: string, testId: string, multiline = false): { row: HTMLElement; field: HTMLInputElement | HTMLTextAreaElement } {
  const field = multiline
    ? h("textarea", { readonly: true, rows: 4, spellcheck: "false", "data-testid": testId })
    : h("input", { type: "text", readonly: true, spellcheck: "false", "data-testid": testId });
  field.value = value;
  field.addEventListener("focus", () => field.select());
  const copied = h("span", { class: "copied", role: "status" });
  const button = h("button", { class: "button", type: "button" }, "Copy");
  button.addEventListener("click", async () => {
    copied.textContent = (await copyText(field.value, field)) ? "Copied" : "Select and copy it yourself";
  });
  return { row: h("div", { class: "copy-row" }, field, button, copied), field };
}

/**
 * Opens the Share panel, or an error panel that offers an export when the project cannot travel
 * in a link (too long, binary files).
 */
export async function showSharePanel(playground: Pick<Playground, "model" | "artifact">, exportBundle: () => Promise<void>): Promise<void> {
  let share: ShareUrl;
  try {
    share = await makeShareLink(playground);
  } catch (error) {
    const canExport = error instanceof ShareLinkError && (error.code === "too-long" || error.code === "binary-file");
    showError(
      error instanceof ShareLinkError && error.code === "too-long" ? "Too long for a link" : "Cannot make a link",
      errorMessage(error),
      canExport ? [{ label: "Export bundle (.zip)", kind: "primary", testId: "share-export-instead", run: exportBundle }] : [],
    );
    return;
  }
  const link = copyRow(share.url, "share-url");
  const fragment = share.url.slice(share.url.indexOf("#") + 1);
  const embedOptions = { readOnly: false, boot: "click" as BootMode, theme: "auto" as Theme };
  const snippetText = () => embedSnippet(embedUrl(new URL("embed.html", playgroundUrl()).href, { template: playground.model.templateId, ...embedOptions }, fragment), `bootlab: ${playground.model.name}`);
  const snippet = copyRow(snippetText(), "embed-snippet", true);
  const refresh = () => (snippet.field.value = snippetText());
  const readOnly = h("input", { type: "checkbox", onchange: () => ((embedOptions.readOnly = readOnly.checked), refresh()) });
  const autoboot = h("input", { type: "checkbox", onchange: () => ((embedOptions.boot = autoboot.checked ? "auto" : "click"), refresh()) });
  const theme = h("select", { onchange: () => ((embedOptions.theme = theme.value as Theme), refresh()) }, h("option", { value: "auto" }, "theme: auto"), h("option", { value: "light" }, "light"), h("option", { value: "dark" }, "dark"));
  openPanel({
    title: "Share this project",
    testId: "share-panel",
    body: [
      h("p", {}, `Anyone who opens this link gets your files, command line and template as a new project of their own. The link holds everything (${share.url.length} characters); nothing is uploaded.`),
      link.row,
      share.omitted.length ? h("p", { class: "panel-note" }, `Left out (binary): ${share.omitted.join(", ")}`) : "",
      h("h3", {}, "Embed in a tutorial"),
      h("div", { class: "embed-options" }, h("label", {}, readOnly, " read-only"), h("label", {}, autoboot, " boot on load"), theme),
      snippet.row,
      h("p", { class: "panel-note" }, "Paste the snippet into your page. ", h("a", { href: new URL("docs/embed.html", playgroundUrl()).href, target: "_blank", rel: "noopener" }, "How embedding works"), "."),
    ],
  });
  link.field.focus();
}
