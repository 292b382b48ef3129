// `bootlab export`: the bundle the page's Export writes, from the command line. The system comes
// from the same options as `bootlab boot` (system-options.ts), the plan is made for no emulator
// in particular, and the zip is written by bundleFromPlan, exactly as the page's worker does
// (`planBoot(system, artifacts, {})`, then `bundleFromPlan(plan, { files, template, zipName })`),
// so the same project gives the same bytes here and there.
import { writeFile } from "node:fs/promises";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import { BundleBuildError, bundleFromPlan, readBundle } from "../../core/bundle/index.ts";
import { CliError, EXIT_FAILED, EXIT_OK, EXIT_USAGE, type Command } from "../command.ts";
import { planFromOptions, SYSTEM_OPTIONS, SYSTEM_OPTIONS_HELP, systemFromOptions } from "../system-options.ts";

const HELP = `Usage: bootlab export (--template ID | --rootfs DIR) [options] -o FILE.zip

Writes the bundle the playground's Export writes: the kernel and the initramfs the plan boots
(src/core/boot/plan.ts), run-qemu.sh, the files under src/, README.md and bundle.json. The same
template and files give the same bytes as the page. \`bootlab boot --bundle FILE.zip\` boots it,
on v86 or QEMU; so does its own run-qemu.sh once unzipped.

Options:
  -o, --output FILE.zip  where to write the bundle (its name is used in the bundle's README)
${withoutOptions(SYSTEM_OPTIONS_HELP, ["--bundle", "--disk"])}
  --quiet                print nothing but errors

A bundle holds the kernel, the initramfs (or the RAM disk) and the disk images the plan boots:
the disks of a template (ramdisk-ext4, disk-root, disks) go in; disk images on the host
(--disk) do not, and --bundle is for \`bootlab boot\`.

Exit codes:
  0  the bundle was written (what it holds is printed)
  1  FILE.zip could not be written (its directory is missing or read-only)
  2  usage: a bad option, a missing file, or a system the plan or a bundle cannot hold

Examples:
  bootlab export --template busybox-init -o busybox-init.zip
  bootlab export --template minimal-init --rootfs my-files/ --append "quiet" -o lesson.zip
  bootlab boot --bundle lesson.zip --emulator qemu`;

/** The system options' help without the entries (first line and continuation lines) of `names`. */
function withoutOptions(help: string, names: readonly string[]): string {
  let skipping = false;
  return help
    .split("\n")
    .filter((line) => {
      const option = /^ {2}(--[a-z]+)/.exec(line)?.[1];
      if (option !== undefined) skipping = names.includes(option);
      return !skipping;
    })
    .join("\n");
}

export const exportCommand: Command = {
  name: "export",
  summary: "write the page's export bundle (zip) for a template or a directory",
  help: HELP,
  async run(args) {
    const { values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        ...SYSTEM_OPTIONS,
        output: { type: "string", short: "o" },
        quiet: { type: "boolean", default: false },
      },
    });
    if (values.bundle !== undefined) {
      throw new CliError("--bundle: got a bundle to export, want --template ID or --rootfs DIR (a bundle is already an export; `bootlab boot --bundle` boots it)", EXIT_USAGE);
    }
    if (values.template === undefined && values.rootfs === undefined) {
      throw new CliError("want --template ID or --rootfs DIR: what to export (`bootlab templates` lists the templates)", EXIT_USAGE);
    }
    if (values.output === undefined) throw new CliError("missing -o FILE.zip: where to write the bundle", EXIT_USAGE);
    const output = values.output;

    const { system, what } = await systemFromOptions(values);
    // No emulator: the plan the page makes for its Export (both emulators boot the bundle).
    const plan = await planFromOptions(system, {});
    if (!values.quiet) for (const note of plan.notes) process.stderr.write(`bootlab export: ${note}\n`);
    let zip: Uint8Array;
    try {
      zip = bundleFromPlan(plan, { files: system.files, template: values.template ?? "", zipName: basename(output) });
    } catch (error) {
      if (error instanceof BundleBuildError) throw new CliError(`${what}: ${error.message}`, EXIT_USAGE);
      throw error;
    }
    try {
      await writeFile(output, zip);
    } catch (error) {
      throw new CliError(`-o ${output}: ${(error as NodeJS.ErrnoException).code ?? String(error)}: could not write the bundle`, EXIT_FAILED);
    }
    if (!values.quiet) {
      const { manifest, initramfs, ramdisk, disks } = readBundle(zip, { sources: false });
      const initrd = initramfs
        ? `initramfs ${initramfs.length} bytes (${manifest.layout === "concatenated" ? "base archive, then your files" : "one archive"}), `
        : ramdisk
          ? `RAM disk ${ramdisk.length} bytes (gzip'd ext4), `
          : "no initrd, ";
      const diskText = disks.length ? `${disks.length} disk(s) (${manifest.disks!.map((d) => `${d.file} as ${d.device}`).join(", ")}), ` : "";
      process.stdout.write(
        `wrote ${output} (${zip.length} bytes): ${what} on the ${plan.kernel.id} kernel (${plan.kernel.arch}), ` +
          initrd +
          diskText +
          `${manifest.sources.length} file(s) under src/, ${manifest.memoryMiB} MiB\n` +
          `command line: ${manifest.cmdline}\n` +
          `boot it: bootlab boot --bundle ${output}\n`,
      );
    }
    return EXIT_OK;
  },
};
