// `bootlab pack`: a directory, or a gen_init_cpio list, into a reproducible initramfs.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { CpioError, packCpio, packCpioGz, parseInitramfsList, type CpioEntry } from "../../core/cpio/index.ts";
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import { readHostTree } from "../host-tree.ts";

const help = `Usage: bootlab pack DIR -o OUT.cpio[.gz]
       bootlab pack --list FILE -o OUT.cpio[.gz]

Packs the tree under DIR (DIR itself is the root "/") into a newc cpio archive the kernel
unpacks as its initramfs, gzip-compressed when OUT ends in .gz. The archive is reproducible:
names sorted, every entry owned by root (0:0) with mtime 0, hard links stored once.

With --list, reads a usr/gen_init_cpio list instead (file, dir, nod, slink, pipe, sock lines),
so device nodes such as /dev/console go in without root. <location> paths in the list are
relative to the list file's directory and may use \${VAR}.

Options:
  -o, --output FILE   the archive to write (required); .gz selects gzip
      --list FILE     read a gen_init_cpio list instead of a directory
      --keep-owners   keep the host's uid/gid instead of 0:0 (DIR only)
      --keep-mtimes   keep the host's modification times instead of 0 (DIR only)
  -h, --help          this help

Examples:
  bootlab pack rootfs -o rootfs.cpio.gz
  printf 'dir /dev 0755 0 0\\nnod /dev/console 0600 0 0 c 5 1\\nfile /init init.sh 0755 0 0\\n' > list.txt
  bootlab pack --list list.txt -o initramfs.cpio`;

export const packCommand: Command = {
  name: "pack",
  summary: "pack a directory or a gen_init_cpio list into a cpio[.gz] initramfs",
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
    let entries: CpioEntry[];
    try {
      entries = values.list !== undefined ? readList(values.list) : readHostTree(positionals[0]!, { keepOwners: values["keep-owners"], keepMtimes: values["keep-mtimes"] });
    } catch (error) {
      if (error instanceof CpioError) throw new CliError(`${values.list ?? positionals[0]}: ${error.message}`, EXIT_FAILED);
      if (isErrno(error)) throw new CliError(`cannot read ${error.path ?? "the input"}: ${error.code} (${error.message})`, EXIT_USAGE);
      throw error;
    }
    let archive: Uint8Array;
    try {
      archive = output.endsWith(".gz") ? packCpioGz(entries) : packCpio(entries);
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

function readList(listFile: string): CpioEntry[] {
  let text: string;
  try {
    text = readFileSync(listFile, "utf8");
  } catch {
    throw new CliError(`list file ${listFile} does not exist or cannot be read`, EXIT_USAGE);
  }
  const base = dirname(resolve(listFile));
  return parseInitramfsList(text, (location) => readFileSync(resolve(base, location)), { env: process.env });
}

function isErrno(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === "string";
}
