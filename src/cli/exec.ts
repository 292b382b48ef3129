// The one way the CLI runs another program. It checks that the tool exists first, so a missing
// tool is reported as "qemu-system-i386 not found: install the Debian package qemu-system-x86
// (apt-get install qemu-system-x86)" instead of a bare ENOENT, and it keeps stderr for errors.
import { spawn, type SpawnOptions, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { CliError, EXIT_FAILED, EXIT_USAGE } from "./command.ts";
import { debianPackageFor } from "./tools.ts";

/** The absolute path of `tool` on PATH, or undefined. */
export function findTool(tool: string, path = process.env.PATH ?? ""): string | undefined {
  if (tool.includes("/")) return isExecutable(tool) ? tool : undefined;
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, tool);
    if (isExecutable(candidate)) return candidate;
  }
  // Debian keeps mke2fs and friends in /usr/sbin, which is not on a normal user's PATH.
  for (const dir of ["/usr/sbin", "/sbin"]) {
    const candidate = join(dir, tool);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** What to tell a user who lacks `tool`. */
export function missingToolMessage(tool: string): string {
  const pkg = debianPackageFor(tool);
  return pkg
    ? `${tool} not found: install the Debian package ${pkg} (apt-get install ${pkg})`
    : `${tool} not found: install it and make sure it is on PATH`;
}

/** Resolves `tool` or throws a CliError (exit 2) that says how to get it. */
export function requireTool(tool: string): string {
  const found = findTool(tool);
  if (!found) throw new CliError(missingToolMessage(tool), EXIT_USAGE);
  return found;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Bytes written to the child's stdin, then closed. */
  input?: Uint8Array | string;
  /** Throw a CliError when the exit code is not 0 (default true). */
  check?: boolean;
}

/** Runs a tool to completion and collects its output. */
export async function run(tool: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  const file = requireTool(tool);
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout!.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on("data", (chunk: Buffer) => stderr.push(chunk));
  child.stdin!.on("error", () => {}); // a child that exits without reading stdin is not our error
  child.stdin!.end(options.input ?? "");
  const code = await exitCodeOf(child);
  const result = {
    code,
    stdout: Buffer.concat(stdout).toString("utf8"),
    stderr: Buffer.concat(stderr).toString("utf8"),
  };
  if (options.check !== false && code !== 0) {
    const tail = result.stderr.trim().split("\n").slice(-10).join("\n");
    throw new CliError(`${tool} ${args.join(" ")} exited with ${code}${tail ? `:\n${tail}` : ""}`, EXIT_FAILED);
  }
  return result;
}

/** Starts a long-running tool (an emulator, a build) and hands back the child process. */
export function start(tool: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  return spawn(requireTool(tool), args, options);
}

/** Resolves with the exit code; a signal counts as 128 + its number, as shells report it. */
export function exitCodeOf(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      if (code !== null) resolve(code);
      else resolve(128 + (signal ? (osSignals[signal] ?? 0) : 0));
    });
  });
}

const osSignals: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/** Whether process `pid` exists (a process of another user counts: signalling it is refused, not failed). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
