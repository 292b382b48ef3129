// A page left open while a new version of the site is put on the server: the new version's
// service worker is found when the browser checks sw.js, and once it takes over
// (service-worker.ts activates as soon as the browser lets it, and claims the open pages) this
// page's code is older than the files it serves, and its own version's are gone from the cache. The page keeps running what it has and offers a reload; the emulator
// worker refuses artifacts its build does not name ("site-updated"), so nothing boots half one
// version, half the other.
import { h } from "../ui/dom.ts";

const ASK_MS = 5000;

/** The version the built page belongs to (vite.config.ts writes it); none under `npm start`. */
function pageVersion(): string | undefined {
  return document.querySelector<HTMLMetaElement>('meta[name="bootlab-version"]')?.content || undefined;
}

/** Asks a service worker (active or only installed) which version it is. */
function workerVersion(worker: ServiceWorker): Promise<string | undefined> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    const timer = setTimeout(() => resolve(undefined), ASK_MS);
    channel.port1.onmessage = (event: MessageEvent<{ version?: unknown }>) => {
      clearTimeout(timer);
      resolve(typeof event.data?.version === "string" ? event.data.version : undefined);
    };
    worker.postMessage({ type: "version" }, [channel.port2]);
  });
}

/**
 * Calls `updated` once when the server has a version other than this page's: a new service
 * worker was found (installed, waiting for the old version's pages to close, or already in
 * control). A worker of the page's own version (the first visit's, or the next visit's page
 * loaded while the previous version still served) is no news.
 */
export function watchForNewVersion(updated: () => void): void {
  const mine = pageVersion();
  if (!mine || !("serviceWorker" in navigator)) return;
  let told = false;
  const consider = async (worker: ServiceWorker | null | undefined) => {
    if (!worker || told) return;
    const theirs = await workerVersion(worker);
    if (theirs === undefined || theirs === mine || told) return;
    told = true;
    updated();
  };
  const watch = (registration: ServiceWorkerRegistration) => {
    registration.addEventListener("updatefound", () => {
      const found = registration.installing;
      found?.addEventListener("statechange", () => {
        if (found.state === "installed" || found.state === "activated") void consider(found);
      });
    });
    void consider(registration.waiting);
  };
  navigator.serviceWorker.addEventListener("controllerchange", () => void consider(navigator.serviceWorker.controller));
  // The first visit registers its worker only after the first prompt (register.ts).
  void navigator.serviceWorker.ready.then(watch);
}

/** The toolbar's "New version" button: saves the project, then reloads. */
export function newVersionButton(save: () => Promise<void>): HTMLElement {
  return h(
    "button",
    {
      class: "button new-version",
      type: "button",
      "data-testid": "new-version",
      title: "A new version of bootlab is on the server: reload the page to use it (your project is saved first)",
      onclick: async () => {
        await save().catch(() => undefined);
        location.reload();
      },
    },
    "New version: reload",
  );
}
