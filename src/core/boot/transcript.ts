// The serial output of one boot, read as it arrives: lines with their times, the boot stages
// (kernel start, initramfs unpacked, root mounted, `Run /init`, first shell prompt, power-off),
// a timeline, and the diagnosis of a panic. Pure: the caller says when each chunk arrived.
import { diagnoseLines, printkSeconds, stripPrintkTime, type BootDiagnosis } from "./diagnosis.ts";

export type BootStage =
  | "kernel-start"
  | "initramfs-unpack"
  | "initramfs-unpacked"
  | "root-mounted"
  | "run-init"
  | "first-prompt"
  | "power-off"
  | "reboot"
  | "panic";

export interface TranscriptLine {
  /** Without the line end; "\r" removed. */
  text: string;
  /** Host time (ms, the caller's clock) at which the line's first byte arrived. */
  hostMs: number;
  /** The printk time stamp in seconds, when the kernel printed one (printk.time=1). */
  kernelSeconds?: number;
}

export interface StageMark {
  stage: BootStage;
  hostMs: number;
  /** Index in `lines` of the line that marked it (for the first prompt: the partial line's index, the next line's). */
  lineIndex: number;
  kernelSeconds?: number;
  line: string;
}

export interface TimelineEntry {
  stage: BootStage;
  /**
   * Milliseconds since the kernel started: from the printk time stamp when the line has one,
   * else host receive time minus the host time of the kernel's first line (or of the first
   * byte, if the kernel banner never came).
   */
  ms: number;
  source: "printk" | "host";
  line: string;
}

/** Lines that mark a stage. Checked on complete lines, time stamps removed. */
const STAGE_PATTERNS: ReadonlyArray<[BootStage, RegExp]> = [
  // Not anchored: under QEMU the banner shares its line with SeaBIOS's "Booting from ROM..".
  ["kernel-start", /Linux version \d/],
  // Linux 6.1 prints this when it starts unpacking (asynchronously); older kernels "Trying to unpack rootfs image as initramfs...".
  ["initramfs-unpack", /^(?:Unpacking initramfs|Trying to unpack rootfs image as initramfs)/],
  ["initramfs-unpacked", /^Freeing initrd memory:/],
  ["root-mounted", /^VFS: Mounted root \(/],
  ["run-init", /^Run \S+ as init process/],
  ["power-off", /^reboot: (?:Power down|System halted)/],
  ["reboot", /^reboot: Restarting system/],
  ["panic", /Kernel panic - not syncing:/],
];

/**
 * A shell prompt: what BusyBox ash (`/ # `, `~ # `), hush and other shells print before reading
 * a line, ending in "# ", "$ " or "> " with no line end after it. ANSI colour codes are ignored.
 */
const PROMPT = /(?:^|\s|[\w~/\])])[#$>] $/;
/** Terminal control sequences: CSI (ESC [ ... final byte) and two-byte escapes such as ESC c (reset). */
const ANSI = /\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b[^[]/g;

const PANIC_MARKER = "Kernel panic - not syncing:";

/** BusyBox init's `askfirst` entries wait for Enter before starting their shell. */
export const ASKFIRST_MESSAGE = "Please press Enter to activate this console.";

export class BootTranscript {
  private readonly completeLines: TranscriptLine[] = [];
  private partialBytes: number[] = [];
  private partialHostMs = 0;
  private readonly marks = new Map<BootStage, StageMark>();
  private firstByteHostMs: number | undefined;
  private promptCounter = 0;
  /** Where the partial line already counted as a prompt started (its line index), so one prompt counts once. */
  private countedPromptLine = -1;
  private askfirstCounter = 0;
  /** The line index whose askfirst message was already counted while it was partial. */
  private countedAskfirstLine = -1;
  private readonly decoder = new TextDecoder("utf-8");
  private diagnosesCache: { key: string; value: BootDiagnosis[] } | undefined;

  /** Adds output that arrived at `hostMs` (any clock, in ms, as long as it only moves forward). */
  push(chunk: Uint8Array | string, hostMs: number): void {
    const bytes = typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk;
    if (bytes.length === 0) return;
    this.firstByteHostMs ??= hostMs;
    for (const byte of bytes) {
      if (this.partialBytes.length === 0) this.partialHostMs = hostMs;
      if (byte === 0x0a) {
        this.finishLine();
      } else if (byte !== 0x0d) {
        this.partialBytes.push(byte);
      }
    }
    this.checkPrompt();
  }

  /** The complete lines so far. */
  get lines(): readonly TranscriptLine[] {
    return this.completeLines;
  }

  /** The text after the last line end (a prompt, or output in progress). */
  get partialLine(): string {
    return this.decoder.decode(new Uint8Array(this.partialBytes));
  }

  /** Everything received, lines joined with "\n" ("\r" dropped). */
  get text(): string {
    const body = this.completeLines.map((l) => `${l.text}\n`).join("");
    return body + this.partialLine;
  }

  stage(stage: BootStage): StageMark | undefined {
    return this.marks.get(stage);
  }

  /** True when the output ends in a shell prompt waiting for input. */
  get atPrompt(): boolean {
    return isPrompt(this.partialLine);
  }

  /** How many distinct prompts have appeared: grows by one each time the shell asks for a line. */
  get promptCount(): number {
    return this.promptCounter;
  }

  /** How many times BusyBox init printed "Please press Enter to activate this console.". */
  get askfirstCount(): number {
    return this.askfirstCounter;
  }

  get poweredOff(): boolean {
    return this.marks.has("power-off");
  }

  /**
   * The first panic with its diagnosis, if the kernel panicked. Cheap when there is none (it is
   * asked after every chunk of output): the catalogue only runs once a panic line has come.
   */
  get panic(): BootDiagnosis | undefined {
    if (!this.marks.has("panic") && !this.partialLine.includes(PANIC_MARKER)) return undefined;
    return this.diagnoses().find((d) => d.severity === "panic");
  }

  /** Every panic and warning the catalogue knows, in order. */
  diagnoses(): BootDiagnosis[] {
    const key = `${this.completeLines.length}:${this.partialBytes.length}`;
    if (this.diagnosesCache?.key === key) return this.diagnosesCache.value;
    const texts = this.completeLines.map((l) => l.text);
    if (this.partialBytes.length) texts.push(this.partialLine);
    const value = diagnoseLines(texts);
    this.diagnosesCache = { key, value };
    return value;
  }

  /** The stages reached, in the order their lines arrived. */
  reached(): StageMark[] {
    return [...this.marks.values()].sort((a, b) => a.hostMs - b.hostMs);
  }

  /** The stages reached, in order of time. */
  timeline(): TimelineEntry[] {
    const kernelStart = this.marks.get("kernel-start");
    const hostZero = kernelStart?.hostMs ?? this.firstByteHostMs ?? 0;
    return [...this.marks.values()]
      .map((mark): TimelineEntry =>
        mark.kernelSeconds !== undefined
          ? { stage: mark.stage, ms: Math.round(mark.kernelSeconds * 1e6) / 1e3, source: "printk", line: mark.line }
          : { stage: mark.stage, ms: mark.hostMs - hostZero, source: "host", line: mark.line },
      )
      .sort((a, b) => a.ms - b.ms);
  }

  private finishLine(): void {
    const text = this.decoder.decode(new Uint8Array(this.partialBytes));
    const kernelSeconds = printkSeconds(text);
    const line: TranscriptLine = { text, hostMs: this.partialHostMs };
    if (kernelSeconds !== undefined) line.kernelSeconds = kernelSeconds;
    this.completeLines.push(line);
    this.partialBytes = [];
    const bare = stripPrintkTime(text.replace(ANSI, "")).trim();
    const lineIndex = this.completeLines.length - 1;
    if (bare.includes(ASKFIRST_MESSAGE) && this.countedAskfirstLine !== lineIndex) this.askfirstCounter++;
    for (const [stage, pattern] of STAGE_PATTERNS) {
      if (!this.marks.has(stage) && pattern.test(bare)) {
        const mark: StageMark = { stage, hostMs: line.hostMs, lineIndex, line: bare };
        if (kernelSeconds !== undefined) mark.kernelSeconds = kernelSeconds;
        this.marks.set(stage, mark);
      }
    }
  }

  private checkPrompt(): void {
    const lineIndex = this.completeLines.length;
    // BusyBox prints the askfirst message without a line end and waits: count it while partial.
    if (this.countedAskfirstLine !== lineIndex && this.partialBytes.length >= ASKFIRST_MESSAGE.length && this.partialLine.includes(ASKFIRST_MESSAGE)) {
      this.countedAskfirstLine = lineIndex;
      this.askfirstCounter++;
    }
    if (this.countedPromptLine === lineIndex || !this.atPrompt) return;
    this.countedPromptLine = lineIndex;
    this.promptCounter++;
    if (!this.marks.has("first-prompt")) {
      this.marks.set("first-prompt", { stage: "first-prompt", hostMs: this.partialHostMs, lineIndex, line: this.partialLine });
    }
  }
}

/** True when `line` (the text after the last line end) looks like a shell prompt. */
export function isPrompt(line: string): boolean {
  const clean = line.replace(ANSI, "");
  return clean.length <= 200 && PROMPT.test(clean);
}
