// Guest paths as the page shows them: absolute, "/"-separated, no empty or dot segments.

/** Normalises a user-typed path ("etc//x/", "./init") to "/etc/x", "/init"; throws with the reason when it cannot. */
export function normalizeGuestPath(input: string): string {
  const trimmed = input.trim();
  if (trimmed === "") throw new PathError("the path is empty; type one such as /etc/motd");
  if (trimmed.includes("\0")) throw new PathError("a path cannot contain a NUL byte");
  const segments: string[] = [];
  for (const segment of trimmed.split("/")) {
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
