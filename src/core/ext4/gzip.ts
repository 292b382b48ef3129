// ext4 images inside gzip, as a RAM disk travels (seed 001's `gzip rootfs.ext4`): written
// reproducibly, and told apart from a gzip'd cpio by inflating only the first few KiB.
import { Gunzip, gzipSync } from "fflate";
import { gunzipMember, isGzipMagic } from "../cpio/gzip-member.ts";
import { MAGIC_OFFSET } from "./format.ts";
import { isExt4Image } from "./reader.ts";

/** gzip of an image; mtime 0 and no name, so the same image gives the same bytes. */
export function gzipImage(image: Uint8Array, level: 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 = 6): Uint8Array {
  return gzipSync(image, { level, mtime: 0 });
}

/** The first `want` bytes of the first gzip member, or fewer if it is shorter or corrupt. */
export function gunzipHead(bytes: Uint8Array, want: number): Uint8Array {
  const chunks: Uint8Array[] = [];
  let got = 0;
  const inflater = new Gunzip((chunk) => {
    chunks.push(chunk);
    got += chunk.length;
  });
  try {
    for (let at = 0; at < bytes.length && got < want; at += 4096) {
      inflater.push(bytes.subarray(at, at + 4096), at + 4096 >= bytes.length);
    }
  } catch {
    // Corrupt or truncated: whatever came out so far is all there is to look at.
  }
  const head = new Uint8Array(Math.min(got, want));
  let offset = 0;
  for (const chunk of chunks) {
    if (offset >= head.length) break;
    head.set(chunk.subarray(0, head.length - offset), offset);
    offset += chunk.length;
  }
  return head;
}

/**
 * The ext2/3/4 image in `bytes`, plain or gzip'd (inflated, at most `budget` bytes), or
 * undefined when `bytes` is something else (a cpio archive, say). A gzip'd image that fails to
 * inflate throws CpioFormatError from the gzip reader, naming the offset.
 */
export function unwrapExt4Image(bytes: Uint8Array, budget = 2 ** 32): Uint8Array | undefined {
  if (isExt4Image(bytes)) return bytes;
  if (!isGzipMagic(bytes, 0) || !isExt4Image(gunzipHead(bytes, MAGIC_OFFSET + 2))) return undefined;
  return gunzipMember(bytes, 0, budget).data;
}
