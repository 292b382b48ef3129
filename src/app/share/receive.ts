// Opening a share link: at start-up (the page was opened with "#share/1/...") and when a link is
// pasted into the address bar of a page that is already open. The link's files always become a
// new project; a link that cannot be read changes nothing and says why.
import { decodeShareFragment, isShareFragment, ShareLinkError, type SharedProject } from "../../core/share/index.ts";
import { findTemplate } from "../../core/templates/index.ts";
import { ProjectStore } from "../storage/project-store.ts";
import { projectFromShared, type ReceivedProject } from "./share-project.ts";

export type LinkReading = { kind: "none" } | { kind: "project"; shared: SharedProject } | { kind: "error"; error: ShareLinkError };

/** What the location's fragment holds. Any fragment that is not a share link is left alone. */
export function readShareLink(hash: string): LinkReading {
  if (!isShareFragment(hash)) return { kind: "none" };
  try {
    return { kind: "project", shared: decodeShareFragment(hash) };
  } catch (error) {
    if (error instanceof ShareLinkError) return { kind: "error", error };
    // The codec only throws ShareLinkError for bad input; anything else is a bug worth seeing.
    throw error;
  }
}

/** The new project a link becomes, named so that it does not clash with the saved ones. */
export async function receiveShared(shared: SharedProject, store: ProjectStore, loadArtifact: (path: string) => Promise<Uint8Array>): Promise<ReceivedProject> {
  const existingNames = await store.list().then(
    (list) => list.map((p) => p.name),
    () => [],
  );
  return projectFromShared(shared, findTemplate(shared.template), loadArtifact, { id: ProjectStore.newId(), existingNames });
}

/** A prebuilt artifact, fetched before the playground (and its worker) is up. */
export async function fetchArtifact(path: string): Promise<Uint8Array> {
  const url = new URL(`prebuilt/${path}`, document.baseURI);
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url.pathname}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The address without its fragment, so that a reload opens the saved project, not the link again. */
export function dropFragment(): void {
  history.replaceState(history.state, "", location.href.replace(/#.*$/, ""));
}
