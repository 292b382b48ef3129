// Reproducibility guard: an artifact must not contain the directory it was built in (or the
// source tree or sysroot), or two builds in different directories would differ. Each recipe
// scans its uncompressed outputs (vmlinux rather than the xz-compressed bzImage).
import { readFileSync } from "node:fs";
import { CliError, EXIT_FAILED } from "../command.ts";

/** The build paths found in `bytes`, if any. */
export function findPaths(bytes: Uint8Array, paths: readonly string[]): string[] {
  const haystack = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return paths.filter((p) => p.length > 1 && haystack.includes(p));
}

export function assertNoBuildPaths(file: string, paths: readonly string[]): void {
  const found = findPaths(readFileSync(file), paths);
  if (found.length) {
    throw new CliError(`${file} contains the build path${found.length > 1 ? "s" : ""} ${found.join(", ")}: the build is not reproducible across directories (a -ffile-prefix-map is missing)`, EXIT_FAILED);
  }
}
