// The tree the ext4 tests write: one of every entry kind ext4 holds, with awkward sizes (empty,
// one byte over a block, one over the 12 direct blocks), setuid and sticky modes, a big owner,
// fast and slow symlinks either side of the 60-byte i_block, a file with three names, device
// numbers that need the wide encoding, a FIFO and a socket.
import {
  blockDeviceEntry,
  charDeviceEntry,
  directoryEntry,
  fifoEntry,
  fileEntry,
  hardlinkEntry,
  socketEntry,
  symlinkEntry,
  type CpioEntry,
} from "../../src/core/cpio/index.ts";

/** `n` bytes from a fixed LCG: the same every run, not compressible. */
export const bytes = (n: number, seed = 1): Uint8Array => {
  let s = seed;
  return Uint8Array.from({ length: n }, () => (s = (s * 1103515245 + 12345) & 0x7fffffff) >>> 16);
};

export function sampleTree(): CpioEntry[] {
  return [
    ...["bin", "dev", "etc", "sbin", "usr", "usr/share", "usr/share/empty"].map((d) => directoryEntry(d)),
    fileEntry("init", "#!/bin/sh\necho hello\n", { mode: 0o755, uid: 1000, gid: 70000, mtime: 1_234_567_890 }),
    fileEntry("etc/empty", new Uint8Array(0), { mode: 0o640 }),
    fileEntry("etc/odd", bytes(4097), { mode: 0o600 }),
    fileEntry("etc/twelve-blocks-and-one", bytes(12 * 1024 + 1, 2)),
    fileEntry("bin/busybox", bytes(300_000, 3), { mode: 0o4755 }),
    hardlinkEntry("bin/ls", "bin/busybox"),
    hardlinkEntry("sbin/init", "bin/busybox"),
    symlinkEntry("bin/sh", "busybox"),
    symlinkEntry("etc/fast-59", "f".repeat(59)),
    symlinkEntry("etc/slow-60", "s".repeat(60)),
    symlinkEntry("etc/slow-long", "/usr/" + "long/".repeat(150)),
    directoryEntry("root", { mode: 0o700 }),
    directoryEntry("tmp", { mode: 0o1777 }),
    charDeviceEntry("dev/console", 5, 1, { mode: 0o600 }),
    blockDeviceEntry("dev/sda", 8, 0, { mode: 0o660 }),
    blockDeviceEntry("dev/nvme-wide", 259, 300_000),
    fifoEntry("dev/initctl", { mode: 0o640 }),
    socketEntry("dev/log", { mode: 0o666 }),
    fileEntry("etc/ünïcode name", "ok\n"),
    // Owners above 2^31: the high 16 bits live apart from the low ones in the inode.
    directoryEntry("home", { uid: 0xfffffffe, gid: 0x80000001 }),
  ];
}

