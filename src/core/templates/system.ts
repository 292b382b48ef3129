// A template (or a project made from one) as the system the plan boots. The page's worker and
// `bootlab boot --template` both go through `templateSystem`, so the same files and command
// line give the same boot.
import type { FileDisk } from "../boot/file-disks.ts";
import type { BootSystem } from "../boot/plan.ts";
import type { OverlayFile } from "../rootfs/overlay.ts";
import { isPrebuiltFile, type Template, type TemplateFile } from "./template.ts";

/** Reads a prebuilt artifact by its path below prebuilt/ ("i386/hello"). */
export type ArtifactReader = (path: string) => Promise<Uint8Array>;

/** The template's files as overlay files: text as it is, prebuilt programs read through `read`. */
export async function templateFiles(template: Template, read: ArtifactReader): Promise<OverlayFile[]> {
  return overlayOf(template.files, read);
}

/** The template's disks, their files read like templateFiles'; empty when it has none. */
export async function templateDisks(template: Template, read: ArtifactReader): Promise<FileDisk[]> {
  return Promise.all(
    (template.disks ?? []).map(async (disk): Promise<FileDisk> => ({
      name: disk.name,
      role: disk.role,
      size: disk.sizeMiB * 1024 * 1024,
      fs: disk.fs,
      base: disk.base,
      files: await overlayOf(disk.files, read),
    })),
  );
}

async function overlayOf(files: readonly TemplateFile[], read: ArtifactReader): Promise<OverlayFile[]> {
  return Promise.all(
    files.map(async (file): Promise<OverlayFile> => {
      if (file.kind === "directory") return { path: file.path, kind: "directory", mode: file.mode };
      if (isPrebuiltFile(file)) return { path: file.path, kind: "file", mode: file.mode, data: await read(file.artifact) };
      return { path: file.path, kind: "file", mode: file.mode, text: file.text };
    }),
  );
}

/**
 * The system a project of `template` boots: its (edited) files, disks and command line, on the
 * template's base and preferred kernel, ready when the template says so. A template with disks
 * needs them (templateDisks) in `project.disks`.
 */
export function templateSystem(template: Template, project: { files: readonly OverlayFile[]; cmdline: string; disks?: readonly FileDisk[] }): BootSystem {
  const system: BootSystem = { files: project.files, base: template.base, kernel: template.kernel, cmdline: project.cmdline };
  if (project.disks?.length) system.fileDisks = project.disks;
  if (template.readyPattern !== undefined) system.readyPattern = template.readyPattern;
  if (template.network) system.network = true;
  if (template.layers?.length) system.layers = [...template.layers];
  if (template.compile) system.compile = { ...template.compile };
  return system;
}
