// Between the page's project and a share link: which files a link carries (text files and
// folders, and prebuilt template files by reference), and the new project a received link
// becomes. A received link never replaces the user's work: it is always a new project.
import type { SharedFile, SharedProject, ShareInput, ShareInputFile } from "../../core/share/index.ts";
import { isPrebuiltFile, type Template } from "../../core/templates/index.ts";
import type { OverlayFile, ProjectState } from "../project/model.ts";
import { uniqueName } from "./project-names.ts";

/**
 * The share input for a project. A binary file that the template provides unchanged (the static
 * "hello" init) goes by reference; any other binary file stays binary, and the codec refuses it
 * (or leaves it out) with a message. Pass `templateBytes` (path -> the template's bytes) to
 * compare contents; without it a binary file at a prebuilt path is assumed unchanged (the editor
 * cannot change binary files, only replace them).
 */
export function shareInputOf(
  project: Pick<ProjectState, "files" | "cmdline" | "templateId">,
  template: Template | undefined,
  templateBytes?: ReadonlyMap<string, Uint8Array>,
): ShareInput {
  const prebuilt = new Set(template?.files.filter(isPrebuiltFile).map((f) => f.path) ?? []);
  const files = project.files.map((file): ShareInputFile => {
    if (file.kind === "directory") return { kind: "directory", path: file.path, mode: file.mode };
    if (file.text !== undefined) return { path: file.path, mode: file.mode, text: file.text };
    const data = file.data ?? new Uint8Array(0);
    const original = templateBytes?.get(file.path);
    if (prebuilt.has(file.path) && (templateBytes === undefined || (original !== undefined && sameBytes(original, data)))) {
      return { kind: "template-file", path: file.path, mode: file.mode };
    }
    return { path: file.path, mode: file.mode, data };
  });
  return { files, cmdline: project.cmdline, template: project.templateId };
}

export interface ReceivedProject {
  state: ProjectState;
  /** Things the reader should know: a missing template, a file the template no longer has. */
  warnings: string[];
}

/**
 * The new project a share link becomes. `template` is the link's template (undefined when this
 * page does not know it: the files still load, over the default base); `loadArtifact` fetches a
 * prebuilt file the link refers to.
 */
export async function projectFromShared(
  shared: SharedProject,
  template: Template | undefined,
  loadArtifact: (artifactPath: string) => Promise<Uint8Array>,
  identity: { id: string; existingNames: Iterable<string>; now?: number },
): Promise<ReceivedProject> {
  const warnings: string[] = [];
  if (!template) warnings.push(`This link was made with the template "${shared.template}", which this page does not have; its files are loaded over the default system.`);
  const files: OverlayFile[] = [];
  for (const file of shared.files) {
    const overlay = await overlayOf(file, template, loadArtifact);
    if (overlay) files.push(overlay);
    else warnings.push(`${file.path} was left out: the link takes it from the template "${shared.template}", which has no such file.`);
  }
  const now = identity.now ?? Date.now();
  const title = template?.title ?? shared.template;
  return {
    state: {
      id: identity.id,
      name: uniqueName(`Shared: ${title || "project"}`, identity.existingNames),
      templateId: shared.template,
      cmdline: shared.cmdline,
      files,
      // Never equal to a signature: a received project counts as edited, so switching its
      // template asks before discarding it.
      pristineSignature: "shared-link",
      createdAt: now,
      updatedAt: now,
    },
    warnings,
  };
}

async function overlayOf(
  file: SharedFile,
  template: Template | undefined,
  loadArtifact: (artifactPath: string) => Promise<Uint8Array>,
): Promise<OverlayFile | undefined> {
  switch (file.kind) {
    case "file":
      return { path: file.path, kind: "file", mode: file.mode, text: file.text };
    case "directory":
      return { path: file.path, kind: "directory", mode: file.mode };
    case "template-file": {
      const source = template?.files.find((f) => f.path === file.path);
      if (!source || !isPrebuiltFile(source)) return undefined;
      return { path: file.path, kind: "file", mode: file.mode, data: await loadArtifact(source.artifact) };
    }
  }
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
