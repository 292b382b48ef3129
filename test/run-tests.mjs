#!/usr/bin/env node
// Runs the test suites with Node's own test runner (TypeScript through tsx).
//   node test/run-tests.mjs              every suite, in order: unit, cli, runner, browser
//   node test/run-tests.mjs unit cli     only those
// A suite is a folder under test/; a test file is any *.test.ts below it. Suites run one after
// the other so that the cheap ones fail first; files inside a suite run in one `node --test`.
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const SUITES = ["unit", "cli", "runner", "browser"];
const wanted = process.argv.slice(2);
for (const name of wanted) {
  if (!SUITES.includes(name)) {
    console.error(`run-tests: unknown suite "${name}"; the suites are: ${SUITES.join(", ")}`);
    process.exit(2);
  }
}

function findTests(dir) {
  let found = [];
  let names;
  try {
    names = readdirSync(dir).sort();
  } catch {
    return found;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found = found.concat(findTests(path));
    else if (name.endsWith(".test.ts")) found.push(relative(root, path));
  }
  return found;
}

const files = (wanted.length ? wanted : SUITES).flatMap((suite) => findTests(join(root, "test", suite)));
if (files.length === 0) {
  console.error("run-tests: no test files found");
  process.exit(1);
}
const result = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-reporter=spec", "--test-reporter-destination=stdout", "--test-reporter=./test/summary-reporter.mjs", "--test-reporter-destination=stdout", ...files], {
  cwd: root,
  stdio: "inherit",
});
process.exit(result.status ?? 1);
