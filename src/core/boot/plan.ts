// The plan: one function that turns a system (a template or a project: files, command line,
// kernel, disks, memory) into the exact boot, the same for the page's worker, `bootlab boot`,
// `bootlab bench`, `bootlab export`, the export bundle and every test. It
// - lays the command line over DEFAULT_CMDLINE (one set of defaults, documented there),
// - works out what the system needs of the kernel (a RAM disk driver for root=/dev/ram, an ATA
//   disk driver for root=/dev/sda, ...) and checks it against each prebuilt kernel's .config,
//   picking the one that fits when the user did not pin one, and saying so,
// - decides what goes into the initrd: the base archive unless the root is a block device or
//   the user brought their own initrd, then the user's files as a second archive,
// - checks memory and devices against what the emulator can do,
// - and says what the console session should expect (the init program, the ready text, a hint
//   when the init program cannot run).
// Problems stop the plan with a PlanError listing them all, in plain words.
import { lintOverlay } from "../lint/index.ts";
import { isOff, valueOf, type Kconfig } from "../kconfig/index.ts";
import { packCpio } from "../cpio/writer.ts";
import { overlayBytes, overlayEntries, type OverlayFile } from "../rootfs/overlay.ts";
import { KernelCmdline } from "./cmdline.ts";
import { LAN_NAME } from "./network.ts";
import { DEFAULT_CMDLINE } from "./defaults.ts";
import { baseTreeEntries, fileDiskProblems, writeFileDisks, type FileDisk } from "./file-disks.ts";
import { isGzipMagic } from "../cpio/gzip-member.ts";
import { gunzipHead } from "../ext4/gzip.ts";
import { readElf } from "./elf.ts";
import { inflateInitrd } from "./initrd.ts";
import type { KernelInfo, PrebuiltArtifacts } from "./prebuilt.ts";
import type { EmulatorName } from "./runner.ts";
import { bzImageArch, concatInitrds, DEFAULT_MEMORY_MIB, diskHead, diskSize, isBzImage, minimumV86MemoryMiB, V86_MAX_DISK_BYTES, type BootSpec, type DiskImage, type GuestArch } from "./spec.ts";

/** A kernel the user brought (a file, a bundle's bzImage): booted as it is. */
export interface CustomKernel {
  /** For messages: the file name. */
  name: string;
  bytes: Uint8Array;
  arch?: GuestArch;
  /** Its .config when known, so the plan can check the system against it. */
  kconfig?: Kconfig;
}

/** What to boot, as the user described it. */
export interface BootSystem {
  /** The files laid over the base (or forming the whole initramfs when there is no base). */
  files: readonly OverlayFile[];
  /** Whether bootlab's BusyBox base archive goes under the files. */
  base: "busybox" | "none";
  /** A prebuilt kernel's id ("tiny", "full") or the user's own; undefined: the plan picks. */
  kernel?: string | CustomKernel;
  /** The user chose this kernel (`--kernel`): the plan checks it but never swaps it. */
  kernelPinned?: boolean;
  /**
   * The architecture to boot (`--arch`): the prebuilt kernels of this architecture are the
   * candidates, and the base archive is this architecture's. Undefined: the pinned kernel's
   * architecture, else i386 (what v86 and the page run).
   */
  arch?: GuestArch;
  /** The system's own kernel parameters, laid over DEFAULT_CMDLINE. */
  cmdline: string;
  /** Guest memory in MiB; undefined: 128, or more when v86 needs it for a large initrd. */
  memoryMiB?: number;
  /** Raw disk images, attached in order (/dev/sda, /dev/sdb, ...): bytes, or a file on the host the runner opens. */
  disks?: readonly DiskImage[];
  /** The user's own initrd (a cpio, cpio.gz or RAM-disk image), used instead of the base. */
  initrd?: Uint8Array;
  /**
   * Disks made of files (file-disks.ts), written by the plan: a RAM disk becomes the initrd, IDE
   * disks come before `disks`.
   */
  fileDisks?: readonly FileDisk[];
  /** Console text that means the system is up, for systems without a shell prompt. */
  readyPattern?: string;
  /** A network card on the emulator's own network (network.ts); the kernel must drive it. */
  network?: boolean;
  /**
   * A network card on a virtual LAN of this name instead (network.ts, `LAN_NAME`): every guest
   * booted on the same LAN shares one Ethernet segment (the tabs of one browser, the v86
   * guests of one process), with no DHCP server or router on it unless a guest runs one.
   */
  lan?: string;
  /**
   * Prebuilt layers unpacked after the base and before the user's files, by id from the
   * manifest's `layers` ("devel": tcc and musl for compiling in the guest).
   */
  layers?: readonly string[];
  /**
   * A C source in the files to compile into a program before the boot (src/core/cinit: in a
   * build guest with the devel layer's tcc); the static-hello template's /init.c -> /init.
   * The plan itself boots the files as they are: front ends run `compileSystem` first.
   */
  compile?: { source: string; output: string };
}

export interface PlanOptions {
  /** The emulator that will run the plan: its limits are checked. Undefined: both emulators' limits. */
  emulator?: EmulatorName;
  /** A clock in milliseconds (performance.now) to time the writing of file disks (BootPlan.diskWriteMs); without one they are not timed. */
  now?: () => number;
}

/** What the console session should know about the boot (see session.ts). */
export interface BootExpectations {
  /** The final kernel command line. */
  cmdline: string;
  /** The program the kernel runs first: rdinit= (initramfs), init= (a mounted root), or the default. */
  initPath: string;
  /** Why that program will not run, when the plan can see it (CRLF, no #!, not executable, wrong ELF class). */
  initHint?: string;
  readyPattern?: string;
  /** The system's /etc/inittab, when the user's files have one: names the line behind a respawn loop. */
  inittab?: string;
}

export interface BootPlan {
  /** The bytes and numbers a runner boots: one plain initrd (or none), the final command line. */
  spec: BootSpec;
  kernel: { id: string; arch: GuestArch; summary: string; bzImage?: string };
  /** Whether the base archive is in the initrd. */
  usesBase: boolean;
  /** What the plan decided on the user's behalf, in sentences ("The full kernel boots this system: ..."). */
  notes: string[];
  expectations: BootExpectations;
  /** How long writing the system's disks made of files took, in ms (only with PlanOptions.now, and only for a system that has them). */
  diskWriteMs?: number;
  /**
   * The architecture the system's own init program is built for, when the plan's kernel cannot
   * run it (a 64-bit /init on a 32-bit kernel): the system boots with `arch` set to it, in QEMU.
   */
  needsArch?: GuestArch;
}

export class PlanError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("\n"));
    this.name = "PlanError";
  }
}

/** How many disks each emulator attaches: v86 has hda and hdb; QEMU's IDE bus four. */
export const MAX_DISKS: Readonly<Record<EmulatorName, number>> = { v86: 2, qemu: 4 };
export const MIN_MEMORY_MIB = 16;
export const MAX_MEMORY_MIB = 3072;
/** The x86 boot protocol's limit for the command line. */
export const MAX_CMDLINE_CHARS = 2047;

/** One thing the system needs of the kernel: any of `symbols` on. */
interface KernelNeed {
  symbols: readonly string[];
  /** What the symbols give, in words: "a RAM disk driver". */
  what: string;
  /** What in the system asks for it: "root=/dev/ram". */
  because: string;
}

/** Where the root filesystem comes from, read off the command line. */
type RootKind = "initramfs" | "ramdisk" | "block";

function rootKind(cmdline: KernelCmdline): RootKind {
  const root = cmdline.get("root");
  if (root === undefined || root === "") return "initramfs";
  if (/^\/dev\/ram\d*$/.test(root) || root === "/dev/rd/0" || root === "0100") return "ramdisk";
  return "block";
}

export async function planBoot(described: BootSystem, artifacts: PrebuiltArtifacts, options: PlanOptions = {}): Promise<BootPlan> {
  const problems: string[] = [];
  const notes: string[] = [];
  // Disks made of files are written first; from here on they are images like the user's own.
  const diskWriteStarted = described.fileDisks?.length ? options.now?.() : undefined;
  const system = described.fileDisks?.length ? await withFileDisks(described, artifacts) : described;
  const diskWriteMs = diskWriteStarted === undefined ? undefined : options.now!() - diskWriteStarted;

  // The command line: the system's parameters over the defaults.
  const userText = system.cmdline;
  // eslint-disable-next-line no-control-regex
  const control = /[\x00-\x08\x0b-\x1f\x7f]/.exec(userText);
  if (control) {
    problems.push(`command line: got a control character (code ${control[0].charCodeAt(0)}) at position ${control.index + 1}; the kernel command line is one line of printable text`);
  }
  let cmdline = KernelCmdline.parse(DEFAULT_CMDLINE);
  try {
    cmdline = cmdline.merge(KernelCmdline.parse(userText.replace(/[\r\n\t]/g, " ")));
  } catch (error) {
    problems.push(`command line: ${(error as Error).message}`);
  }
  const finalCmdline = cmdline.toString();
  if (finalCmdline.length > MAX_CMDLINE_CHARS) {
    problems.push(`command line: got ${finalCmdline.length} characters with bootlab's defaults, the x86 boot protocol allows ${MAX_CMDLINE_CHARS}`);
  }

  const root = rootKind(cmdline);
  const disks = system.disks ?? [];
  const usesBase = system.base === "busybox" && system.initrd === undefined && root === "initramfs";
  const layers = (system.layers ?? []).map((id) => {
    const layer = artifacts.layer(id, "i386");
    if (!layer) {
      const known = (artifacts.manifest.layers ?? []).map((l) => l.id);
      problems.push(`layer "${id}": prebuilt/manifest.json has no such i386 layer (${known.length ? `it has ${known.join(", ")}` : "it lists none"}); rebuild with \`bootlab build\``);
    } else if (root !== "initramfs" || system.initrd !== undefined) {
      problems.push(`layer "${id}" is an initramfs archive: it cannot go into ${system.initrd !== undefined ? "your own initrd" : `a root on ${cmdline.get("root")}`}`);
    }
    return layer;
  });

  if (root === "ramdisk") {
    if (system.initrd === undefined) {
      problems.push(`root=${cmdline.get("root")} boots a RAM disk, which comes from the initrd: give a file system image (bootlab pack DIR -o root.ext4, or mke2fs -d) as the root filesystem (--rootfs FILE)`);
    } else if (system.files.length > 0) {
      problems.push(`root=${cmdline.get("root")}: the RAM disk is the image itself, so files cannot be laid over it; put them into the image`);
    }
  }
  if (root === "block") {
    const device = cmdline.get("root")!;
    const letter = /^\/dev\/[sh]d([a-z])/.exec(device)?.[1];
    if (/^\/dev\/(vd|xvd|nvme|mmcblk)/.test(device)) {
      problems.push(`root=${device}: bootlab attaches disks to the IDE controller, where Linux names them /dev/sda, /dev/sdb, ...; use root=/dev/sda`);
    } else if (/^\/dev\/hd[a-z]/.test(device)) {
      problems.push(`root=${device}: Linux 6.1 names IDE disks /dev/sda, /dev/sdb, ... (the old /dev/hd* driver is gone); use root=/dev/s${device.slice(6)}`);
    } else if (letter !== undefined && letter.charCodeAt(0) - 97 >= disks.length) {
      problems.push(`root=${device}: ${disks.length === 0 ? "no disk is attached" : `only ${disks.length} disk(s) are attached (/dev/sda${disks.length > 1 ? ` to /dev/sd${String.fromCharCode(96 + disks.length)}` : ""})`}; attach the root disk image (--disk FILE)`);
    }
  }

  // The program the kernel runs first, and whether the plan can already see it will fail.
  const initPath = root === "initramfs" ? (cmdline.get("rdinit") || "/init") : (cmdline.get("init") || "/sbin/init");
  const initFile = root === "initramfs" ? lastFile(system.files, initPath) : undefined;
  const initHint = initFile ? initProblem(initFile, system.files, finalCmdline) : undefined;

  // What the kernel must have.
  const needs = kernelNeeds(system, cmdline, root, usesBase, initFile);
  const kernel = await pickKernel(system, artifacts, needs, problems, notes);
  // The base archive of the kernel's architecture. A 64-bit kernel without a 64-bit base gets the
  // i386 one (it runs with IA32 emulation, which bootlab's x86_64 kernels have), said in a note.
  let baseEntry = kernel ? artifacts.base(kernel.arch) : undefined;
  if (usesBase && kernel && !baseEntry && kernel.arch === "x86_64") {
    baseEntry = artifacts.base("i386");
    if (baseEntry) notes.push(`prebuilt/manifest.json lists no x86_64 base archive: the i386 BusyBox goes under this system, which the ${kernel.id} kernel runs only with IA32 emulation (CONFIG_IA32_EMULATION)`);
  }
  if (usesBase && kernel && !baseEntry) problems.push(`prebuilt/manifest.json lists no ${kernel.arch} base archive; rebuild with \`bootlab build --target ${kernel.arch}\``);
  let needsArch: GuestArch | undefined;
  if (kernel && initFile?.kind === "file") {
    const elf = readElf(overlayBytes(initFile));
    if (elf && kernel.arch === "i386" && elf.bits === 64) {
      needsArch = "x86_64";
      notes.push(`${initPath} is a 64-bit (x86-64) program and the ${kernel.id} kernel is 32-bit (i386): it cannot run it (error -8). Build it with gcc -m32 -static.`);
    }
  }

  // Emulator limits.
  const emulators: EmulatorName[] = options.emulator ? [options.emulator] : [];
  for (const emulator of emulators) {
    if (disks.length > MAX_DISKS[emulator]) {
      problems.push(`disks: got ${disks.length}, ${emulator} attaches at most ${MAX_DISKS[emulator]}${emulator === "v86" ? " (hda and hdb); boot in QEMU for more" : ""}`);
    }
    if (emulator === "v86" && kernel && kernel.arch !== "i386") problems.push(`the ${kernel.id} kernel is ${kernel.arch}: v86 emulates a 32-bit CPU only; boot it in QEMU`);
    if (emulator === "v86") {
      disks.forEach((disk, index) => {
        if (diskSize(disk) > V86_MAX_DISK_BYTES) {
          problems.push(`disk ${index + 1}: got ${(diskSize(disk) / 1048576).toFixed(0)} MiB, v86 holds a disk in memory and takes at most ${V86_MAX_DISK_BYTES / 1048576} MiB; boot it in QEMU (--emulator qemu), which reads the file itself`);
        }
      });
    }
  }
  if (system.memoryMiB !== undefined && (!Number.isInteger(system.memoryMiB) || system.memoryMiB < MIN_MEMORY_MIB || system.memoryMiB > MAX_MEMORY_MIB)) {
    problems.push(`memory: got ${system.memoryMiB} MiB, want a whole number between ${MIN_MEMORY_MIB} and ${MAX_MEMORY_MIB}`);
  }
  if (system.lan !== undefined && !LAN_NAME.test(system.lan)) {
    problems.push(`LAN name: got ${JSON.stringify(system.lan.slice(0, 80))}, want 1 to 40 letters, digits, "-", "_" or "."`);
  }
  if (kernel && root === "ramdisk" && system.initrd !== undefined) {
    const problem = await ramdiskSizeProblem(system, cmdline, kernel, artifacts);
    if (problem) problems.push(problem);
  }
  if (problems.length || !kernel) throw new PlanError(problems.length ? problems : ["no kernel to boot"]);

  // The initrd: base, then the user's initrd or files; one plain archive the runners boot as it is.
  const parts: Uint8Array[] = [];
  if (usesBase) parts.push(await artifacts.plainInitrd(baseEntry!.path));
  for (const layer of layers) parts.push(await artifacts.plainInitrd(layer!.path));
  if (system.initrd !== undefined) parts.push(inflateInitrd(system.initrd));
  if (system.files.length > 0 && root !== "ramdisk") parts.push(packCpio(overlayEntries(system.files)));
  const initrd = parts.length ? concatInitrds(parts) : undefined;

  const initrdBytes = initrd?.length ?? 0;
  const v86Minimum = minimumV86MemoryMiB(initrdBytes);
  let memoryMiB = system.memoryMiB ?? Math.max(DEFAULT_MEMORY_MIB, options.emulator === "qemu" ? 0 : v86Minimum);
  if (system.memoryMiB !== undefined && options.emulator !== "qemu" && initrd && system.memoryMiB < v86Minimum) {
    throw new PlanError([`memory: got ${system.memoryMiB} MiB; v86 loads the initrd at 64 MiB, so this ${Math.ceil(initrdBytes / 1048576)} MiB initrd needs at least ${v86Minimum} MiB (leave memory unset for ${Math.max(DEFAULT_MEMORY_MIB, v86Minimum)})`]);
  }
  memoryMiB = Math.min(memoryMiB, MAX_MEMORY_MIB);

  const kernelBytes = typeof kernel.source === "string" ? await artifacts.bytes(kernel.source) : kernel.source;
  if (!isBzImage(kernelBytes)) {
    throw new PlanError([`kernel ${kernel.id}: not a bzImage (no "HdrS" boot header at offset 0x202); give arch/x86/boot/bzImage`]);
  }

  const expectations: BootExpectations = { cmdline: finalCmdline, initPath };
  if (initHint) expectations.initHint = initHint;
  if (system.readyPattern) expectations.readyPattern = system.readyPattern;
  const inittab = lastFile(system.files, "/etc/inittab");
  if (inittab?.kind === "file") expectations.inittab = new TextDecoder().decode(overlayBytes(inittab));
  const planned: BootPlan = {
    spec: { kernel: kernelBytes, initrds: initrd ? [initrd] : [], disks: [...disks], cmdline: finalCmdline, memoryMiB },
    kernel: { id: kernel.id, arch: kernel.arch, summary: kernel.summary },
    usesBase,
    notes,
    expectations,
  };
  if (typeof kernel.source === "string") planned.kernel.bzImage = kernel.source;
  if (diskWriteMs !== undefined) planned.diskWriteMs = diskWriteMs;
  if (needsArch) planned.needsArch = needsArch;
  if (system.network || system.lan !== undefined) planned.spec.network = true;
  if (system.lan !== undefined) planned.spec.lan = system.lan;
  return planned;
}

/**
 * The kernel copies a RAM-disk image into /dev/ram0, which holds ramdisk_size= KiB, or
 * CONFIG_BLK_DEV_RAM_SIZE without it (4096 in most kernels, 65536 in bootlab's full one); a
 * larger image fails as "RAMDISK: incomplete write" and then a VFS panic that does not say why.
 */
async function ramdiskSizeProblem(system: BootSystem, cmdline: KernelCmdline, kernel: PickedKernel, artifacts: PrebuiltArtifacts): Promise<string | undefined> {
  const initrd = system.initrd!;
  const head = isGzipMagic(initrd, 0) ? gunzipHead(initrd, 2048) : initrd.subarray(0, 2048);
  if (head.length < 2048 || head[1080] !== 0x53 || head[1081] !== 0xef) return undefined; // not ext2/3/4: the kernel says what it is
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const imageKiB = (view.getUint32(1024 + 4, true) * (1024 << view.getUint32(1024 + 24, true))) / 1024;
  const given = cmdline.get("ramdisk_size");
  let limitKiB: number | undefined;
  let source: string;
  if (given !== undefined) {
    limitKiB = Number(given);
    source = `ramdisk_size=${given} on the command line`;
  } else {
    const kconfig = typeof kernel.source === "string" ? (await artifacts.kernel(kernel.id))?.kconfig : typeof system.kernel === "object" ? system.kernel.kconfig : undefined;
    const value = kconfig ? valueOf(kconfig, "CONFIG_BLK_DEV_RAM_SIZE") : undefined;
    limitKiB = value?.kind === "set" ? Number(value.value) : undefined;
    source = `the ${kernel.id} kernel's RAM disk holds ${limitKiB} KiB (CONFIG_BLK_DEV_RAM_SIZE)`;
  }
  if (limitKiB === undefined || !Number.isFinite(limitKiB) || imageKiB <= limitKiB) return undefined;
  return `root=${cmdline.get("root")}: the RAM disk image is ${imageKiB} KiB and ${source}${given === undefined ? "" : ` is smaller`}; add ramdisk_size=${imageKiB} to the command line, or make the image smaller`;
}

/** `system` with its file disks written: the RAM disk as its initrd, the IDE disks before its own. */
async function withFileDisks(system: BootSystem, artifacts: PrebuiltArtifacts): Promise<BootSystem> {
  const disks = system.fileDisks!;
  const problems = fileDiskProblems(disks);
  if (system.initrd !== undefined && disks.some((d) => d.role === "ramdisk")) problems.push("disks: a RAM disk made of files is the initrd, so the system cannot bring an initrd of its own too");
  const baseEntry = artifacts.base("i386");
  const needsBase = disks.some((d) => d.base === "busybox");
  if (needsBase && !baseEntry) problems.push("prebuilt/manifest.json lists no i386 base archive; rebuild with `bootlab build`");
  if (problems.length) throw new PlanError(problems);
  const base = needsBase ? baseTreeEntries(await artifacts.plainInitrd(baseEntry!.path)) : undefined;
  const written = writeFileDisks(disks, base, problems);
  if (problems.length) throw new PlanError(problems);
  const { fileDisks: _written, ...rest } = system;
  const out: BootSystem = { ...rest, disks: [...written.ide, ...(system.disks ?? [])] };
  if (written.ramdisk) out.initrd = written.ramdisk;
  return out;
}

/** The last overlay entry at `path` (later entries win, as in the kernel's unpacker). */
function lastFile(files: readonly OverlayFile[], path: string): OverlayFile | undefined {
  for (let i = files.length - 1; i >= 0; i--) if (files[i]!.path === path) return files[i];
  return undefined;
}

/**
 * Why the init program in the user's files cannot run, in one sentence, or undefined. Text
 * files get the linter's verdict (the same words the editor shows); programs are read as ELF.
 */
function initProblem(file: OverlayFile, files: readonly OverlayFile[], cmdline: string): string | undefined {
  if (file.kind !== "file") return `${file.path} is a ${file.kind}, not a program.`;
  const elf = readElf(overlayBytes(file));
  if (elf) {
    if ((file.mode & 0o111) === 0) return `${file.path} is not executable (mode ${(file.mode & 0o777).toString(8)}): the kernel refuses it with error -13. Make it mode 755.`;
    if (elf.bits === 64) return `${file.path} is a 64-bit (x86-64) program; an i386 kernel cannot run it (error -8). Build it with gcc -m32 -static.`;
    if (elf.interpreter) return `${file.path} is dynamically linked: it needs its loader ${elf.interpreter}, which is not in the system (error -2). Link it statically (gcc -m32 -static).`;
    return undefined;
  }
  // Not a program: a script (or meant to be one), whether it came as text (the page) or as bytes
  // (a host directory). The linter's verdict is what the editor shows for it too.
  const decoder = new TextDecoder();
  const lintFiles = files
    .filter((f) => f.kind === "file" || f.kind === "directory" || f.kind === "symlink")
    .map((f) => ({ path: f.path, kind: f.kind as "file" | "directory" | "symlink", mode: f.mode, ...(f.kind === "file" && !readElf(overlayBytes(f)) ? { text: f.text ?? decoder.decode(overlayBytes(f)) } : {}) }));
  const finding = lintOverlay({ files: lintFiles, cmdline }).find((d) => d.path === file.path && d.severity === "error");
  return finding?.message;
}

function kernelNeeds(system: BootSystem, cmdline: KernelCmdline, root: RootKind, usesBase: boolean, initFile: OverlayFile | undefined): KernelNeed[] {
  const needs: KernelNeed[] = [];
  const rootArg = `root=${cmdline.get("root")}`;
  if (usesBase || system.initrd !== undefined || system.files.length > 0) {
    needs.push({ symbols: ["CONFIG_BLK_DEV_INITRD"], what: "initrd support", because: "an initramfs" });
  }
  if (root === "ramdisk") needs.push({ symbols: ["CONFIG_BLK_DEV_RAM"], what: "a RAM disk driver", because: rootArg });
  const disks = system.disks ?? [];
  if (root === "block" || disks.length > 0) {
    const because = root === "block" ? rootArg : "an attached disk";
    needs.push({ symbols: ["CONFIG_ATA_PIIX"], what: "the IDE disk driver both emulators need (ATA_PIIX)", because });
    needs.push({ symbols: ["CONFIG_BLK_DEV_SD"], what: "SCSI disk support, which names IDE disks /dev/sda", because });
  }
  if (root !== "initramfs") {
    const fstype = cmdline.get("rootfstype") ?? (root === "ramdisk" ? imageType(system.initrd) : imageType(disks[0] && diskHead(disks[0])));
    if (fstype === "ext4" || fstype === "ext3") needs.push({ symbols: ["CONFIG_EXT4_FS"], what: "the ext4 file system", because: `an ${fstype} root` });
    else if (fstype === "ext2") needs.push({ symbols: ["CONFIG_EXT2_FS", "CONFIG_EXT4_USE_FOR_EXT2"], what: "the ext2 file system", because: "an ext2 root" });
  }
  if (initFile?.kind === "file") {
    const bytes = overlayBytes(initFile);
    if (readElf(bytes)) needs.push({ symbols: ["CONFIG_BINFMT_ELF"], what: "ELF programs", because: `${initFile.path} (an ELF program)` });
    else if (bytes[0] === 0x23 && bytes[1] === 0x21) needs.push({ symbols: ["CONFIG_BINFMT_SCRIPT"], what: "#! scripts", because: `${initFile.path} (a script)` });
  }
  if (system.network || system.lan !== undefined) {
    const because = system.lan !== undefined ? `the LAN "${system.lan}"` : "the network";
    needs.push({ symbols: ["CONFIG_NE2K_PCI"], what: "the NE2000 PCI network card driver (the card both emulators give the guest)", because });
    needs.push({ symbols: ["CONFIG_INET"], what: "IPv4 (TCP/IP)", because });
    needs.push({ symbols: ["CONFIG_PACKET"], what: "packet sockets, which udhcpc uses", because });
  }
  const consoles = cmdline.getAll("console");
  if (consoles.some((c) => c.startsWith("ttyS"))) needs.push({ symbols: ["CONFIG_SERIAL_8250_CONSOLE"], what: "a serial console", because: "console=ttyS0" });
  if (consoles.some((c) => /^tty\d*$/.test(c))) needs.push({ symbols: ["CONFIG_VT_CONSOLE"], what: "a screen console", because: `console=${consoles.find((c) => /^tty\d*$/.test(c))}` });
  return needs;
}

/** "ext4", "ext3", "ext2" from an ext superblock (magic 0xEF53 at 1080), gzip'd or not; else undefined. */
function imageType(image: Uint8Array | undefined): string | undefined {
  if (!image) return undefined;
  const bytes = image[0] === 0x1f && image[1] === 0x8b ? inflateInitrd(image) : image;
  if (bytes.length < 1124 || bytes[1080] !== 0x53 || bytes[1081] !== 0xef) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const compat = view.getUint32(1024 + 0x5c, true);
  const incompat = view.getUint32(1024 + 0x60, true);
  if (incompat & 0x40 /* extents */ || incompat & 0x200 /* flex_bg */) return "ext4";
  if (compat & 0x4 /* has_journal */) return "ext3";
  return "ext2";
}

function missingNeeds(kconfig: Kconfig, needs: readonly KernelNeed[]): KernelNeed[] {
  return needs.filter((need) => need.symbols.every((symbol) => isOff(valueOf(kconfig, symbol))));
}

function describeMissing(kernelName: string, missing: readonly KernelNeed[]): string {
  return missing.map((need) => `${need.because} needs ${need.what} (${need.symbols.join(" or ")}), which the ${kernelName} kernel lacks`).join("; ");
}

interface PickedKernel {
  id: string;
  arch: GuestArch;
  summary: string;
  /** A path below prebuilt/, or the bytes of the user's own kernel. */
  source: string | Uint8Array;
}

async function pickKernel(system: BootSystem, artifacts: PrebuiltArtifacts, needs: readonly KernelNeed[], problems: string[], notes: string[]): Promise<PickedKernel | undefined> {
  const wanted = system.kernel;
  if (wanted !== undefined && typeof wanted !== "string") {
    const picked: PickedKernel = { id: wanted.name, arch: wanted.arch ?? bzImageArch(wanted.bytes) ?? "i386", summary: "your own kernel", source: wanted.bytes };
    if (wanted.kconfig) {
      const missing = missingNeeds(wanted.kconfig, needs);
      if (missing.length) problems.push(`${describeMissing(wanted.name, missing)}.`);
    } else {
      notes.push(`bootlab does not know how ${wanted.name} was configured, so it could not check that it has what this system needs.`);
    }
    return picked;
  }
  // The manifest's order is the preference; only the preferred kernel's .config is read unless
  // it lacks something (a first visit to the page fetches one config, not all of them).
  const arch = system.arch ?? (wanted === undefined ? undefined : artifacts.manifest.kernels.find((k) => k.id === wanted)?.arch) ?? "i386";
  const entries = artifacts.manifest.kernels.filter((k) => k.arch === arch);
  const preferredEntry = wanted === undefined ? entries[0] : entries.find((k) => k.id === wanted);
  if (!preferredEntry) {
    problems.push(
      entries.length === 0
        ? `no ${arch} kernel is prebuilt (prebuilt/manifest.json); build one with \`bootlab build --target ${arch}\` or give a bzImage file`
        : `kernel "${wanted}": no such prebuilt ${arch} kernel; the ${arch} kernels are ${entries.map((k) => k.id).join(", ")} (or give a bzImage file)`,
    );
    return undefined;
  }
  const preferred = (await artifacts.kernel(preferredEntry.id, arch))!;
  const missing = missingNeeds(preferred.kconfig, needs);
  if (missing.length === 0) return fromInfo(preferred);
  const kernels = await Promise.all(entries.map((entry) => artifacts.kernel(entry.id, arch)!));
  const fitting = system.kernelPinned ? undefined : kernels.find((k) => missingNeeds(k.kconfig, needs).length === 0);
  if (fitting) {
    notes.push(`The ${fitting.id} kernel boots this system: ${describeMissing(preferred.id, missing)}.`);
    return fromInfo(fitting);
  }
  const elsewhere = kernels.filter((k) => k !== preferred && missingNeeds(k.kconfig, missing).length < missing.length);
  const hint = elsewhere.length ? ` The ${elsewhere.map((k) => k.id).join(" and ")} kernel has ${elsewhere.length > 1 ? "some" : "what is missing"}${system.kernelPinned ? ` (--kernel ${elsewhere[0]!.id})` : ""}.` : " No prebuilt kernel has it: build one with `bootlab build`.";
  problems.push(`${describeMissing(preferred.id, missing)}.${hint}`);
  return undefined;
}

function fromInfo(kernel: KernelInfo): PickedKernel {
  return { id: kernel.id, arch: kernel.arch, summary: kernel.summary, source: kernel.bzImage };
}
