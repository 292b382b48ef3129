// The open project in the address, as the TypeScript Playground keeps its code there: the page's
// URL is `?project=<id>#share/1/...`, the project's id and its files as a share link's fragment,
// kept up to date as the project changes (history.replaceState: no new history entries, no
// hashchange). Saved work is never overwritten:
//
// - a reload (or the same address later, in this browser) opens the saved project with that id
//   when its files are still what the address says;
// - otherwise (another browser, or the saved project changed since) the address's files open as
//   a new project, as a share link does;
// - a project a link cannot carry (binary files, too long) keeps only `?project=<id>`.
import type { ProjectState } from "../project/model.ts";
import { ProjectModel } from "../project/model.ts";
import type { Playground } from "../playground.ts";
import type { ProjectStore } from "../storage/project-store.ts";
import type { Disposable } from "../ui/dom.ts";
import { makeShareLink } from "./share-link.ts";

export const PROJECT_PARAMETER = "project";
const MIRROR_DELAY_MS = 300;

/** The fragment of `state`'s share link, or undefined when a link cannot carry it. */
export async function fragmentOf(state: ProjectState, artifact: (path: string) => Promise<Uint8Array>): Promise<string | undefined> {
  try {
    return new URL((await makeShareLink({ model: new ProjectModel(state), artifact })).url).hash;
  } catch {
    return undefined;
  }
}

/**
 * The saved project an address names: its id in `?project=`, when this browser has it. Its
 * saved files win over the fragment's: the address follows the project a moment later (its
 * fragment is written after a pause in the edits), so a reload right after an edit finds the
 * fragment one edit behind, and opening that as a copy would hide the newest work. An address
 * from another browser (no such id here) opens its fragment as a new project instead.
 */
export async function savedProjectOf(url: URL, store: ProjectStore): Promise<ProjectState | undefined> {
  const id = url.searchParams.get(PROJECT_PARAMETER);
  if (!id) return undefined;
  return store.load(id).catch(() => undefined);
}

/** Keeps the address showing the open project; dispose() stops. */
export function mirrorProjectInUrl(playground: Pick<Playground, "model" | "artifact">): Disposable {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  const update = async () => {
    const mine = ++generation;
    const state = playground.model.snapshot();
    const fragment = await fragmentOf(state, (path) => playground.artifact(path));
    if (mine !== generation) return;
    const url = new URL(location.href);
    url.searchParams.set(PROJECT_PARAMETER, state.id);
    url.hash = fragment ?? "";
    const next = fragment ? url.href : url.href.replace(/#.*$/, "");
    if (next !== location.href) history.replaceState(history.state, "", next);
    document.documentElement.dataset.urlState = fragment ? "project" : "id-only";
  };
  const schedule = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = setTimeout(() => void update(), MIRROR_DELAY_MS);
  };
  const subscription = playground.model.changes.on((change) => {
    if (change.kind === "replaced") {
      // Another project is open (opened, or the open one deleted): its id goes into the address
      // at once, without the old fragment, so that a reload right now opens it and not a copy of
      // the one before; the fragment follows.
      const url = new URL(location.href);
      url.searchParams.set(PROJECT_PARAMETER, playground.model.id);
      history.replaceState(history.state, "", url.href.replace(/#.*$/, ""));
    }
    schedule();
  });
  schedule();
  return {
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      subscription.dispose();
    },
  };
}
