// The embedding page's side: call the playground in an iframe as if it were window.bootlab.
//
//   const bootlab = new EmbedClient(iframe.contentWindow!, "https://playground.example", window);
//   await bootlab.ready();                      // optional: calls made before wait for it
//   await bootlab.call("writeFile", "/init", "#!/bin/sh\necho hi\n", { mode: 0o755 });
//   await bootlab.call("reboot");
//   await bootlab.call("waitFor", "hi", 10000);
//
// Errors reject with an EmbedCallError carrying the playground's { code, message }.
import { EMBED_CHANNEL, isOurs, type EmbedMethod, type RequestId, type WireError } from "./protocol.ts";
import type { MessageTarget, MessageWindow } from "./host.ts";

export class EmbedCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "EmbedCallError";
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout> | undefined;
}

export class EmbedClient {
  private nextId = 1;
  private readonly pending = new Map<RequestId, Pending>();
  private readonly readyWaiters: Array<() => void> = [];
  private isReady = false;
  /** Requests made before the playground's "ready" event, posted when it comes. */
  private queued: Array<() => void> = [];
  private readonly listener = (event: MessageEvent) => this.handle(event);

  constructor(
    private readonly frame: MessageTarget,
    /** The playground's origin: requests go only there, and only its answers count. */
    private readonly origin: string,
    private readonly window: MessageWindow,
    private readonly defaultTimeoutMs = 60_000,
  ) {
    window.addEventListener("message", this.listener);
  }

  /** Resolves once the playground has announced itself. */
  ready(): Promise<void> {
    if (this.isReady) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  call(method: EmbedMethod, ...args: unknown[]): Promise<unknown> {
    return this.callWithTimeout(this.defaultTimeoutMs, method, ...args);
  }

  callWithTimeout(timeoutMs: number, method: EmbedMethod, ...args: unknown[]): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.pending.delete(id);
              reject(
                new EmbedCallError(
                  "timeout",
                  this.isReady
                    ? `${method}: no answer from the playground within ${timeoutMs} ms`
                    : `${method}: the playground did not say it was ready within ${timeoutMs} ms (is the frame loaded, and this page's origin in the embed URL's origin= list?)`,
                ),
              );
            }, timeoutMs)
          : undefined;
      this.pending.set(id, { resolve, reject, timer });
      // Before "ready" the frame may still show about:blank, which would drop the message.
      const post = () => {
        if (this.pending.has(id)) this.frame.postMessage({ channel: EMBED_CHANNEL, type: "request", id, method, args }, this.origin);
      };
      if (this.isReady) post();
      else this.queued.push(post);
    });
  }

  dispose(): void {
    this.window.removeEventListener("message", this.listener);
    this.queued = [];
    for (const [id, p] of this.pending) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new EmbedCallError("disposed", "the client was disposed before the playground answered"));
      this.pending.delete(id);
    }
  }

  private handle(event: MessageEvent): void {
    if (event.source !== (this.frame as unknown) || event.origin !== this.origin) return;
    if (isOurs(event.data, "event") && event.data.event === "ready") {
      this.isReady = true;
      this.queued.splice(0).forEach((post) => post());
      this.readyWaiters.splice(0).forEach((resolve) => resolve());
      return;
    }
    if (!isOurs(event.data, "response")) return;
    const id = event.data.id as RequestId;
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    if (pending.timer) clearTimeout(pending.timer);
    const error = event.data.error as WireError | undefined;
    if (error) pending.reject(new EmbedCallError(String(error.code), String(error.message)));
    else pending.resolve(event.data.result);
  }
}
