// The compiled program's way back from a v86 build guest through guest memory instead of the
// serial console (base64 at v86's UART speed cost about 0.4 s for a 22 KB program, plus gzip and
// base64 in the guest). The build guest's script writes the program into a file of *framed
// pages*: every 4096 bytes of the file begin with a 32-byte header (magic, the host's nonce for
// this compile, the page's index, the page count, the program's length) followed by 4064 bytes
// of the program. The file lives in the initramfs (ramfs), so each 4096 bytes of it is one page
// of the page cache, which starts on a page of guest physical memory: the host finds the pages
// by their headers, as it finds the warm-boot agent's buffer (protocol.ts in src/core/warm),
// joins them in index order and checks the whole against the length and checksum the guest
// printed on its console (`cksum`: one program gives both, and every program the guest runs
// costs it about half a million instructions). The QEMU build guest keeps the console (QEMU's memory is not ours).
// Pure bytes in and out: the runner reads the memory.

export const PROGRAM_PAGE_BYTES = 4096;
export const PROGRAM_PAGE_HEADER_BYTES = 32;
/** The program's bytes in one framed page. */
export const PROGRAM_PAGE_PAYLOAD = PROGRAM_PAGE_BYTES - PROGRAM_PAGE_HEADER_BYTES;

/** "\x7fBLCCOUT": the first bytes of a framed page; the shell writes them as \177 (never raw in the script). */
const MAGIC = [0x7f, 0x42, 0x4c, 0x43, 0x43, 0x4f, 0x55, 0x54];

/** What the build guest says on its console once the pages are written, and the nonce the host gave it. */
export interface ProgramInMemory {
  /** The nonce in every header: tells this compile's pages from anything else in memory. */
  nonce: number;
  pages: number;
  /** The program's length in bytes. */
  length: number;
  /** Its checksum as `cksum` prints it (posixCksum). */
  cksum: number;
}

/** A fresh nonce for a compile (only has to differ from stale pages, not be secret). */
export function programNonce(): number {
  return Math.floor(Math.random() * 0xffffffff) >>> 0;
}

/**
 * Shell lines (BusyBox ash) that write `program` as framed pages to `framed`, setting $pages,
 * $size and $sum for the console line. Every program the guest runs costs it about half a
 * million instructions, so the pages take three: `cksum` (checksum and length), `split` (the
 * program in page-sized parts) and one `cat` of headers and parts in turn; the headers are
 * written by ash's own printf (ash cannot hold binary data, but its builtins write files).
 */
export function programPagesScript(program: string, framed: string, nonce: number): string {
  const hex = nonce.toString(16).padStart(8, "0");
  return `set -- $(cksum ${program})
sum=$1
size=$2
pages=$(( (size + ${PROGRAM_PAGE_PAYLOAD - 1}) / ${PROGRAM_PAGE_PAYLOAD} ))
split -b ${PROGRAM_PAGE_PAYLOAD} -a 4 ${program} ${framed}.part.
i=0
parts=""
for part in ${framed}.part.*; do
  printf '\\177BLCCOUT${hex}%04x%04x%08x' $i $pages $size > ${framed}.head.$i
  parts="$parts ${framed}.head.$i $part"
  i=$((i + 1))
done
cat $parts > ${framed}`;
}

/** The console line's fields after the marker ("PAGES LENGTH CKSUM"), or undefined when they are not that. */
export function parseProgramLine(fields: string, nonce: number): ProgramInMemory | undefined {
  const match = /^(\d+) (\d+) (\d+)$/.exec(fields.trim());
  if (!match) return undefined;
  return { nonce, pages: Number(match[1]), length: Number(match[2]), cksum: Number(match[3]) };
}

let cksumTable: Uint32Array | undefined;
/** POSIX `cksum`'s checksum: CRC-32 with polynomial 0x04C11DB7, most significant bit first, over the data and then its length (least significant byte first, no zero bytes), complemented. */
export function posixCksum(data: Uint8Array): number {
  if (!cksumTable) {
    cksumTable = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i << 24;
      for (let k = 0; k < 8; k++) c = c & 0x80000000 ? (c << 1) ^ 0x04c11db7 : c << 1;
      cksumTable[i] = c >>> 0;
    }
  }
  const table = cksumTable;
  let crc = 0;
  const step = (byte: number) => (crc = ((crc << 8) ^ table[((crc >>> 24) ^ byte) & 0xff]!) >>> 0);
  for (let i = 0; i < data.length; i++) step(data[i]!);
  for (let n = data.length; n > 0; n = Math.floor(n / 256)) step(n & 0xff);
  return ~crc >>> 0;
}

const ascii = (memory: Uint8Array, at: number, length: number): string => String.fromCharCode(...memory.subarray(at, at + length));

/**
 * The program from guest physical memory, or a message saying why it is not there whole:
 * every page 0..pages-1 of the nonce present, the length and the checksum as the guest said.
 * A page found twice (a stale copy) is tried both ways: the checksum decides.
 */
export function findProgramPages(memory: Uint8Array, expected: ProgramInMemory): { bytes: Uint8Array } | { missing: string } {
  const header = expected.nonce.toString(16).padStart(8, "0");
  const candidates: number[][] = Array.from({ length: expected.pages }, () => []);
  for (let at = 0; at + PROGRAM_PAGE_BYTES <= memory.length; at += PROGRAM_PAGE_BYTES) {
    if (memory[at] !== 0x7f || !MAGIC.every((byte, i) => memory[at + i] === byte)) continue;
    if (ascii(memory, at + 8, 8) !== header) continue;
    const index = parseInt(ascii(memory, at + 16, 4), 16);
    const pages = parseInt(ascii(memory, at + 20, 4), 16);
    const length = parseInt(ascii(memory, at + 24, 8), 16);
    if (pages !== expected.pages || length !== expected.length || !(index >= 0 && index < pages)) continue;
    candidates[index]!.push(at);
  }
  const absent = candidates.findIndex((list) => list.length === 0);
  if (absent >= 0) return { missing: `page ${absent} of ${expected.pages} of the program is not in the guest's memory` };
  // Usually one candidate each; a few duplicates at most, so the combinations stay few.
  const combinations = candidates.reduce((n, list) => n * list.length, 1);
  if (combinations > 64) return { missing: `the program's pages are in the guest's memory ${combinations} ways` };
  const bytes = new Uint8Array(expected.length);
  for (let choice = 0; choice < combinations; choice++) {
    let rest = choice;
    for (let index = 0; index < expected.pages; index++) {
      const list = candidates[index]!;
      const at = list[rest % list.length]!;
      rest = Math.floor(rest / list.length);
      const from = index * PROGRAM_PAGE_PAYLOAD;
      const count = Math.min(PROGRAM_PAGE_PAYLOAD, expected.length - from);
      bytes.set(memory.subarray(at + PROGRAM_PAGE_HEADER_BYTES, at + PROGRAM_PAGE_HEADER_BYTES + count), from);
    }
    if (posixCksum(bytes) === expected.cksum) return { bytes };
  }
  return { missing: "the program's pages in the guest's memory do not match the checksum the guest printed" };
}
