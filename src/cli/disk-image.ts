// What `bootlab pack` writes and `bootlab unpack` reads besides cpio: ext2/ext4 file-system
// images, plain or gzip'd (a RAM disk). pack and unpack only dispatch on the file here.
import type { CpioEntry } from "../core/cpio/index.ts";
import { isGzipMagic } from "../core/cpio/index.ts";
import { defaultImageSize, Ext4Error, Ext4SpaceError, gunzipHead, gzipImage, isExt4Image, MAGIC_OFFSET, readExt4, unwrapExt4Image, writeExt4, type Ext4Flavour } from "../core/ext4/index.ts";
import { CliError, EXIT_FAILED, EXIT_USAGE } from "./command.ts";

export interface ImageOutput {
  flavour: Ext4Flavour;
  gzip: boolean;
}

/** The image an output name asks for (.ext2, .ext4, .ext4.gz), or undefined for a cpio archive. */
export function imageOutputOf(output: string): ImageOutput | undefined {
  const match = /\.(ext2|ext4)(\.gz)?$/.exec(output);
  if (!match) return undefined;
  return { flavour: match[1] as Ext4Flavour, gzip: match[2] !== undefined };
}

const UNITS: Record<string, number> = { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "8M", "8MiB", "512k", "1G" or a number of bytes; binary units, as dd and mke2fs read them. */
export function parseImageSize(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  const bytes = match ? Math.floor(Number(match[1]) * UNITS[match[2]!.toLowerCase()]!) : NaN;
  if (!match || !Number.isFinite(bytes) || bytes < 64 * 1024) {
    throw new CliError(`--size: got "${text}", want a size of at least 64K such as 8M, 512K or 1G`, EXIT_USAGE);
  }
  return bytes;
}

/** The image bytes for `output`; a tree that does not fit is exit 1 with the size it wants. */
export function packImage(entries: readonly CpioEntry[], output: ImageOutput, sizeText: string | undefined): Uint8Array {
  try {
    const size = sizeText === undefined ? defaultImageSize(entries, { flavour: output.flavour }) : parseImageSize(sizeText);
    const image = writeExt4(entries, { size, flavour: output.flavour });
    return output.gzip ? gzipImage(image) : image;
  } catch (error) {
    if (error instanceof Ext4SpaceError) {
      throw new CliError(`${error.message}; give a larger --size, e.g. --size ${Math.ceil(error.wantBytes / 2 ** 20)}M`, EXIT_FAILED);
    }
    if (error instanceof Ext4Error) throw new CliError(error.message, EXIT_FAILED);
    throw error;
  }
}

/**
 * Whether a file whose first bytes are `head` (a few KiB at least) is an ext2/3/4 image, plain
 * or gzip'd: the test readImageEntries makes, without reading the whole file.
 */
export function isImageHead(head: Uint8Array): boolean {
  return isExt4Image(head) || (isGzipMagic(head, 0) && isExt4Image(gunzipHead(head, MAGIC_OFFSET + 2)));
}

/**
 * The entries of an ext2/3/4 image (plain or gzip'd) in `bytes`, or undefined when `bytes` is
 * not one (then it is read as cpio). A malformed image is exit 1 naming the byte.
 */
export function readImageEntries(bytes: Uint8Array, name: string): CpioEntry[] | undefined {
  let image: Uint8Array | undefined;
  try {
    image = unwrapExt4Image(bytes);
    if (!image) return undefined;
    return readExt4(image);
  } catch (error) {
    if (error instanceof Error && (error instanceof Ext4Error || error.name.startsWith("Cpio"))) {
      throw new CliError(`${name} is not a valid ext2/ext4 image: ${error.message}`, EXIT_FAILED);
    }
    throw error;
  }
}
