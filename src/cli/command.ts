// What every `bootlab` command is: a name, a line for `bootlab --help`, its own help text, and
// `run`, which gets the arguments after the command name and returns the exit code.
// Exit codes follow one rule across commands: 0 ok, 1 the check or the guest failed,
// 2 usage or environment (bad flags, a missing tool or file). Commands may define more specific
// codes above 2 and must document them in their help.

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

export interface Command {
  name: string;
  summary: string;
  /** Full help: usage line, options, one example at least. */
  help: string;
  run(args: string[]): Promise<number>;
}

/** An error whose message is meant for the user as it is (no stack trace), with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT_USAGE,
  ) {
    super(message);
    this.name = "CliError";
  }
}
