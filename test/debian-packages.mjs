#!/usr/bin/env node
// The first step of `npm test`: the Debian packages the tests run for real (QEMU, SeaBIOS, GNU
// cpio, Chromium, e2fsprogs, the kernel build tools), listed one a line in .ci/apt-packages.txt.
// Installed ones pass in a few milliseconds. Missing ones are installed when this runs as root
// (a fresh machine, CI); otherwise it stops at once and prints the one apt-get line to run,
// rather than letting the tests fail one by one for lack of a tool.
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const listFile = fileURLToPath(new URL("../.ci/apt-packages.txt", import.meta.url));
const wanted = readFileSync(listFile, "utf8")
  .split("\n")
  .map((line) => line.replace(/#.*/, "").trim())
  .filter(Boolean);

function missingPackages() {
  const query = spawnSync("dpkg-query", ["-W", "-f=${Package} ${Status}\\n", ...wanted], { encoding: "utf8" });
  if (query.error) {
    console.error(`npm test: cannot ask dpkg which packages are installed (${query.error.message}); the tests need a Debian machine with: ${wanted.join(" ")}`);
    process.exit(2);
  }
  const installed = new Set(
    query.stdout
      .split("\n")
      .filter((line) => line.endsWith(" install ok installed"))
      .map((line) => line.split(" ")[0]),
  );
  return wanted.filter((name) => !installed.has(name));
}

const missing = missingPackages();
if (missing.length === 0) process.exit(0);

const install = ["install", "-y", "-q", "--no-install-recommends", ...missing];
if (process.getuid?.() !== 0) {
  console.error(`npm test needs ${missing.length} Debian package(s) that are not installed: ${missing.join(", ")}.`);
  console.error("Install them, then run npm test again:\n");
  console.error(`  sudo apt-get update && sudo apt-get install --no-install-recommends ${missing.join(" ")}\n`);
  process.exit(2);
}

console.error(`npm test: installing ${missing.length} Debian package(s): ${missing.join(" ")}`);
const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
for (const args of [["update", "-q"], install]) {
  const step = spawnSync("apt-get", args, { stdio: ["ignore", "ignore", "inherit"], env });
  if (step.status !== 0) {
    console.error(`npm test: \`apt-get ${args.join(" ")}\` failed (exit ${step.status ?? step.signal}); install the packages by hand and run npm test again.`);
    process.exit(2);
  }
}
const still = missingPackages();
if (still.length) {
  console.error(`npm test: still missing after apt-get install: ${still.join(" ")}`);
  process.exit(2);
}
