// What the cpio and ext4 benchmarks share: the same ~2 MB root filesystem of a few hundred files
// (half text-like, half random bytes, like scripts and binaries), made the same way every run,
// and the median of repeated timings.
import { performance } from "node:perf_hooks";
import { directoryEntry, fileEntry, symlinkEntry, type CpioEntry } from "../../src/core/cpio/index.ts";

export const RUNS = 21;

const WORDS = ["mount", "echo", "/bin/busybox", "exec", "if", "then", "fi", "root", "proc", "sysfs", "tty", "\n"];

/**
 * The tree, parents named (the cpio writer would add them anyway; an image, like the kernel,
 * drops an entry whose parent is missing). xorshift32 with a fixed seed: the same bytes every
 * run, random enough not to compress.
 */
export function sampleTree(): CpioEntry[] {
  let seed = 2463534242;
  const next = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>>= 0);
  };
  const entries: CpioEntry[] = ["bin", "usr", "usr/lib"].map((d) => directoryEntry(d));
  for (let d = 0; d < 20; d++) entries.push(directoryEntry(`usr/lib/d${d}`));
  for (let i = 0; i < 300; i++) {
    const size = 1000 + (next() % 12_000);
    const data = new Uint8Array(size);
    if (i % 2 === 0) {
      for (let j = 0; j < size; j++) data[j] = next() & 0xff;
    } else {
      const text = new TextEncoder().encode(Array.from({ length: size }, () => WORDS[next() % WORDS.length]).join(" "));
      data.set(text.subarray(0, size));
    }
    entries.push(fileEntry(`usr/lib/d${i % 20}/file${i}`, data, { mode: i % 3 ? 0o644 : 0o755 }));
  }
  for (let i = 0; i < 100; i++) entries.push(symlinkEntry(`bin/applet${i}`, "/bin/busybox"));
  return entries;
}

/** The median of RUNS timings of `fn` in milliseconds, after one warm-up call. */
export function median(fn: () => unknown): number {
  const times: number[] = [];
  fn();
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}
