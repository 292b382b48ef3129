// `bootlab unpack`: an initramfs (plain or gzip, possibly several concatenated) into a directory,
// or a `cpio -tv`-style listing of it.
import { parseArgs } from "node:util";
import { CpioError, flattenEntries, formatEntryListing, readCpio, type CpioEntry } from "../../core/cpio/index.ts";
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import { writeHostTree } from "../host-tree.ts";
import { DEFAULT_MAX_INPUT_BYTES, formatBytes, readInputFileSync } from "../input-file.ts";
import { byteSize } from "../options.ts";

const help = `Usage: bootlab unpack IN.cpio[.gz] -o DIR
       bootlab unpack --list IN.cpio[.gz]

Unpacks an initramfs into DIR (created if missing) the way the kernel would: several archives
may be concatenated, each plain newc or gzip-compressed, and later entries replace earlier ones.
Nothing is written outside DIR. Device nodes need root to create: as another user they are
reported and skipped (exit 0). Owners are restored only when run as root.

With --list, prints every entry in stream order like \`cpio -tvn\` instead.

Options:
  -o, --output DIR   the directory to unpack into
      --list         list the entries instead of unpacking
      --max-size SIZE  refuse an archive larger than SIZE, or whose gzip members inflate to
                     more than SIZE (default 1G; K, M, G suffixes; at most 4G). IN must be a
                     regular file: devices and FIFOs (/dev/zero, a pipe) are refused
  -h, --help         this help

Exit codes: 0 done, 1 the archive is malformed (the message gives the byte offset), 2 usage.

Examples:
  bootlab unpack rootfs.cpio.gz -o rootfs
  bootlab unpack --list rootfs.cpio.gz`;

export const unpackCommand: Command = {
  name: "unpack",
  summary: "unpack a cpio[.gz] initramfs into a directory, or list it (--list)",
  help,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        output: { type: "string", short: "o" },
        list: { type: "boolean" },
        "max-size": { type: "string" },
      },
    });
    if (positionals.length !== 1) {
      throw new CliError(`want exactly one archive, got ${positionals.length}. Run \`bootlab unpack --help\`.`, EXIT_USAGE);
    }
    if (!values.list && !values.output) throw new CliError("missing -o DIR (where to unpack) or --list", EXIT_USAGE);
    const input = positionals[0]!;
    const maxBytes = values["max-size"] === undefined ? DEFAULT_MAX_INPUT_BYTES : byteSize("--max-size", values["max-size"]);
    const bytes = readInputFileSync(input, { label: "archive", maxBytes, raiseWith: "--max-size" });
    let entries: CpioEntry[];
    try {
      entries = readCpio(bytes, { maxBytes });
    } catch (error) {
      if (error instanceof CpioError) {
        // The inflate budget is ours to raise: say with which option.
        const raise = /from the gzip member, want at most/.test(error.message) ? ` The limit is ${formatBytes(maxBytes)}; if the archive is genuine, raise it with --max-size SIZE (e.g. --max-size 4G).` : "";
        throw new CliError(`${input} is not a valid initramfs: ${error.message}${raise}`, EXIT_FAILED);
      }
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
