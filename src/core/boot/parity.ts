// Parity of two boots of the same plan (v86 and QEMU): pure functions over transcript text that
// reduce each to what must be equal, compare them, and name each difference the emulated
// hardware explains. `bootlab parity` and the parity tests (test/runner/parity.test.ts) share them.
//
// The normalisation, and why each step:
// 1. Only what comes after the kernel hands over to init ("Run /init as init process") is
//    compared exactly: before that the kernel probes different emulated hardware, and says so.
//    The kernel's own lines are compared too, time stamps removed, and each difference is named
//    by what explains it (KERNEL_DIFFERENCES: memory map, CPU, clocks, devices), or "other".
// 2. Kernel messages are dropped, found by their printk time stamp (parity boots use
//    printk.time=1 for this), also when one starts mid-line: messages that arrive while user
//    space runs (a clock switch, a device found late) come at emulator-dependent moments.
// 3. `ps`: kernel threads ([kthreadd], [kworker/0:1]...) are dropped and PIDs renumbered by
//    order, since the number of kernel threads follows the emulated devices; the TIME column
//    (CPU time used) is blanked.
// 4. Hexadecimal addresses (0x followed by 6 or more digits) become 0xADDR.
// 5. `mount`: the size=/nr_inodes= of rootfs, tmpfs and devtmpfs become SIZE: they are derived
//    from the RAM the firmware reports, and v86's BIOS reports a few MiB less for the same -m.
// 6. With a network (network.ts), each emulator's own addresses become GUEST_IP and NET_SERVER
//    (router and name server: one machine on v86, two on QEMU) and a DHCP lease's seconds
//    LEASE: QEMU's slirp and v86's fetch backend hand out different ones by design.
import { stripPrintkTime } from "./diagnosis.ts";
import { NETWORK_FACTS } from "./network.ts";

/** The kernel parameter parity boots add, so that step 2 can find the kernel's messages. */
export const PARITY_APPEND = "printk.time=1";

const INIT_HANDOVER = /Run \S+ as init process/;
const PRINTK_STAMP = /\[\s*\d+\.\d+\] /;
const ANSI = /\x1b\[[0-9;?]*[ -\/]*[@-~]|\x1b[^[]/g;

/**
 * Step 2 on text: removes every printk message with its line end, also one that starts in the
 * middle of a line (the kernel prints where the cursor is, e.g. after BusyBox's "Please press
 * Enter to activate this console. "), so the user's text around it joins up again.
 */
export function dropKernelMessages(text: string): string {
  const out: string[] = [];
  let carry: string | undefined; // text before a mid-line message, waiting for the rest of its line
  for (const line of text.split("\n")) {
    const at = line.search(PRINTK_STAMP);
    const kept = (carry ?? "") + (at === -1 ? line : line.slice(0, at));
    if (at === -1) {
      out.push(kept);
      carry = undefined;
    } else if (at > 0 || carry !== undefined) {
      carry = kept; // the message took this line's end: what follows it continues this text
    } // else a message that fills its line goes, line end and all (also as the last line)
  }
  if (carry !== undefined) out.push(carry);
  return out.join("\n");
}

/** The index of the kernel's "Run ... as init process" line, or -1. */
function handoverIndex(lines: readonly string[]): number {
  return lines.findIndex((l) => INIT_HANDOVER.test(stripPrintkTime(l)));
}

/** Steps 1, 2 and 4 on the boot output: the lines after init's start (all lines if it never came). */
export function normaliseBoot(text: string): string[] {
  const all = text.split("\n");
  const handover = handoverIndex(all);
  const lines = dropKernelMessages(all.slice(handover + 1).join("\n")).split("\n");
  // The last line is the prompt the next command is typed at; it belongs to the boot part.
  return lines.map(normaliseAddresses);
}

/** Steps 2, 3 and 4 on one command's output. */
export function normaliseOutput(command: string, output: string): string[] {
  let lines = dropKernelMessages(output).split("\n").map(normaliseAddresses);
  if (command === "ps") lines = normalisePs(lines);
  if (command === "mount") lines = lines.map(normaliseMountSizes);
  return lines;
}

/** Steps 1, 2, 4 and 5 on a whole session (boot and the commands typed): what `bootlab parity` compares. */
export function normaliseUserSpace(text: string): string[] {
  return normaliseBoot(text.replace(ANSI, "")).map(normaliseMountSizes);
}

export function normaliseAddresses(line: string): string {
  return normaliseNetwork(line.replace(/0x[0-9a-fA-F]{6,}/g, "0xADDR"));
}

const networkWord = (address: string) => new RegExp(`(?<![\\d.])${address.replaceAll(".", "\\.")}(?![\\d])`, "g");
const GUEST_ADDRESSES = Object.values(NETWORK_FACTS).map((facts) => networkWord(facts.address));
const NETWORK_SERVERS = Object.values(NETWORK_FACTS).flatMap((facts) => [facts.router, facts.dns]).map(networkWord);

/** Step 6: each emulator's network addresses and lease times as names. */
export function normaliseNetwork(line: string): string {
  if (!/\d+\.\d+\.\d+\.\d+|lease/.test(line)) return line;
  for (const address of GUEST_ADDRESSES) line = line.replace(address, "GUEST_IP");
  for (const server of NETWORK_SERVERS) line = line.replace(server, "NET_SERVER");
  return line.replace(/\blease time \d+/g, "lease time LEASE").replace(/\blease \d+ s\b/g, "lease LEASE s");
}

function normaliseMountSizes(line: string): string {
  return line.replace(/size=\d+k,nr_inodes=\d+/, "size=SIZE,nr_inodes=SIZE");
}

/** BusyBox ps: "  PID USER       TIME  COMMAND" then one line a process. */
export function normalisePs(lines: string[]): string[] {
  const [header, ...rows] = lines;
  const user = rows.filter((row) => !/\s\[[^\]]+\]\s*$/.test(row));
  return [
    header ?? "",
    ...user.map((row, index) => {
      const m = row.match(/^\s*\d+\s+(\S+)\s+\S+\s+(.*)$/);
      return m ? `#${index + 1} ${m[1]} ${m[2]}` : row;
    }),
  ];
}

/**
 * The kernel's own lines, from its banner to init's start: escape sequences, the firmware text
 * before the banner (SeaBIOS prints under QEMU only) and the time stamps removed.
 */
export function kernelLines(text: string): string[] {
  const all = text.replace(ANSI, "").split("\n");
  const banner = all.findIndex((l) => /Linux version \d/.test(l));
  if (banner === -1) return [];
  const handover = handoverIndex(all);
  const end = handover === -1 ? all.length : handover;
  return all
    .slice(banner, end)
    .map((l, i) => stripPrintkTime(i === 0 ? l.slice(l.search(/(?:\[\s*\d+\.\d+\] )?Linux version \d/)) : l).trimEnd())
    .filter((l) => l !== "");
}

export type KernelDifferenceKind = "order" | "memory map" | "CPU" | "clocks" | "devices";

/** Why the kernel's lines differ between emulators: a pattern per kind of emulated hardware. */
export const KERNEL_DIFFERENCES: ReadonlyArray<{ kind: Exclude<KernelDifferenceKind, "order">; why: string; pattern: RegExp }> = [
  {
    kind: "memory map",
    why: "the firmware reports the RAM differently (v86's BIOS a few MiB less for the same size) and the loaders put the initrd at different addresses, so every size derived from them differs",
    pattern: /BIOS-e820|last_pfn|LOWMEM|low ram|Zone ranges|^\s+Normal\s+\[mem|node\s+\d+: \[mem|Initmem setup|unavailable ranges|zonelists|^Memory: \d+K|RAMDISK: \[mem|available for PCI|reserve setup_data|e820:/,
  },
  {
    kind: "CPU",
    why: "the emulated processors differ (v86: a Pentium III-like CPU; QEMU: its own model), and with them the features, caches and bugs the kernel reports",
    pattern: /^CPU:|^tsc:|TSC|Calibrating delay loop|BogoMIPS|iTLB|dTLB|^x86\/|fpu|Performance Events|APIC|lapic|hardware sampling|PMU|Spectre|Speculative|L1TF|MDS|MMIO Stale|SRBDS|Retbleed|microcode|NX \(Execute Disable\)/,
  },
  {
    kind: "clocks",
    why: "the timer hardware differs (v86's TSC runs at a fixed 1 GHz; QEMU's TCG has no calibrated TSC), so the kernel picks other clock sources at other moments, and the random pool is ready at another time",
    pattern: /clocksource|sched_clock|timekeeping|random: crng|hrtimer|clockevent/,
  },
  {
    kind: "devices",
    why: "the emulated devices differ, so drivers find and report them differently",
    pattern: /serial8250|^Serial:|rtc|apm:|^ata\d|scsi|^sd \d|pci|PCI|e1000|ne2k|virtio|i8042|^input:|platform|ACPI|PnP|floppy|Floppy|^fd\d/,
  },
];

export interface LineDiff {
  /** "both": in the two; "left"/"right": only in that one. */
  side: "both" | "left" | "right";
  line: string;
}

/** A line diff (longest common subsequence), in order. */
export function diffLines(left: readonly string[], right: readonly string[]): LineDiff[] {
  const n = left.length;
  const m = right.length;
  // lcs[i][j]: common lines of left[i..] and right[j..].
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) lcs[i]![j] = left[i] === right[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  }
  const out: LineDiff[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && left[i] === right[j]) {
      out.push({ side: "both", line: left[i]! });
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      out.push({ side: "right", line: right[j++]! });
    } else {
      out.push({ side: "left", line: left[i++]! });
    }
  }
  return out;
}

export interface KernelDifference extends LineDiff {
  side: "left" | "right";
  /** What explains it; undefined: nothing in KERNEL_DIFFERENCES does. */
  kind?: KernelDifferenceKind;
}

export interface ParityComparison {
  kernel: {
    /** Lines the same in both (time stamps removed). */
    same: number;
    differences: KernelDifference[];
    /** Differences no kind of emulated hardware explains (reported, not counted against parity). */
    unexplained: number;
  };
  /** Everything from init's start on, normalised (steps 1-5): the diff. */
  userSpace: LineDiff[];
  /** The guest-visible output (user space) is the same. */
  equal: boolean;
}

/** Compares two transcripts of the same plan (raw console text, "\r" removed). */
export function compareTranscripts(left: string, right: string): ParityComparison {
  const kernelDiff = diffLines(kernelLines(left), kernelLines(right));
  const changed = kernelDiff.filter((d): d is LineDiff & { side: "left" | "right" } => d.side !== "both");
  // A line both printed, at other places: the initramfs is unpacked while devices are probed, so
  // the two emulators interleave those lines differently.
  const count = (side: "left" | "right") => {
    const counts = new Map<string, number>();
    for (const d of changed) if (d.side === side) counts.set(d.line, (counts.get(d.line) ?? 0) + 1);
    return counts;
  };
  const unpaired = { left: count("left"), right: count("right") };
  const differences: KernelDifference[] = changed.map((d) => {
    const other = unpaired[d.side === "left" ? "right" : "left"];
    if ((other.get(d.line) ?? 0) > 0) return { ...d, kind: "order" };
    const kind = KERNEL_DIFFERENCES.find((k) => k.pattern.test(d.line))?.kind;
    return kind ? { ...d, kind } : { ...d };
  });
  const userSpace = diffLines(normaliseUserSpace(left), normaliseUserSpace(right));
  return {
    kernel: { same: kernelDiff.length - differences.length, differences, unexplained: differences.filter((d) => d.kind === undefined).length },
    userSpace,
    equal: userSpace.every((d) => d.side === "both"),
  };
}

/** The comparison in words: the kernel's differences grouped by what explains them, then the user-space diff. */
export function formatParity(comparison: ParityComparison, names: readonly [string, string]): string {
  const [a, b] = names;
  const width = Math.max(a.length, b.length);
  const tag = (side: "left" | "right") => (side === "left" ? `- ${a.padEnd(width)}` : `+ ${b.padEnd(width)}`);
  const out: string[] = [];
  const { kernel } = comparison;
  out.push(
    `Kernel lines (up to "Run /init"), time stamps removed: ${kernel.same} the same, ${kernel.differences.length} differ` +
      (kernel.differences.length === 0 ? "." : kernel.unexplained === 0 ? ", each where the emulated hardware differs (expected):" : `; ${kernel.unexplained} not explained by the emulated hardware (shown, not counted):`),
  );
  out.push("  time stamps: every line's differs (each emulator runs at its own speed); removed before comparing");
  const groups = [
    { kind: "order", why: "printed by both, in another order: the kernel unpacks the initramfs while it probes devices, and each emulator interleaves them differently" },
    ...KERNEL_DIFFERENCES.map((k) => ({ kind: k.kind as string, why: k.why })),
    { kind: "other", why: "not a known hardware difference" },
  ];
  for (const group of groups) {
    const lines = kernel.differences.filter((d) => (d.kind ?? "other") === group.kind);
    if (lines.length === 0) continue;
    out.push(`  ${group.kind} (${lines.length} line${lines.length === 1 ? "" : "s"}): ${group.why}`);
    for (const d of lines) out.push(`    ${tag(d.side)}  ${d.line}`);
  }
  out.push("");
  const changed = comparison.userSpace.filter((d) => d.side !== "both").length;
  if (comparison.equal) {
    out.push(`User space (everything after "Run /init", normalised as src/core/boot/parity.ts documents): the same, ${comparison.userSpace.length} lines.`);
  } else {
    out.push(`User space (everything after "Run /init", normalised as src/core/boot/parity.ts documents): ${changed} line${changed === 1 ? "" : "s"} differ (- ${a}, + ${b}):`);
    const diff = comparison.userSpace;
    diff.forEach((d, i) => {
      const near = diff.slice(Math.max(0, i - 2), i + 3).some((x) => x.side !== "both");
      if (d.side !== "both") out.push(`  ${tag(d.side)}  ${d.line}`);
      else if (near) out.push(`  ${" ".repeat(width + 2)}  ${d.line}`);
    });
  }
  return out.join("\n");
}
