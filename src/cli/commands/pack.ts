// `bootlab pack`: a directory, or a gen_init_cpio list, into a reproducible initramfs or an
// ext2/ext4 image (by the output's extension).
import { writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CpioError, packCpio, packCpioGz, parseInitramfsList, type CpioEntry } from "../../core/cpio/index.ts";
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import { imageOutputOf, packImage } from "../disk-image.ts";
import { readHostTree } from "../host-tree.ts";
import { DEFAULT_MAX_INPUT_BYTES, formatBytes, InputFileError, readInputFileSync } from "../input-file.ts";
import { byteSize } from "../options.ts";

const help = `Usage: bootlab pack DIR -o OUT.cpio[.gz]
       bootlab pack --list FILE -o OUT.cpio[.gz]
       bootlab pack DIR -o OUT.ext2|OUT.ext4|OUT.ext4.gz [--size SIZE]

Packs the tree under DIR (DIR itself is the root "/") into a newc cpio archive the kernel
unpacks as its initramfs, gzip-compressed when OUT ends in .gz. The archive is reproducible:
names sorted, every entry owned by root (0:0) with mtime 0, hard links stored once.

With --list, reads a usr/gen_init_cpio list instead (file, dir, nod, slink, pipe, sock lines),
so device nodes such as /dev/console go in without root. <location> paths in the list are
relative to the list file's directory and may use \${VAR}.

When OUT ends in .ext2, .ext4 or .ext4.gz, writes a file-system image instead, made without
root or mount: ext2, or ext4 without a journal (extents; see src/core/ext4/writer.ts for the
features), 4 KiB blocks, a fixed UUID, times 0; .ext4.gz is the image gzip'd, a RAM disk for
root=/dev/ram. The image is --size bytes; by default the tree's size plus a quarter and 1 MiB
of headroom for the guest to write in. A tree that does not fit says the size it needs.

Options:
  -o, --output FILE   the archive or image to write (required); .gz selects gzip,
                      .ext2/.ext4/.ext4.gz a file-system image
      --size SIZE     image size, e.g. 8M, 512K, 1G (images only; default: tree + headroom)
      --list FILE     read a gen_init_cpio list instead of a directory
      --keep-owners   keep the host's uid/gid instead of 0:0 (DIR only)
      --keep-mtimes   keep the host's modification times instead of 0 (DIR only)
      --max-size SIZE most bytes of file data to pack, all files together (default 1G;
                      K, M, G suffixes; at most 4G). Only regular files are read: a list
                      naming /dev/zero or a FIFO as a file's <location> is refused
  -h, --help          this help

Exit codes: 0 packed, 1 the list is malformed or the tree cannot be an archive (the message
says which line or entry), 2 usage, or files that cannot be read (each is named; nothing is
written then).

Examples:
  bootlab pack rootfs -o rootfs.cpio.gz
  printf 'dir /dev 0755 0 0\\nnod /dev/console 0600 0 0 c 5 1\\nfile /init init.sh 0755 0 0\\n' > list.txt
  bootlab pack --list list.txt -o initramfs.cpio
  bootlab pack rootfs -o rootfs.ext4.gz --size 8M`;

export const packCommand: Command = {
  name: "pack",
  summary: "pack a directory or a gen_init_cpio list into a cpio[.gz] initramfs or an ext2/ext4 image",
  help,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        output: { type: "string", short: "o" },
        list: { type: "string" },
        "keep-owners": { type: "boolean" },
        "keep-mtimes": { type: "boolean" },
        "max-size": { type: "string" },
        size: { type: "string" },
      },
    });
    const output = values.output;
    if (!output) throw new CliError("missing -o OUT.cpio[.gz]: where to write the archive. Run `bootlab pack --help`.", EXIT_USAGE);
    if (values.list !== undefined && positionals.length > 0) {
      throw new CliError("give either DIR or --list FILE, not both", EXIT_USAGE);
    }
    if (values.list === undefined && positionals.length !== 1) {
      throw new CliError(`want exactly one DIR to pack, got ${positionals.length}. Run \`bootlab pack --help\`.`, EXIT_USAGE);
    }
    const maxBytes = values["max-size"] === undefined ? DEFAULT_MAX_INPUT_BYTES : byteSize("--max-size", values["max-size"]);
    const image = imageOutputOf(output);
    if (values.size !== undefined && !image) throw new CliError("--size is for .ext2, .ext4 and .ext4.gz images; a cpio archive takes the size of its tree", EXIT_USAGE);
    let entries: CpioEntry[];
    try {
      entries =
        values.list !== undefined
          ? readList(values.list, maxBytes)
          : readHostTree(positionals[0]!, { keepOwners: values["keep-owners"], keepMtimes: values["keep-mtimes"], maxBytes, raiseWith: "--max-size" });
    } catch (error) {
      if (error instanceof CpioError) throw new CliError(`${values.list ?? positionals[0]}: ${error.message}`, EXIT_FAILED);
      if (isErrno(error)) throw new CliError(`cannot read ${error.path ?? "the input"}: ${error.code} (${error.message})`, EXIT_USAGE);
      throw error;
    }
    let archive: Uint8Array;
    try {
      archive = image ? packImage(entries, image, values.size) : output.endsWith(".gz") ? packCpioGz(entries) : packCpio(entries);
    } catch (error) {
      if (error instanceof CpioError) throw new CliError(error.message, EXIT_FAILED);
      throw error;
    }
    try {
      writeFileSync(output, archive);
    } catch (error) {
      if (isErrno(error)) throw new CliError(`cannot write ${output}: ${error.code} (${error.message})`, EXIT_USAGE);
      throw error;
    }
    console.log(`packed ${entries.length} entries into ${output} (${archive.length} bytes)`);
    return EXIT_OK;
  },
};

/** Most bytes of a list file itself: a real one is a few kB. */
const MAX_LIST_FILE_BYTES = 64 * 1024 * 1024;

function readList(listFile: string, maxBytes: number): CpioEntry[] {
  const text = new TextDecoder().decode(readInputFileSync(listFile, { label: "list file", maxBytes: MAX_LIST_FILE_BYTES }));
  const base = dirname(resolve(listFile));
  let left = maxBytes;
  let unreadable = false;
  const readHostFile = (location: string): Uint8Array => {
    try {
      const data = readInputFileSync(resolve(base, location), { label: "", maxBytes: left });
      left -= data.length;
      return data;
    } catch (error) {
      if (!(error instanceof InputFileError)) throw error;
      unreadable = true;
      // The list parser puts "line N: cannot read LOCATION: " in front.
      const over = /more than the limit/.test(error.reason);
      throw new Error(
        over
          ? `with it the files would hold more than the limit of ${formatBytes(maxBytes)}; if they are genuine, raise the limit with --max-size SIZE (e.g. --max-size 4G)`
          : error.reason,
      );
    }
  };
  try {
    return parseInitramfsList(text, readHostFile, { env: process.env });
  } catch (error) {
    // A file the list names that cannot be read is the environment's problem (2), not the list's (1).
    if (unreadable && error instanceof CpioError) throw new CliError(`${listFile}: ${error.message}`, EXIT_USAGE);
    throw error;
  }
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}
