// Why a boot failed, in plain words: the kernel's panic and warning lines the seeds' readers
// meet most, each with what it means, the usual fix, and the file (or setting) to change.
// `diagnoseLines` is pure: give it the transcript's lines, get the findings in line order.

export type DiagnosisId =
  | "no-working-init"
  | "requested-init-failed"
  | "init-exec-failed"
  | "init-exited"
  | "no-initial-console"
  | "unknown-root-device"
  | "root-fs-unmountable"
  | "initramfs-unpack-failed"
  | "ramdisk-not-found"
  | "out-of-memory"
  | "kernel-panic";

export interface BootDiagnosis {
  id: DiagnosisId;
  /** "panic" stops the machine; "warning" is a line that usually explains a later panic. */
  severity: "panic" | "warning";
  /** The kernel's line, as printed (without the printk time stamp). */
  line: string;
  /** What happened, in one or two plain sentences. */
  explanation: string;
  /** What usually fixes it. */
  fix: string;
  /** The file or setting to change: "/init", "kernel command line (root=)", ... */
  fileToFix: string;
}

/** Linux error numbers that show up in init and mount failures, and what they mean there. */
const ERRNO_MEANINGS: Readonly<Record<number, string>> = {
  2: "ENOENT: the file does not exist, or it names an interpreter in its #! line (or a dynamic loader) that does not exist",
  6: "ENXIO: no such device (no driver claimed it)",
  8: "ENOEXEC: exec format error: not an ELF binary for this CPU (an x86_64 program on an i386 kernel?) and no #! line the kernel understands",
  13: "EACCES: permission denied: the file is not executable (chmod 755) or sits on a noexec mount",
  12: "ENOMEM: out of memory",
  19: "ENODEV: no such device or filesystem type (not built into the kernel?)",
  20: "ENOTDIR: a part of the path is not a directory",
  22: "EINVAL: invalid argument (a wrong rootfstype=, or a corrupt file system)",
};

/** "error -8" → a sentence; unknown numbers are reported as they are. */
export function explainErrno(code: number): string {
  const n = Math.abs(code);
  return ERRNO_MEANINGS[n] ?? `error ${-n}`;
}

/** Decodes `exitcode=0x00000100` of "Attempted to kill init!" into words. */
export function explainInitExitCode(exitCode: number): string {
  const signal = exitCode & 0x7f;
  if (signal !== 0) return `init was killed by signal ${signal}${signal === 11 ? " (SIGSEGV: it crashed)" : signal === 9 ? " (SIGKILL)" : ""}`;
  return `init exited with status ${(exitCode >> 8) & 0xff}`;
}

/** What earlier lines said, for rules whose meaning depends on them. */
interface LineContext {
  sawNoFilesystem: boolean;
  /** The "Initramfs unpacking failed: ..." reason, when the kernel could not read the initrd. */
  unpackFailure?: string;
}

/**
 * A RAM-disk image (ext2/ext4) given to a kernel without RAM-disk support is read as an
 * initramfs, fails to unpack, and leaves an empty root: the panic that follows ("No working
 * init found", "Unable to mount root fs") names the symptom, this names the cause.
 */
function unpackFailureCause(reason: string): { explanation: string; fix: string; fileToFix: string } {
  return {
    explanation: `The kernel could not unpack the initrd as an initramfs (Initramfs unpacking failed: ${reason}), so the root file system is empty and there is nothing to run. If the initrd is a RAM-disk image (ext2/ext4) rather than a cpio archive, this kernel has no RAM-disk support (CONFIG_BLK_DEV_RAM).`,
    fix: "Boot a cpio archive (bootlab pack DIR -o rootfs.cpio.gz), or boot the RAM-disk image with a kernel that has RAM-disk support (the full profile) and root=/dev/ram0.",
    fileToFix: "the initrd (a cpio archive, or a kernel with RAM-disk support)",
  };
}

interface Rule {
  id: DiagnosisId;
  severity: "panic" | "warning";
  pattern: RegExp;
  describe(
    match: RegExpMatchArray,
    context: LineContext,
  ): { id?: DiagnosisId; explanation: string; fix: string; fileToFix: string };
}

const RULES: readonly Rule[] = [
  {
    id: "no-working-init",
    severity: "panic",
    pattern: /Kernel panic - not syncing: No working init found/,
    describe: (_m, context) => context.unpackFailure !== undefined ? unpackFailureCause(context.unpackFailure) : ({
      explanation:
        "The kernel found no program it could start as the first process: not /init in the initramfs, and none of /sbin/init, /etc/init, /bin/init, /bin/sh.",
      fix: "Put an executable /init in the archive (mode 755, a #!/bin/sh line or a static i386 binary), or point rdinit= (initramfs) or init= (a mounted root) at the program you have. The lines above the panic say why each candidate failed.",
      fileToFix: "/init",
    }),
  },
  {
    id: "requested-init-failed",
    severity: "panic",
    pattern: /Kernel panic - not syncing: Requested init (\S+) failed \(error (-?\d+)\)/,
    describe: (m) => ({
      explanation: `The init= program ${m[1]} could not be started: ${explainErrno(Number(m[2]))}.`,
      fix: `Check that ${m[1]} exists on the root file system, is executable and is built for this CPU, or change init= on the command line. For an initramfs use rdinit= instead of init=.`,
      fileToFix: `${m[1]} (or init= on the kernel command line)`,
    }),
  },
  {
    id: "init-exec-failed",
    severity: "warning",
    pattern: /(?:Failed to execute (\S+) \(error (-?\d+)\))|(?:Starting init: (\S+) exists but couldn't execute it \(error (-?\d+)\))|(?:Default init (\S+) failed \(error (-?\d+)\))/,
    describe: (m) => {
      const file = m[1] ?? m[3] ?? m[5] ?? "init";
      const code = Number(m[2] ?? m[4] ?? m[6]);
      return {
        explanation: `The kernel tried to run ${file} and got ${explainErrno(code)}.`,
        fix:
          code === -8
            ? `Start ${file} with #!/bin/sh (a script) or build it statically for i386 (gcc -m32 -static); check that CONFIG_BINFMT_SCRIPT and CONFIG_BINFMT_ELF are on.`
            : code === -13
              ? `Make ${file} executable: mode 755 in the archive.`
              : `Check that ${file} and the interpreter named on its #! line exist in the archive (a static BusyBox provides /bin/sh).`,
        fileToFix: file,
      };
    },
  },
  {
    id: "init-exited",
    severity: "panic",
    pattern: /Kernel panic - not syncing: Attempted to kill init! exitcode=(0x[0-9a-fA-F]+)/,
    describe: (m) => ({
      explanation: `The first process (PID 1) ended, and Linux cannot run without it: ${explainInitExitCode(Number.parseInt(m[1]!, 16))}.`,
      fix: "Never let init return: end the /init script with `exec /bin/sh` (or `exec /sbin/init`), keep a C init in a loop, and power off with `poweroff -f` instead of leaving the script.",
      fileToFix: "/init",
    }),
  },
  {
    id: "no-initial-console",
    severity: "warning",
    pattern: /Warning: unable to open an initial console/,
    describe: () => ({
      explanation:
        "The kernel could not open /dev/console for init, so init and its shell have no standard input or output (you see nothing after this line).",
      fix: "Add the device node dev/console (character device 5,1, mode 600) to the initramfs, or make sure devtmpfs is mounted on /dev (CONFIG_DEVTMPFS_MOUNT) before init starts.",
      fileToFix: "/dev/console",
    }),
  },
  {
    id: "unknown-root-device",
    severity: "panic",
    // Which of the two root failures this is depends on the lines before it: the kernel prints
    // "No filesystem could mount root" only when it opened the device and no file system fit.
    pattern: /Kernel panic - not syncing: VFS: Unable to mount root fs on (.*)/,
    describe: (m, context) =>
      context.unpackFailure !== undefined && /unknown-block\(0,0\)/.test(m[1]!)
        ? unpackFailureCause(context.unpackFailure)
        : context.sawNoFilesystem
        ? {
            id: "root-fs-unmountable",
            explanation: `The root device (${m[1]!.trim()}) exists but no built-in file system could mount it: the image is not formatted, or its type (ext4, ...) is not in the kernel, or rootfstype= names the wrong one.`,
            fix: "Format the image (mke2fs -t ext4 -d DIR image), build the file system into the kernel (CONFIG_EXT4_FS), and set rootfstype= to match or leave it out.",
            fileToFix: "the root disk image (or rootfstype= on the kernel command line)",
          }
        : {
            explanation: `root= names a block device the kernel does not have (${m[1]!.trim()}): no driver for the disk (IDE/SATA, virtio), a wrong name (/dev/sda vs /dev/vda), no disk attached, or a RAM disk root without CONFIG_BLK_DEV_RAM.`,
            fix: "Boot an initramfs without root= at all, or attach the disk (--disk) and use the name the kernel gives it; the lines above the panic list the partitions it found. The kernel needs the disk's driver built in (the full profile has it).",
            fileToFix: "kernel command line (root=)",
          },
  },
  {
    id: "initramfs-unpack-failed",
    severity: "warning",
    pattern: /Initramfs unpacking failed: (.*)/,
    describe: (m) => ({
      explanation: `The kernel could not read the initramfs archive (${m[1]!.trim()}); files after the broken part are missing.`,
      fix: "Pack the archive as cpio newc (bootlab pack, or cpio -o -H newc), compress it with gzip (or a method the kernel has, CONFIG_RD_*), and do not truncate it.",
      fileToFix: "the initramfs archive",
    }),
  },
  {
    id: "ramdisk-not-found",
    severity: "warning",
    pattern: /RAMDISK: Couldn't find valid RAM disk image/,
    describe: () => ({
      explanation: "root=/dev/ram was given, but the initrd is not a file system image the kernel recognises (ext2/ext4, romfs, cramfs, squashfs, minix), possibly compressed.",
      fix: "Pass a file system image (mke2fs -t ext4 -d DIR rootfs.ext4, optionally gzip'd) as the initrd, or drop root=/dev/ram to use the initrd as an initramfs cpio.",
      fileToFix: "the initrd image (or root= on the kernel command line)",
    }),
  },
  {
    id: "out-of-memory",
    severity: "panic",
    pattern: /Kernel panic - not syncing: (?:Out of memory|System is deadlocked on memory)/,
    describe: () => ({
      explanation: "The guest ran out of memory: the initramfs, the RAM disk and the programs did not fit.",
      fix: "Give the guest more memory (--memory 256), or make the initramfs smaller.",
      fileToFix: "--memory",
    }),
  },
];

const GENERIC_PANIC = /Kernel panic - not syncing: (.*)/;

/** Findings for the given lines (printk time stamps may be present), in line order. */
export function diagnoseLines(lines: readonly string[]): BootDiagnosis[] {
  const found: BootDiagnosis[] = [];
  let sawPanic = false;
  const context: LineContext = { sawNoFilesystem: false };
  for (const raw of lines) {
    const line = stripPrintkTime(raw).trim();
    if (line.startsWith("No filesystem could mount root")) context.sawNoFilesystem = true;
    const unpack = line.match(/Initramfs unpacking failed: (.*)/);
    if (unpack) context.unpackFailure = unpack[1]!.trim();
    if (line.startsWith("---[ end Kernel panic")) continue;
    if (sawPanic && line.includes("Kernel panic - not syncing")) continue;
    const rule = RULES.find((r) => r.pattern.test(line));
    if (rule) {
      const { id, ...described } = rule.describe(line.match(rule.pattern)!, context);
      found.push({ id: id ?? rule.id, severity: rule.severity, line, ...described });
      if (rule.severity === "panic") sawPanic = true;
      continue;
    }
    const generic = line.match(GENERIC_PANIC);
    if (generic) {
      sawPanic = true;
      found.push({
        id: "kernel-panic",
        severity: "panic",
        line,
        explanation: `The kernel stopped: ${generic[1]!.trim()}`,
        fix: "Read the lines just above the panic: they usually name the file or driver at fault.",
        fileToFix: "see the lines above the panic",
      });
    }
  }
  return found;
}

const PRINTK_TIME = /^\[\s*(\d+\.\d+)\]\s?/;

export function stripPrintkTime(line: string): string {
  return line.replace(PRINTK_TIME, "");
}

/** The printk time stamp of a line in seconds, or undefined. */
export function printkSeconds(line: string): number | undefined {
  const m = line.match(PRINTK_TIME);
  return m ? Number(m[1]) : undefined;
}
