// How a long build talks: one line per stage with its elapsed time on the terminal, every
// command's full output in one log file, and on failure the failing step's last lines and the
// log's path. Child processes go through exec.ts's `start`, like every other tool bootlab runs.
import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { CliError, EXIT_FAILED } from "../command.ts";
import { exitCodeOf, start } from "../exec.ts";

/** How many lines of a failing command's output to show. */
const TAIL_LINES = 25;

export interface StepOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Text fed to the command's stdin (then closed). */
  input?: string;
}

export class StageLog {
  private readonly started = Date.now();

  constructor(
    /** The full log file. */
    readonly path: string,
    /** Where stage lines go (the terminal); a test can collect them. */
    private readonly print: (line: string) => void = (line) => process.stderr.write(line + "\n"),
  ) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `bootlab build log, started ${new Date(this.started).toISOString()}\n`);
  }

  /** A line in the log file only. */
  note(text: string): void {
    appendFileSync(this.path, text.endsWith("\n") ? text : text + "\n");
  }

  /** A line on the terminal and in the log. */
  say(text: string): void {
    this.print(text);
    this.note(text);
  }

  /**
   * Runs one stage: prints `name ... <what it returned> (12.3 s)` when done, or the error with
   * the stage's name. `fn` returns a short word for the line: "built", "cached", "ok".
   */
  async stage<T extends { status: string }>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    this.note(`\n==== stage ${name}`);
    try {
      const result = await fn();
      this.say(`${name.padEnd(28)} ${result.status.padEnd(7)} ${seconds(Date.now() - t0)}`);
      return result;
    } catch (error) {
      this.say(`${name.padEnd(28)} FAILED  ${seconds(Date.now() - t0)}`);
      throw error;
    }
  }

  /**
   * Runs a build command with its output appended to the log. On a non-zero exit, throws a
   * CliError with the command, its last lines and the log's path.
   */
  async step(tool: string, args: string[], options: StepOptions = {}): Promise<void> {
    this.note(`$ ${[tool, ...args].join(" ")}${options.cwd ? `    (in ${options.cwd})` : ""}`);
    const child = start(tool, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    const tail: string[] = [];
    let partial = "";
    const collect = (chunk: Buffer): void => {
      const text = chunk.toString("utf8");
      appendFileSync(this.path, text);
      const lines = (partial + text).split("\n");
      partial = lines.pop() ?? "";
      tail.push(...lines);
      if (tail.length > TAIL_LINES * 4) tail.splice(0, tail.length - TAIL_LINES);
    };
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.stdin!.on("error", () => {});
    child.stdin!.end(options.input ?? "");
    const code = await exitCodeOf(child);
    if (partial) tail.push(partial);
    if (code !== 0) {
      const last = tail.slice(-TAIL_LINES).join("\n");
      throw new CliError(
        `${tool} ${args.join(" ")} exited with ${code}; its last lines:\n${last}\nFull log: ${this.path}`,
        EXIT_FAILED,
      );
    }
  }

  /** Total time since the log was opened, for the summary line. */
  elapsed(): string {
    return seconds(Date.now() - this.started);
  }
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
