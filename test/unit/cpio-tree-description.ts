// Helpers of the cpio differential tests: a tree on disk, or a list of entries, described as
// one line per path (type, mode, contents hash, link target, device numbers, hard-link group),
// so that a tree GNU cpio extracted and the tree bootlab meant can be compared with deepEqual.
// The disk side uses lstat directly, not bootlab's host-tree.ts, so it checks that code too.
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { flattenEntries, type CpioEntry } from "../../src/core/cpio/index.ts";

export interface DescribeOptions {
  /** Leave out device nodes and sockets (for trees unpacked without root). */
  skipSpecial?: boolean;
  /** Include regular files' mtimes. */
  mtimes?: boolean;
}

const sha = (data: Uint8Array): string => createHash("sha256").update(data).digest("hex").slice(0, 16);
const octal = (mode: number | bigint): string => (Number(mode) & 0o7777).toString(8).padStart(4, "0");

export function describeDisk(dir: string, options: DescribeOptions = {}): Record<string, string> {
  const out: Record<string, string> = {};
  const groups = new Map<string, string[]>();
  const walk = (relative: string): void => {
    for (const name of readdirSync(join(dir, relative)).sort()) {
      const path = relative ? `${relative}/${name}` : name;
      const full = join(dir, path);
      const st = lstatSync(full, { bigint: true });
      if (st.isDirectory()) {
        out[path] = `dir ${octal(st.mode)}`;
        walk(path);
      } else if (st.isFile()) {
        out[path] = `file ${octal(st.mode)} ${sha(readFileSync(full))}${options.mtimes ? ` mtime ${st.mtimeMs / 1000n}` : ""}`;
        if (st.nlink > 1n) groups.set(String(st.ino), [...(groups.get(String(st.ino)) ?? []), path]);
      } else if (st.isSymbolicLink()) {
        out[path] = `symlink -> ${readlinkSync(full)}`;
      } else if (st.isCharacterDevice() || st.isBlockDevice()) {
        if (options.skipSpecial) continue;
        const rdev = Number(st.rdev);
        const major = (rdev >> 8) & 0xfff;
        const minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
        out[path] = `${st.isCharacterDevice() ? "char" : "block"} ${major},${minor} ${octal(st.mode)}`;
      } else if (st.isFIFO()) {
        out[path] = `fifo ${octal(st.mode)}`;
      } else if (st.isSocket()) {
        if (options.skipSpecial) continue;
        out[path] = `socket ${octal(st.mode)}`;
      }
    }
  };
  walk("");
  for (const names of groups.values()) {
    if (names.length < 2) continue;
    for (const name of names) out[name] += ` links ${names.sort().join(",")}`;
  }
  return out;
}

export function describeEntries(entries: readonly CpioEntry[], options: DescribeOptions = {}): Record<string, string> {
  const tree = flattenEntries(entries);
  const out: Record<string, string> = {};
  const groups = new Map<string, string[]>();
  for (const e of tree) {
    switch (e.kind) {
      case "directory":
        out[e.path] = `dir ${octal(e.mode)}`;
        break;
      case "file":
        out[e.path] = `file ${octal(e.mode)} ${sha(e.data)}${options.mtimes ? ` mtime ${e.mtime}` : ""}`;
        groups.set(e.path, [e.path]);
        break;
      case "hardlink": {
        const file = tree.find((f) => f.path === e.target);
        if (file?.kind !== "file") throw new Error(`dangling hard link ${e.path}`);
        out[e.path] = `file ${octal(file.mode)} ${sha(file.data)}${options.mtimes ? ` mtime ${file.mtime}` : ""}`;
        groups.get(e.target)!.push(e.path);
        break;
      }
      case "symlink":
        out[e.path] = `symlink -> ${e.target}`;
        break;
      case "char-device":
      case "block-device":
        if (!options.skipSpecial) out[e.path] = `${e.kind === "char-device" ? "char" : "block"} ${e.major},${e.minor} ${octal(e.mode)}`;
        break;
      case "fifo":
        out[e.path] = `fifo ${octal(e.mode)}`;
        break;
      case "socket":
        if (!options.skipSpecial) out[e.path] = `socket ${octal(e.mode)}`;
        break;
    }
  }
  for (const names of groups.values()) {
    if (names.length < 2) continue;
    for (const name of names) out[name] += ` links ${[...names].sort().join(",")}`;
  }
  return out;
}

/**
 * Fills `dir` with one of everything a root filesystem holds: files of awkward sizes, modes
 * with setuid and sticky bits, absolute/relative/dangling symlinks, a file with three names,
 * a FIFO, and (as root) character and block devices. Returns whether devices were made.
 */
export async function makeSampleHostTree(dir: string): Promise<boolean> {
  const { chmodSync, linkSync, mkdirSync, symlinkSync, utimesSync, writeFileSync } = await import("node:fs");
  const { run } = await import("../../src/cli/exec.ts");
  const at = (p: string): string => join(dir, p);
  for (const d of ["bin", "sbin", "etc/init.d", "dev", "root", "tmp", "usr/share/empty", "proc"]) mkdirSync(at(d), { recursive: true });
  writeFileSync(at("init"), "#!/bin/sh\nexec /sbin/init\n");
  chmodSync(at("init"), 0o755);
  let seed = 7;
  const random = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
  for (const size of [0, 1, 2, 3, 4, 5, 511, 512, 513, 70_001]) writeFileSync(at(`etc/size-${size}`), random(size));
  writeFileSync(at("bin/busybox"), random(4096));
  chmodSync(at("bin/busybox"), 0o4755);
  linkSync(at("bin/busybox"), at("bin/ls"));
  linkSync(at("bin/busybox"), at("sbin/init"));
  symlinkSync("busybox", at("bin/sh"));
  symlinkSync("/bin/busybox", at("sbin/mount"));
  symlinkSync("../nowhere", at("etc/dangling"));
  writeFileSync(at("etc/init.d/rcS"), "#!/bin/sh\nmount -a\n");
  chmodSync(at("etc/init.d/rcS"), 0o750);
  writeFileSync(at("etc/ünïcode name"), "ok\n");
  utimesSync(at("etc/size-5"), 1_234_567_890, 1_234_567_890);
  chmodSync(at("root"), 0o700);
  chmodSync(at("tmp"), 0o1777);
  await run("mkfifo", ["-m", "640", at("dev/initctl")]);
  const root = process.getuid?.() === 0;
  if (root) {
    await run("mknod", ["-m", "600", at("dev/console"), "c", "5", "1"]);
    await run("mknod", ["-m", "660", at("dev/sda"), "b", "8", "0"]);
    await run("mknod", ["-m", "666", at("dev/ttyS0"), "c", "4", "64"]);
  }
  return root;
}
