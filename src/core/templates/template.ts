// A template: a small system from one of the tutorials bootlab grew from, as plain data the page
// loads into its editor and `bootlab boot --template` boots; both turn it into a BootSystem with
// templateSystem (system.ts) and boot it through the plan. Paths are absolute guest paths.

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

/**
 * A disk the template's files form (see src/core/boot/file-disks.ts, which writes it): a gzip'd
 * ext4 RAM disk that is the whole initrd, or an IDE disk (/dev/sda, /dev/sdb, ... in order).
 */
export interface TemplateDisk {
  /** "root", "data1": names the disk in messages and in the page. */
  name: string;
  role: "ramdisk" | "ide";
  sizeMiB: number;
  fs: "ext4";
  /** Whether the BusyBox base tree (without its /init) goes into the image under these files. */
  base: "busybox" | "none";
  /** The disk's files, as guest paths on that disk ("/etc/fstab" of a root disk, "/hello.txt"). */
  files: readonly TemplateFile[];
}

export interface Template {
  /** Stable identifier, used in saved projects and share links. */
  id: string;
  title: string;
  /** Which tutorial it comes from: "seed 000". */
  source: string;
  /** Two or three lines on what the template shows. */
  summary: readonly string[];
  /** The overlay laid over the base archive (the initramfs); empty for a system whose root is a disk. */
  files: readonly TemplateFile[];
  /** Disks made of files, written when the system boots. */
  disks?: readonly TemplateDisk[];
  /** Whether the BusyBox base archive (BusyBox, its links, directories, device nodes) goes under the overlay. */
  base: "busybox" | "none";
  /**
   * The prebuilt kernel this system is meant for. A preference: when an edit asks for something
   * it lacks (root=/dev/ram, a disk), the plan boots a kernel that has it and says so.
   */
  kernel: TemplateKernel;
  /** The system's own kernel parameters; the plan lays them over bootlab's defaults (defaults.ts). */
  cmdline: string;
  /**
   * Text on the console that means the system is up, for systems without a shell prompt (a
   * regular expression source); undefined: the shell prompt.
   */
  readyPattern?: string;
  /** The system has a network card (BootSystem.network): the plan picks a kernel that drives it. */
  network?: boolean;
  /** A C source among the files compiled into a program before each boot (BootSystem.compile). */
  compile?: { source: string; output: string };
  /** Prebuilt layers after the base (BootSystem.layers): "devel" brings tcc and musl. */
  layers?: readonly string[];
}

export function isPrebuiltFile(file: TemplateFile): file is TemplatePrebuiltFile {
  return file.kind === "file" && "artifact" in file;
}
