// Where `bootlab build` keeps what it downloads and builds between runs:
// $XDG_CACHE_HOME/bootlab, else ~/.cache/bootlab (the XDG base-directory default).
//   sources/   verified source tarballs and .debs, by file name
//   apt/       the private apt configuration and lists of the Debian route
//   src/       extracted source trees (read-only once extracted)
//   stages/    finished stage outputs, by stage key (what makes a second build take seconds)
//   work/      build directories
//   logs/      one full log a build
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";
import { CliError, EXIT_USAGE } from "../command.ts";
import { isProcessAlive } from "../exec.ts";

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && xdg !== "") {
    // The spec says relative values are invalid and must be ignored; say so instead of guessing.
    if (!isAbsolute(xdg)) throw new CliError(`XDG_CACHE_HOME is ${JSON.stringify(xdg)}, want an absolute path (or unset it)`, EXIT_USAGE);
    return join(xdg, "bootlab");
  }
  const home = env.HOME && env.HOME !== "" ? env.HOME : homedir();
  return join(home, ".cache", "bootlab");
}

export interface CacheLayout {
  root: string;
  sources: string;
  apt: string;
  src: string;
  stages: string;
  work: string;
  logs: string;
}

export function cacheLayout(root: string): CacheLayout {
  return {
    root,
    sources: join(root, "sources"),
    apt: join(root, "apt"),
    src: join(root, "src"),
    stages: join(root, "stages"),
    work: join(root, "work"),
    logs: join(root, "logs"),
  };
}

/**
 * Takes the cache for this process: two builds at once would share kernel build directories
 * and corrupt each other. A lock left by a process that no longer exists is taken over.
 * Returns the function that releases it.
 */
export function lockCache(root: string): () => void {
  mkdirSync(root, { recursive: true });
  const lock = join(root, "lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lock, `${process.pid}\n`, { flag: "wx" });
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const holder = Number(readFileSync(lock, "utf8").trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isProcessAlive(holder)) {
        throw new CliError(`another bootlab build (pid ${holder}) is using ${root}; wait for it to finish (or set XDG_CACHE_HOME to use another cache)`, EXIT_USAGE);
      }
      rmSync(lock, { force: true });
    }
  }
  throw new CliError(`could not take the lock ${lock}; delete it if no bootlab build is running`, EXIT_USAGE);
}

