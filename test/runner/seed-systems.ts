// The systems the seed tutorials build, made from the prebuilt artifacts, for the runner and
// parity tests. Each is a BootSpec plus what to type and how to tell it is up.
//
// One deliberate change from seed 001: its /etc/inittab starts two shells on the one console
// (`::respawn:-/bin/sh` and `::askfirst:-/bin/sh`), which then race for every typed line; which
// shell reads a line depends on scheduling, so no two runs agree. The parity inittab keeps the
// askfirst shell only (what BusyBox's built-in default does for the console).
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { BootSpec } from "../../src/core/boot/index.ts";
import {
  ancestorPaths,
  directoryEntry,
  fileEntry,
  flattenEntries,
  packCpioGz,
  symlinkEntry,
  type CpioEntry,
} from "../../src/core/cpio/index.ts";
import { run } from "../../src/cli/exec.ts";
import { writeHostTree } from "../../src/cli/host-tree.ts";
import { PREBUILT, prebuiltPath } from "../../src/cli/runners/artifacts.ts";

/** The applets the seeds' scripts and the parity commands use, where `make install` puts them. */
const BIN_APPLETS = ["sh", "ash", "cat", "echo", "ls", "mkdir", "mount", "umount", "uname", "ps", "sleep", "df", "dmesg", "true", "mknod"];
const SBIN_APPLETS = ["init", "poweroff", "reboot", "halt"];

/** Commands typed at the prompt in every system that has a shell, in this order. */
export const PARITY_COMMANDS = ["uname -a", "cat /proc/cmdline", "mount", "ls /", "ps"];

export interface SeedSystem {
  name: string;
  spec: BootSpec;
  /** "shell": a prompt comes (after Enter for askfirst); "hello": the init prints and hangs. */
  kind: "shell" | "hello";
  /** Extra commands for this system (cat /etc/inittab where there is one). */
  commands: string[];
  /** hello systems: the line that says the init ran. */
  helloLine?: string;
}

export async function prebuiltBytes(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(prebuiltPath(name)));
}

function busyboxEntries(busybox: Uint8Array): CpioEntry[] {
  return [
    fileEntry("bin/busybox", busybox, { mode: 0o755 }),
    ...BIN_APPLETS.map((a) => symlinkEntry(`bin/${a}`, "busybox")),
    ...SBIN_APPLETS.map((a) => symlinkEntry(`sbin/${a}`, "../bin/busybox")),
    symlinkEntry("linuxrc", "bin/busybox"),
  ];
}

const dirs = (...names: string[]) => names.map((n) => directoryEntry(n));

/** Seed 000: a BusyBox tree whose /init mounts proc and sysfs and execs a shell. */
export function seed000Entries(busybox: Uint8Array): CpioEntry[] {
  return [
    ...busyboxEntries(busybox),
    ...dirs("proc", "sys", "dev", "run", "tmp", "etc", "lib", "var", "home", "root", "mnt"),
    fileEntry(
      "init",
      '#!/bin/sh\nmount -t proc proc /proc\nmount -t sysfs sys /sys\necho "Welcome to Busybox Linux"\nexec /bin/sh\n',
      { mode: 0o755 },
    ),
  ];
}

export const SEED001_INITTAB = "::sysinit:/etc/init.d/rcS\n::askfirst:-/bin/sh\n::ctrlaltdel:/bin/umount -a -r\n";

/** Seed 001: BusyBox init reading /etc/inittab, rcS mounting what /etc/fstab lists. */
export function seed001InitEntries(busybox: Uint8Array): CpioEntry[] {
  return [
    ...busyboxEntries(busybox),
    ...dirs("etc", "proc", "sys", "mnt", "dev", "tmp"),
    fileEntry("etc/inittab", SEED001_INITTAB, { mode: 0o755 }),
    fileEntry("etc/init.d/rcS", "#!/bin/sh\n/bin/mount -a\n", { mode: 0o755 }),
    fileEntry(
      "etc/fstab",
      "proc    /proc    proc    defaults    0    0\ntmpfs   /tmp     tmpfs   defaults    0    0\nsysfs   /sys     sysfs   defaults    0    0\n",
    ),
  ];
}

/** An ext4 image of `entries`, made without root or loop mounts (mke2fs -d). */
export async function ext4Image(entries: CpioEntry[], sizeMiB: number): Promise<Uint8Array> {
  const work = await mkdtemp(join(tmpdir(), "bootlab-ext4-"));
  try {
    const tree = join(work, "tree");
    // Parent directories first: like the kernel, flattenEntries drops entries whose directory
    // is not in the archive (packCpio adds them; a host tree needs them spelled out).
    const parents = [...new Set(entries.flatMap((e) => ancestorPaths(e.path)))].map((p) => directoryEntry(p));
    await writeHostTree(flattenEntries([...parents, ...entries]), tree, { devices: true, keepSetid: true });
    const image = join(work, "rootfs.ext4");
    // Fixed UUID and hash seed: the same tree gives the same image, so both emulators see one disk.
    await run("mke2fs", [
      "-q", "-F", "-t", "ext4", "-d", tree, "-E", "root_owner=0:0,hash_seed=6b21b4e0-0000-4000-8000-000000000001",
      "-U", "6b21b4e0-0000-4000-8000-000000000000", "-L", "bootlab", image, `${sizeMiB}M`,
    ], { env: { ...process.env, E2FSPROGS_FAKE_TIME: "1", SOURCE_DATE_EPOCH: "1" } });
    return new Uint8Array(await readFile(image));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

const PARITY_CMDLINE = "console=ttyS0 printk.time=1";

const once = <T>(make: () => Promise<T>): (() => Promise<T>) => {
  let value: Promise<T> | undefined;
  return () => (value ??= make());
};
const busyboxBytes = once(() => prebuiltBytes(PREBUILT.busybox));
const helloBytes = once(() => prebuiltBytes(PREBUILT.hello));
const tinyKernel = once(() => prebuiltBytes(PREBUILT.tinyKernel));
const fullKernel = once(() => prebuiltBytes(PREBUILT.fullKernel));
const seed004Disk = once(async () => {
  const tree = [...busyboxEntries(await busyboxBytes()), ...dirs("proc", "sys", "dev", "tmp"), fileEntry("init", await helloBytes(), { mode: 0o755 })];
  return ext4Image(tree, 8);
});
const memoryMiB = 128;

/** Every seed system that runs on the i386 kernels, built from prebuilt/ when asked for. */
export const SEED_SYSTEMS: ReadonlyArray<{ name: string; build: () => Promise<SeedSystem> }> = [
  {
    name: "000 minimal /init script (tiny kernel)",
    build: async () => ({
      name: "000",
      kind: "shell",
      commands: PARITY_COMMANDS,
      spec: { kernel: await tinyKernel(), initrds: [packCpioGz(seed000Entries(await busyboxBytes()))], disks: [], cmdline: PARITY_CMDLINE, memoryMiB },
    }),
  },
  {
    name: "001 BusyBox init, inittab, rcS, fstab, rdinit=/sbin/init (tiny kernel)",
    build: async () => ({
      name: "001-init",
      kind: "shell",
      commands: [...PARITY_COMMANDS, "cat /etc/inittab"],
      spec: {
        kernel: await tinyKernel(),
        initrds: [packCpioGz(seed001InitEntries(await busyboxBytes()))],
        disks: [],
        cmdline: `${PARITY_CMDLINE} rdinit=/sbin/init`,
        memoryMiB,
      },
    }),
  },
  {
    name: "001/004 static C hello as /init (tiny kernel)",
    build: async () => ({
      name: "hello",
      kind: "hello",
      commands: [],
      helloLine: "Hello",
      spec: {
        kernel: await tinyKernel(),
        initrds: [packCpioGz([fileEntry("init", await helloBytes(), { mode: 0o755 })])],
        disks: [],
        cmdline: PARITY_CMDLINE,
        memoryMiB,
      },
    }),
  },
  {
    name: "001 ext4 RAM disk root, root=/dev/ram (full kernel)",
    build: async () => ({
      name: "001-ramdisk",
      kind: "shell",
      commands: [...PARITY_COMMANDS, "cat /etc/inittab"],
      spec: {
        kernel: await fullKernel(),
        // gzip'd, as the tutorial does (gzip --best); the runners inflate it before the boot.
        initrds: [gzipSync(await ext4Image(seed001InitEntries(await busyboxBytes()), 4), { level: 9 })],
        disks: [],
        cmdline: `${PARITY_CMDLINE} root=/dev/ram rw rootfstype=ext4 init=/sbin/init`,
        memoryMiB,
      },
    }),
  },
  {
    name: "004 disk image root, root=/dev/sda, static C hello init (full kernel)",
    build: async () => ({
      name: "004-hello",
      kind: "hello",
      commands: [],
      helloLine: "Hello",
      spec: { kernel: await fullKernel(), initrds: [], disks: [await seed004Disk()], cmdline: `${PARITY_CMDLINE} root=/dev/sda init=/init`, memoryMiB },
    }),
  },
  {
    name: "004 disk image root, root=/dev/sda, shell (full kernel)",
    build: async () => ({
      name: "004-shell",
      kind: "shell",
      commands: PARITY_COMMANDS,
      spec: { kernel: await fullKernel(), initrds: [], disks: [await seed004Disk()], cmdline: `${PARITY_CMDLINE} root=/dev/sda rw init=/bin/sh`, memoryMiB },
    }),
  },
];
