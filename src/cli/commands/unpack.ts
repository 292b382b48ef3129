// `bootlab unpack`: an initramfs (plain or gzip, possibly several concatenated) or an ext2/3/4
// image (plain or gzip) into a directory, or a `cpio -tv`-style listing of it.
import { parseArgs } from "node:util";
import {
  CpioError,
  formatEntryListing,
  formatKernelListing,
  formatKernelNote,
  kernelTreeEntries,
  readCpioRecords,
  unpackLikeKernel,
  type CpioEntry,
} from "../../core/cpio/index.ts";
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import { readImageEntries } from "../disk-image.ts";
import { writeHostTree } from "../host-tree.ts";
import { DEFAULT_MAX_INPUT_BYTES, formatBytes, readInputFileSync } from "../input-file.ts";
import { byteSize } from "../options.ts";

const help = `Usage: bootlab unpack IN.cpio[.gz]|IN.ext4[.gz] -o DIR
       bootlab unpack --list IN.cpio[.gz]|IN.ext4[.gz]

Unpacks an initramfs into DIR (created if missing) the way the kernel would: several archives
may be concatenated, each plain newc or gzip-compressed, and later entries replace earlier ones.
Names are resolved as Linux 6.1's init/initramfs.c resolves them on its root: through symlinks
and "..", with no parents made; each entry the kernel skips, or puts somewhere its name does
not say, is reported. An ext2, ext3 or ext4 image (found by its superblock magic 0xEF53 at byte
1080, plain or gzip'd, whatever the name) is unpacked as its tree, lost+found included; htree
directories are read, inline data is refused. Nothing is written outside DIR, even while another program changes DIR:
no symlink on the host is followed, and modes, owners and times are set on open files. Owners
are restored only when run as root. Device nodes need root; as root they are made only with
--devices, and files keep their setuid/setgid bits only with --keep-setid: otherwise they are
listed as skipped (or changed) and the exit code is still 0. Sockets are always skipped.

With --list, prints the tree the kernel ends up with, like \`cpio -tvn\` (names escaped as
\`ls -b\` does), instead.

Options:
  -o, --output DIR     the directory to unpack into
      --list           list the entries instead of unpacking
      --max-size SIZE  refuse an archive larger than SIZE, or whose gzip members inflate
                       to more than SIZE (default 1G; K, M, G suffixes; at most 4G); IN must
                       be a regular file: devices and FIFOs (/dev/zero, a pipe) are refused
      --devices        as root: create the archive's device nodes (any major:minor it names)
      --keep-setid     as root: keep setuid and setgid bits on files
  -h, --help           this help

Exit codes: 0 done (skipped entries are listed on stderr), 1 the archive or image is malformed
(the message gives the byte offset), the kernel would unpack none of an archive's entries, or some entries
could not be written (each is named, and the tree in DIR is partial), 2 usage, or DIR cannot be
created or written.

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
        devices: { type: "boolean" },
        "keep-setid": { type: "boolean" },
      },
    });
    if (positionals.length !== 1) {
      throw new CliError(`want exactly one archive, got ${positionals.length}. Run \`bootlab unpack --help\`.`, EXIT_USAGE);
    }
    if (!values.list && !values.output) throw new CliError("missing -o DIR (where to unpack) or --list", EXIT_USAGE);
    const input = positionals[0]!;
    const maxBytes = values["max-size"] === undefined ? DEFAULT_MAX_INPUT_BYTES : byteSize("--max-size", values["max-size"]);
    const bytes = readInputFileSync(input, { label: "archive", maxBytes, raiseWith: "--max-size" });
    // A file-system image is its own tree; an archive is what the kernel's unpacker makes of it.
    const image = readImageEntries(bytes, input);
    let tree: CpioEntry[];
    if (image) {
      if (values.list) {
        await writeListing(formatEntryListing(image));
        return EXIT_OK;
      }
      tree = image;
    } else {
      let records;
      try {
        records = readCpioRecords(bytes, { maxBytes });
      } catch (error) {
        if (error instanceof CpioError) {
          // The inflate budget is ours to raise: say with which option.
          const raise = /from the gzip member, want at most/.test(error.message) ? ` The limit is ${formatBytes(maxBytes)}; if the archive is genuine, raise it with --max-size SIZE (e.g. --max-size 4G).` : "";
          throw new CliError(`${input} is not a valid initramfs: ${error.message}${raise}`, EXIT_FAILED);
        }
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
        await writeListing(formatKernelListing(kernel.nodes));
        return EXIT_OK;
      }
      tree = kernelTreeEntries(kernel);
    }
    const output = values.output!;
    const report = await writeHostTree(tree, output, { devices: values.devices, keepSetid: values["keep-setid"] });
    printCapped(report.skipped, "skipped");
    printCapped(report.changed, "changed");
    printCapped(report.failed, "failed");
    if (!report.raceFree) console.error(`note: there is no /proc here, so unpacking checked each directory but could not hold it open; do not let other programs change ${output} meanwhile`);
    const extras = [
      report.skipped.length ? `${report.skipped.length} skipped` : "",
      report.changed.length ? `${report.changed.length} changed` : "",
    ].filter(Boolean);
    const summary = `unpacked ${report.written} entries into ${output}${extras.length ? ` (${extras.join(", ")}, see above)` : ""}`;
    if (report.failed.length) {
      console.error(`${summary}; ${report.failed.length} could not be written (see above), so the tree in ${output} is partial`);
      return EXIT_FAILED;
    }
    console.log(summary);
    return EXIT_OK;
  },
};

/** Most lines of one kind printed; the rest are counted. */
const MAX_PRINTED = 100;

function printCapped(items: ReadonlyArray<{ path: string; reason: string }>, what: string): void {
  for (const item of items.slice(0, MAX_PRINTED)) console.error(`${what} ${item.path}: ${item.reason}`);
  if (items.length > MAX_PRINTED) console.error(`...and ${items.length - MAX_PRINTED} more ${what}`);
}

/**
 * Writes the listing to stdout; a reader that goes away (\`| head -1\`, EPIPE) ends the command
 * quietly with exit 0, as it has what it asked for.
 */
function writeListing(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE") process.exit(EXIT_OK);
      reject(error);
    };
    process.stdout.on("error", onError);
    process.stdout.write(text, (error) => {
      if (error) return onError(error as NodeJS.ErrnoException);
      process.stdout.off("error", onError);
      resolve();
    });
  });
}
