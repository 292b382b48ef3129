// A small zip reader that checks what fflate's unzipSync does not: every member's CRC-32 and
// size. It reads the central directory, so it can list the members without inflating them and
// name the member that is damaged. Zip64 is not needed (a bundle is a few MB) and is refused.
import { Inflate } from "fflate";
import { crc32, crc32Hex } from "../crc32.ts";

export interface ZipMember {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  crc32: number;
  compressedSize: number;
  size: number;
  /** Unix permission bits when the zip was made on Unix ("version made by" host 3), else undefined. */
  unixMode: number | undefined;
  localHeaderOffset: number;
}

/** Bad zip structure; `member` names the member when the problem is inside one. */
export class ZipReadError extends Error {
  constructor(
    readonly problem: string,
    readonly member?: string,
  ) {
    super(member === undefined ? problem : `${member}: ${problem}`);
    this.name = "ZipReadError";
  }
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;

/** The members listed in the central directory, in order. */
export function listZip(zip: Uint8Array): ZipMember[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  const count = view.getUint16(eocd + 10, true);
  const directorySize = view.getUint32(eocd + 12, true);
  const directoryOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || directoryOffset === 0xffffffff) throw new ZipReadError("zip64 archives are not supported");
  if (directoryOffset + directorySize > eocd) {
    throw new ZipReadError(`the central directory (bytes ${directoryOffset}-${directoryOffset + directorySize}) runs past the end record at ${eocd}; the file is probably cut short`);
  }
  const members: ZipMember[] = [];
  let at = directoryOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > eocd || view.getUint32(at, true) !== CENTRAL_SIGNATURE) {
      throw new ZipReadError(`central directory entry ${i + 1} of ${count} at byte ${at} is damaged`);
    }
    const madeBy = view.getUint16(at + 4, true);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const externalAttributes = view.getUint32(at + 38, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + nameLength));
    members.push({
      name,
      method: view.getUint16(at + 10, true),
      crc32: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      unixMode: madeBy >> 8 === 3 ? (externalAttributes >>> 16) & 0o7777 : undefined,
      localHeaderOffset: view.getUint32(at + 42, true),
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return members;
}

/** Default cap on one member's declared size: far above any bundle part, far below what a JS string or a typed array can hold. */
export const MAX_ZIP_MEMBER_BYTES = 512 * 1024 * 1024;

/**
 * The member's bytes, inflated and checked against its CRC-32 and size. A declared size over
 * `maxBytes` is refused before anything is allocated, and inflating stops as soon as the data
 * runs past the declared size, so a small zip that claims or holds gigabytes costs neither the
 * memory nor the time.
 */
export function readZipMember(zip: Uint8Array, member: ZipMember, maxBytes = MAX_ZIP_MEMBER_BYTES): Uint8Array {
  if (member.size > maxBytes) {
    throw new ZipReadError(`it declares ${member.size} bytes, more than the ${maxBytes} bytes this part may hold`, member.name);
  }
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const at = member.localHeaderOffset;
  if (at + 30 > zip.length || view.getUint32(at, true) !== LOCAL_SIGNATURE) {
    throw new ZipReadError(`its local header at byte ${at} is missing or damaged`, member.name);
  }
  const start = at + 30 + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  const end = start + member.compressedSize;
  if (end > zip.length) throw new ZipReadError(`its data runs past the end of the file (the file is cut short)`, member.name);
  const raw = zip.subarray(start, end);
  let data: Uint8Array;
  if (member.method === 0) {
    data = raw.slice();
  } else if (member.method === 8) {
    data = inflateBounded(raw, member);
  } else {
    throw new ZipReadError(`compression method ${member.method} is not supported (want 0 stored or 8 deflate)`, member.name);
  }
  const got = crc32(data);
  if (data.length !== member.size || got !== member.crc32) {
    throw new ZipReadError(`CRC-32 ${crc32Hex(got)} over ${data.length} bytes, want ${crc32Hex(member.crc32)} over ${member.size}`, member.name);
  }
  return data;
}

class InflatedPastSize extends Error {}

/** Inflates in small steps into a buffer of the declared size, stopping at the first byte past it. */
function inflateBounded(raw: Uint8Array, member: ZipMember): Uint8Array {
  const out = new Uint8Array(member.size);
  let at = 0;
  const inflater = new Inflate((chunk) => {
    if (at + chunk.length > out.length) throw new InflatedPastSize();
    out.set(chunk, at);
    at += chunk.length;
  });
  // 16 KiB of input inflates to at most about 16 MiB (deflate's ratio is at most 1032:1).
  const STEP = 16 * 1024;
  try {
    if (raw.length === 0) inflater.push(raw, true);
    for (let i = 0; i < raw.length; i += STEP) inflater.push(raw.subarray(i, i + STEP), i + STEP >= raw.length);
  } catch (error) {
    if (error instanceof InflatedPastSize) {
      throw new ZipReadError(`its compressed data inflates to more than the ${member.size} bytes it declares`, member.name);
    }
    throw new ZipReadError(`its compressed data does not inflate (${(error as Error).message})`, member.name);
  }
  return at === out.length ? out : out.subarray(0, at);
}

function findEndOfCentralDirectory(view: DataView): number {
  if (view.byteLength < EOCD_SIZE) throw new ZipReadError(`${view.byteLength} bytes is too short for a zip file`);
  // The end record sits at the very end, followed by a comment of at most 65535 bytes.
  const lowest = Math.max(0, view.byteLength - EOCD_SIZE - 0xffff);
  for (let at = view.byteLength - EOCD_SIZE; at >= lowest; at--) {
    if (view.getUint32(at, true) === EOCD_SIGNATURE) return at;
  }
  throw new ZipReadError("there is no end-of-central-directory record (not a zip file, or the end of it is cut off)");
}
