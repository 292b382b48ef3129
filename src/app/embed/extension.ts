// Embed mode (embed.html, or any page URL with ?embed=1): minimal chrome, the configuration from
// the iframe's URL (config.ts), its own storage namespace, and the postMessage API (host.ts)
// with the calls of window.bootlab for the embedding page.
import "./embed.css";
import type { Playground, PlaygroundOptions } from "../playground.ts";
import { errorMessage, openPanel, showError } from "../share/panel.ts";
import { fetchArtifact } from "../share/receive.ts";
import { makeShareLink } from "../share/share-link.ts";
import { ProjectStore } from "../storage/project-store.ts";
import { choose } from "../ui/dialogs.ts";
import { h } from "../ui/dom.ts";
import { DEFAULT_EMBED_CONFIG, EmbedConfigError, isEmbedUrl, parseEmbedConfig, type EmbedConfig } from "./config.ts";
import { embedNamespace, projectFromEmbedConfig } from "./embed-project.ts";
import { EmbedHost } from "./host.ts";
import { takeEarlyRequests } from "./inbox.ts";

let config: EmbedConfig = DEFAULT_EMBED_CONFIG;
let configError: EmbedConfigError | undefined;
let startWarnings: string[] = [];
/** What the embed URL asked for that was ignored (unknown or repeated parameters). */
let urlWarnings: string[] = [];

export function options(url: URL): Partial<PlaygroundOptions> | undefined {
  if (!isEmbedUrl(url.href)) return undefined;
  try {
    const parsed = parseEmbedConfig(url.href);
    config = parsed.config;
    urlWarnings = parsed.warnings;
    for (const warning of parsed.warnings) console.warn(`bootlab embed: ${warning}`);
  } catch (error) {
    if (!(error instanceof EmbedConfigError)) throw error;
    // The author sees every problem in the page; the reader still gets a working playground.
    configError = error;
    config = DEFAULT_EMBED_CONFIG;
  }
  return {
    storageNamespace: embedNamespace(config),
    chrome: "minimal",
    readOnly: config.readOnly,
    autoboot: config.boot === "auto",
    theme: config.theme,
    initialProject: async (store) => {
      // A reader's edits of this lesson survive a reload; a read-only lesson always starts as written.
      if (!config.readOnly) {
        const saved = await store.currentId().then((id) => (id ? store.load(id) : undefined)).catch(() => undefined);
        if (saved) return undefined;
      }
      const project = await projectFromEmbedConfig(config, fetchArtifact, ProjectStore.newId());
      startWarnings = project.warnings;
      return project.state;
    },
  };
}

export function install(playground: Playground): void {
  if (!isEmbedUrl(location.href)) return;
  document.documentElement.classList.add("embed");
  if (config.readOnly) document.documentElement.classList.add("embed-readonly");
  if (configError) showError("This embedded playground is misconfigured", configError.message);
  else if (startWarnings.length) showError("Embedded playground", startWarnings.join(" "));

  const cmdline = playground.toolbarSlot.closest(".toolbar")?.querySelector<HTMLInputElement>("[data-testid=cmdline]");
  if (config.readOnly && cmdline) cmdline.readOnly = true;
  addToolbar(playground);
  addBootOverlay(playground);

  if (window.parent !== window) {
    // "Read-only" is about the reader: the embedding page's own calls still change files (a
    // lesson can write the next step into /init).
    const host = new EmbedHost(playground.apiFor({ readOnly: false, argumentCode: "bad-args" }), {
      window,
      parent: window.parent,
      policy: { allowed: config.allowedOrigins },
      early: takeEarlyRequests(),
    });
    playground.boot.status.on((status) => host.emit("status", { phase: status.phase, message: status.message }));
    // After the other extensions have installed (shareLink and exportBundle), in a later task.
    setTimeout(() => host.announceReady(), 0);
  }
}

function addToolbar(playground: Playground): void {
  const buttons: HTMLElement[] = [];
  if (config.readOnly) buttons.push(h("span", { class: "embed-readonly-badge", title: "This lesson cannot be edited here; open it in bootlab to change it" }, "read-only"));
  else {
    buttons.push(
      h("button", {
        class: "button",
        type: "button",
        "data-testid": "embed-reset",
        title: "Put the lesson's files back as they were",
        onclick: async () => {
          const choice = await choose("Reset this lesson?", "Your changes to these files are discarded and the lesson's files come back.", [{ value: "reset", label: "Reset", kind: "danger" }] as const);
          if (choice !== "reset") return;
          try {
            const project = await projectFromEmbedConfig(config, (path) => playground.artifact(path), playground.model.id);
            await playground.openProject(project.state);
            void playground.reboot().catch(() => undefined);
          } catch (error) {
            showError("Reset failed", errorMessage(error));
          }
        },
      }, "Reset"),
    );
  }
  buttons.push(settingsButton());
  buttons.push(
    h("button", {
      class: "button",
      type: "button",
      "data-testid": "embed-open",
      title: "Open these files in the full playground, as a new project of your own",
      onclick: async () => {
        try {
          const link = await makeShareLink(playground);
          window.open(link.url, "_blank", "noopener");
        } catch (error) {
          showError("Cannot open in bootlab", errorMessage(error));
        }
      },
    }, "Open in bootlab ↗"),
  );
  playground.toolbarSlot.append(...buttons);
}

/** Click-to-boot: a Boot button over the terminal until the first boot starts. */
function addBootOverlay(playground: Playground): void {
  if (playground.options.autoboot) return;
  const host = document.querySelector<HTMLElement>(".pane-terminal .pane-body");
  if (!host) return;
  const overlay = h(
    "div",
    { class: "boot-overlay", "data-testid": "boot-overlay" },
    h("button", { class: "button primary", type: "button", onclick: () => void playground.reboot().catch(() => undefined) }, "▶ Boot"),
    h("span", {}, "Boots a tiny Linux system in your browser"),
  );
  host.append(overlay);
  const subscription = playground.boot.status.on((status) => {
    if (status.phase !== "idle") {
      overlay.remove();
      subscription.dispose();
    }
  });
}

/**
 * The settings the embed URL gave, and what it asked for that was ignored: an author who wrote
 * `readOnly=1` sees here that nothing is read-only, and why, without opening the console. The
 * button is marked while anything was ignored.
 */
function settingsButton(): HTMLElement {
  const ignored = urlWarnings.length;
  const button = h(
    "button",
    {
      class: `button icon embed-settings${ignored ? " warn" : ""}`,
      type: "button",
      "data-testid": "embed-settings",
      "aria-label": ignored ? `Settings: ${ignored} URL parameter${ignored === 1 ? " was" : "s were"} ignored` : "Settings",
      title: ignored ? `Settings (${ignored} URL parameter${ignored === 1 ? " was" : "s were"} ignored)` : "Settings of this embedded playground",
      onclick: () => showSettings(),
    },
    "⚙",
    ignored ? h("span", { class: "embed-settings-count", "aria-hidden": "true" }, String(ignored)) : "",
  );
  return button;
}

function showSettings(): void {
  const row = (name: string, value: string) => h("tr", {}, h("th", { scope: "row" }, name), h("td", {}, value));
  const table = h(
    "table",
    { class: "embed-settings-table", "data-testid": "embed-settings-table" },
    row("template", config.template ?? "the default"),
    row("cmdline", config.cmdline ?? "the template's"),
    row("readonly", config.readOnly ? "yes: the reader cannot edit" : "no"),
    row("boot", config.boot === "auto" ? "auto: on load" : "click: when the reader presses Boot"),
    row("theme", config.theme),
    row("origin", config.allowedOrigins.length ? config.allowedOrigins.join(", ") : "any page that embeds it"),
  );
  const body: Array<Node | string> = [h("p", {}, "Set by the parameters of this frame's URL (see the embedding docs):"), table];
  if (configError) body.push(h("p", { class: "panel-message" }, configError.message));
  if (urlWarnings.length) {
    body.push(
      h("h3", {}, "Ignored in the URL"),
      h("ul", { class: "embed-settings-warnings", "data-testid": "embed-warnings" }, ...urlWarnings.map((warning) => h("li", {}, warning))),
    );
  }
  openPanel({ title: "This embedded playground", body, testId: "embed-settings-panel" });
}
