// Turns a template (plain data from src/core/templates) into a project state: text files as
// they are, prebuilt files (the static "hello" init) fetched through `loadArtifact`.
import { isPrebuiltFile, type Template } from "../../core/templates/index.ts";
import { signatureOf, type OverlayFile, type ProjectState } from "./model.ts";

export type ArtifactLoader = (artifactPath: string) => Promise<Uint8Array>;

export async function projectFromTemplate(
  template: Template,
  loadArtifact: ArtifactLoader,
  identity: { id: string; name: string },
): Promise<ProjectState> {
  const files = await Promise.all(
    template.files.map(async (file): Promise<OverlayFile> => {
      if (file.kind === "directory") return { path: file.path, kind: "directory", mode: file.mode };
      if (isPrebuiltFile(file)) return { path: file.path, kind: "file", mode: file.mode, data: await loadArtifact(file.artifact) };
      return { path: file.path, kind: "file", mode: file.mode, text: file.text };
    }),
  );
  const now = Date.now();
  const state = { files, cmdline: template.cmdline };
  return {
    ...identity,
    templateId: template.id,
    cmdline: template.cmdline,
    files,
    pristineSignature: signatureOf(state),
    createdAt: now,
    updatedAt: now,
  };
}
