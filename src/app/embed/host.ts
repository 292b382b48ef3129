// The iframe side of the embed protocol: listens for requests from the embedding window, checks
// origin and arguments, calls window.bootlab's object and answers each request exactly once.
import {
  EMBED_CHANNEL,
  isOurs,
  parseRequest,
  requestIdOf,
  toWireError,
  type EmbedApi,
  type EmbedEvent,
  type EmbedResponse,
  type RequestId,
  type WireError,
} from "./protocol.ts";
import { isOriginAllowed, replyTargetOrigin, type OriginPolicy } from "./origins.ts";

/** What the host needs of a window: enough for the real one and for a test double. */
export interface MessageWindow {
  addEventListener(type: "message", listener: (event: MessageEvent) => void): void;
  removeEventListener(type: "message", listener: (event: MessageEvent) => void): void;
}

/** Where replies and events go: the parent window (or any window that posted to us). */
export interface MessageTarget {
  postMessage(message: unknown, targetOrigin: string): void;
}

export interface EmbedHostOptions {
  /** The iframe's own window, whose "message" events carry the requests. */
  window: MessageWindow;
  /** The embedding window (window.parent). Messages from any other window are ignored. */
  parent: MessageTarget;
  policy: OriginPolicy;
  /** Requests that came before the host existed (inbox.ts), answered first, in order. */
  early?: readonly MessageEvent[];
}

export class EmbedHost {
  private readonly listener = (event: MessageEvent) => void this.handle(event);
  private disposed = false;

  constructor(
    private readonly api: EmbedApi,
    private readonly options: EmbedHostOptions,
  ) {
    options.window.addEventListener("message", this.listener);
    for (const event of options.early ?? []) void this.handle(event);
  }

  /** Tells the embedding page the playground is ready for calls. Carries no data, so "*" is safe. */
  announceReady(): void {
    this.emit("ready");
  }

  /** Sends an event to the embedding page, to the pinned origin when there is exactly one. */
  emit(event: string, data?: unknown): void {
    if (this.disposed) return;
    const message: EmbedEvent = data === undefined ? { channel: EMBED_CHANNEL, type: "event", event } : { channel: EMBED_CHANNEL, type: "event", event, data };
    const allowed = this.options.policy.allowed;
    if (allowed.length === 0) this.options.parent.postMessage(message, "*");
    else for (const origin of allowed) this.options.parent.postMessage(message, replyTargetOrigin(origin));
  }

  dispose(): void {
    this.disposed = true;
    this.options.window.removeEventListener("message", this.listener);
  }

  private async handle(event: MessageEvent): Promise<void> {
    if (event.source !== (this.options.parent as unknown) || !isOurs(event.data, "request")) return;
    const reply = (response: { id: RequestId; result: unknown } | { id: RequestId; error: WireError }) => {
      const message: EmbedResponse = { channel: EMBED_CHANNEL, type: "response", ...response };
      if (!this.disposed) this.options.parent.postMessage(message, replyTargetOrigin(event.origin));
    };
    const id: RequestId | undefined = requestIdOf(event.data);
    if (!isOriginAllowed(this.options.policy, event.origin)) {
      // Answered (when it has an id) so that an author sees why nothing happens.
      if (id !== undefined) {
        const allowed = this.options.policy.allowed;
        reply({
          id,
          error: {
            code: "origin-not-allowed",
            message:
              allowed.length === 0
                ? `requests from the origin ${event.origin} are not accepted; serve the embedding page over http(s)`
                : `this playground accepts calls from ${allowed.join(", ")}, not ${event.origin}; add it to the embed URL's origin= list`,
          },
        });
      }
      return;
    }
    let request;
    try {
      request = parseRequest(event.data);
    } catch (error) {
      if (id !== undefined) reply({ id, error: toWireError(error) });
      return;
    }
    try {
      const method = this.api[request.method] as (...args: unknown[]) => unknown;
      const result = await method.apply(this.api, request.args);
      reply({ id: request.id, result });
    } catch (error) {
      reply({ id: request.id, error: toWireError(error) });
    }
  }
}
