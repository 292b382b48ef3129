// Just enough of an ELF header to say whether the kernel can run a program as init: its class
// (32 or 64 bit), its machine, and whether it needs a dynamic loader (a PT_INTERP segment).

export interface ElfInfo {
  bits: 32 | 64;
  /** e_machine: 3 is i386, 62 is x86-64. */
  machine: number;
  /** The loader a dynamically linked program names (PT_INTERP), e.g. "/lib/ld-musl-i386.so.1". */
  interpreter?: string;
}

const PT_INTERP = 3;

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

/** The header facts of an ELF file, or undefined when `bytes` is not one (or is cut short). */
export function readElf(bytes: Uint8Array): ElfInfo | undefined {
  if (!isElf(bytes) || bytes.length < 52) return undefined;
  const bits = bytes[4] === 2 ? 64 : bytes[4] === 1 ? 32 : undefined;
  if (bits === undefined || bytes[5] !== 1) return undefined; // only little-endian x86 matters here
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const machine = view.getUint16(18, true);
  const info: ElfInfo = { bits, machine };
  const phoff = bits === 64 ? Number(view.getBigUint64(32, true)) : view.getUint32(28, true);
  const phentsize = view.getUint16(bits === 64 ? 54 : 42, true);
  const phnum = view.getUint16(bits === 64 ? 56 : 44, true);
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * phentsize;
    if (at + (bits === 64 ? 56 : 32) > bytes.length) break;
    if (view.getUint32(at, true) !== PT_INTERP) continue;
    const offset = bits === 64 ? Number(view.getBigUint64(at + 8, true)) : view.getUint32(at + 4, true);
    const size = bits === 64 ? Number(view.getBigUint64(at + 32, true)) : view.getUint32(at + 16, true);
    if (offset + size <= bytes.length) {
      info.interpreter = new TextDecoder().decode(bytes.subarray(offset, offset + size)).replace(/\0+$/, "");
    }
  }
  return info;
}
