// Guest paths: where a user's file goes in the guest, as the page shows it, share links carry it
// and the plan packs it: absolute, "/"-separated, no empty or dot segments. The one normaliser
// for them (archive entry paths, which are relative, are src/core/cpio/path.ts's).

/**
 * Normalises a path ("etc//x/", "./init") to "/etc/x", "/init"; throws with the reason when it
 * cannot. Spaces are part of a name (the page trims what the user types before calling this).
 */
export function normalizeGuestPath(input: string): string {
  if (input === "") throw new PathError("the path is empty; type one such as /etc/motd");
  if (input.includes("\0")) throw new PathError("a path cannot contain a NUL byte");
  const segments: string[] = [];
  for (const segment of input.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") throw new PathError(`"${input}": ".." is not allowed; write the full path from /`);
    segments.push(segment);
  }
  if (segments.length === 0) throw new PathError("/ itself cannot be a file; name something inside it");
  return `/${segments.join("/")}`;
}

export function parentOf(path: string): string {
  const index = path.lastIndexOf("/");
  return index <= 0 ? "/" : path.slice(0, index);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Every ancestor directory of a path, outermost first, without "/" itself. */
export function ancestorsOf(path: string): string[] {
  const out: string[] = [];
  let parent = parentOf(path);
  while (parent !== "/") {
    out.unshift(parent);
    parent = parentOf(parent);
  }
  return out;
}

export function isInside(path: string, directory: string): boolean {
  return path.startsWith(directory.endsWith("/") ? directory : `${directory}/`);
}

export class PathError extends Error {
  readonly code = "bad-path";
}
