// docs/ states the contracts other tools rely on; this keeps the parts that are cheap to check
// mechanically true to the code: the command list, boot's exit codes, the default command
// line, the methods of window.bootlab and the fields of bundle.json.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { commands } from "../../src/cli/commands/index.ts";
import { DEFAULT_CMDLINE } from "../../src/core/boot/defaults.ts";
import { EXIT_CODES } from "../../src/core/boot/outcome.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const read = (path: string) => readFileSync(root + path, "utf8");

/** The section of `markdown` under the level-2 heading `title`, up to the next level-2 heading. */
function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  assert.notEqual(start, -1, `no "## ${title}" heading`);
  const end = markdown.indexOf("\n## ", start + 1);
  return end === -1 ? markdown.slice(start) : markdown.slice(start, end);
}

/** The member names of `export interface <name> { ... }` in a source file (one member a line). */
function interfaceMembers(source: string, name: string): string[] {
  const body = new RegExp(`export interface ${name} \\{\\n([\\s\\S]*?)\\n\\}`).exec(source)?.[1];
  assert.ok(body, `no interface ${name}`);
  return [...body.matchAll(/^ {2}(\w+)\??[(:<]/gm)].map((m) => m[1]!);
}

test("docs/cli.md has a heading for every bootlab command", () => {
  const cli = read("docs/cli.md");
  const headings = new Set([...cli.matchAll(/^## (\S+)$/gm)].map((m) => m[1]));
  for (const command of commands) assert.ok(headings.has(command.name), `docs/cli.md: no "## ${command.name}" heading`);
});

test("docs/cli.md's boot section gives every exit code of EXIT_CODES with its number", () => {
  const boot = section(read("docs/cli.md"), "boot");
  for (const [name, code] of Object.entries(EXIT_CODES)) {
    assert.match(boot, new RegExp(`^\\| ${code} \\| \`${name}\` \\|`, "m"), `docs/cli.md, boot: no row "| ${code} | \`${name}\` |"`);
  }
});

test("docs/cli.md holds the default kernel command line verbatim", () => {
  assert.ok(read("docs/cli.md").includes(DEFAULT_CMDLINE), `docs/cli.md does not hold "${DEFAULT_CMDLINE}"`);
});

test("docs/page-api.md has a row for every method of window.bootlab", () => {
  const methods = interfaceMembers(read("src/app/automation/bootlab-api.ts"), "BootlabApi");
  assert.ok(methods.length >= 12, `found only ${methods.length} methods of BootlabApi: ${methods.join(", ")}`);
  const doc = read("docs/page-api.md");
  for (const method of methods) assert.match(doc, new RegExp(`^\\| \`${method}\\(`, "m"), `docs/page-api.md: no row for \`${method}(...)\``);
});

test("docs/bundle.md names every field of bundle.json", () => {
  const fields = interfaceMembers(read("src/core/bundle/manifest.ts"), "BundleManifest");
  assert.ok(fields.length >= 11, `found only ${fields.length} fields of BundleManifest: ${fields.join(", ")}`);
  const doc = read("docs/bundle.md");
  for (const field of fields) assert.match(doc, new RegExp(`^\\| \`${field}\` \\|`, "m"), `docs/bundle.md: no row for \`${field}\``);
});
