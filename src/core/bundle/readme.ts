// README.md of a bundle: what is in it and the two ways to boot it, written for someone who
// downloaded a zip from a tutorial and has never heard of bootlab.
import { RUN_SCRIPT_NAME } from "./run-script.ts";
import type { BundleManifest } from "./manifest.ts";

export interface ReadmeOptions {
  /** The zip's file name in the example commands (default "bundle.zip"). */
  zipName?: string;
  /** With the "concatenated" layout: where the files' archive starts in the inflated initramfs. */
  filesOffset?: number;
}

export function bundleReadme(manifest: BundleManifest, options: ReadmeOptions = {}): string {
  const zipName = options.zipName ?? "bundle.zip";
  // GNU cpio stops at the first archive's TRAILER!!!, so a concatenated initramfs is listed and
  // unpacked part by part: split at the files' archive, which the bundle knows the offset of.
  const split = manifest.layout === "concatenated" ? options.filesOffset : undefined;
  const sources = manifest.sources.length
    ? manifest.sources.map((s) => `- \`${s.path}\` (mode ${s.mode.toString(8).padStart(4, "0")}): \`${s.file}\``).join("\n")
    : "- (none: this is the template's base system as it is)";
  const fence = "```";
  const disks = manifest.disks ?? [];
  const root = manifest.initramfs ? "a BusyBox initramfs" : manifest.ramdisk ? "an ext4 RAM disk as its root" : "its root on a disk";
  const withDisks = disks.length && manifest.initramfs ? ` and ${disks.length} disk${disks.length > 1 ? "s" : ""}` : "";
  const diskLines = disks.map((d) => `\n- \`${d.file}\`: a raw disk image (ext4 when bootlab wrote it), attached as ${d.device}; run-qemu.sh keeps it unchanged (snapshot=on); list its files with \`npx bootlab unpack --list ${d.file}\`.`).join("");
  const ramdiskLine = manifest.ramdisk
    ? `\n- \`${manifest.ramdisk}\`: the root file system, a gzip'd ext4 image the kernel loads as its RAM disk (root=/dev/ram); \`npx bootlab unpack ${manifest.ramdisk} -o root\` unpacks it and \`npx bootlab pack root -o ${manifest.ramdisk}\` packs it again.`
    : "";
  return `# A tiny Linux system from bootlab

This zip boots a Linux kernel (${manifest.arch === "i386" ? "32-bit x86, i386" : "64-bit x86, x86_64"}) with ${root}${withDisks} on a serial console. It
was exported from the bootlab playground${manifest.template ? ` (template \`${manifest.template}\`)` : ""}.

## Boot it

With QEMU (Debian and Ubuntu: \`apt-get install qemu-system-x86\`), after unzipping:

${fence}sh
./${RUN_SCRIPT_NAME}
${fence}

It runs the exact QEMU command with software emulation (TCG), which boots a system this small in
about a second; \`BOOTLAB_ACCEL=kvm ./${RUN_SCRIPT_NAME}\` uses KVM instead. Leave QEMU with Ctrl-A X. Arguments go on to QEMU, e.g. \`./${RUN_SCRIPT_NAME} -s -S\`
starts the guest halted, waiting for a debugger on port 1234.

With bootlab (in its checkout), without unzipping: on v86 by default, the emulator the
playground runs in the browser, or on QEMU:

${fence}sh
npx bootlab boot --bundle ${zipName}
npx bootlab boot --bundle ${zipName} --emulator qemu
${fence}

## What is inside

- \`${manifest.kernel}\`: the kernel.${ramdiskLine}${diskLines}
${manifest.initramfs ? `- \`${manifest.initramfs}\`: the root filesystem, a gzip-compressed cpio stream (${
    manifest.layout === "merged"
      ? "one archive"
      : `two archives: the base system, then the files below${split === undefined ? "" : `, from byte ${split} of the unzipped stream`}. The kernel unpacks both in order, so the files replace the base's; GNU \`cpio -t\` shows only the first archive, so list every file with \`npx bootlab unpack --list ${manifest.initramfs}\`${split === undefined ? "" : `, or run \`cpio -t\` on each part: \`gzip -dc ${manifest.initramfs} | head -c ${split} | cpio -t\` (the base), \`gzip -dc ${manifest.initramfs} | tail -c +${split + 1} | cpio -t\` (the files)`}`
  }).
` : ""}- \`${RUN_SCRIPT_NAME}\`: the QEMU command.
- \`bundle.json\`: the same facts for programs: format version, command line, memory, template, every file with its size and mode.
- \`src/\`: the files edited in the playground:

${sources}

Kernel command line: \`${manifest.cmdline}\`
Memory: ${manifest.memoryMiB} MiB.${manifest.network ? "\nNetwork: an NE2000 PCI card on QEMU's user-mode networking (`-nic`): DHCP gives 10.0.2.15, DNS 10.0.2.3, and 10.0.2.2 is the host's loopback." : ""}

${manifest.initramfs ? `## Change it

Unpack the root filesystem, edit, and pack it again with GNU cpio (\`-R 0:0\` makes every file
owned by root, as the kernel expects; device files, if any, need root or \`fakeroot\` to unpack)${
    split === undefined ? "" : ".\ncpio reads one archive at a time, so the two parts are unpacked one after the other, your files over\nthe base's (\`-u\`), and packed again as one archive"
  }:

${fence}sh
mkdir root && cd root
${
    split === undefined
      ? `gzip -dc ../${manifest.initramfs} | cpio -idv`
      : `gzip -dc ../${manifest.initramfs} > ../initramfs.cpio
head -c ${split} ../initramfs.cpio | cpio -id
tail -c +${split + 1} ../initramfs.cpio | cpio -idu
rm ../initramfs.cpio`
  }
# edit init, etc/..., then:
find . | sort | cpio -o -H newc -R 0:0 | gzip -9 > ../${manifest.initramfs}
${fence}

or with bootlab: \`npx bootlab unpack ${manifest.initramfs} -o root\` and
\`npx bootlab pack root -o ${manifest.initramfs}\`.
` : `## Change it

Unpack an image with \`npx bootlab unpack IMAGE -o root\`, edit, write it again with
\`npx bootlab pack root -o new.ext4 --size 8M\` (\`new.ext4.gz\` for the RAM disk: the extension
chooses the format), and move it over the old name, which run-qemu.sh boots.
`}`;
}
