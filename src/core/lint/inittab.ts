// /etc/inittab as BusyBox init reads it (init/init.c, parse_inittab): "#" starts a comment
// anywhere on a line, blank lines are skipped, fields are split on ":" without trimming, at most
// four fields with the last taking the rest of the line, and a line is rejected ("Bad inittab
// entry at line N") when it has fewer than four fields, an unknown action or an empty process.
import { diagnosticAt, diagnosticOnLine, splitLines, type Diagnostic } from "./diagnostic.ts";

export const BUSYBOX_INIT_ACTIONS = [
  "sysinit",
  "wait",
  "once",
  "respawn",
  "askfirst",
  "ctrlaltdel",
  "shutdown",
  "restart",
] as const;

/** sysvinit actions that BusyBox init does not know, so that the message can say whose they are. */
const SYSVINIT_ONLY_ACTIONS = new Set([
  "initdefault",
  "boot",
  "bootwait",
  "off",
  "ondemand",
  "powerwait",
  "powerfail",
  "powerokwait",
  "powerfailnow",
  "kbrequest",
]);

/** Consoles whose output this playground shows. */
const SERIAL_CONSOLES = new Set(["", "console", "ttyS0", "/dev/console", "/dev/ttyS0"]);

export interface InittabEntry {
  line: number;
  id: string;
  runlevels: string;
  action: string;
  process: string;
}

export interface InittabContext {
  /** Whether a path exists in the guest; undefined skips existence checks. */
  exists?: (absolutePath: string) => boolean;
  /** Whether an overlay file is executable; undefined when the file is not in the overlay. */
  isExecutable?: (absolutePath: string) => boolean | undefined;
}

/** Entries BusyBox init would accept, in file order. */
export function parseInittab(text: string): InittabEntry[] {
  return analyseInittab("/etc/inittab", text, {}).entries;
}

export function lintInittab(path: string, text: string, context: InittabContext): Diagnostic[] {
  return analyseInittab(path, text, context).diagnostics;
}

function analyseInittab(
  path: string,
  text: string,
  context: InittabContext,
): { entries: InittabEntry[]; diagnostics: Diagnostic[] } {
  const entries: InittabEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const line of splitLines(text)) {
    const hash = line.text.indexOf("#");
    const content = hash >= 0 ? line.text.slice(0, hash) : line.text;
    if (content.trim() === "") continue;
    const bad = `BusyBox init rejects this line ("Bad inittab entry at line ${line.number}")`;
    const parts = content.split(":");
    if (parts.length < 4) {
      diagnostics.push(
        diagnosticOnLine(
          path,
          "inittab-fields",
          "error",
          `${bad}: it needs four fields id:runlevels:action:process, got ${parts.length}. Example: ::respawn:-/bin/sh`,
          line,
        ),
      );
      continue;
    }
    const [id = "", runlevels = "", action = ""] = parts;
    const process = parts.slice(3).join(":");
    const actionColumn = id.length + runlevels.length + 3;
    const processColumn = actionColumn + action.length + 1;
    if (!(BUSYBOX_INIT_ACTIONS as readonly string[]).includes(action)) {
      const trimmed = action.trim();
      let why: string;
      if ((BUSYBOX_INIT_ACTIONS as readonly string[]).includes(trimmed)) {
        why = `the action "${action}" has blanks around it, and BusyBox does not trim fields`;
      } else if (SYSVINIT_ONLY_ACTIONS.has(trimmed)) {
        why = `"${trimmed}" is a sysvinit action that BusyBox init does not have`;
      } else {
        why = `"${action}" is not an action BusyBox init knows`;
      }
      diagnostics.push(
        diagnosticAt(
          path,
          "inittab-action",
          "error",
          `${bad}: ${why}. The actions are ${BUSYBOX_INIT_ACTIONS.join(", ")}.`,
          line.number,
          actionColumn,
          actionColumn + Math.max(action.length, 1),
        ),
      );
      continue;
    }
    if (process.trim() === "") {
      diagnostics.push(
        diagnosticAt(
          path,
          "inittab-process",
          "error",
          `${bad}: the process field is empty. Name the program to run, e.g. ${action}:/etc/init.d/rcS.`,
          line.number,
          processColumn,
          line.text.length + 1,
        ),
      );
      continue;
    }
    entries.push({ line: line.number, id, runlevels, action, process });
    if (hash >= 0 && /^[^"']*(["'])[^"']*$/.test(content)) {
      // An unclosed quote before the "#": the author meant the "#" as text, BusyBox cuts there.
      diagnostics.push(
        diagnosticAt(
          path,
          "inittab-comment",
          "warning",
          'BusyBox init treats "#" as the start of a comment even inside quotes, so the command ends before it.',
          line.number,
          hash + 1,
          line.text.length + 1,
        ),
      );
    }
    if (runlevels !== "") {
      diagnostics.push(
        diagnosticAt(
          path,
          "inittab-runlevels",
          "info",
          "BusyBox init ignores the runlevels field; it may as well be empty.",
          line.number,
          id.length + 2,
          id.length + 2 + runlevels.length,
        ),
      );
    }
    if (!SERIAL_CONSOLES.has(id)) {
      diagnostics.push(
        diagnosticAt(
          path,
          "inittab-tty",
          "info",
          `This process runs on /dev/${id.replace(/^\/dev\//, "")}; this page shows only the serial console (ttyS0), so you will not see it. Leave the id empty to use the console.`,
          line.number,
          1,
          id.length + 1,
        ),
      );
    }
    for (const d of lintProcess(path, line.number, processColumn, process, context)) diagnostics.push(d);
  }
  const validLines = entries.length;
  if (validLines > 0 && !entries.some((e) => e.action === "respawn" || e.action === "askfirst")) {
    const firstLine = entries[0]!.line;
    diagnostics.push(
      diagnosticAt(
        path,
        "inittab-no-shell",
        "info",
        "No respawn or askfirst entry: after sysinit nothing keeps running on the console, so you get no shell. Add ::respawn:-/bin/sh",
        firstLine,
        1,
        2,
      ),
    );
  }
  return { entries, diagnostics };
}

/** The program an entry runs: BusyBox execs it directly unless it has shell characters. */
function lintProcess(
  path: string,
  lineNumber: number,
  column: number,
  process: string,
  context: InittabContext,
): Diagnostic[] {
  const command = process.replace(/^-/, "").trimStart();
  const program = command.split(/[ \t]/)[0] ?? "";
  if (!program.startsWith("/")) return [];
  const offset = process.indexOf(program);
  const start = column + offset;
  const end = start + program.length;
  const executable = context.isExecutable?.(program);
  if (executable === false) {
    return [
      diagnosticAt(
        path,
        "inittab-not-executable",
        "error",
        `${program} is not executable, so init cannot run it ("Permission denied"). Tick "executable" for that file.`,
        lineNumber,
        start,
        end,
      ),
    ];
  }
  if (context.exists && !context.exists(program)) {
    return [
      diagnosticAt(
        path,
        "inittab-missing-program",
        "warning",
        `${program} does not exist in this system, so init will fail to run it ("No such file or directory").`,
        lineNumber,
        start,
        end,
      ),
    ];
  }
  return [];
}
