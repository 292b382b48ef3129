// Registers the service worker (service-worker.ts, built as sw.js) once the first boot reached
// its prompt, and asks it to keep what this visit used, so that the next visit works offline.
// Nothing happens in development (no sw.js) or where service workers are unavailable.

/** The page's <html data-offline>: "keeping" while the worker stores the files, then "ready" or "failed". */
function mark(state: string): void {
  document.documentElement.dataset.offline = state;
}

export async function keepForOffline(artifactUrls: readonly string[]): Promise<void> {
  if (import.meta.env.DEV || !("serviceWorker" in navigator) || !window.isSecureContext) return;
  try {
    mark("keeping");
    await navigator.serviceWorker.register(new URL("sw.js", document.baseURI), { scope: "./" });
    const registration = await navigator.serviceWorker.ready;
    const worker = registration.active;
    if (!worker) throw new Error("no active service worker");
    const answer = new Promise<{ missing: number }>((resolve) => {
      const listener = (event: MessageEvent) => {
        const data = event.data as { type?: string; missing?: number } | null;
        if (data?.type !== "kept") return;
        navigator.serviceWorker.removeEventListener("message", listener);
        resolve({ missing: data.missing ?? 0 });
      };
      navigator.serviceWorker.addEventListener("message", listener);
    });
    worker.postMessage({ type: "keep", urls: artifactUrls });
    const { missing } = await answer;
    mark(missing === 0 ? "ready" : "failed");
  } catch (error) {
    mark("failed");
    console.warn("bootlab: the page will not work offline:", error);
  }
}
