// Benchmark: peak memory of `bootlab unpack -o DIR`, `unpack --list` and `boot --rootfs` on a real
// 1,000 MiB archive member, plain and gzip'd (issue 10: it peaked at 3.4 GB, 3.3 times the data).
//   node --import tsx test/bench/unpack-memory.bench.ts [BIN.mjs ...]
// Each bootlab binary given is measured (default: this checkout's src/cli/bin.mjs; give another
// checkout's too for before and after). The archive is the prebuilt base (BusyBox, /init) and one
// 1,000 MiB file of real bytes (the host's own files under /usr, as they come), and the same
// gzip'd by `gzip -1`; it is made once under $BOOTLAB_BENCH_DIR (default: the temporary
// directory) and kept. Two figures per command: GNU `time -v`'s maximum resident set size, which
// is the larger of bootlab's and of the largest child it waited for (QEMU, holding guest RAM),
// and bootlab's own (getrusage at exit, test/cli/peak-rss.mjs). `boot` runs QEMU with 3 GiB and
// v86 with what the plan gives it, until the prompt or --timeout 30: an i386 kernel without
// HIGHMEM cannot unpack 1,000 MiB, so the guest does not get far; what is measured is the host.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { run } from "../../src/cli/exec.ts";
import { rawEntry, S_IFREG } from "../unit/crafted-archives.ts";

const DATA = 1000 * 1024 * 1024;
const here = resolve(import.meta.dirname, "../..");
const bins = process.argv.slice(2).length ? process.argv.slice(2).map((b) => resolve(b)) : [join(here, "src/cli/bin.mjs")];
const peakRss = join(here, "test/cli/peak-rss.mjs");
const dir = join(process.env.BOOTLAB_BENCH_DIR ?? tmpdir(), "bootlab-memory-bench");
mkdirSync(dir, { recursive: true });
const plain = join(dir, "big.cpio");
const gz = join(dir, "big.cpio.gz");

if (!existsSync(gz)) {
  console.log(`making ${plain} and ${gz} (once) ...`);
  writeFileSync(join(dir, "head"), rawEntry({ name: "big", mode: S_IFREG | 0o644, filesize: DATA }));
  writeFileSync(join(dir, "tail"), rawEntry({ name: "TRAILER!!!", mode: 0, ino: 0 }));
  const base = join(here, "prebuilt/i386/base.cpio.gz");
  // The base's own TRAILER!!! ends its archive; the big file's archive follows, 4-aligned.
  await run("sh", ["-c", `{ gzip -dc "$1"; cat head; find /usr -type f -size +64k -print0 | sort -z | xargs -0 cat 2>/dev/null | head -c ${DATA}; cat tail; } > big.cpio.part && mv big.cpio.part big.cpio && gzip -1 -c big.cpio > big.cpio.gz`, "sh", base], { cwd: dir });
}
const size = (file: string): string => `${(statSync(file).size / 2 ** 20).toFixed(0)} MiB`;
console.log(`archive: ${plain} (${size(plain)}), ${gz} (${size(gz)}); Node ${process.version}`);

interface Peak {
  code: number;
  time: number;
  own: number;
  seconds: number;
}

async function measure(bin: string, args: string[], input = ""): Promise<Peak> {
  const timeFile = join(dir, "time.txt");
  const ownFile = join(dir, "own.txt");
  rmSync(ownFile, { force: true });
  const started = performance.now();
  const result = await run("time", ["-v", "-o", timeFile, process.execPath, "--import", peakRss, bin, ...args], {
    check: false,
    input,
    env: { ...process.env, BOOTLAB_PEAK_RSS_FILE: ownFile },
  });
  const seconds = (performance.now() - started) / 1000;
  const kib = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeFile, "utf8"))?.[1] ?? NaN);
  const own = existsSync(ownFile) ? Number(readFileSync(ownFile, "utf8")) : NaN;
  if (result.code !== 0 && !args.includes("boot")) console.log(`    (exit ${result.code}: ${result.stderr.trim().split("\n").slice(-1)[0]})`);
  return { code: result.code, time: kib, own, seconds };
}

const mib = (kib: number): string => (Number.isFinite(kib) ? `${(kib / 1024).toFixed(0)} MiB` : "?");
const out = join(dir, "out");
const commands: Array<[string, (archive: string) => string[], string?]> = [
  ["unpack -o DIR", (a) => ["unpack", "--max-size", "2G", a, "-o", out]],
  ["unpack --list", (a) => ["unpack", "--max-size", "2G", "--list", a]],
  ["boot --rootfs (qemu)", (a) => ["boot", "--quiet", "--emulator", "qemu", "--memory", "3072", "--timeout", "30", "--rootfs", a], "poweroff -f\n"],
  ["boot --rootfs (v86)", (a) => ["boot", "--quiet", "--timeout", "30", "--rootfs", a], "poweroff -f\n"],
];
for (const bin of bins) {
  console.log(`\n${bin}`);
  console.log(`  ${"command".padEnd(22)} ${"archive".padEnd(10)} ${"time -v".padStart(9)} ${"bootlab".padStart(9)} ${"seconds".padStart(8)}  exit`);
  for (const [name, args, input] of commands) {
    for (const archive of [plain, gz]) {
      rmSync(out, { recursive: true, force: true });
      const peak = await measure(bin, args(archive), input);
      console.log(`  ${name.padEnd(22)} ${(archive === gz ? "cpio.gz" : "cpio").padEnd(10)} ${mib(peak.time).padStart(9)} ${mib(peak.own).padStart(9)} ${peak.seconds.toFixed(1).padStart(8)}  ${peak.code}`);
    }
  }
  rmSync(out, { recursive: true, force: true });
}
