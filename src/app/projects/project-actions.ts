// What the project list does, without the DOM: open, rename, duplicate, delete and create
// projects in the page's ProjectStore. The open project lives in the model (and reaches the store
// through autosave), so each action takes the model's copy for it and the store's for the others.
import { defaultTemplate, requireTemplate } from "../../core/templates/index.ts";
import type { Playground } from "../playground.ts";
import { projectFromTemplate } from "../project/from-template.ts";
import type { ProjectState } from "../project/model.ts";
import { copyName, renameProblem, uniqueName } from "../share/project-names.ts";
import { ProjectStore, type ProjectSummary } from "../storage/project-store.ts";

export class ProjectActionError extends Error {
  constructor(
    readonly code: "not-found" | "bad-name",
    message: string,
  ) {
    super(message);
    this.name = "ProjectActionError";
  }
}

type Host = Pick<Playground, "model" | "store" | "openProject" | "reboot" | "artifact">;

export class ProjectActions {
  constructor(private readonly playground: Host) {}

  get currentId(): string {
    return this.playground.model.id;
  }

  /** Every saved project, newest first; the open one with its live name and time. */
  async list(): Promise<ProjectSummary[]> {
    const model = this.playground.model;
    const saved = await this.playground.store.list();
    const current = model.snapshot();
    const live: ProjectSummary = { id: current.id, name: current.name, templateId: current.templateId, fileCount: current.files.length, updatedAt: current.updatedAt, createdAt: current.createdAt };
    return [live, ...saved.filter((p) => p.id !== current.id)].sort((a, b) => b.updatedAt - a.updatedAt);
  }

  async open(id: string): Promise<void> {
    if (id === this.currentId) return;
    const state = await this.load(id);
    await this.playground.openProject(state);
    void this.playground.reboot().catch(() => undefined);
  }

  async rename(id: string, name: string): Promise<void> {
    const problem = renameProblem(name);
    if (problem) throw new ProjectActionError("bad-name", problem);
    if (id === this.currentId) {
      this.playground.model.setName(name.trim());
      return;
    }
    const state = await this.load(id);
    await this.playground.store.save({ ...state, name: name.trim(), updatedAt: Date.now() });
  }

  /** Saves a copy next to the original ("Lesson (copy)") and returns it; the open project stays open. */
  async duplicate(id: string): Promise<ProjectState> {
    const source = id === this.currentId ? this.playground.model.snapshot() : await this.load(id);
    const names = (await this.list()).map((p) => p.name);
    const now = Date.now();
    const copy: ProjectState = { ...structuredClone(source), id: ProjectStore.newId(), name: copyName(source.name, names), createdAt: now, updatedAt: now };
    await this.playground.store.save(copy);
    return copy;
  }

  /**
   * Deletes a project. Deleting the open one first opens the next most recent project (or a new
   * one from the default template), so the page always has a project to show.
   */
  async remove(id: string): Promise<void> {
    if (id === this.currentId) {
      const next = (await this.list()).find((p) => p.id !== id);
      const state = next ? await this.load(next.id) : await this.fromTemplate(defaultTemplate().id);
      await this.playground.openProject(state);
      void this.playground.reboot().catch(() => undefined);
    }
    await this.playground.store.remove(id);
  }

  /** A new project from a template, opened and booted. */
  async create(templateId: string): Promise<void> {
    await this.playground.openProject(await this.fromTemplate(templateId));
    void this.playground.reboot().catch(() => undefined);
  }

  private async fromTemplate(templateId: string): Promise<ProjectState> {
    const template = requireTemplate(templateId);
    const names = (await this.list()).map((p) => p.name);
    return projectFromTemplate(template, (path) => this.playground.artifact(path), { id: ProjectStore.newId(), name: uniqueName(template.title, names) });
  }

  private async load(id: string): Promise<ProjectState> {
    const state = await this.playground.store.load(id);
    if (!state) throw new ProjectActionError("not-found", "This project is no longer saved (was it deleted in another tab?). The list has been refreshed.");
    return state;
  }
}
