// Requests that arrive before the playground can answer them. An embedding page may post as soon
// as the iframe's document exists, while the playground still loads its project and extensions;
// a browser drops a message nobody listens for, so this module, imported eagerly by main.ts,
// listens from the first moment the page runs and keeps the requests until EmbedHost takes them
// (host.ts replays them in order, each answered as if it had just come).
import { isOurs } from "./protocol.ts";

let early: MessageEvent[] | undefined;
let listener: ((event: MessageEvent) => void) | undefined;

/** Starts keeping the parent window's requests; only in a frame, and only once. */
export function keepEarlyRequests(win: Window = window): void {
  if (early || win.parent === win) return;
  early = [];
  const kept = early;
  listener = (event: MessageEvent) => {
    if (event.source === win.parent && isOurs(event.data, "request")) kept.push(event);
  };
  win.addEventListener("message", listener);
}

/** The requests kept so far, in arrival order; stops keeping them. */
export function takeEarlyRequests(win: Window = window): MessageEvent[] {
  if (listener) win.removeEventListener("message", listener);
  listener = undefined;
  const taken = early ?? [];
  early = [];
  return taken;
}

keepEarlyRequests();
