// Archive paths: relative to the root, "/"-separated, no "." or ".." components, no NUL.
// The kernel itself resolves names like "./etc/../init" against "/" at unpack time, where ".."
// cannot climb above the root; on a host directory it could, so we refuse any path whose ".."
// would leave the root rather than silently clamping it.
import { CpioPathError } from "./errors.ts";

/**
 * Normalizes `path` to the form entries use, or returns "" when it names the root itself
 * ("/", ".", "./"). Throws CpioPathError for a NUL byte or a ".." that climbs above the root.
 */
export function normalizePathOrRoot(path: string): string {
  if (path.includes("\0")) throw new CpioPathError(path, "contains a NUL byte; want a path without NUL");
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) throw new CpioPathError(path, 'escapes the root with ".."; want a path inside the archive');
      parts.pop();
      continue;
    }
    parts.push(part);
  }
  return parts.join("/");
}

/** Normalizes an entry path: strips leading "/" and "./", collapses "." and "..". */
export function normalizeEntryPath(path: string): string {
  const normalized = normalizePathOrRoot(path);
  if (normalized === "") throw new CpioPathError(path, "names the root directory itself; want a path below it");
  return normalized;
}

/** "etc/init.d/rcS" -> "etc/init.d"; "init" -> "" (the root). */
export function parentPath(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

/** Every ancestor of a normalized path, outermost first: "a/b/c" -> ["a", "a/b"]. */
export function ancestorPaths(path: string): string[] {
  const result: string[] = [];
  let slash = path.indexOf("/");
  while (slash >= 0) {
    result.push(path.slice(0, slash));
    slash = path.indexOf("/", slash + 1);
  }
  return result;
}

/**
 * The archive order: component by component, so a directory comes right before its contents
 * ("a", "a/b", "a-b"), and a parent always before its children. Comparing with "/" mapped to
 * the lowest character gives exactly that without splitting strings.
 */
export function comparePaths(a: string, b: string): number {
  const x = a.replaceAll("/", "\u0000");
  const y = b.replaceAll("/", "\u0000");
  return x < y ? -1 : x > y ? 1 : 0;
}
