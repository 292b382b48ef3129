// Which pages may drive an embedded playground. The embed keeps its own storage (a separate
// ProjectStore namespace), so the calls can only reach what the embedding page itself put in;
// still, an author can pin the origins allowed to call it (embed URL `origin=`).
//
// Answers go to the asking window's own origin, with one exception: an opaque origin ("null": a
// sandboxed iframe, a file:// page) cannot be named as a postMessage target, so its answers go
// to "*". That happens only when the author listed `null` in origin= (an opaque origin is
// refused otherwise), and the answer still goes only to window.parent, the window that asked;
// "*" merely skips the check that the parent has not navigated elsewhere meanwhile. We keep it,
// rather than refusing opaque origins outright, because a lesson opened from disk or shown in a
// sandboxed preview is a real use, and the author opted in by name.

/** "https://example.org" or "http://localhost:8080": scheme, host, optional port, nothing else. */
const ORIGIN = /^https?:\/\/(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/;

export function originProblem(origin: string): string | undefined {
  if (origin === "null") return undefined; // opaque origins (sandboxed iframes, file://) when asked for explicitly
  if (!ORIGIN.test(origin)) return `${JSON.stringify(origin)} is not an origin; want scheme://host[:port], e.g. https://example.org`;
  return undefined;
}

export interface OriginPolicy {
  /** Empty: any origin may call (only the parent window is listened to, see EmbedHost). */
  allowed: readonly string[];
}

export function isOriginAllowed(policy: OriginPolicy, origin: string): boolean {
  if (policy.allowed.length === 0) return origin !== "null";
  return policy.allowed.includes(origin);
}

/** The targetOrigin for an answer to `origin`: itself, or "*" for an opaque origin listed in origin= (there is no other way to reach it; see above). */
export function replyTargetOrigin(origin: string): string {
  return origin === "null" ? "*" : origin;
}
