// The project an embed URL describes (template, files from its share fragment, command line),
// and the storage namespace that keeps it apart: from the user's own projects (the "main"
// namespace, which an embedded page never opens) and from other lessons embedded elsewhere.
import { defaultTemplate, findTemplate } from "../../core/templates/index.ts";
import { projectFromTemplate } from "../project/from-template.ts";
import type { ProjectState } from "../project/model.ts";
import { projectFromShared } from "../share/share-project.ts";
import type { EmbedConfig } from "./config.ts";

export interface EmbedProject {
  state: ProjectState;
  warnings: string[];
}

/** "embed.<hash of what the lesson holds>": the same lesson keeps the reader's edits across visits. */
export function embedNamespace(config: Pick<EmbedConfig, "template" | "cmdline" | "files" | "disks">): string {
  // Disks only when the lesson has them, so lessons from before disks keep their namespace.
  return `embed.${fnv1a(JSON.stringify([config.template ?? "", config.cmdline ?? "", config.files ?? null, ...(config.disks ? [config.disks] : [])]))}`;
}

export async function projectFromEmbedConfig(
  config: EmbedConfig,
  loadArtifact: (path: string) => Promise<Uint8Array>,
  id: string,
): Promise<EmbedProject> {
  const warnings: string[] = [];
  const found = config.template === undefined ? defaultTemplate() : findTemplate(config.template);
  if (!found) warnings.push(`The embed URL names the template "${config.template}", which this playground does not have; it starts from "${defaultTemplate().title}".`);
  const template = found ?? defaultTemplate();
  let state: ProjectState;
  if (config.files) {
    const shared = { files: config.files, cmdline: config.cmdline ?? template.cmdline, template: template.id, ...(config.disks ? { disks: config.disks } : {}) };
    const received = await projectFromShared(shared, template, loadArtifact, { id, existingNames: [] });
    warnings.push(...received.warnings);
    state = { ...received.state, name: "Embedded lesson" };
  } else {
    state = await projectFromTemplate(template, loadArtifact, { id, name: template.title });
    if (config.cmdline !== undefined) state = { ...state, cmdline: config.cmdline };
  }
  return { state, warnings };
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
