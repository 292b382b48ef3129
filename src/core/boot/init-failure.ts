// "/init could not run": the kernel's lines that say an init program exists but could not be
// executed, and why, in the words a reader of the seeds needs (CRLF, no #!, no exec bit, wrong
// ELF class). Kept apart from the panic catalogue because the kernel often carries on after
// them (to /sbin/init, BusyBox's own init) and a prompt follows that is not the user's.
import { explainErrno, stripPrintkTime } from "./diagnosis.ts";

export interface InitFailure {
  /** The program the kernel could not run: "/init", "/sbin/init", the init= value. */
  path: string;
  /** The negative errno the kernel printed (-2, -8, -13, ...). */
  errno: number;
  /** The kernel's line, without its printk time stamp. */
  line: string;
  /** True for "Requested init X failed": the kernel panicked instead of trying others. */
  fatal: boolean;
}

/** What the plan knows about the system, to explain a failure better than the errno can. */
export interface InitContext {
  /** The user's init: "/init", or the rdinit= / init= value. */
  initPath?: string;
  /** A sentence about that file, e.g. "/init's first line ends with a carriage return (CRLF)". */
  initHint?: string;
}

const PATTERNS: readonly RegExp[] = [
  // init/main.c, Linux 6.1: rdinit (or /init) found but not executable.
  /Failed to execute (\S+) \(error (-?\d+)\)/,
  // init= (or a default init) that exists but could not be executed.
  /Starting init: (\S+) exists but couldn't execute it \(error (-?\d+)\)/,
  /Default init (\S+) failed \(error (-?\d+)\)/,
];
const REQUESTED = /Kernel panic - not syncing: Requested init (\S+) failed \(error (-?\d+)\)/;

/** The init failure a console line reports, or undefined. */
export function parseInitFailure(rawLine: string): InitFailure | undefined {
  const line = stripPrintkTime(rawLine).trim();
  const requested = line.match(REQUESTED);
  if (requested) return { path: requested[1]!, errno: Number(requested[2]), line, fatal: true };
  for (const pattern of PATTERNS) {
    const m = line.match(pattern);
    if (m) return { path: m[1]!, errno: Number(m[2]), line, fatal: false };
  }
  return undefined;
}

/** Why `failure` happened and what to do, one sentence each. */
export function explainInitFailure(failure: InitFailure, context: InitContext = {}): { reason: string; fix: string } {
  const file = failure.path;
  const code = Math.abs(failure.errno);
  const hint = context.initHint && file === (context.initPath ?? "/init") ? context.initHint : undefined;
  switch (code) {
    case 2:
      return {
        reason:
          hint ??
          (failure.fatal
            ? `${file} does not exist, or the interpreter on its #! line does not (a CRLF line end makes the kernel look for "/bin/sh\\r").`
            : `${file} is there, but the program on its #! line is not: most often the line ends in CRLF (Windows line ends), so the kernel looks for "/bin/sh\\r"; or the interpreter is missing from the archive.`),
        fix: `Save ${file} with LF line ends and check that its #! line names an interpreter in the archive (/bin/sh comes from BusyBox).`,
      };
    case 8:
      return {
        reason:
          hint ??
          `${file} has no #! line and is not an ELF program for this CPU (exec format error): a script without #!/bin/sh, or a binary of the wrong ELF class or architecture (x86_64 on an i386 kernel).`,
        fix: `Start ${file} with #!/bin/sh, or build it as a static i386 program (gcc -m32 -static).`,
      };
    case 13:
      return {
        reason: hint ?? `${file} is not executable (no x bit in its mode), or it is on a noexec mount.`,
        fix: `Make ${file} executable: mode 755 (in the page, the executable switch).`,
      };
    default:
      return {
        reason: hint ?? `the kernel got ${explainErrno(failure.errno)}.`,
        fix: `Check that ${file} exists, is executable and is built for this CPU.`,
      };
  }
}
