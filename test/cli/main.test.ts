// The CLI entry as a user meets it: the real binary, its help and its exit codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));
const bootlab = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

test("bootlab --help lists the commands and exits 0", () => {
  const result = bootlab("--help");
  assert.equal(result.status, 0);
  assert.match(result.stdout, /Usage: bootlab <command>/);
});

test("an unknown command is a usage error (exit 2) that shows the overview", () => {
  const result = bootlab("frobnicate");
  assert.equal(result.status, 2);
  assert.match(result.stderr, /unknown command "frobnicate"/);
  assert.match(result.stderr, /Usage: bootlab <command>/);
});
