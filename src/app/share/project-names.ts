// Names for the project list: unique names for new, shared and imported projects, copy names
// for duplicates, and what a rename may be. Pure, so the list UI and the tests share it.

export const MAX_PROJECT_NAME = 80;

/** `wanted`, or "wanted (2)", "wanted (3)", ... whichever is not taken (case-insensitively). */
export function uniqueName(wanted: string, existing: Iterable<string>): string {
  const taken = new Set([...existing].map((n) => n.toLowerCase()));
  const base = wanted.trim() || "Untitled";
  if (!taken.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base} (${n})`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

/** "Lesson 3 (copy)", then "Lesson 3 (copy 2)", ...; a copy of a copy does not grow "(copy) (copy)". */
export function copyName(name: string, existing: Iterable<string>): string {
  const base = name.replace(/ \(copy(?: \d+)?\)$/, "");
  const taken = new Set([...existing].map((n) => n.toLowerCase()));
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? `${base} (copy)` : `${base} (copy ${n})`;
    if (!taken.has(candidate.toLowerCase())) return candidate;
  }
}

/** What is wrong with a new name, or undefined. */
export function renameProblem(name: string): string | undefined {
  const trimmed = name.trim();
  if (trimmed === "") return "A project needs a name.";
  if (trimmed.length > MAX_PROJECT_NAME) return `A project name can have ${MAX_PROJECT_NAME} characters at most (this one has ${trimmed.length}).`;
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) return "A project name cannot contain control characters.";
  return undefined;
}
