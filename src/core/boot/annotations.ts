// The boot log explained: the lines of a boot a learner should understand, each with one plain
// sentence and, where a file of the project (or the kernel command line) caused it, that file.
// Next to the panic catalogue (diagnosis.ts), whose findings are annotations too. Pure data and
// one function: `annotateLines(lines)` gives the annotations in line order.
import { diagnoseLines, stripPrintkTime } from "./diagnosis.ts";

export type AnnotationId =
  | "linux-version"
  | "memory-map"
  | "memory-map-usable"
  | "memory-map-reserved"
  | "initrd-location"
  | "kernel-command-line"
  | "memory-available"
  | "console-enabled"
  | "cpu"
  | "devtmpfs-initialized"
  | "unpacking-initramfs"
  | "serial-port"
  | "freeing-initrd"
  | "ramdisk-found"
  | "root-mounted"
  | "devtmpfs-mounted"
  | "freeing-init-memory"
  | "run-init"
  | "busybox-init-started"
  | "rcs-missing"
  | "no-job-control"
  | "askfirst"
  | "tty-missing"
  | "power-down"
  | "restarting"
  | "panic"
  | "warning";

/**
 * Where a line came from, when the project holds it: a path in the root file system ("/init",
 * "/etc/inittab", "/etc/init.d/rcS") or CMDLINE_SOURCE, the kernel command line.
 */
export const CMDLINE_SOURCE = "kernel command line";

export interface LineAnnotation {
  /** Index of the line in the lines given. */
  index: number;
  id: AnnotationId;
  /** One sentence a learner can read while hovering the line. */
  explanation: string;
  /** The project's file (or CMDLINE_SOURCE) behind the line, when there is one. */
  file?: string;
}

interface AnnotationRule {
  id: AnnotationId;
  pattern: RegExp;
  /** Only the first matching line is annotated (e.g. the kernel command line), not each. */
  once?: boolean;
  explain(match: RegExpMatchArray): { explanation: string; file?: string };
}

const RULES: readonly AnnotationRule[] = [
  {
    id: "linux-version",
    pattern: /Linux version (\S+)/,
    once: true,
    explain: (m) => ({ explanation: `The kernel (Linux ${m[1]}) starts: its first line names its version, who built it and with which compiler.` }),
  },
  {
    id: "memory-map",
    pattern: /^BIOS-provided physical RAM map:/,
    once: true,
    explain: () => ({ explanation: "The firmware (BIOS) tells the kernel which ranges of physical memory exist: the e820 memory map, one range a line." }),
  },
  {
    id: "memory-map-usable",
    pattern: /^BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] usable/,
    explain: (m) => ({ explanation: `RAM the kernel may use: ${mib(m[1]!, m[2]!)} from ${m[1]} (the guest's memory size decides the largest range).` }),
  },
  {
    id: "memory-map-reserved",
    pattern: /^BIOS-e820: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\] reserved/,
    explain: (m) => ({ explanation: `Memory the kernel must leave alone (${mib(m[1]!, m[2]!)}): the firmware's own code and data, or device memory.` }),
  },
  {
    id: "initrd-location",
    pattern: /^RAMDISK: \[mem (0x[0-9a-f]+)-(0x[0-9a-f]+)\]/,
    explain: (m) => ({
      explanation: `The boot loader put the initrd (your root file system archive, ${mib(m[1]!, m[2]!)}) in memory at ${m[1]}; the kernel will unpack it later. v86 loads it at 64 MiB, QEMU near the top of RAM.`,
    }),
  },
  {
    id: "kernel-command-line",
    pattern: /^Kernel command line: (.*)/,
    once: true,
    explain: () => ({
      explanation: "The parameters the kernel was started with: console= names where its messages go, rdinit=/init= the first program, root= the root device; bootlab's defaults come first, then yours.",
      file: CMDLINE_SOURCE,
    }),
  },
  {
    id: "memory-available",
    pattern: /^Memory: (\d+)K\/(\d+)K available/,
    once: true,
    explain: (m) => ({ explanation: `Of ${Math.round(Number(m[2]) / 1024)} MiB the kernel manages, ${Math.round(Number(m[1]) / 1024)} MiB are free for programs and files; the rest is the kernel itself and what it reserved.` }),
  },
  {
    id: "console-enabled",
    pattern: /^printk: console \[(\w+)\] enabled/,
    once: true,
    explain: (m) => ({ explanation: `From here on the kernel writes its messages to ${m[1]}, the console named by console= on the command line (what you read here).`, file: CMDLINE_SOURCE }),
  },
  {
    id: "cpu",
    pattern: /^CPU: (.*?)(?: \(family:|$)/,
    once: true,
    explain: (m) => ({ explanation: `The processor the emulator presents: ${m[1]!.trim()}. v86 and QEMU emulate different CPUs, so this line differs between them.` }),
  },
  {
    id: "devtmpfs-initialized",
    pattern: /^devtmpfs: initialized/,
    once: true,
    explain: () => ({ explanation: "The kernel set up devtmpfs, a file system in which it creates a node for each device it finds (/dev/ttyS0, /dev/null, ...); it appears under /dev once mounted there." }),
  },
  {
    id: "unpacking-initramfs",
    pattern: /^(?:Unpacking initramfs|Trying to unpack rootfs image as initramfs)/,
    once: true,
    explain: () => ({ explanation: "The kernel starts unpacking the initramfs (the cpio archive of your files, after bootlab's BusyBox base) into its first root file system, a RAM-backed one." }),
  },
  {
    id: "serial-port",
    pattern: /^serial8250: (ttyS\d+) at I\/O (0x[0-9a-f]+)/,
    explain: (m) => ({ explanation: `The driver found the serial port ${m[1]} at I/O port ${m[2]}: the console you are reading is this port, and programs reach it as /dev/${m[1]}.` }),
  },
  {
    id: "freeing-initrd",
    pattern: /^Freeing initrd memory: (\d+)K/,
    once: true,
    explain: (m) => ({ explanation: `The initramfs is unpacked, so the kernel frees the ${m[1]} KiB the archive occupied: the files now live in the root file system.` }),
  },
  {
    id: "ramdisk-found",
    pattern: /^RAMDISK: (?:gzip image found|ext2 filesystem found|(?:\w+ )?image found)/,
    once: true,
    explain: () => ({ explanation: "The initrd is a file system image, not a cpio archive: the kernel copies it into the RAM disk /dev/ram0 to mount it as the root (root=/dev/ram0).", file: CMDLINE_SOURCE }),
  },
  {
    id: "root-mounted",
    pattern: /^VFS: Mounted root \((\S+) filesystem\)( readonly)?/,
    once: true,
    explain: (m) => ({ explanation: `The kernel mounted the root device named by root= (a ${m[1]} file system${m[2] ? ", read-only" : ""}) at /; init will be looked for there.`, file: CMDLINE_SOURCE }),
  },
  {
    id: "devtmpfs-mounted",
    pattern: /^devtmpfs: mounted/,
    once: true,
    explain: () => ({ explanation: "The kernel mounted devtmpfs on /dev by itself (CONFIG_DEVTMPFS_MOUNT), so init finds /dev/console." }),
  },
  {
    id: "freeing-init-memory",
    pattern: /^Freeing unused kernel image \(initmem\) memory: (\d+)K/,
    once: true,
    explain: (m) => ({ explanation: `The kernel's own start-up code is no longer needed: ${m[1]} KiB freed, just before the first program runs.` }),
  },
  {
    id: "run-init",
    pattern: /^Run (\S+) as init process/,
    once: true,
    explain: (m) => ({
      explanation: `The kernel hands over to user space: it runs ${m[1]} as process 1, which must never exit; from here on the lines are your system's.`,
      file: m[1]!,
    }),
  },
  {
    id: "busybox-init-started",
    pattern: /^init started: BusyBox v(\S+)/,
    once: true,
    explain: () => ({ explanation: "BusyBox init runs as process 1: it reads /etc/inittab (or uses its built-in defaults without one) and starts what it lists.", file: "/etc/inittab" }),
  },
  {
    id: "rcs-missing",
    pattern: /can't run '(\/etc\/init\.d\/rcS)': No such file or directory/,
    once: true,
    explain: (m) => ({ explanation: `BusyBox init wanted to run the start-up script ${m[1]} (the sysinit entry of /etc/inittab, or its default) and there is none; harmless, the boot goes on.`, file: m[1]! }),
  },
  {
    id: "no-job-control",
    pattern: /can't access tty; job control turned off/,
    once: true,
    explain: () => ({ explanation: "The shell runs on /dev/console, which is not a real terminal for it: it works, but Ctrl-C and Ctrl-Z cannot stop programs. Start it on /dev/ttyS0 (setsid cttyhack sh, or an inittab line ttyS0::respawn:...) to get them." }),
  },
  {
    id: "askfirst",
    pattern: /Please press Enter to activate this console\./,
    once: true,
    explain: () => ({ explanation: "An askfirst entry of /etc/inittab (or BusyBox init's default): the shell starts once you press Enter.", file: "/etc/inittab" }),
  },
  {
    id: "tty-missing",
    pattern: /can't open (\/dev\/tty\d+): No such file or directory/,
    once: true,
    explain: (m) => ({ explanation: `BusyBox init tries to start a shell on ${m[1]}, a virtual terminal this serial-only system does not have; its default inittab lists tty2 to tty4. Write an /etc/inittab for the console only.`, file: "/etc/inittab" }),
  },
  {
    id: "power-down",
    pattern: /^reboot: (?:Power down|System halted)/,
    once: true,
    explain: () => ({ explanation: "The kernel was asked to power off (poweroff -f, or init's shutdown) and stops the machine." }),
  },
  {
    id: "restarting",
    pattern: /^reboot: Restarting system/,
    once: true,
    explain: () => ({ explanation: "The kernel was asked to reboot and restarts the machine." }),
  },
];

const ANSI = /\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b[^[]/g;
/** A printk stamp anywhere in a line: the kernel writes where the cursor is ("/ # [ 1.2] msg"). */
const MID_LINE_STAMP = /\[\s*\d+\.\d+\] /;

/** The line a rule reads: escape sequences, firmware text before the kernel's first stamp, and the stamp removed. */
function bareLine(raw: string): string {
  let line = raw.replace(ANSI, "");
  const stamp = line.search(MID_LINE_STAMP);
  if (stamp > 0 && !/^\s*$/.test(line.slice(0, stamp)) && /^(?:Booting from|SeaBIOS)/.test(line)) line = line.slice(stamp);
  return stripPrintkTime(line).trim();
}

/**
 * The annotations of a boot's lines (printk stamps and escape sequences may be present), in
 * line order, at most one a line: a panic or warning of the diagnosis catalogue wins over the
 * plain explanations, which come from RULES.
 */
export function annotateLines(lines: readonly string[]): LineAnnotation[] {
  const found: LineAnnotation[] = [];
  const seen = new Set<AnnotationId>();
  const diagnosed = new Map<number, LineAnnotation>();
  const diagnoses = diagnoseLines(lines);
  // diagnoseLines gives findings in line order without indices: find each one's line from where the last was.
  let from = 0;
  for (const d of diagnoses) {
    for (let i = from; i < lines.length; i++) {
      if (bareLine(lines[i]!).includes(d.line)) {
        diagnosed.set(i, { index: i, id: d.severity === "panic" ? "panic" : "warning", explanation: d.explanation, file: d.fileToFix });
        from = i + 1;
        break;
      }
    }
  }
  lines.forEach((raw, index) => {
    const finding = diagnosed.get(index);
    if (finding) {
      found.push(finding);
      return;
    }
    const line = bareLine(raw);
    if (line === "") return;
    for (const rule of RULES) {
      if (rule.once && seen.has(rule.id)) continue;
      const match = line.match(rule.pattern);
      if (!match) continue;
      seen.add(rule.id);
      const { explanation, file } = rule.explain(match);
      const annotation: LineAnnotation = { index, id: rule.id, explanation };
      if (file !== undefined) annotation.file = file;
      found.push(annotation);
      return;
    }
  });
  return found;
}

function mib(from: string, to: string): string {
  const bytes = Number(BigInt(to) - BigInt(from) + 1n);
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1).replace(/\.0$/, "")} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
