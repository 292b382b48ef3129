// CRC-32 (IEEE 802.3, the polynomial of gzip and zip), one module for all of core: the cpio
// reader checks every gzip member it inflates, and the bundle and share-link readers check what
// fflate does not (it computes CRCs when writing but never checks them when reading), which is
// what turns a flipped byte into a clear "corrupt" error instead of a garbled file.
// Four bytes a step ("slicing by 4"): reading back a gzipped initramfs checksums every
// decompressed byte, and the byte-a-step loop was its slowest part.
let crcTables: Uint32Array[] | undefined;
function tables(): Uint32Array[] {
  if (crcTables) return crcTables;
  const t0 = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t0[n] = c >>> 0;
  }
  crcTables = [t0];
  for (let k = 1; k < 4; k++) {
    const prev = crcTables[k - 1]!;
    const t = new Uint32Array(256);
    for (let n = 0; n < 256; n++) t[n] = (prev[n]! >>> 8) ^ t0[prev[n]! & 0xff]!;
    crcTables.push(t);
  }
  return crcTables;
}

/** The CRC-32 of `data`, or of what came before and `data` when `crc` continues an earlier one. */
export function crc32(data: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3] = tables() as [Uint32Array, Uint32Array, Uint32Array, Uint32Array];
  let c = ~crc >>> 0;
  let i = 0;
  const fours = data.length - (data.length % 4);
  for (; i < fours; i += 4) {
    c ^= data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
    c = t3[c & 0xff]! ^ t2[(c >>> 8) & 0xff]! ^ t1[(c >>> 16) & 0xff]! ^ t0[c >>> 24]!;
  }
  for (; i < data.length; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** `crc` as eight lowercase hex digits, the way `unzip -v` and error messages show it. */
export function crc32Hex(crc: number): string {
  return (crc >>> 0).toString(16).padStart(8, "0");
}
