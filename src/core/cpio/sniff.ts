// What a file that is not a cpio archive is, from its magic numbers, so that `bootlab unpack`
// of an ext4 image says "an ext4 filesystem image" rather than "want a cpio header". Only
// formats someone is likely to hand an initramfs tool: filesystem and disk images, kernels,
// executables, other archives, compressors the kernel does or does not know.

const ascii = (bytes: Uint8Array, at: number, text: string): boolean => {
  for (let i = 0; i < text.length; i++) if (bytes[at + i] !== text.charCodeAt(i)) return false;
  return true;
};
const u16le = (bytes: Uint8Array, at: number): number => (bytes[at] ?? 0) | ((bytes[at + 1] ?? 0) << 8);
const u32le = (bytes: Uint8Array, at: number): number => (u16le(bytes, at) | (u16le(bytes, at + 2) << 16)) >>> 0;

/** The ext superblock is at byte 1024; its magic 0xEF53 at 1024 + 56. */
function extVersion(bytes: Uint8Array): string | undefined {
  if (u16le(bytes, 1080) !== 0xef53) return undefined;
  const compat = u32le(bytes, 1024 + 0x5c);
  const incompat = u32le(bytes, 1024 + 0x60);
  // ext4: extents (0x40), 64bit (0x80), flex_bg (0x200); ext3: a journal (compat 0x4).
  if (incompat & (0x40 | 0x80 | 0x200)) return "ext4";
  if (compat & 0x4) return "ext3";
  return "ext2";
}

export interface Format {
  /** "an ext4 filesystem image (magic 0xEF53 at byte 1080)" */
  what: string;
  /** What to do with it instead, if we can say. */
  hint?: string;
}

/**
 * What `bytes` (a whole file, or the data of a gzip member) is, or undefined when it is none
 * of the formats we know. `at` is where reading stopped; whole-file signatures are checked at 0.
 */
export function describeFormat(bytes: Uint8Array, at = 0): Format | undefined {
  const ext = extVersion(bytes);
  if (ext) return { what: `an ${ext} filesystem image (magic 0xEF53 at byte 1080)`, hint: "boot it as a disk or a RAM disk, or mount it" };
  if (ascii(bytes, 0x202, "HdrS")) return { what: 'a Linux kernel image (bzImage: "HdrS" at byte 514)', hint: 'give it as the kernel, not the initramfs' };
  if (ascii(bytes, 0x8001, "CD001")) return { what: "an ISO 9660 CD image" };
  if (ascii(bytes, 0, "hsqs") || ascii(bytes, 0, "sqsh")) return { what: "a SquashFS image" };
  if (ascii(bytes, 257, "ustar")) return { what: "a tar archive", hint: "convert it: mkdir t && tar -xf FILE -C t && bootlab pack t -o OUT.cpio" };
  const b = (i: number): number | undefined => bytes[at + i];
  if (b(0) === 0x7f && ascii(bytes, at + 1, "ELF")) return { what: `an ELF ${bytes[at + 4] === 2 ? "64" : "32"}-bit file (a program or an uncompressed vmlinux)` };
  if (ascii(bytes, at, "PK\x03\x04") || ascii(bytes, at, "PK\x05\x06")) return { what: "a zip archive", hint: "a bootlab export bundle boots with bootlab boot --bundle FILE.zip" };
  if ((b(0) === 0xc7 && b(1) === 0x71) || (b(0) === 0x71 && b(1) === 0xc7)) return { what: "an old binary cpio archive", hint: "recreate it with cpio -H newc" };
  if (ascii(bytes, at, "070707")) return { what: 'an old portable cpio archive (magic "070707")', hint: 'recreate it with cpio -H newc' };
  if (ascii(bytes, at, "#!")) return { what: "a script (text starting with #!)", hint: "pack it into an archive with bootlab pack" };
  if (bytes.length >= 512 && bytes[510] === 0x55 && bytes[511] === 0xaa) return { what: "a disk image or boot sector (0x55 0xAA at byte 510)" };
  return undefined;
}
