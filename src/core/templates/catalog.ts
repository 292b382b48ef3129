// The templates, one per system the seed tutorials build. Texts follow the tutorials; where this
// page needs something different (the serial console, a prompt without pressing Enter) a comment
// in the file says so.
import { cInGuestTemplate } from "./c-in-guest.ts";
import { networkTemplate } from "./network.ts";
import type { Template, TemplateFile } from "./template.ts";

/** Shared by every template: the console is the serial port the page's terminal shows. */
const SERIAL_CONSOLE = "console=ttyS0";

const PASSWD = `root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
`;

const GROUP = `root:x:0:
nogroup:x:65534:
`;

/** Seed 001: BusyBox init reads /etc/inittab, runs rcS, which mounts what /etc/fstab lists. */
const busyboxInit: Template = {
  id: "busybox-init",
  title: "BusyBox init: inittab, rcS, fstab",
  source: "seed 001",
  summary: [
    "The initramfs system of seed 001: BusyBox init reads /etc/inittab, runs /etc/init.d/rcS at sysinit, and keeps a shell on the console.",
    "rcS mounts everything /etc/fstab lists (proc, sysfs, tmpfs) with mount -a; /etc/profile sets the prompt of the login shell.",
    "Here /init hands over to /sbin/init; the seed passes rdinit=/sbin/init on the command line instead, which works too.",
  ],
  base: "busybox",
  kernel: "tiny",
  cmdline: SERIAL_CONSOLE,
  files: [
    {
      kind: "file",
      path: "/init",
      mode: 0o755,
      text: `#!/bin/sh
# The kernel runs /init from the initramfs as process 1.
# Mount devtmpfs so that init and the shell find their terminal devices,
# then hand over to BusyBox init, which reads /etc/inittab.
mount -t devtmpfs devtmpfs /dev
exec /sbin/init
`,
    },
    {
      kind: "file",
      path: "/etc/inittab",
      mode: 0o644,
      text: `# id:runlevels:action:process  (BusyBox ignores runlevels; an empty id means the console)
::sysinit:/etc/init.d/rcS
# Seed 001 has "::respawn:-/bin/sh" and "::askfirst:-/bin/sh" (which waits for Enter).
# The id ttyS0 runs the shell on the serial port itself, so it becomes the shell's
# controlling terminal: job control and Ctrl-C work.
ttyS0::respawn:-/bin/sh
::ctrlaltdel:/bin/umount -a -r
`,
    },
    { kind: "directory", path: "/etc/init.d", mode: 0o755 },
    {
      kind: "file",
      path: "/etc/init.d/rcS",
      mode: 0o755,
      text: `#!/bin/sh
/bin/mount -a
/bin/hostname -F /etc/hostname
`,
    },
    {
      kind: "file",
      path: "/etc/fstab",
      mode: 0o644,
      text: `proc    /proc    proc    defaults    0    0
tmpfs   /tmp     tmpfs   defaults    0    0
sysfs   /sys     sysfs   defaults    0    0
`,
    },
    {
      kind: "file",
      path: "/etc/profile",
      mode: 0o644,
      text: `# Read by login shells ("-/bin/sh" in inittab).
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
export PS1='\\u@\\h:\\w \\$ '
echo "Welcome to BusyBox Linux on $(uname -r)"
`,
    },
    { kind: "file", path: "/etc/hostname", mode: 0o644, text: "bootlab\n" },
    { kind: "file", path: "/etc/passwd", mode: 0o644, text: PASSWD },
    { kind: "file", path: "/etc/group", mode: 0o644, text: GROUP },
  ],
};

/** Seed 000: the smallest system that works, an /init script that mounts and execs a shell. */
const minimalInit: Template = {
  id: "minimal-init",
  title: "Minimal /init script",
  source: "seed 000",
  summary: [
    "The smallest Linux system that works (seed 000): the kernel, BusyBox, and an /init script.",
    "The kernel unpacks the initramfs and runs /init as process 1; it mounts proc and sysfs, prints a greeting and replaces itself with a shell.",
    "There is no init system: if /init ever exits, the kernel panics.",
  ],
  base: "busybox",
  kernel: "tiny",
  cmdline: SERIAL_CONSOLE,
  files: [
    {
      kind: "file",
      path: "/init",
      mode: 0o755,
      text: `#!/bin/sh
mount -t proc proc /proc
mount -t sysfs sys /sys
echo "Welcome to Busybox Linux"
exec /bin/sh
`,
    },
  ],
};

/** Seeds 001 and 004: a static C program is the whole userland. */
const staticHello: Template = {
  id: "static-hello",
  title: "Your own C init: /init.c as process 1",
  source: "seeds 001 and 004",
  summary: [
    "No shell and no BusyBox: the initramfs holds one statically linked C program as /init, compiled from /init.c (hello.c of seeds 001 and 004).",
    "Boot compiles /init.c with TinyCC and musl in a build guest (no server, no compiler of yours), then boots the program as process 1; tcc's errors stop the boot.",
    "It prints its greeting and never returns, because process 1 must not exit: make it return, and read the kernel's panic.",
  ],
  base: "none",
  kernel: "tiny",
  cmdline: SERIAL_CONSOLE,
  readyPattern: "Hello",
  compile: { source: "/init.c", output: "/init" },
  files: [
    {
      kind: "file",
      path: "/init.c",
      mode: 0o644,
      text: `/* Your init: Boot compiles this file to a static i386 /init (tcc -static, musl),
 * and the kernel runs it as process 1 with nothing else in the initramfs. */
#include <stdio.h>
#include <unistd.h>

int main(void)
{
    printf("Hello, World!\\n");
    printf("This is your friendly init system.\\n");
    printf("Just hanging here...\\n");
    fflush(stdout);
    /* Process 1 must never exit (the kernel panics when it does): wait for ever.
     * pause() rather than the tutorial's busy loop, so the emulator does not spin a core. */
    for (;;)
        pause();
    return 0;
}
`,
    },
  ],
};

/** Seed 002: tinyconfig, musl and BusyBox, with no /init and no inittab at all. */
const tinySystem: Template = {
  id: "tiny-system",
  title: "Tiny system: tinyconfig + musl + BusyBox",
  source: "seed 002",
  summary: [
    "Seed 002's system: a tinyconfig kernel and a musl-linked BusyBox, and not one file of your own.",
    "The kernel runs BusyBox init (seed 002 has no /init, so the kernel falls back to /sbin/init; here rdinit=/sbin/init says so, because bootlab's base archive has a default /init).",
    "With no /etc/inittab, BusyBox init uses its built-in defaults: run /etc/init.d/rcS if present, then ask you to press Enter for a shell. Add /etc/inittab to take over.",
  ],
  base: "busybox",
  kernel: "tiny",
  cmdline: `${SERIAL_CONSOLE} rdinit=/sbin/init`,
  readyPattern: "Please press Enter to activate this console",
  files: [],
};

/** busybox-init's /etc (inittab, rcS, fstab, profile, hostname, passwd, group), for the disk systems. */
function busyboxEtc(fstab: string): TemplateFile[] {
  return busyboxInit.files.flatMap((file): TemplateFile[] => {
    if (!file.path.startsWith("/etc")) return [];
    if (file.path === "/etc/fstab" && file.kind === "file") return [{ ...file, text: fstab }];
    return [file];
  });
}

/** Seed 001's first system: the same BusyBox init, on an ext4 RAM disk instead of an initramfs. */
const ramdiskExt4: Template = {
  id: "ramdisk-ext4",
  title: "ext4 RAM disk root (initrd)",
  source: "seed 001",
  summary: [
    "Seed 001's first system: BusyBox init with inittab, rcS and fstab, on a 2 MiB ext4 image loaded as the initrd, with no initramfs at all (the seed gzips a 32 MiB one; the kernel copies the whole image into /dev/ram0, which costs v86 about a second per 1 MiB).",
    "root=/dev/ram makes the kernel copy the image into the RAM disk /dev/ram0 and mount it as /; init=/sbin/init is the program it runs from there. `df -a` shows the root as /dev/root.",
    "bootlab writes the image from these files at every boot (no dd, mkfs.ext4 or mount): the seed's steps, without root.",
  ],
  base: "none",
  kernel: "full",
  cmdline: `${SERIAL_CONSOLE} root=/dev/ram rw rootfstype=ext4 init=/sbin/init`,
  files: [],
  disks: [
    {
      name: "root",
      role: "ramdisk",
      sizeMiB: 2,
      fs: "ext4",
      base: "busybox",
      files: busyboxEtc(`proc    /proc    proc    defaults    0    0
tmpfs   /tmp     tmpfs   defaults    0    0
sysfs   /sys     sysfs   defaults    0    0
`),
    },
  ],
};

/** Seed 004: a static C init on a hard disk image. */
const diskRoot: Template = {
  id: "disk-root",
  title: "Static C init on a disk",
  source: "seed 004",
  summary: [
    "Seed 004's system: no initramfs; the root file system is an ext4 disk image on the IDE controller, /dev/sda, and its /init is the static C program hello.c.",
    "root=/dev/sda init=/init: the kernel mounts the disk (read-only, as the seed does) and runs /init from it. The disk also holds BusyBox (and /dev, where the kernel mounts devtmpfs for the console): boot init=/bin/sh to look around it.",
  ],
  base: "none",
  kernel: "full",
  cmdline: `${SERIAL_CONSOLE} root=/dev/sda init=/init`,
  readyPattern: "Hello",
  files: [],
  disks: [{ name: "root", role: "ide", sizeMiB: 8, fs: "ext4", base: "busybox", files: [{ kind: "file", path: "/init", mode: 0o755, artifact: "i386/hello" }] }],
};

/** Seed 003: several hard disks, mounted through /etc/fstab. */
const severalDisks: Template = {
  id: "disks",
  title: "Several disks, mounted by fstab",
  source: "seed 003",
  summary: [
    "Seed 003 mounts several hard disks: here the root stays the BusyBox initramfs and two ext4 data disks, /dev/sda and /dev/sdb, are mounted on /mnt/data1 and /mnt/data2 by /etc/fstab (mount -a in rcS).",
    "Each disk is written from its own files at every boot; try `df`, `cat /mnt/data1/README.txt`, or a line of your own in /etc/fstab. v86 has two hard-disk slots (hda, hdb), so the root is not a third disk.",
  ],
  base: "busybox",
  kernel: "full",
  cmdline: SERIAL_CONSOLE,
  files: [
    ...busyboxInit.files.filter((file) => !file.path.startsWith("/etc")),
    ...busyboxEtc(`proc       /proc        proc    defaults    0    0
tmpfs      /tmp         tmpfs   defaults    0    0
sysfs      /sys         sysfs   defaults    0    0
/dev/sda   /mnt/data1   ext4    defaults    0    0
/dev/sdb   /mnt/data2   ext4    defaults    0    0
`),
    { kind: "directory", path: "/mnt", mode: 0o755 },
    { kind: "directory", path: "/mnt/data1", mode: 0o755 },
    { kind: "directory", path: "/mnt/data2", mode: 0o755 },
  ],
  disks: [
    {
      name: "data1",
      role: "ide",
      sizeMiB: 4,
      fs: "ext4",
      base: "none",
      files: [
        { kind: "file", path: "/README.txt", mode: 0o644, text: "This file is on the first data disk, /dev/sda, mounted on /mnt/data1.\n" },
        { kind: "directory", path: "/notes", mode: 0o755 },
        { kind: "file", path: "/notes/todo.txt", mode: 0o644, text: "edit me in the page, then cat /mnt/data1/notes/todo.txt\n" },
      ],
    },
    {
      name: "data2",
      role: "ide",
      sizeMiB: 4,
      fs: "ext4",
      base: "none",
      files: [{ kind: "file", path: "/README.txt", mode: 0o644, text: "This file is on the second data disk, /dev/sdb, mounted on /mnt/data2.\n" }],
    },
  ],
};

/** Every template, the default first. */
export const TEMPLATES: readonly Template[] = [busyboxInit, minimalInit, staticHello, tinySystem, ramdiskExt4, diskRoot, severalDisks, networkTemplate, cInGuestTemplate];

export const DEFAULT_TEMPLATE_ID = busyboxInit.id;
