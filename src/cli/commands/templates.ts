// `bootlab templates`: the page's templates (src/core/templates' TEMPLATES), one a line, so that
// `bootlab boot --template ID` and `bootlab export --template ID` can be used without the page.
import { parseArgs } from "node:util";
import { TEMPLATES } from "../../core/templates/index.ts";
import { EXIT_OK, type Command } from "../command.ts";

const HELP = `Usage: bootlab templates [--json]

Lists the playground's templates: id, title and the tutorial (seed) each comes from, one a
line. The id is what \`bootlab boot --template ID\` and \`bootlab export --template ID\` take.

Options:
  --json    print a JSON list instead: [{ "id", "title", "seed", "kernel", "base", "cmdline",
            "disks": [{ "name", "role", "sizeMiB", "fs" }] }] (disks: what the plan writes
            from the template's files; a RAM disk is the initrd, IDE disks are /dev/sda, ...)

Exit codes:
  0  listed
  2  usage: an unknown option

Examples:
  bootlab templates
  bootlab templates --json`;

export const templatesCommand: Command = {
  name: "templates",
  summary: "list the playground's templates (id, title, seed)",
  help: HELP,
  async run(args) {
    const { values } = parseArgs({ args, strict: true, allowPositionals: false, options: { json: { type: "boolean", default: false } } });
    if (values.json) {
      const list = TEMPLATES.map((t) => ({
        id: t.id,
        title: t.title,
        seed: t.source,
        kernel: t.kernel,
        base: t.base,
        cmdline: t.cmdline,
        disks: (t.disks ?? []).map((d) => ({ name: d.name, role: d.role, sizeMiB: d.sizeMiB, fs: d.fs })),
      }));
      process.stdout.write(JSON.stringify(list, null, 2) + "\n");
      return EXIT_OK;
    }
    const rows = [["ID", "TITLE", "SEED"], ...TEMPLATES.map((t) => [t.id, t.title, t.source])];
    const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
    for (const [id, title, seed] of rows) process.stdout.write(`${id!.padEnd(widths[0]!)}  ${title!.padEnd(widths[1]!)}  ${seed}\n`);
    return EXIT_OK;
  },
};
