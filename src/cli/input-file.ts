// The one way the CLI reads a file the user names (an archive to unpack, a list's host files, a
// directory's files to pack, `boot --kernel/--rootfs/--disk/--bundle`): bounded. Only regular
// files are read, and only up to a size limit, so `/dev/zero`, a FIFO or a 3 GB sparse file is
// refused at once with a message that names the limit and the option that raises it, instead of
// reading forever or dying with a RangeError from Node.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { resolve } from "node:path";
import { isHostDisk, V86_MAX_DISK_BYTES, type BootSpec, type HostDisk } from "../core/boot/index.ts";
import { CliError, EXIT_USAGE } from "./command.ts";

/** Default limit on one input: newc sizes are 32-bit, and a real initramfs is a few MB to a few hundred. */
export const DEFAULT_MAX_INPUT_BYTES = 1024 * 1024 * 1024;

export interface InputFileOptions {
  /** How the message names the file: "archive", "--kernel", "list file"; "" for the path alone. */
  label: string;
  /** Most bytes read (default DEFAULT_MAX_INPUT_BYTES). */
  maxBytes?: number;
  /** The option that raises the limit, for the message ("--max-size"); omitted: none exists. */
  raiseWith?: string;
  /** Refuse a symlink instead of following it (default: follow). */
  noFollow?: boolean;
}

/** Why an input was not read: `reason` is the message without the "label path: " in front. */
export class InputFileError extends CliError {
  constructor(
    readonly label: string,
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${label ? `${label} ` : ""}${path}: ${reason}`, EXIT_USAGE);
    this.name = "InputFileError";
  }
}

/** "1 GiB", "512 MiB", "1500 bytes": a byte count as people write it. */
export function formatBytes(n: number): string {
  for (const [unit, size] of [["GiB", 2 ** 30], ["MiB", 2 ** 20], ["KiB", 2 ** 10]] as const) {
    if (n >= size && n % size === 0) return `${n / size} ${unit}`;
  }
  return `${n} bytes`;
}

/** What a non-regular file is, for messages. */
export function fileTypeOf(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isSocket()) return "a socket";
  if (st.isSymbolicLink()) return "a symlink";
  return "not a regular file";
}

/** Why an input over the limit is refused (without the "label path: " in front). */
export function tooLargeReason(size: number, options: Pick<InputFileOptions, "maxBytes" | "raiseWith">, what = "bytes"): string {
  const max = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  const raise = options.raiseWith ? `; if it is genuine, raise the limit with ${options.raiseWith} SIZE (e.g. ${options.raiseWith} 4G)` : "";
  return `${size} ${what}, more than the limit of ${formatBytes(max)}${raise}`;
}

function openFlags(options: InputFileOptions): number {
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is then refused by type. It changes
  // nothing for regular files.
  return constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0);
}

function openError(error: unknown, path: string, options: InputFileOptions): InputFileError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === "ENOENT" ? "no such file"
    : code === "EACCES" || code === "EPERM" ? "permission denied (cannot read it)"
    : code === "ELOOP" ? "is a symlink, want a regular file"
    : code === "EISDIR" ? "is a directory, want a file"
    : code === "ENAMETOOLONG" ? "the name is too long"
    : code === "ENOTDIR" ? "a part of the path is not a directory"
    : `cannot open it (${code ?? (error as Error).message})`;
  return new InputFileError(options.label, path, why);
}

function checkOpened(st: Stats, path: string, options: InputFileOptions): void {
  if (st.isDirectory()) throw new InputFileError(options.label, path, "is a directory, want a file");
  if (!st.isFile()) throw new InputFileError(options.label, path, `is ${fileTypeOf(st)}, want a regular file`);
  const max = options.maxBytes ?? DEFAULT_MAX_INPUT_BYTES;
  if (st.size > max) throw new InputFileError(options.label, path, tooLargeReason(st.size, options));
}

function grewMessage(path: string, options: InputFileOptions): InputFileError {
  return new InputFileError(options.label, path, "the file grew while it was read; try again once nothing writes to it");
}

/** Reads a regular file of at most `maxBytes`, or throws a CliError (exit 2) that says why not. */
export function readInputFileSync(path: string, options: InputFileOptions): Uint8Array {
  return withOpenedInputSync(path, options, (fd, st) => {
    const data = new Uint8Array(st.size);
    let at = 0;
    while (at < data.length) {
      const n = readSync(fd, data, at, data.length - at, null);
      if (n === 0) break; // the file shrank: what is there is what we read
      at += n;
    }
    if (at === data.length && readSync(fd, new Uint8Array(1), 0, 1, null) > 0) throw grewMessage(path, options);
    return at === data.length ? data : data.subarray(0, at);
  });
}

/** Bytes read at a time by readInputFileChunksSync. */
export const INPUT_CHUNK_BYTES = 1024 * 1024;

/**
 * Reads a regular file of at most `maxBytes` in pieces of INPUT_CHUNK_BYTES (the last one
 * shorter) into one buffer used again for each, handing each to `use`, which must copy what it
 * keeps and may return false to stop early. Memory stays at one piece whatever the file's size.
 * Throws a CliError (exit 2) that says why a file cannot be read, as readInputFileSync does.
 */
export function readInputFileChunksSync(path: string, options: InputFileOptions, use: (chunk: Uint8Array) => boolean | void): void {
  // What `use` throws that is not about reading (a bad archive, a full disk) is the caller's.
  const isReadFailure = (error: unknown) => (error as NodeJS.ErrnoException | undefined)?.syscall === "read";
  withOpenedInputSync(
    path,
    options,
    (fd, st) => {
      const buffer = new Uint8Array(Math.max(1, Math.min(INPUT_CHUNK_BYTES, st.size)));
      let total = 0;
      for (;;) {
        // Fill the buffer whole (or to the size fstat gave) before handing it on.
        let fill = 0;
        while (fill < buffer.length && total + fill < st.size) {
          const n = readSync(fd, buffer, fill, Math.min(buffer.length - fill, st.size - total - fill), null);
          if (n === 0) break; // the file shrank: what is there is what we read
          fill += n;
        }
        if (fill === 0) break;
        total += fill;
        if (use(buffer.subarray(0, fill)) === false) return;
        if (fill < buffer.length && total < st.size) break;
      }
      if (total === st.size && readSync(fd, new Uint8Array(1), 0, 1, null) > 0) throw grewMessage(path, options);
    },
    isReadFailure,
  );
}

/** The same as readInputFileSync, without blocking the event loop while it reads. */
export async function readInputFile(path: string, options: InputFileOptions): Promise<Uint8Array> {
  return withOpenedInput(path, options, async (handle, st) => {
    const data = new Uint8Array(st.size);
    let at = 0;
    while (at < data.length) {
      const { bytesRead } = await handle.read(data, at, data.length - at, null);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    if (at === data.length && (await handle.read(new Uint8Array(1), 0, 1, null)).bytesRead > 0) throw grewMessage(path, options);
    return at === data.length ? data : data.subarray(0, at);
  });
}

/**
 * Opens `path` as an input (a regular file within the limit, or a message saying what it is),
 * hands the open file to `use`, and closes it; what goes wrong while reading (every error `use`
 * throws, unless `isReadFailure` says which are) is said per file.
 */
function withOpenedInputSync<T>(path: string, options: InputFileOptions, use: (fd: number, st: Stats) => T, isReadFailure: (error: unknown) => boolean = () => true): T {
  let fd: number;
  try {
    fd = openSync(path, openFlags(options));
  } catch (error) {
    throw openError(error, path, options);
  }
  try {
    const st = fstatSync(fd);
    checkOpened(st, path, options);
    return use(fd, st);
  } catch (error) {
    if (error instanceof CliError || !isReadFailure(error)) throw error;
    throw readError(error, path, options);
  } finally {
    closeSync(fd);
  }
}

/**
 * Opens `path` as an input (a regular file within the limit, or a message saying what it is),
 * hands the open file to `use`, and closes it; what goes wrong while reading is said per file.
 */
async function withOpenedInput<T>(path: string, options: InputFileOptions, use: (handle: FileHandle, st: Stats) => Promise<T>): Promise<T> {
  let handle: FileHandle;
  try {
    handle = await open(path, openFlags(options));
  } catch (error) {
    throw openError(error, path, options);
  }
  try {
    const st = await handle.stat();
    checkOpened(st, path, options);
    return await use(handle, st);
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw readError(error, path, options);
  } finally {
    await handle.close();
  }
}

function readError(error: unknown, path: string, options: InputFileOptions): InputFileError {
  const code = (error as NodeJS.ErrnoException).code;
  return new InputFileError(options.label, path, `reading failed (${code ?? (error as Error).message})`);
}

/** How many bytes of a disk image the plan looks at to tell its file system (the superblock is at 1024). */
const DISK_HEAD_BYTES = 4096;

/**
 * A disk image the user names (`--disk F`), not read into memory: a regular file, its size and
 * its first bytes. QEMU opens the file itself; v86 needs the bytes (`loadHostDisks`).
 */
export async function openHostDisk(path: string, label: string): Promise<HostDisk> {
  // No size limit here: the file is not read, only its first bytes.
  return withOpenedInput(path, { label, maxBytes: Number.MAX_SAFE_INTEGER }, async (handle, st) => {
    const head = new Uint8Array(Math.min(DISK_HEAD_BYTES, st.size));
    await handle.read(head, 0, head.length, 0);
    return { path: resolve(path), size: st.size, head };
  });
}

/** `spec` with every disk on the host read into memory, for v86 (the plan checked the sizes). */
export async function loadHostDisks(spec: BootSpec): Promise<BootSpec> {
  if (!spec.disks.some(isHostDisk)) return spec;
  const disks = await Promise.all(
    spec.disks.map((disk) => (isHostDisk(disk) ? readInputFile(disk.path, { label: "--disk", maxBytes: V86_MAX_DISK_BYTES }) : disk)),
  );
  return { ...spec, disks };
}
