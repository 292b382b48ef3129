// The share, export, import and projects features of the full playground page (found by
// app.ts through import.meta.glob). In embed mode only the API calls are provided here
// (shareLink, exportBundle); the embed extension does the rest.
import "./share.css";
import { withCode } from "../automation/bootlab-api.ts";
import { isEmbedUrl } from "../embed/config.ts";
import type { Playground, PlaygroundExtension, PlaygroundOptions } from "../playground.ts";
import { ProjectsFeature } from "../projects/project-list.ts";
import { h } from "../ui/dom.ts";
import { download, Exporter, type ExportedFile } from "./exporter.ts";
import { ImportFeature } from "./import-ui.ts";
import { errorMessage, openPanel, showError } from "./panel.ts";
import { dropFragment, fetchArtifact, readShareLink, receiveShared, type LinkReading } from "./receive.ts";
import { makeShareLink, showSharePanel } from "./share-link.ts";
import type { ReceivedProject } from "./share-project.ts";
import { mirrorProjectInUrl, PROJECT_PARAMETER, savedProjectOf } from "./url-state.ts";

/** What the start-up link did, for install() to report in the page. */
let startupLink: LinkReading = { kind: "none" };
let startupReceived: ReceivedProject | undefined;

export function options(url: URL): Partial<PlaygroundOptions> | undefined {
  if (isEmbedUrl(url.href)) return undefined;
  startupLink = readShareLink(url.hash);
  const named = url.searchParams.has(PROJECT_PARAMETER);
  if (startupLink.kind === "error" || (startupLink.kind === "none" && !named)) return undefined;
  const link = startupLink;
  return {
    initialProject: async (store) => {
      // The address of an open project (url-state.ts): the saved project, when this browser has it.
      const saved = await savedProjectOf(url, store);
      if (saved) {
        startupLink = { kind: "none" };
        return saved;
      }
      if (link.kind !== "project") return undefined;
      // A link, or an address whose project is not in this browser: a new project.
      startupReceived = await receiveShared(link.shared, store, fetchArtifact);
      return startupReceived.state;
    },
  };
}

export function install(playground: Playground): void {
  // Registered first and synchronously, so that no API call can arrive before it.
  const exporter = new Exporter(playground);
  playground.registerApiExtension({
    shareLink: () => withCode("share-failed", async () => (await makeShareLink(playground)).url),
    exportBundle: () => withCode("export-failed", async () => (await exporter.bundle()).blob),
  });
  if (isEmbedUrl(location.href)) return;

  const projects = new ProjectsFeature(playground);
  const importer = new ImportFeature(playground);
  const exportBundle = () => runExport(playground, () => exporter.bundle());
  const shareButton = h("button", { class: "button", type: "button", "data-testid": "share", title: "A link that opens your files as a new project", onclick: () => void showSharePanel(playground, exportBundle) }, "Share");
  const exportButton = h("button", { class: "button", type: "button", "data-testid": "export", title: "Download a bundle for QEMU, or the initramfs", onclick: () => showExportPanel(playground, exporter) }, "Export");
  playground.toolbarSlot.append(projects.button, shareButton, exportButton, importer.button);

  reportStartupLink(playground);
  // From now on the address shows the open project (a reload opens it, not a copy).
  mirrorProjectInUrl(playground);
  // A link pasted into the address bar of the open page only changes the fragment.
  window.addEventListener("hashchange", () => void openLinkInPage(playground));
}

function reportStartupLink(playground: Playground): void {
  if (startupLink.kind === "error") {
    showError("Cannot open this link", startupLink.error.message);
    return;
  }
  if (startupLink.kind !== "project") return;
  if (startupReceived && playground.model.id === startupReceived.state.id) {
    playground.notify(`Opened the link as the new project "${playground.model.name}". Your own projects are unchanged.`);
    if (startupReceived.warnings.length) showError("Opened, with a warning", startupReceived.warnings.join(" "));
  }
}

async function openLinkInPage(playground: Playground): Promise<void> {
  const reading = readShareLink(location.hash);
  if (reading.kind === "none") return;
  if (reading.kind === "error") {
    showError("Cannot open this link", reading.error.message);
    return;
  }
  // At once, so that a reload meanwhile does not open the link a second time.
  dropFragment();
  try {
    const received = await receiveShared(reading.shared, playground.store, (path) => playground.artifact(path));
    await playground.openProject(received.state);
    playground.notify(`Opened the link as the new project "${received.state.name}". Your own projects are unchanged.`);
    if (received.warnings.length) showError("Opened, with a warning", received.warnings.join(" "));
    void playground.reboot().catch(() => undefined);
  } catch (error) {
    showError("Cannot open this link", errorMessage(error));
  }
}

async function runExport(playground: Playground, make: () => Promise<ExportedFile>): Promise<void> {
  playground.notify("Building the download…");
  try {
    const file = await make();
    download(file);
    playground.notify(`Downloaded ${file.name} (${(file.blob.size / 1048576).toFixed(1)} MiB).`);
  } catch (error) {
    showError("Export failed", errorMessage(error));
  }
}

function showExportPanel(playground: Playground, exporter: Exporter): void {
  openPanel({
    title: "Export",
    testId: "export-panel",
    body: [
      h(
        "div",
        { class: "export-choice" },
        h("strong", {}, "Bundle (.zip)"),
        h(
          "span",
          {},
          "The kernel, your files laid over BusyBox as initramfs.cpio.gz, a run-qemu.sh with the exact QEMU command, your source files and a README. Boot it with ",
          h("code", {}, "npx bootlab boot --bundle FILE.zip"),
          " or unzip it and run ",
          h("code", {}, "./run-qemu.sh"),
          ".",
        ),
      ),
      h("div", { class: "export-choice" }, h("strong", {}, "Initramfs (.cpio.gz)"), h("span", {}, "Just the root filesystem the kernel unpacks, for your own kernel or QEMU command.")),
    ],
    actions: [
      { label: "Download initramfs", testId: "export-initramfs", run: () => runExport(playground, () => exporter.initramfs()) },
      { label: "Download bundle (.zip)", kind: "primary", testId: "export-bundle", run: () => runExport(playground, () => exporter.bundle()) },
    ],
  });
}
