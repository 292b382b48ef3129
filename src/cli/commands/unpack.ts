// `bootlab unpack`: an initramfs (plain or gzip, possibly several concatenated) or an ext2/3/4
// image (plain or gzip) into a directory, or a `cpio -tv`-style listing of it.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CpioError, flattenEntries, formatEntryListing, readCpio, type CpioEntry } from "../../core/cpio/index.ts";
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import { readImageEntries } from "../disk-image.ts";
import { writeHostTree } from "../host-tree.ts";

const help = `Usage: bootlab unpack IN.cpio[.gz]|IN.ext4[.gz] -o DIR
       bootlab unpack --list IN.cpio[.gz]|IN.ext4[.gz]

Unpacks an initramfs into DIR (created if missing) the way the kernel would: several archives
may be concatenated, each plain newc or gzip-compressed, and later entries replace earlier ones.
An ext2, ext3 or ext4 image (found by its superblock magic 0xEF53 at byte 1080, plain or
gzip'd, whatever the name) is unpacked the same way, lost+found included; htree directories
are read, inline data is refused. Nothing is written outside DIR. Device nodes need root to create: as another user they are
reported and skipped (exit 0). Owners are restored only when run as root.

With --list, prints every entry in stream order like \`cpio -tvn\` instead.

Options:
  -o, --output DIR   the directory to unpack into
      --list         list the entries instead of unpacking
  -h, --help         this help

Exit codes: 0 done, 1 the archive or image is malformed (the message gives the byte offset), 2 usage.

Examples:
  bootlab unpack rootfs.cpio.gz -o rootfs
  bootlab unpack --list rootfs.cpio.gz
  bootlab unpack disk.ext4 -o disk`;

export const unpackCommand: Command = {
  name: "unpack",
  summary: "unpack a cpio[.gz] initramfs or an ext2/3/4 image into a directory, or list it (--list)",
  help,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        output: { type: "string", short: "o" },
        list: { type: "boolean" },
      },
    });
    if (positionals.length !== 1) {
      throw new CliError(`want exactly one archive, got ${positionals.length}. Run \`bootlab unpack --help\`.`, EXIT_USAGE);
    }
    if (!values.list && !values.output) throw new CliError("missing -o DIR (where to unpack) or --list", EXIT_USAGE);
    const input = positionals[0]!;
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(input);
    } catch {
      throw new CliError(`archive ${input} does not exist or cannot be read`, EXIT_USAGE);
    }
    let entries: CpioEntry[];
    try {
      entries = readImageEntries(bytes, input) ?? readCpio(bytes);
    } catch (error) {
      if (error instanceof CpioError) throw new CliError(`${input} is not a valid initramfs: ${error.message}`, EXIT_FAILED);
      throw error;
    }
    if (values.list) {
      process.stdout.write(formatEntryListing(entries));
      return EXIT_OK;
    }
    const tree = flattenEntries(entries);
    const report = await writeHostTree(tree, values.output!);
    for (const skipped of report.skipped) console.error(`skipped ${skipped.path}: ${skipped.reason}`);
    console.log(`unpacked ${report.written} entries into ${values.output}${report.skipped.length ? ` (${report.skipped.length} skipped, see above)` : ""}`);
    return EXIT_OK;
  },
};
