// Turns a template (plain data from src/core/templates) into a project state: text files as
// they are, prebuilt files (the static "hello" init) fetched through `loadArtifact`; its disks
// with their trees. And the migration of projects saved before disks were editable.
import { templateDisks, templateFiles, type Template } from "../../core/templates/index.ts";
import { signatureOf, type ProjectState } from "./model.ts";

export type ArtifactLoader = (artifactPath: string) => Promise<Uint8Array>;

export async function projectFromTemplate(
  template: Template,
  loadArtifact: ArtifactLoader,
  identity: { id: string; name: string },
): Promise<ProjectState> {
  const [files, disks] = await Promise.all([templateFiles(template, loadArtifact), templateDisks(template, loadArtifact)]);
  const now = Date.now();
  const state: ProjectState = {
    ...identity,
    templateId: template.id,
    cmdline: template.cmdline,
    files,
    pristineSignature: "",
    createdAt: now,
    updatedAt: now,
  };
  if (disks.length > 0) state.disks = disks;
  state.pristineSignature = signatureOf(state);
  return state;
}

/**
 * A project saved (or shared) before the page edited disk trees has no `disks`: it booted its
 * template's disks as the template has them, so it takes them now, and stays pristine if it was.
 * A project that has `disks`, or whose template has none, is returned as it is.
 */
export async function withTemplateDisks(state: ProjectState, template: Template | undefined, loadArtifact: ArtifactLoader): Promise<ProjectState> {
  if (state.disks !== undefined || !template?.disks?.length) return state;
  const disks = await templateDisks(template, loadArtifact);
  const wasPristine = state.pristineSignature === signatureOf({ files: state.files, cmdline: state.cmdline });
  const migrated: ProjectState = { ...state, disks };
  if (wasPristine) migrated.pristineSignature = signatureOf(migrated);
  return migrated;
}
