// Vite builds the playground: index.html, the app (src/app), the emulator worker (workers/) and
// the lazily loaded Monaco editor. `base: "./"` makes every URL relative, so dist/ works from
// any static host and under any sub-path. The prebuilt artifacts (kernel, BIOS, base archive)
// are served from prebuilt/ during `npm start` and copied into dist/prebuilt by `npm run build`.
import { createHash } from "node:crypto";
import { createReadStream, cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { extname, join, normalize, relative, resolve, sep } from "node:path";
import { defineConfig, type Plugin } from "vite";
import { serviceWorker } from "./src/app/offline/service-worker.ts";

/** prebuilt/ by default; BOOTLAB_PREBUILT_DIR points at another build's output (say, a fresh `bootlab build`). */
const PREBUILT_DIR = resolve(import.meta.dirname, process.env.BOOTLAB_PREBUILT_DIR ?? "prebuilt");

const CONTENT_TYPES: Record<string, string> = {
  ".json": "application/json",
  ".gz": "application/gzip",
  ".txt": "text/plain; charset=utf-8",
};

/** Serves prebuilt/ at ./prebuilt/ in dev and copies it into dist/prebuilt/ on build. */
function prebuiltArtifacts(): Plugin {
  let outDir = "dist";
  return {
    name: "bootlab-prebuilt",
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    configureServer(server) {
      server.middlewares.use("/prebuilt", (req, res, next) => {
        const relative = decodeURIComponent((req.url ?? "/").split("?")[0] ?? "/");
        const file = normalize(join(PREBUILT_DIR, relative));
        if (!file.startsWith(PREBUILT_DIR + sep) || !existsSync(file) || !statSync(file).isFile()) {
          next();
          return;
        }
        res.setHeader("Content-Type", CONTENT_TYPES[extname(file)] ?? "application/octet-stream");
        res.setHeader("Content-Length", String(statSync(file).size));
        createReadStream(file).pipe(res);
      });
    },
    closeBundle() {
      if (!existsSync(join(PREBUILT_DIR, "manifest.json"))) {
        this.warn("prebuilt/manifest.json is missing: the built site has no kernel to boot. Run `npx bootlab build` first.");
      }
      if (existsSync(PREBUILT_DIR)) cpSync(PREBUILT_DIR, join(outDir, "prebuilt"), { recursive: true });
      writeServiceWorker(outDir);
    },
  };
}

/** Every file below `dir`, as paths relative to it with "/" separators. */
function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort();
}

/**
 * sw.js (src/app/offline/service-worker.ts), versioned by the build: a hash of every file the
 * build emitted and of prebuilt/manifest.json (which names each artifact's sha256), so a new
 * build or new artifacts make a new version and a new cache.
 */
function writeServiceWorker(outDir: string): void {
  const shell = filesBelow(outDir).filter((path) => !path.startsWith("prebuilt/") && path !== "sw.js");
  const hash = createHash("sha256");
  for (const path of shell) hash.update(`${path}\0`).update(readFileSync(join(outDir, path))).update("\0");
  const manifest = join(outDir, "prebuilt", "manifest.json");
  if (existsSync(manifest)) hash.update(readFileSync(manifest));
  const version = hash.digest("hex").slice(0, 16);
  // The pages carry the version they belong to, so an open page can tell when a newer version's
  // service worker takes it over (src/app/offline/new-version.ts). Written after the hash: the
  // version names the build's files as vite emitted them.
  for (const page of ["index.html", "embed.html"]) {
    const path = join(outDir, page);
    if (existsSync(path)) writeFileSync(path, readFileSync(path, "utf8").replace("<head>", `<head>\n    <meta name="bootlab-version" content="${version}">`));
  }
  const source = `// bootlab's service worker, version ${version}: made by vite.config.ts from src/app/offline/service-worker.ts.\n(${serviceWorker.toString()})(${JSON.stringify(version)}, ${JSON.stringify(shell)});\n`;
  writeFileSync(join(outDir, "sw.js"), source);
}

/** sha256 of the manifest the built site serves: the worker checks the one it fetches against it. */
function manifestSha256(): string | null {
  const manifest = join(PREBUILT_DIR, "manifest.json");
  return existsSync(manifest) ? createHash("sha256").update(readFileSync(manifest)).digest("hex") : null;
}

export default defineConfig(({ command }) => ({
  base: "./",
  // A built page boots only the artifacts it was built with (workers/build-constants.d.ts).
  define: { __BOOTLAB_MANIFEST_SHA256__: JSON.stringify(command === "build" ? manifestSha256() : null) },
  plugins: [prebuiltArtifacts()],
  worker: { format: "es" },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    // Monaco is one large, lazily loaded chunk; warn only about something larger still.
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // embed.html (the embed mode's page) is built too once it exists.
      input: {
        main: resolve(import.meta.dirname, "index.html"),
        ...(existsSync(resolve(import.meta.dirname, "embed.html")) ? { embed: resolve(import.meta.dirname, "embed.html") } : {}),
      },
    },
  },
  server: { host: "127.0.0.1", port: 5173 },
  preview: { host: "127.0.0.1", port: 4173 },
}));
