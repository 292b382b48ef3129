// Templates: the systems of the seed tutorials as plain data (files with modes, kernel command
// line, what each shows). See catalog.ts for the list.
import { DEFAULT_TEMPLATE_ID, TEMPLATES } from "./catalog.ts";
import type { Template } from "./template.ts";

export type {
  Template,
  TemplateFile,
  TemplateTextFile,
  TemplatePrebuiltFile,
  TemplateDirectory,
  TemplateDisk,
  TemplateKernel,
} from "./template.ts";
export { isPrebuiltFile } from "./template.ts";
export { TEMPLATES, DEFAULT_TEMPLATE_ID } from "./catalog.ts";

/** The template with that id, or undefined. */
export function findTemplate(id: string): Template | undefined {
  return TEMPLATES.find((template) => template.id === id);
}

/** The template with that id; throws naming the known ids otherwise. */
export function requireTemplate(id: string): Template {
  const template = findTemplate(id);
  if (!template) {
    throw new Error(`unknown template "${id}"; the templates are: ${TEMPLATES.map((t) => t.id).join(", ")}`);
  }
  return template;
}

export function defaultTemplate(): Template {
  return requireTemplate(DEFAULT_TEMPLATE_ID);
}
export { templateDisks, templateFiles, templateSystem, type ArtifactReader } from "./system.ts";
