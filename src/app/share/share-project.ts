// Between the page's project and a share link: which files a link carries (text files and
// folders, and prebuilt template files by reference), and the new project a received link
// becomes. A received link never replaces the user's work: it is always a new project.
import type { FileDisk } from "../../core/boot/file-disks.ts";
import type { SharedFile, SharedProject, ShareInput, ShareInputFile } from "../../core/share/index.ts";
import { isPrebuiltFile, templateDisks, type Template, type TemplateFile } from "../../core/templates/index.ts";
import { fileKey } from "../project/file-key.ts";
import type { OverlayFile, ProjectState } from "../project/model.ts";
import { uniqueName } from "./project-names.ts";

/**
 * The share input for a project. A binary file that the template provides unchanged (the static
 * "hello" init) goes by reference; any other binary file stays binary, and the codec refuses it
 * (or leaves it out) with a message. Pass `templateBytes` (path -> the template's bytes) to
 * compare contents (a disk's file by its key, "root:/init"); without it a binary file at a
 * prebuilt path is assumed unchanged (the editor cannot change binary files, only replace them).
 * The disks' trees go by the disks' names (their size, role and base are the template's).
 */
export function shareInputOf(
  project: Pick<ProjectState, "files" | "cmdline" | "templateId" | "disks">,
  template: Template | undefined,
  templateBytes?: ReadonlyMap<string, Uint8Array>,
): ShareInput {
  const input: ShareInput = { files: inputFiles(project.files, template?.files ?? [], undefined, templateBytes), cmdline: project.cmdline, template: project.templateId };
  if (project.disks?.length) {
    input.disks = project.disks.map((disk) => ({
      name: disk.name,
      files: inputFiles(disk.files, template?.disks?.find((d) => d.name === disk.name)?.files ?? [], disk.name, templateBytes),
    }));
  }
  return input;
}

function inputFiles(files: readonly OverlayFile[], templateFiles: readonly TemplateFile[], disk: string | undefined, templateBytes?: ReadonlyMap<string, Uint8Array>): ShareInputFile[] {
  const prebuilt = new Set(templateFiles.filter(isPrebuiltFile).map((f) => f.path));
  return files.map((file): ShareInputFile => {
    if (file.kind === "directory") return { kind: "directory", path: file.path, mode: file.mode };
    if (file.text !== undefined) return { path: file.path, mode: file.mode, text: file.text };
    const data = file.data ?? new Uint8Array(0);
    const original = templateBytes?.get(fileKey(disk === undefined ? { path: file.path } : { disk, path: file.path }));
    if (prebuilt.has(file.path) && (templateBytes === undefined || (original !== undefined && sameBytes(original, data)))) {
      return { kind: "template-file", path: file.path, mode: file.mode };
    }
    return { path: file.path, mode: file.mode, data };
  });
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
    const overlay = await overlayOf(file, template?.files ?? [], loadArtifact);
    if (overlay) files.push(overlay);
    else warnings.push(`${file.path} was left out: the link takes it from the template "${shared.template}", which has no such file.`);
  }
  // A link from before disks (version 1) has none: the project takes the template's when it
  // opens (withTemplateDisks). A version 2 link's trees replace the template disks' files.
  let disks: FileDisk[] | undefined;
  if (shared.disks && template?.disks?.length) {
    disks = await templateDisks(template, loadArtifact);
    for (const sharedDisk of shared.disks) {
      const disk = disks.find((d) => d.name === sharedDisk.name);
      if (!disk) {
        warnings.push(`The link's disk "${sharedDisk.name}" was left out: the template "${shared.template}" has no such disk.`);
        continue;
      }
      const templateFiles = template.disks.find((d) => d.name === sharedDisk.name)?.files ?? [];
      const diskFiles: OverlayFile[] = [];
      for (const file of sharedDisk.files) {
        const overlay = await overlayOf(file, templateFiles, loadArtifact);
        if (overlay) diskFiles.push(overlay);
        else warnings.push(`${sharedDisk.name}:${file.path} was left out: the link takes it from the template "${shared.template}", which has no such file.`);
      }
      disk.files = diskFiles;
    }
  } else if (shared.disks?.length) {
    warnings.push(`This link's disks (${shared.disks.map((d) => d.name).join(", ")}) were left out: the template "${shared.template}" has no disks here.`);
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
      ...(disks ? { disks } : {}),
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
  templateFiles: readonly TemplateFile[],
  loadArtifact: (artifactPath: string) => Promise<Uint8Array>,
): Promise<OverlayFile | undefined> {
  switch (file.kind) {
    case "file":
      return { path: file.path, kind: "file", mode: file.mode, text: file.text };
    case "directory":
      return { path: file.path, kind: "directory", mode: file.mode };
    case "template-file": {
      const source = templateFiles.find((f) => f.path === file.path);
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
