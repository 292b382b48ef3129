// What a share link carries: the overlay files the user edited, the trees of the project's disks
// (by the disk's name; their size, role and base are the template's), the kernel command line
// and the template they started from. The base archive (BusyBox and its links) and the kernel are not in
// the link; the template id says which ones the receiving page lays the files over.
import { normalizeGuestPath } from "../rootfs/guest-path.ts";

/**
 * One entry of the overlay. Paths are as the page shows them ("/init", "/etc/inittab"); modes
 * are permission bits only (0o755 for /init).
 * - "file": a text file and its content.
 * - "directory": a folder the user made (possibly empty).
 * - "template-file": a file the link does not carry because the template has it unchanged (the
 *   static "hello" program of a template is binary, which a link cannot hold); the receiving page
 *   takes it from the template.
 */
export type SharedFile =
  | { kind: "file"; path: string; mode: number; text: string }
  | { kind: "directory"; path: string; mode: number }
  | { kind: "template-file"; path: string; mode: number };

/** A disk's tree in a link: its name in the template ("data1") and its files, paths on that disk. */
export interface SharedDisk {
  name: string;
  files: SharedFile[];
}

export interface SharedProject {
  files: SharedFile[];
  /** The disks' trees; absent in links made before disks (format version 1). */
  disks?: SharedDisk[];
  cmdline: string;
  /** A template id, e.g. "minimal-init"; the page decides what an unknown id falls back to. */
  template: string;
}

/**
 * What the encoder accepts. A file's content comes as `text`, or as `data` bytes that are shared
 * when they are text and refused (or left out) when binary. `kind` defaults to "file".
 */
export interface ShareInputFile {
  path: string;
  mode: number;
  kind?: SharedFile["kind"];
  text?: string;
  data?: Uint8Array;
}

export interface ShareInput {
  files: readonly ShareInputFile[];
  /** The project's disks by name; a link with disks is format version 2. */
  disks?: readonly { name: string; files: readonly ShareInputFile[] }[];
  cmdline: string;
  template: string;
}

/** Generous bounds that a real project never reaches; they keep a crafted link from misbehaving. */
export const SHARE_BOUNDS = {
  maxFiles: 4096,
  maxPathLength: 4096,
  maxTemplateLength: 200,
  maxCmdlineLength: 4096,
  maxDisks: 16,
} as const;

/** A disk's name in a link: what templates use ("root", "data1"), no "/" or ":". */
export const SHARED_DISK_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

/**
 * The first thing wrong with a file's path, or undefined. Paths are untrusted when they come from
 * a link: each must already be what normalizeGuestPath makes of it (absolute, no empty, "." or
 * ".." part, no NUL), so a link can never address anything outside the overlay.
 */
export function pathProblem(path: string): string | undefined {
  if (path.length === 0) return "an empty path";
  if (path.length > SHARE_BOUNDS.maxPathLength) return `a path of ${path.length} characters (at most ${SHARE_BOUNDS.maxPathLength})`;
  if (path.includes("\0")) return `the path ${JSON.stringify(path)} contains a NUL character`;
  let normalized: string;
  try {
    normalized = normalizeGuestPath(path);
  } catch {
    return `the path ${JSON.stringify(path)} has a ".." part or names the root`;
  }
  return normalized === path ? undefined : `the path ${JSON.stringify(path)} is not written as ${JSON.stringify(normalized)} (an empty or "." part, or no leading "/")`;
}

export function modeProblem(mode: number): string | undefined {
  return Number.isInteger(mode) && mode >= 0 && mode <= 0o7777
    ? undefined
    : `a file mode of ${String(mode)} (want permission bits, 0 to 0o7777)`;
}

/**
 * The first path that lies below a file rather than a directory ("/init" and "/init/x"), or
 * undefined. A root filesystem cannot hold both, and packing would fail much later, so a link
 * or a project that does is refused up front. Linear in the total length of the paths (a tree
 * of path segments), so a crafted link with thousands of deep paths costs no more than reading it.
 */
export function treeProblem(files: ReadonlyArray<{ path: string; kind?: SharedFile["kind"] }>): string | undefined {
  interface TreeNode {
    children: Map<string, TreeNode>;
    /** The path that named this node as a file, if one did. */
    file?: string;
  }
  const root: TreeNode = { children: new Map() };
  for (const file of files) {
    const isDirectory = file.kind === "directory";
    const segments = (file.path.startsWith("/") ? file.path.slice(1) : file.path).split("/");
    let node = root;
    for (const segment of segments) {
      if (node.file !== undefined) {
        return `${JSON.stringify(file.path)} lies below ${JSON.stringify(node.file)}, which is a file, not a folder`;
      }
      let child = node.children.get(segment);
      if (!child) {
        child = { children: new Map() };
        node.children.set(segment, child);
      }
      node = child;
    }
    if (!isDirectory) {
      if (node.children.size > 0) {
        return `${JSON.stringify(file.path)} is a file, but other paths of the project lie below it as if it were a folder`;
      }
      node.file ??= file.path;
    }
  }
  return undefined;
}
