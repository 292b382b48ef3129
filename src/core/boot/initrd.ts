// Gzip'd initrds are decompressed on the host before the guest sees them. Inflating in the
// guest is the single largest cost of a v86 boot: for a 600 KiB BusyBox archive, zlib_inflate
// ran 29 of the 58 million guest instructions to the first prompt (measured with v86's
// instruction counter, tiny kernel). The host does the same in a few milliseconds, and the
// kernel unpacks a plain cpio archive (or loads a plain RAM-disk image) just the same, so
// what the guest ends up with is identical. Both runners do it, so they boot the same bytes.
import { gunzipMember, isGzipMagic } from "../cpio/index.ts";
import { concatInitrds } from "./spec.ts";

/** Past this size the archive stays compressed: v86 must hold it above 64 MiB of guest memory. */
export const MAX_INFLATED_INITRD_BYTES = 32 * 1024 * 1024;

/**
 * `initrd` with every gzip member decompressed and each piece padded to 4 bytes (where the
 * kernel wants a plain archive to start). Anything this does not understand, a corrupt member,
 * or an output larger than MAX_INFLATED_INITRD_BYTES gives back `initrd` unchanged, so the
 * kernel still reports its own error for a broken archive.
 */
export function inflateInitrd(initrd: Uint8Array): Uint8Array {
  if (!isGzipMagic(initrd, 0)) return initrd;
  const pieces: Uint8Array[] = [];
  let size = 0;
  let at = 0;
  try {
    while (at < initrd.length) {
      if (initrd[at] === 0) {
        at++; // NUL padding between archives, which the kernel skips too
        continue;
      }
      let piece: Uint8Array;
      if (isGzipMagic(initrd, at)) {
        const member = gunzipMember(initrd, at, MAX_INFLATED_INITRD_BYTES - size);
        piece = member.data;
        at = member.end;
      } else {
        piece = initrd.subarray(at); // a plain archive or image: the rest, as it is
        at = initrd.length;
      }
      pieces.push(piece);
      size += (piece.length + 3) & ~3;
      if (size > MAX_INFLATED_INITRD_BYTES) return initrd;
    }
  } catch {
    return initrd;
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const piece of pieces) {
    out.set(piece, offset);
    offset += (piece.length + 3) & ~3;
  }
  return out;
}

/** What the runners load: every archive inflated, then joined. */
export function prepareInitrd(initrds: readonly Uint8Array[]): Uint8Array {
  return concatInitrds(initrds.map(inflateInitrd));
}
