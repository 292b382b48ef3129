// Saves the project as the user types: a short debounce after each change, and at once when
// the page is hidden or closed, so that a crash or reload loses at most the last moment.
import type { Disposable } from "../ui/dom.ts";
import type { ProjectModel } from "../project/model.ts";
import { toStorageError, type ProjectStore, type StorageError } from "./project-store.ts";

const DEBOUNCE_MS = 300;

export interface AutosaveStatus {
  /** undefined when the last save worked. */
  error?: StorageError;
  savedAt?: number;
}

export class Autosave implements Disposable {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private saving: Promise<void> = Promise.resolve();
  private readonly subscriptions: Disposable[] = [];
  private readonly onPageHide = () => void this.flush();
  private readonly onVisibility = () => {
    if (document.visibilityState === "hidden") void this.flush();
  };

  constructor(
    private readonly model: ProjectModel,
    private readonly store: ProjectStore,
    private readonly report: (status: AutosaveStatus) => void,
  ) {
    this.subscriptions.push(model.changes.on(() => this.schedule()));
    window.addEventListener("pagehide", this.onPageHide);
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  schedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.flush(), DEBOUNCE_MS);
  }

  /** Saves now (after any save in progress). */
  flush(): Promise<void> {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const snapshot = this.model.snapshot();
    this.saving = this.saving.then(async () => {
      try {
        await this.store.save(snapshot);
        await this.store.setCurrentId(snapshot.id);
        this.report({ savedAt: Date.now() });
      } catch (error) {
        this.report({ error: toStorageError(error) });
      }
    });
    return this.saving;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    for (const subscription of this.subscriptions) subscription.dispose();
    window.removeEventListener("pagehide", this.onPageHide);
    document.removeEventListener("visibilitychange", this.onVisibility);
  }
}
