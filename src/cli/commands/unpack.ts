// `bootlab unpack`: an initramfs (plain or gzip, possibly several concatenated) or an ext2/3/4
// image (plain or gzip) into a directory, or a `cpio -tv`-style listing of it.
import { existsSync, rmdirSync } from "node:fs";
import { parseArgs } from "node:util";
//
// An archive is read in pieces and never held whole (issue 10: a 1,000 MiB member took 3.4 GB):
// the streaming reader hands each record to the kernel's unpacker as it comes, and each file's
// data is written as it arrives into a private directory inside DIR (HostTreeWriter.stage),
// from which the tree the kernel ends up with is put in place at the end. Memory is the read
// buffer, the inflater's slices and the tree's names; an ext image is still read whole.
import {
  CpioError,
  CpioStreamReader,
  formatEntryListing,
  formatKernelListing,
  formatKernelNote,
  KernelUnpackSink,
  kernelTreeEntries,
  type KernelContentStore,
  type KernelTree,
} from "../../core/cpio/index.ts";
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import { isImageHead, readImageEntries } from "../disk-image.ts";
import { writeHostTree } from "../host-tree.ts";
import { HostTreeWriter, type HostEntry, type StagedData, type WriteHostTreeReport } from "../host-tree-writer.ts";
import { DEFAULT_MAX_INPUT_BYTES, formatBytes, readInputFileChunksSync, readInputFileSync, type InputFileOptions } from "../input-file.ts";
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

An archive is read in pieces and never held in memory: each file's data is written as it
arrives into a private directory inside DIR, and the tree is moved into place once the whole
archive has been read (a malformed one leaves nothing in DIR). An image is read whole.

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
    const inputOptions: InputFileOptions = { label: "archive", maxBytes, raiseWith: "--max-size" };
    const options = { devices: values.devices, keepSetid: values["keep-setid"] };
    const output = values.output!;
    let report: WriteHostTreeReport;
    // A file-system image is its own tree (read whole); an archive is what the kernel's unpacker makes of it.
    if (isImageHead(fileHead(input, inputOptions))) {
      const bytes = readInputFileSync(input, inputOptions);
      const image = readImageEntries(bytes, input);
      if (!image) throw new CliError(`${input} changed while it was read; try again once nothing writes to it`, EXIT_USAGE);
      if (values.list) {
        await writeListing(formatEntryListing(image));
        return EXIT_OK;
      }
      report = await writeHostTree(image, output, options);
    } else if (values.list) {
      const tree = unpackArchive(input, inputOptions, maxBytes, SIZES);
      await writeListing(formatKernelListing(tree.nodes));
      return EXIT_OK;
    } else {
      // DIR is opened first, so file data can stream into its private directory; when the
      // archive turns out bad, a DIR this made is removed again (it is still empty).
      const made = !existsSync(output);
      const writer = HostTreeWriter.open(output, options);
      let done = false;
      try {
        const tree = unpackArchive(input, inputOptions, maxBytes, {
          empty: EMPTY_STAGED,
          create: () => writer.stage(),
          release: (data) => writer.discard(data),
        });
        // An empty file has nothing staged: it is written as no bytes.
        const entries = kernelTreeEntries(tree).map((e): HostEntry => (e.kind === "file" && e.data === EMPTY_STAGED ? { ...e, data: new Uint8Array(0) } : e));
        report = await writer.write(entries);
        done = true;
      } finally {
        writer.close();
        if (!done && made) {
          try {
            rmdirSync(output);
          } catch {}
        }
      }
    }
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

const EMPTY_STAGED: StagedData = { staged: "", size: 0 };

/** For --list: of each file's data only its length is kept. */
const SIZES: KernelContentStore<number> = {
  empty: 0,
  create: () => {
    let size = 0;
    return { write: (chunk) => void (size += chunk.length), close: () => size };
  },
};

/** Enough of a file to tell an ext image (superblock at 1024) from an archive, gzip'd or not. */
function fileHead(path: string, options: InputFileOptions): Uint8Array {
  let head = new Uint8Array(0);
  readInputFileChunksSync(path, options, (chunk) => {
    head = chunk.slice(0, 64 * 1024);
    return false;
  });
  return head;
}

/**
 * Reads the archive in pieces and replays it as the kernel unpacks it; file data goes to
 * `store` as it arrives (`create`), or only its size is kept (`--list`). Prints the kernel's
 * notes. Exit 1 for a malformed archive, or one whose entries the kernel would all skip.
 */
function unpackArchive<C>(input: string, inputOptions: InputFileOptions, maxBytes: number, store: KernelContentStore<C>): KernelTree<C> {
  const sink = new KernelUnpackSink<C>(store);
  // An archive of only TRAILER!!! or "." is empty; one with entries must not unpack to nothing quietly.
  let names = 0;
  const reader = new CpioStreamReader(
    {
      begin: (header) => {
        if (header.name !== "TRAILER!!!" && !header.name.split("/").every((p) => p === "" || p === ".")) names++;
        sink.begin(header);
      },
      data: (chunk) => sink.data(chunk),
      end: () => sink.end(),
    },
    { maxBytes },
  );
  try {
    readInputFileChunksSync(input, inputOptions, (chunk) => reader.push(chunk));
    reader.end();
  } catch (error) {
    if (error instanceof CpioError) {
      // The inflate budget is ours to raise: say with which option.
      const raise = /from the gzip member, want at most/.test(error.message) ? ` The limit is ${formatBytes(maxBytes)}; if the archive is genuine, raise it with --max-size SIZE (e.g. --max-size 4G).` : "";
      throw new CliError(`${input} is not a valid initramfs: ${error.message}${raise}`, EXIT_FAILED);
    }
    throw error;
  }
  const tree = sink.finish();
  for (const note of tree.notes) console.error(`note: ${formatKernelNote(note)}`);
  if (tree.nodes.length === 0 && names > 0) {
    throw new CliError(`${input}: the kernel would unpack none of its entries (see the notes above)`, EXIT_FAILED);
  }
  return tree;
}

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
