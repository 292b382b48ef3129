// Helpers of the share, projects, embed, export and import browser tests.
import type { Frame, Page } from "playwright-core";

/** Boots on a loaded 2-core machine can take a while; these are limits, not measurements. */
export const BOOT_MS = 90_000;

export async function waitForApi(page: Page | Frame): Promise<void> {
  await page.waitForFunction(() => window.bootlab !== undefined, null, { timeout: 30_000 });
}

/** Resolves when the current boot printed `pattern` (a RegExp source), through window.bootlab. */
export async function waitForOutput(page: Page, pattern: string, ms = BOOT_MS): Promise<string> {
  return page.evaluate(([p, t]) => window.bootlab!.waitFor(new RegExp(p as string), t as number), [pattern, ms] as const);
}

export interface StoredProjectView {
  id: string;
  name: string;
  templateId: string;
  cmdline: string;
  files: Array<{ path: string; kind: string; mode: number; text?: string; binaryBytes?: number }>;
}

/** The projects stored in a namespace's IndexedDB database, read straight from IndexedDB (not through the page's code). */
export async function storedProjects(page: Page | Frame, namespace = "main"): Promise<StoredProjectView[]> {
  return page.evaluate(
    (ns) =>
      new Promise<StoredProjectView[]>((resolve, reject) => {
        const open = indexedDB.open(`bootlab:${ns}`);
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains("kv")) {
            db.close();
            resolve([]);
            return;
          }
          const store = db.transaction("kv").objectStore("kv");
          const keys = store.getAllKeys();
          const values = store.getAll();
          values.onsuccess = () => {
            const projects: StoredProjectView[] = [];
            keys.result.forEach((key, i) => {
              if (!String(key).startsWith("project:")) return;
              const p = values.result[i] as { id: string; name: string; templateId: string; cmdline: string; files: Array<{ path: string; kind: string; mode: number; text?: string; data?: Uint8Array }> };
              projects.push({
                id: p.id,
                name: p.name,
                templateId: p.templateId,
                cmdline: p.cmdline,
                files: p.files.map((f) => ({ path: f.path, kind: f.kind, mode: f.mode, ...(f.text !== undefined ? { text: f.text } : {}), ...(f.data ? { binaryBytes: f.data.length } : {}) })),
              });
            });
            db.close();
            resolve(projects.sort((a, b) => a.name.localeCompare(b.name)));
          };
          values.onerror = () => reject(values.error);
        };
      }),
    namespace,
  );
}

/** Waits until autosave has stored the open project with `path` holding `text`. */
export async function waitForSaved(page: Page, path: string, text: string, namespace = "main"): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const projects = await storedProjects(page, namespace);
    if (projects.some((p) => p.files.some((f) => f.path === path && f.text === text))) return;
    if (Date.now() > deadline) throw new Error(`autosave did not store ${path} within 10 s; stored: ${JSON.stringify(projects.map((p) => p.name))}`);
    await page.waitForTimeout(150);
  }
}
