// A template: a small system from one of the tutorials bootlab grew from, as plain data the page
// loads into its editor and the CLI can pack. Paths are absolute guest paths ("/etc/inittab").

export type TemplateKernel = "tiny" | "full";

export interface TemplateTextFile {
  kind: "file";
  path: string;
  mode: number;
  text: string;
}

/**
 * A file whose bytes are a prebuilt artifact, such as the static C "hello" init: `artifact` is its
 * path below prebuilt/ ("i386/hello"); whoever loads the template fetches or reads it.
 */
export interface TemplatePrebuiltFile {
  kind: "file";
  path: string;
  mode: number;
  artifact: string;
}

export interface TemplateDirectory {
  kind: "directory";
  path: string;
  mode: number;
}

export type TemplateFile = TemplateTextFile | TemplatePrebuiltFile | TemplateDirectory;

export interface Template {
  /** Stable identifier, used in saved projects and share links. */
  id: string;
  title: string;
  /** Which tutorial it comes from: "seed 000". */
  source: string;
  /** Two or three lines on what the template shows. */
  summary: readonly string[];
  /** The overlay laid over the base archive. */
  files: readonly TemplateFile[];
  /** Whether the BusyBox base archive (BusyBox, its links, directories, device nodes) goes under the overlay. */
  base: "busybox" | "none";
  kernel: TemplateKernel;
  cmdline: string;
  /**
   * Text on the console that means the system is up, for systems without a shell prompt (a
   * regular expression source); undefined: the shell prompt.
   */
  readyPattern?: string;
}

export function isPrebuiltFile(file: TemplateFile): file is TemplatePrebuiltFile {
  return file.kind === "file" && "artifact" in file;
}
