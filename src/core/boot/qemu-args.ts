// The QEMU command line as data. QemuRunner spawns it, and the export bundle writes the same
// list into run-qemu.sh, so the page, the CLI and the reader's own shell start QEMU alike.
import { QEMU_NIC_MODEL } from "./network.ts";
import type { GuestArch } from "./spec.ts";

export type QemuAccel = "kvm" | "tcg";

/** A boot as QEMU sees it: files on disk instead of bytes. */
export interface QemuFiles {
  kernel: string;
  /** One file: several archives must be joined first (concatInitrds). */
  initrd?: string;
  /** Raw images, attached as IDE disks in order (/dev/sda, /dev/sdb, ...): a file name, or a QemuDisk. */
  disks: readonly (string | QemuDisk)[];
  cmdline: string;
  memoryMiB: number;
  /** A network card on QEMU's user-mode network (network.ts). */
  network?: boolean;
  /** With `network`: the card joins this virtual LAN instead (qemuLanSocket), with this MAC address. */
  lan?: { name: string; mac: string };
}

/** A disk whose guest writes may reach the file: keepWrites opens it without snapshot=on. */
export interface QemuDisk {
  file: string;
  keepWrites: boolean;
}

export interface QemuArgsOptions {
  accel: QemuAccel;
  arch: GuestArch;
  /**
   * "stdio": the serial port alone on stdin/stdout, no monitor (what a program driving QEMU
   * through pipes wants: every byte reaches the guest).
   * "mon:stdio": serial and monitor multiplexed, so a person at a terminal can leave with
   * Ctrl-A X (what run-qemu.sh wants).
   */
  serial?: "stdio" | "mon:stdio";
}

export function qemuBinary(arch: GuestArch): string {
  return arch === "x86_64" ? "qemu-system-x86_64" : "qemu-system-i386";
}

/** The arguments after the binary name. */
export function qemuArgs(files: QemuFiles, options: QemuArgsOptions): string[] {
  const args = [
    // No window, no default devices (NIC, CD-ROM, parallel port) the guest would probe for
    // nothing; the devices we want are named below.
    "-nographic",
    "-nodefaults",
    "-no-reboot",
    "-accel",
    options.accel,
    "-m",
    String(files.memoryMiB),
    "-serial",
    options.serial ?? "stdio",
    "-kernel",
    files.kernel,
  ];
  if (files.initrd !== undefined) args.push("-initrd", files.initrd);
  args.push("-append", files.cmdline);
  files.disks.forEach((entry, index) => {
    const { file, keepWrites } = typeof entry === "string" ? { file: entry, keepWrites: false } : entry;
    // QEMU's -drive option list uses "," as separator; a doubled comma is a literal one.
    const disk = file.replaceAll(",", ",,");
    // snapshot=on: the guest's writes go to a temporary overlay, never to the image itself.
    args.push("-drive", `file=${disk},format=raw,if=ide,index=${index},media=disk${keepWrites ? "" : ",snapshot=on"}`);
  });
  // -nodefaults left out the default NIC: the one card both emulators have (network.ts), on
  // user-mode networking (DHCP 10.0.2.15, DNS 10.0.2.3, the host's loopback at 10.0.2.2).
  // A LAN: QEMU's multicast socket backend, one group per LAN name, so every QEMU of the host
  // booted on that LAN shares the segment; each needs its own MAC address (QEMU's default is
  // the same for all).
  if (files.network && files.lan) args.push("-nic", `socket,model=${QEMU_NIC_MODEL},mcast=${qemuLanSocket(files.lan.name)},mac=${files.lan.mac}`);
  else if (files.network) args.push("-nic", `user,model=${QEMU_NIC_MODEL}`);
  return args;
}

/** The multicast group and port of a LAN: 230.0.0.1 and a port from 20000 to 39999 picked by the name. */
export function qemuLanSocket(name: string): string {
  let hash = 0x811c9dc5;
  for (const char of name) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
  return `230.0.0.1:${20000 + (hash % 20000)}`;
}

/** A locally administered MAC address in QEMU's range, different for each guest of a LAN. */
export function randomLanMac(random: () => number = Math.random): string {
  const byte = () => Math.floor(random() * 256).toString(16).padStart(2, "0");
  return `52:54:00:${byte()}:${byte()}:${byte()}`;
}

/** `args` as one POSIX shell command line, each word quoted only when it has to be. */
export function shellCommand(binary: string, args: readonly string[]): string {
  return [binary, ...args].map(shellQuote).join(" ");
}

export function shellQuote(word: string): string {
  if (word !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}
