// `bootlab unpack`: an initramfs (plain or gzip, possibly several concatenated) into a directory,
// or a `cpio -tv`-style listing of it.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { CpioError, formatKernelListing, formatKernelNote, kernelTreeEntries, readCpioRecords, unpackLikeKernel, type CpioRecord } from "../../core/cpio/index.ts";
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import { writeHostTree } from "../host-tree.ts";

const help = `Usage: bootlab unpack IN.cpio[.gz] -o DIR
       bootlab unpack --list IN.cpio[.gz]

Unpacks an initramfs into DIR (created if missing) the way the kernel would: several archives
may be concatenated, each plain newc or gzip-compressed, and later entries replace earlier ones.
Names are resolved as Linux 6.1's init/initramfs.c resolves them on its root: through symlinks
and "..", with no parents made; each entry the kernel skips, or puts somewhere its name does
not say, is reported. Nothing is written outside DIR. Device nodes need root to create: as
another user they are reported and skipped (exit 0). Owners are restored only when run as root.

With --list, prints the tree the kernel ends up with, like \`cpio -tvn\` (names escaped as
\`ls -b\` does), instead.

Options:
  -o, --output DIR   the directory to unpack into
      --list         list the entries instead of unpacking
  -h, --help         this help

Exit codes: 0 done, 1 the archive is malformed (the message gives the byte offset) or the
kernel would unpack none of its entries, 2 usage.

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
    let records: CpioRecord[];
    try {
      records = readCpioRecords(bytes);
    } catch (error) {
      if (error instanceof CpioError) throw new CliError(`${input} is not a valid initramfs: ${error.message}`, EXIT_FAILED);
      throw error;
    }
    const kernel = unpackLikeKernel(records);
    for (const note of kernel.notes) console.error(`note: ${formatKernelNote(note)}`);
    // An archive of only TRAILER!!! or "." is empty; one with entries must not unpack to nothing quietly.
    const names = records.filter((r) => r.name !== "TRAILER!!!" && !r.name.split("/").every((p) => p === "" || p === "."));
    if (kernel.nodes.length === 0 && names.length > 0) {
      throw new CliError(`${input}: the kernel would unpack none of its entries (see the notes above)`, EXIT_FAILED);
    }
    if (values.list) {
      process.stdout.write(formatKernelListing(kernel.nodes));
      return EXIT_OK;
    }
    const tree = kernelTreeEntries(kernel);
    const report = await writeHostTree(tree, values.output!);
    for (const skipped of report.skipped) console.error(`skipped ${skipped.path}: ${skipped.reason}`);
    console.log(`unpacked ${report.written} entries into ${values.output}${report.skipped.length ? ` (${report.skipped.length} skipped, see above)` : ""}`);
    return EXIT_OK;
  },
};
