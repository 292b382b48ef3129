// The base root filesystem every boot starts from: BusyBox, a symlink per applet (so nothing
// runs `busybox --install` at boot), the directories of a working system, the two device nodes
// the kernel needs before anything is mounted (it opens /dev/console for PID 1's stdio), and a
// default /init. The page and `bootlab boot` overlay the user's files (/init, /etc/*) on top,
// as a second cpio archive concatenated after this one.
// Device nodes are cpio entries, so building this needs no root and no mknod.
import { readFile } from "node:fs/promises";
import {
  charDeviceEntry,
  directoryEntry,
  fileEntry,
  packCpioGz,
  symlinkEntry,
  type CpioEntry,
} from "../../../core/cpio/index.ts";
import { CliError, EXIT_FAILED } from "../../command.ts";

/** Directories of the base system; mode 0o755 unless listed. */
const DIRECTORIES: ReadonlyArray<readonly [string, number]> = [
  ["bin", 0o755],
  ["sbin", 0o755],
  ["usr/bin", 0o755],
  ["usr/sbin", 0o755],
  ["dev", 0o755],
  ["etc", 0o755],
  ["proc", 0o555],
  ["sys", 0o555],
  ["tmp", 0o1777],
  ["run", 0o755],
  ["mnt", 0o755],
  ["root", 0o700],
  ["home", 0o755],
  ["var", 0o755],
  ["var/log", 0o755],
];

/**
 * Device nodes present before devtmpfs is mounted: the console (the kernel opens it for init's
 * stdin/stdout/stderr; without it init runs with no output), the null device scripts expect,
 * and the virtual terminals tty1-tty4: BusyBox init with no /etc/inittab (seed 002) runs askfirst
 * shells on /dev/tty2-tty4 before anything mounts devtmpfs, and respawns them for ever when the
 * nodes are missing. Both kernels have VTs (tiny.fragment).
 */
const DEVICES: ReadonlyArray<readonly [string, number, number, number]> = [
  ["dev/console", 5, 1, 0o600],
  ["dev/null", 1, 3, 0o666],
  ["dev/tty", 5, 0, 0o666],
  ["dev/tty1", 4, 1, 0o620],
  ["dev/tty2", 4, 2, 0o620],
  ["dev/tty3", 4, 3, 0o620],
  ["dev/tty4", 4, 4, 0o620],
  ["dev/ttyS0", 4, 64, 0o660],
  ["dev/zero", 1, 5, 0o666],
];

/** A root user, so `whoami`, `ls -l` and login shells have names to show. */
const ETC_FILES: ReadonlyArray<readonly [string, string]> = [
  ["etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"],
  ["etc/group", "root:x:0:\n"],
];

/**
 * The symlink entries for BusyBox's applets, from its `busybox.links` (one absolute path a
 * line, e.g. `/usr/bin/awk`). Links are relative (`../../bin/busybox`) so they also resolve
 * inside an unpacked tree on the host.
 */
export function appletLinks(linksFile: string, busyboxPath = "bin/busybox"): CpioEntry[] {
  const entries: CpioEntry[] = [];
  const seen = new Set<string>();
  for (const raw of linksFile.split("\n")) {
    const line = raw.trim();
    if (line === "") continue;
    if (!/^\/[A-Za-z0-9_./[-]+$/.test(line) || line.includes("..")) {
      throw new CliError(`busybox.links: got ${JSON.stringify(line)}, want an absolute applet path such as /bin/ls`, EXIT_FAILED);
    }
    const path = line.slice(1);
    if (path === busyboxPath || seen.has(path)) continue;
    seen.add(path);
    const depth = path.split("/").length - 1;
    entries.push(symlinkEntry(path, "../".repeat(depth) + busyboxPath));
  }
  return entries;
}

export interface BaseRootfsInputs {
  busybox: Uint8Array;
  /** The text of BusyBox's busybox.links. */
  links: string;
  /** The default /init script. */
  init: string;
}

/** Every entry of the base archive. */
export function baseRootfsEntries(inputs: BaseRootfsInputs): CpioEntry[] {
  return [
    ...DIRECTORIES.map(([path, mode]) => directoryEntry(path, { mode })),
    ...DEVICES.map(([path, major, minor, mode]) => charDeviceEntry(path, major, minor, { mode })),
    ...ETC_FILES.map(([path, text]) => fileEntry(path, text, { mode: 0o644 })),
    fileEntry("bin/busybox", inputs.busybox, { mode: 0o755 }),
    ...appletLinks(inputs.links),
    fileEntry("init", inputs.init, { mode: 0o755 }),
  ];
}

/** The base archive, gzip level 9 (it is downloaded by every page load). */
export function packBaseRootfs(inputs: BaseRootfsInputs): Uint8Array {
  return packCpioGz(baseRootfsEntries(inputs), { level: 9 });
}

/** Reads the recipe's committed default /init. */
export async function defaultInit(): Promise<string> {
  return readFile(new URL("../files/init.sh", import.meta.url), "utf8");
}
