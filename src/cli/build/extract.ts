// Unpacking pinned sources into the cache or a work directory.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CliError, EXIT_FAILED } from "../command.ts";
import type { StageLog } from "./stage-log.ts";

/** Extracts `tarball` (any compression tar detects) into `parent`, returning the top directory. */
export async function extractTarball(log: StageLog, tarball: string, parent: string, topDirectory: string): Promise<string> {
  mkdirSync(parent, { recursive: true });
  const tree = join(parent, topDirectory);
  rmSync(tree, { recursive: true, force: true });
  await log.step("tar", ["-x", "-f", tarball, "-C", parent, "--no-same-owner"]);
  if (!existsSync(tree)) {
    throw new CliError(`${tarball} did not unpack to ${topDirectory}/ (got ${readdirSync(parent).join(", ")})`, EXIT_FAILED);
  }
  return tree;
}

/** Extracts one file from a .deb into `destination` (no root, no dpkg database involved). */
export async function extractDebMember(log: StageLog, deb: string, member: string, scratch: string, destination: string): Promise<void> {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  await log.step("dpkg-deb", ["-x", deb, scratch]);
  const file = join(scratch, member);
  if (!existsSync(file)) throw new CliError(`${deb} has no ${member}`, EXIT_FAILED);
  renameSync(file, destination);
  rmSync(scratch, { recursive: true, force: true });
}

/**
 * The kernel source tree for a pinned linux-source .deb, extracted once into the cache and
 * shared read-only by every kernel build (they build out of tree, with O=).
 */
export async function kernelSourceTree(log: StageLog, deb: string, member: string, srcRoot: string, name: string, topDirectory: string): Promise<string> {
  const home = join(srcRoot, name);
  const tree = join(home, topDirectory);
  const marker = join(home, ".complete");
  if (existsSync(marker)) return tree;
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  const tarball = join(home, "source.tar.xz");
  await extractDebMember(log, deb, member, join(home, "deb"), tarball);
  await extractTarball(log, tarball, home, topDirectory);
  rmSync(tarball);
  writeFileSync(marker, "");
  return tree;
}
