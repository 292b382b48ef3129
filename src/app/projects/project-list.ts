// The Projects panel: every saved project with Open, Rename, Duplicate and Delete, and "New
// project" from a template. The toolbar button shows the open project's name.
import "./projects.css";
import { TEMPLATES, findTemplate } from "../../core/templates/index.ts";
import type { Playground } from "../playground.ts";
import { renameProblem } from "../share/project-names.ts";
import { errorMessage, openPanel, showError, type OpenPanel } from "../share/panel.ts";
import { askText, choose } from "../ui/dialogs.ts";
import { h, type Disposable } from "../ui/dom.ts";
import type { ProjectSummary } from "../storage/project-store.ts";
import { ProjectActions } from "./project-actions.ts";

export class ProjectsFeature implements Disposable {
  readonly button: HTMLButtonElement;
  private readonly actions: ProjectActions;
  private panel: OpenPanel | undefined;
  private readonly list = h("ul", { class: "project-list", "data-testid": "project-list" });
  private readonly subscription: Disposable;

  constructor(private readonly playground: Playground) {
    this.actions = new ProjectActions(playground);
    this.button = h("button", { class: "button project-button", type: "button", "data-testid": "projects", onclick: () => void this.show() });
    this.updateButton();
    this.subscription = playground.model.changes.on((change) => {
      if (change.kind === "replaced") this.updateButton();
    });
  }

  private updateButton(): void {
    const name = this.playground.model.name || "Projects";
    this.button.replaceChildren(h("span", { class: "project-icon", "aria-hidden": "true" }, "▤"), h("span", { class: "project-name" }, name));
    this.button.title = `Projects: "${name}" is open. Open, rename, duplicate or delete your projects.`;
  }

  async show(): Promise<void> {
    const templateSelect = h("select", { "aria-label": "Template for the new project", "data-testid": "new-project-template" }, ...TEMPLATES.map((t) => h("option", { value: t.id }, t.title)));
    templateSelect.value = this.playground.model.templateId;
    this.panel = openPanel({
      title: "Projects",
      testId: "projects-panel",
      body: [
        h("p", { class: "panel-note" }, this.playground.store.persistent ? "Saved in this browser (IndexedDB). Nothing leaves your machine unless you share or export it." : this.playground.store.problem ?? "Storage is off: projects are kept only while this page is open."),
        this.list,
        h(
          "div",
          { class: "new-project" },
          h("span", {}, "New project from"),
          templateSelect,
          h("button", { class: "button", type: "button", "data-testid": "new-project", onclick: () => void this.run(async () => (await this.actions.create(templateSelect.value), this.panel?.close())) }, "Create"),
        ),
      ],
    });
    void this.panel.closed.then(() => (this.panel = undefined));
    await this.render();
  }

  private async render(): Promise<void> {
    let projects: ProjectSummary[];
    try {
      projects = await this.actions.list();
    } catch (error) {
      this.list.replaceChildren(h("li", { class: "error" }, errorMessage(error)));
      return;
    }
    this.list.replaceChildren(...projects.map((project) => this.row(project)));
  }

  private row(project: ProjectSummary): HTMLElement {
    const current = project.id === this.actions.currentId;
    const template = findTemplate(project.templateId)?.title ?? project.templateId;
    const button = (label: string, testId: string, action: () => Promise<unknown>, kind = "") =>
      h("button", { class: `button small ${kind}`, type: "button", "data-testid": testId, "aria-label": `${label} ${project.name}`, onclick: () => void this.run(action) }, label);
    return h(
      "li",
      { class: `project-row${current ? " current" : ""}`, "data-project-id": project.id, "data-testid": "project-row" },
      h(
        "div",
        { class: "project-info" },
        h("span", { class: "name", "data-testid": "project-name" }, project.name),
        current ? h("span", { class: "badge" }, "open") : "",
        h("span", { class: "meta" }, `${template} · ${project.fileCount} file${project.fileCount === 1 ? "" : "s"} · ${ago(project.updatedAt)}`),
      ),
      h(
        "div",
        { class: "project-actions" },
        current ? "" : button("Open", "project-open", async () => (await this.actions.open(project.id), this.panel?.close())),
        button("Rename", "project-rename", () => this.rename(project)),
        button("Duplicate", "project-duplicate", () => this.actions.duplicate(project.id)),
        button("Delete", "project-delete", () => this.remove(project), "danger"),
      ),
    );
  }

  private async rename(project: ProjectSummary): Promise<void> {
    const name = await askText(`Rename "${project.name}"`, "New name", project.name, renameProblem, "Rename");
    if (name !== undefined) await this.actions.rename(project.id, name);
  }

  private async remove(project: ProjectSummary): Promise<void> {
    const current = project.id === this.actions.currentId;
    const choice = await choose(
      `Delete "${project.name}"?`,
      `Its files are deleted from this browser for good.${current ? " Another project opens in its place." : ""} Export or share it first if you want to keep a copy.`,
      [{ value: "delete", label: "Delete", kind: "danger" }] as const,
    );
    if (choice === "delete") await this.actions.remove(project.id);
  }

  /** Runs an action, shows its failure in the page, and refreshes the list. */
  private async run(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      showError("That did not work", errorMessage(error));
    }
    if (this.panel) await this.render();
  }

  dispose(): void {
    this.subscription.dispose();
    this.panel?.close();
    this.button.remove();
  }
}

function ago(time: number): string {
  const seconds = Math.max(0, (Date.now() - time) / 1000);
  if (seconds < 60) return "edited just now";
  if (seconds < 3600) return `edited ${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400) return `edited ${Math.round(seconds / 3600)} h ago`;
  return `edited ${new Date(time).toLocaleDateString()}`;
}
