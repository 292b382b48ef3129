// `bootlab` entry: parse the command name, dispatch, turn errors into messages and exit codes.
// Nothing else lives here; each command is one file under commands/.
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Command } from "./command.ts";
import { commands } from "./commands/index.ts";

function overview(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    "bootlab: build a tiny Linux system and boot it (v86 or QEMU).",
    "",
    "Usage: bootlab <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Run `bootlab <command> --help` for a command's options and an example.",
  ].join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(overview());
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command: Command | undefined = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`bootlab: unknown command "${name}"\n\n${overview()}`);
    return EXIT_USAGE;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    console.log(command.help);
    return EXIT_OK;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof CliError) {
      console.error(`bootlab ${name}: ${error.message}`);
      return error.exitCode;
    }
    // parseArgs throws TypeErrors with a code for unknown or malformed options: that is usage.
    const code = (error as { code?: string }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      console.error(`bootlab ${name}: ${(error as Error).message}\nRun \`bootlab ${name} --help\`.`);
      return EXIT_USAGE;
    }
    console.error(`bootlab ${name}: unexpected error`);
    console.error(error);
    return EXIT_FAILED;
  }
}
