// A boot's stages as bars on one time axis, from the kernel's start to the prompt (and the
// power-off): the data the page's picture (timeline-svg.ts) and the CLI's text chart draw.
//
// The axis is milliseconds since the kernel started. A stage whose line carries a printk time
// stamp (printk.time=1) sits at that guest time. A stage without one (the shell prompt, which user
// space prints) is placed by host receive time against the stamped lines around it: between two,
// in proportion (so the order holds when the guest's clock runs slower than the host's); after
// the last, at its guest time plus the host time since it arrived. With no stamps at all the
// axis is host time since the kernel's first line. Each bar says which clock placed it.
import { ASKFIRST_MESSAGE, type BootTranscript, type StageMark, type TranscriptLine } from "./transcript.ts";

/** The bars, in the order they are drawn (top to bottom). */
export type TimelineStageId = "kernel" | "initramfs" | "root" | "init" | "userspace" | "prompt" | "power-off" | "panic";

export const TIMELINE_STAGE_ORDER: readonly TimelineStageId[] = ["kernel", "initramfs", "root", "init", "userspace", "prompt", "power-off", "panic"];

export interface TimelineBar {
  id: TimelineStageId;
  /** Short name for a label column: "initramfs unpack", "Run /init". */
  label: string;
  /** Milliseconds since the kernel started, on the timeline's axis. */
  startMs: number;
  /** Equal to startMs for a moment (`point`). */
  endMs: number;
  /** A moment (a line), not a span. */
  point: boolean;
  /** Which clock placed the bar's end (its start, for a point): the kernel's time stamps or the host's receive time. */
  source: "printk" | "host";
  /** Index in the transcript's lines of the line that starts the bar (the console line to scroll to). */
  lineIndex: number;
  /** That line, time stamp removed. */
  line: string;
  /** The text equivalent: one plain sentence with the times (for aria-label, <title>, a screen reader). */
  text: string;
  /**
   * A warm boot's kernel part: printed by the snapshot boot and restored with it, not run again
   * (TimelineOptions.restored).
   */
  restored?: boolean;
}

export interface BootTimeline {
  bars: TimelineBar[];
  /** The end of the last bar, ms. */
  totalMs: number;
  /** Kernel start to the prompt (or the ready text), when reached. */
  promptMs?: number;
  /** "printk" when every bar was placed by the kernel's stamps or anchored to them; "host" when the boot had none. */
  clock: "printk" | "host";
  /** A warm boot: the bars up to the init were restored from a snapshot (their `restored`). */
  warm?: boolean;
}

export interface TimelineOptions {
  /** Console text that means a system without a shell is up (a template's ready text): ends the user-space bar. */
  readyPattern?: string | RegExp;
  /**
   * The boot was warm (src/core/warm): everything up to the kernel running the init was
   * restored from a snapshot, so those bars say so; the init's own part ran now.
   */
  restored?: boolean;
}

/** The bars a warm boot restores rather than runs. */
const RESTORED_STAGES: ReadonlySet<TimelineStageId> = new Set(["kernel", "initramfs", "root", "init"]);

const LABELS: Readonly<Record<TimelineStageId, string>> = {
  kernel: "kernel",
  initramfs: "initramfs unpack",
  root: "root mounted",
  init: "Run /init",
  userspace: "init, rcS",
  prompt: "first prompt",
  "power-off": "power-off",
  panic: "kernel panic",
};

const DESCRIPTIONS: Readonly<Record<TimelineStageId, string>> = {
  kernel: "the kernel sets itself up, from its first line to starting init",
  initramfs: "the kernel unpacks the initramfs archive into its root file system",
  root: "the kernel mounted the root file system",
  init: "the kernel starts the first program",
  userspace: "init and its scripts run, up to the shell prompt",
  prompt: "the shell prompt appears",
  "power-off": "the machine powers off",
  panic: "the kernel panics",
};

/** The timeline of a boot's transcript (see the top of this file for the axis). */
export function bootTimeline(transcript: BootTranscript, options: TimelineOptions = {}): BootTimeline {
  const lines = transcript.lines;
  const place = placer(lines, transcript.stage("kernel-start"));
  const at = (mark: StageMark | undefined) => (mark ? { ...place(mark.lineIndex, mark.hostMs, mark.kernelSeconds), index: mark.lineIndex, line: mark.line } : undefined);

  const kernelStart = at(transcript.stage("kernel-start"));
  const unpack = at(transcript.stage("initramfs-unpack"));
  const unpacked = at(transcript.stage("initramfs-unpacked"));
  const root = at(transcript.stage("root-mounted"));
  const runInit = at(transcript.stage("run-init"));
  const prompt = at(transcript.stage("first-prompt"));
  const powerOff = at(transcript.stage("power-off") ?? transcript.stage("reboot"));
  const panic = at(transcript.stage("panic"));
  const ready = prompt ?? readyLine(transcript, lines, runInit?.index ?? 0, options.readyPattern, place);

  const bars: TimelineBar[] = [];
  const span = (id: TimelineStageId, from: Placed, to: Placed | undefined, label = LABELS[id]) => {
    const end = to && to.ms >= from.ms ? to : from;
    bars.push(bar(id, label, from, end, end !== from ? end.source : from.source, end === from));
  };
  if (kernelStart) {
    const kernelEnd = runInit ?? panic ?? root ?? unpacked ?? lastKernelLine(lines, place);
    span("kernel", kernelStart, kernelEnd);
  }
  if (unpack) span("initramfs", unpack, unpacked);
  else if (unpacked) span("initramfs", unpacked, undefined);
  if (root) span("root", root, undefined);
  if (runInit) {
    const path = runInit.line.match(/^Run (\S+) as init process/)?.[1] ?? "/init";
    span("init", runInit, undefined, `Run ${path}`);
    const end = ready ?? powerOff ?? panic;
    if (end) span("userspace", runInit, end);
  }
  if (prompt) span("prompt", prompt, undefined);
  if (powerOff) span("power-off", powerOff, undefined, powerOff.line.includes("Restarting") ? "reboot" : LABELS["power-off"]);
  if (panic) span("panic", panic, undefined);

  if (options.restored) {
    for (const b of bars) {
      if (!RESTORED_STAGES.has(b.id)) continue;
      b.restored = true;
      b.text = `${b.text.slice(0, -1)}; restored from the warm snapshot, not run again.`;
    }
  }
  const timeline: BootTimeline = {
    bars,
    totalMs: bars.reduce((max, b) => Math.max(max, b.endMs), 0),
    clock: lines.some((l) => l.kernelSeconds !== undefined) ? "printk" : "host",
  };
  if (ready && kernelStart) timeline.promptMs = round(ready.ms - kernelStart.ms);
  if (options.restored) timeline.warm = true;
  return timeline;
}

interface Placed {
  ms: number;
  source: "printk" | "host";
  index: number;
  line: string;
}

/** Places a line on the axis: its stamp; else the last stamped line before it plus host time since; else host time since the kernel's first line. */
function placer(lines: readonly TranscriptLine[], kernelStart: StageMark | undefined) {
  const hostZero = kernelStart?.hostMs ?? lines[0]?.hostMs ?? 0;
  return (index: number, hostMs: number, kernelSeconds: number | undefined): { ms: number; source: "printk" | "host" } => {
    if (kernelSeconds !== undefined) return { ms: round(kernelSeconds * 1000), source: "printk" };
    let before: TranscriptLine | undefined;
    for (let i = Math.min(index, lines.length) - 1; i >= 0 && !before; i--) if (lines[i]!.kernelSeconds !== undefined) before = lines[i];
    if (!before) return { ms: round(Math.max(0, hostMs - hostZero)), source: "host" };
    const from = before.kernelSeconds! * 1000;
    const since = Math.max(0, hostMs - before.hostMs);
    let after: TranscriptLine | undefined;
    for (let i = index; i < lines.length && !after; i++) if (lines[i]!.kernelSeconds !== undefined) after = lines[i];
    if (!after) return { ms: round(from + since), source: "host" };
    // Between two stamped lines: where the host time falls between theirs, on the guest's clock
    // (a guest clock that runs slower than the host's, as under a loaded QEMU, keeps the order).
    const to = after.kernelSeconds! * 1000;
    const hostSpan = after.hostMs - before.hostMs;
    return { ms: round(hostSpan > 0 ? from + Math.min(1, since / hostSpan) * (to - from) : from), source: "host" };
  };
}

type Place = ReturnType<typeof placer>;

/** Where a system without a prompt is up: BusyBox's "Please press Enter", or the ready text. */
function readyLine(transcript: BootTranscript, lines: readonly TranscriptLine[], from: number, readyPattern: string | RegExp | undefined, place: Place): Placed | undefined {
  const pattern = readyPattern === undefined || readyPattern === "" ? undefined : typeof readyPattern === "string" ? new RegExp(readyPattern) : new RegExp(readyPattern.source, readyPattern.flags.replace(/[gy]/g, ""));
  const matches = (text: string) => text.includes(ASKFIRST_MESSAGE) || (pattern?.test(text) ?? false);
  for (let i = from; i < lines.length; i++) {
    const line = lines[i]!;
    if (matches(line.text)) return { ...place(i, line.hostMs, line.kernelSeconds), index: i, line: line.text.trim() };
  }
  const partial = transcript.partialLine;
  if (partial && matches(partial)) {
    const last = lines.at(-1);
    return { ...place(lines.length, last?.hostMs ?? 0, undefined), index: lines.length, line: partial.trim() };
  }
  return undefined;
}

/** The last kernel line (one with a stamp), for a boot that never reached init. */
function lastKernelLine(lines: readonly TranscriptLine[], place: Place): Placed | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line.kernelSeconds !== undefined) return { ...place(i, line.hostMs, line.kernelSeconds), index: i, line: line.text };
  }
  return undefined;
}

function bar(id: TimelineStageId, label: string, from: Placed, to: Placed, source: "printk" | "host", point: boolean): TimelineBar {
  const clock = source === "printk" ? "the kernel's time stamps" : "host time";
  const text = point
    ? `${label}: at ${timelineSeconds(from.ms)} (${clock}); ${DESCRIPTIONS[id]}.`
    : `${label}: ${timelineSeconds(from.ms)} to ${timelineSeconds(to.ms)}, ${formatDuration(to.ms - from.ms)} (${clock}); ${DESCRIPTIONS[id]}.`;
  return { id, label, startMs: from.ms, endMs: to.ms, point, source, lineIndex: from.index, line: from.line, text };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/** "0.384 s". */
export function timelineSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(3)} s`;
}

/** "186 ms" below 10 s, "12.3 s" above. */
export function formatDuration(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export interface TimelineTextOptions {
  /** Characters per line (a terminal's columns). Default 80. */
  width?: number;
  /** The axis' end in ms (to draw two timelines on one scale). Default: the longer timeline's end. */
  scaleMs?: number;
  /** A heading line, e.g. "v86". */
  title?: string;
}

const LABEL_COLUMNS = 17;
/** "0.000 s +1225 ms" and a space. */
const TIME_COLUMNS = 17;

/**
 * A text chart: one line per stage, a bar of █ scaled to `width`, the times after it; the
 * previous boot's bar (░) on a line beneath each stage it has.
 */
export function timelineText(current: BootTimeline, previous?: BootTimeline, options: TimelineTextOptions = {}): string {
  const width = Math.max(LABEL_COLUMNS + TIME_COLUMNS + 10, Math.floor(options.width ?? 80));
  const barColumns = width - LABEL_COLUMNS - TIME_COLUMNS - 2;
  const scale = options.scaleMs ?? Math.max(current.totalMs, previous?.totalMs ?? 0, 1);
  const out: string[] = [];
  if (options.title !== undefined) out.push(options.title);
  const end = timelineSeconds(scale);
  out.push(`${"".padEnd(LABEL_COLUMNS)} ${"0 s".padEnd(Math.max(4, barColumns - end.length))}${end}  ${current.clock === "printk" ? "guest time" : "host time"}`);
  const draw = (b: TimelineBar, fill: string) => {
    const start = Math.min(barColumns - 1, Math.floor((b.startMs / scale) * barColumns));
    const end = Math.min(barColumns, Math.max(start + 1, Math.round((b.endMs / scale) * barColumns)));
    return `${" ".repeat(start)}${fill.repeat(end - start)}`.padEnd(barColumns);
  };
  const times = (b: TimelineBar) => (b.point ? timelineSeconds(b.startMs) : `${timelineSeconds(b.startMs)} +${formatDuration(b.endMs - b.startMs)}`);
  for (const id of TIMELINE_STAGE_ORDER) {
    const now = current.bars.find((b) => b.id === id);
    const before = previous?.bars.find((b) => b.id === id);
    if (!now && !before) continue;
    const label = (now ?? before)!.label.slice(0, LABEL_COLUMNS - 1).padEnd(LABEL_COLUMNS);
    out.push(now ? `${label}│${draw(now, "█")}│ ${times(now)}` : `${label}│${"".padEnd(barColumns)}│ (not reached)`);
    if (before) out.push(`${"  previous".padEnd(LABEL_COLUMNS)}│${draw(before, "░")}│ ${times(before)}`);
  }
  if (current.bars.length === 0) out.push("(no stage reached: no kernel line on the console)");
  return out.map((l) => l.trimEnd()).join("\n");
}

/** Two text blocks beside each other (the parity command's two timelines), `gap` spaces apart. */
export function besideText(left: string, right: string, gap = 3): string {
  const a = left.split("\n");
  const b = right.split("\n");
  const widthA = Math.max(0, ...a.map((l) => [...l].length));
  const rows = Math.max(a.length, b.length);
  const out: string[] = [];
  for (let i = 0; i < rows; i++) {
    const l = a[i] ?? "";
    out.push(`${l}${" ".repeat(widthA - [...l].length + gap)}${b[i] ?? ""}`.trimEnd());
  }
  return out.join("\n");
}
