// The service worker that keeps the playground working offline after the first visit. The build
// (vite.config.ts) writes it out as sw.js: `(${serviceWorker})(version, shell)`, with `version`
// a hash of every file the build emitted and of prebuilt/manifest.json, and `shell` those
// files' URLs relative to the site. It runs in the service worker's global scope, so it
// may use nothing from outside its own body.
//
// - One cache per version ("bootlab-<version>"); activating a version deletes the others, so
//   a page never mixes one build's scripts with another's artifacts for long.
// - Pages (navigations) come from the network first, so a new version is picked up on the next
//   visit; offline, from the cache.
// - Everything else of the site is served from the cache first; what comes from the network is
//   cached as it passes (same origin, 200 responses only). A request made with `cache: "reload"`
//   goes to the network first: the emulator worker asks so when a cached file is not the one its
//   build names (another version's file under the same path), so one version's code never
//   boots with another's artifacts.
// - It says its version when a page asks ({ type: "version" } with a port): a page left open
//   while a newer version took over compares it with its own <meta name="bootlab-version">.
// - It is registered only after the first boot reached its prompt (register.ts), so it never
//   competes with the first visit; the page then asks it to keep what that visit used
//   ({ type: "keep", urls }): the build's files and the artifacts the emulator fetched. Those
//   requests revalidate against the browser's HTTP cache (304s on a host with ETags), so the
//   first visit's bytes are not downloaded twice.
export function serviceWorker(version: string, shell: readonly string[]): void {
  interface ExtendableEvent extends Event {
    waitUntil(promise: Promise<unknown>): void;
  }
  interface FetchEvent extends ExtendableEvent {
    readonly request: Request;
    respondWith(response: Response | Promise<Response>): void;
  }
  interface ExtendableMessageEvent extends ExtendableEvent {
    readonly data: unknown;
    readonly source: { postMessage(message: unknown): void } | null;
  }
  interface ServiceWorkerScope {
    addEventListener(type: "install" | "activate", listener: (event: ExtendableEvent) => void): void;
    addEventListener(type: "fetch", listener: (event: FetchEvent) => void): void;
    addEventListener(type: "message", listener: (event: ExtendableMessageEvent) => void): void;
    skipWaiting(): Promise<void>;
    readonly clients: { claim(): Promise<void> };
    readonly registration: { readonly scope: string };
  }
  const scope = self as unknown as ServiceWorkerScope;
  const CACHE = `bootlab-${version}`;
  const base = new URL(scope.registration.scope);

  scope.addEventListener("install", (event) => event.waitUntil(scope.skipWaiting()));
  scope.addEventListener("activate", (event) => {
    event.waitUntil(
      (async () => {
        for (const name of await caches.keys()) if (name.startsWith("bootlab-") && name !== CACHE) await caches.delete(name);
        await scope.clients.claim();
      })(),
    );
  });

  const ours = (url: URL) => url.origin === base.origin && url.pathname.startsWith(base.pathname);
  /** A page's key: its path, without the query (?template=...) or fragment (#share/...). */
  const pageKey = (url: URL) => `${url.origin}${url.pathname.endsWith("/") ? `${url.pathname}index.html` : url.pathname}`;

  /** Whether the response was one to keep (a 200 of this site) and is kept. */
  async function keep(request: Request | string, response: Response): Promise<boolean> {
    if (response.status !== 200 || response.type !== "basic") return false;
    await (await caches.open(CACHE)).put(request, response);
    return true;
  }

  async function page(request: Request): Promise<Response> {
    const key = pageKey(new URL(request.url));
    try {
      const response = await fetch(request);
      void keep(key, response.clone());
      return response;
    } catch (error) {
      const cached = await caches.match(key, { cacheName: CACHE });
      if (cached) return cached;
      throw error;
    }
  }

  async function file(request: Request): Promise<Response> {
    if (request.cache === "reload" || request.cache === "no-store") return fresh(request);
    const cached = await caches.match(request, { cacheName: CACHE, ignoreSearch: true });
    if (cached) return cached;
    const response = await fetch(request);
    void keep(request, response.clone());
    return response;
  }

  /** From the network, kept in the cache in place of what was there; offline, what was there. */
  async function fresh(request: Request): Promise<Response> {
    try {
      const response = await fetch(request);
      void keep(request.url, response.clone());
      return response;
    } catch (error) {
      const cached = await caches.match(request, { cacheName: CACHE, ignoreSearch: true });
      if (cached) return cached;
      throw error;
    }
  }

  scope.addEventListener("fetch", (event) => {
    const request = event.request;
    const url = new URL(request.url);
    if (request.method !== "GET" || !ours(url) || request.headers.has("range")) return;
    if (request.mode === "navigate" || /\.html$/.test(url.pathname) || url.pathname.endsWith("/")) event.respondWith(page(request));
    else event.respondWith(file(request));
  });

  scope.addEventListener("message", (event) => {
    const data = event.data as { type?: unknown; urls?: unknown } | null;
    if (data?.type === "version") {
      // Asked by a page over a MessageChannel: which version serves it now (new-version.ts).
      (event as unknown as { ports: readonly MessagePort[] }).ports[0]?.postMessage({ type: "version", version });
      return;
    }
    if (data?.type !== "keep") return;
    const extra = Array.isArray(data.urls) ? data.urls.filter((u): u is string => typeof u === "string") : [];
    const urls = [...new Set([...shell.map((path) => new URL(path, base).href), ...extra])].filter((u) => ours(new URL(u)));
    event.waitUntil(
      (async () => {
        const cache = await caches.open(CACHE);
        let missing = 0;
        for (const url of urls) {
          const key = /\.html$/.test(url) ? pageKey(new URL(url)) : url;
          if (await cache.match(key, { ignoreSearch: true })) continue;
          try {
            if (!(await keep(key, await fetch(url)))) missing++;
          } catch {
            missing++;
          }
        }
        event.source?.postMessage({ type: "kept", version, count: urls.length, missing });
      })(),
    );
  });
}
