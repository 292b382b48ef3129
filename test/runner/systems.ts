// The systems the runner and parity tests boot, all through the plan (src/core/boot/plan.ts):
// every template the page ships, as the page boots it, and two systems as a CLI user describes
// them (an ext4 RAM disk given as --rootfs, a disk image given as --disk) for the block-device
// roots no template has yet. Nothing here is a hand-made copy of a template.
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { KernelCmdline, planBoot, type BootPlan, type BootSystem, type EmulatorName } from "../../src/core/boot/index.ts";
import { directoryEntry, fileEntry, readCpio, symlinkEntry, type CpioEntry } from "../../src/core/cpio/index.ts";
import { TEMPLATES, templateDisks, templateFiles, templateSystem } from "../../src/core/templates/index.ts";
import { run } from "../../src/cli/exec.ts";
import { writeHostTree } from "../../src/cli/host-tree.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { compileSystem } from "../../src/core/cinit/index.ts";

/** Commands typed at the prompt in every system that has a shell, in this order. */
export const PARITY_COMMANDS = ["uname -a", "cat /proc/cmdline", "mount", "ls /", "ps"];

/** printk time stamps let the parity normaliser drop kernel messages that land mid-session. */
export { PARITY_APPEND } from "../../src/core/boot/index.ts";

export interface TestSystem {
  name: string;
  system: BootSystem;
  /** Typed at the shell prompt, when the system has one. */
  commands: string[];
}

/** The plan a test boots; planned for v86's rules so that both emulators get the same bytes. */
export async function planFor(system: BootSystem, emulator: EmulatorName = "v86"): Promise<BootPlan> {
  return planBoot(system, await prebuiltArtifacts(), { emulator });
}

/** The base system alone (what `bootlab boot` boots with no options). */
export const BASE_SYSTEM: BootSystem = { files: [], base: "busybox", cmdline: "" };

export function withAppend(system: BootSystem, append: string): BootSystem {
  return { ...system, cmdline: KernelCmdline.parse(system.cmdline).merge(KernelCmdline.parse(append)).toString() };
}

/** Every template in TEMPLATES, unedited, as the page boots it. */
export async function templateSystems(): Promise<TestSystem[]> {
  const artifacts = await prebuiltArtifacts();
  return Promise.all(
    TEMPLATES.map(async (template) => {
      const read = (path: string) => artifacts.bytes(path);
      // static-hello's /init.c is compiled to /init in a build guest, as `bootlab boot` does it.
      const compiled = await compileSystem(templateSystem(template, { files: await templateFiles(template, read), cmdline: template.cmdline, disks: await templateDisks(template, read) }), artifacts, () => createRunner("v86"));
      if (!compiled.ok) throw new Error(`template ${template.id}: ${compiled.result.messages}`);
      const system = compiled.system;
      const files = [...template.files, ...(template.disks ?? []).flatMap((d) => d.files)];
      const commands = files.some((f) => f.path === "/etc/inittab") ? [...PARITY_COMMANDS, "cat /etc/inittab"] : [...PARITY_COMMANDS];
      // The disks the plan wrote, as the guest sees them (sizes are the images', the same on both emulators).
      if (template.disks?.some((d) => d.role === "ramdisk")) commands.push("df /");
      if (template.id === "disks") commands.push("df /mnt/data1 /mnt/data2", "cat /mnt/data1/README.txt /mnt/data2/README.txt");
      return { name: `template ${template.id}`, system, commands };
    }),
  );
}

/** An ext4 image of `entries`, made without root or loop mounts (mke2fs -d), reproducibly. */
export async function ext4Image(entries: CpioEntry[], sizeMiB: number): Promise<Uint8Array> {
  const work = await mkdtemp(join(tmpdir(), "bootlab-ext4-"));
  try {
    const tree = join(work, "tree");
    await writeHostTree(entries, tree);
    const image = join(work, "rootfs.ext4");
    await run("mke2fs", [
      "-q", "-F", "-t", "ext4", "-d", tree, "-E", "root_owner=0:0,hash_seed=6b21b4e0-0000-4000-8000-000000000001",
      "-U", "6b21b4e0-0000-4000-8000-000000000000", "-L", "bootlab", image, `${sizeMiB}M`,
    ], { env: { ...process.env, E2FSPROGS_FAKE_TIME: "1", SOURCE_DATE_EPOCH: "1" } });
    return new Uint8Array(await readFile(image));
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * A root file system on a block device: the base archive's tree (BusyBox, its links, /dev) with
 * the busybox-init template's /etc, as an ext4 image: what seed 001 makes with dd, mkfs.ext4 and
 * a loop mount.
 */
async function diskRootEntries(): Promise<CpioEntry[]> {
  const artifacts = await prebuiltArtifacts();
  const base = readCpio(await artifacts.plainInitrd(artifacts.base("i386")!.path)).filter((e) => e.path !== "init");
  const template = TEMPLATES.find((t) => t.id === "busybox-init")!;
  const etc = template.files.flatMap((f): CpioEntry[] =>
    f.kind === "directory" ? [directoryEntry(f.path, { mode: f.mode })] : "text" in f && f.path.startsWith("/etc/") ? [fileEntry(f.path, f.text, { mode: f.mode })] : [],
  );
  return [...base, ...etc, directoryEntry("mnt"), symlinkEntry("linuxrc", "bin/busybox")];
}

/** Systems as a CLI user gives them: --rootfs IMAGE with root=/dev/ram, and --disk IMAGE with root=/dev/sda. */
export async function blockRootSystems(): Promise<TestSystem[]> {
  const image = await ext4Image(await diskRootEntries(), 8);
  return [
    {
      name: "ext4 RAM disk root (--rootfs root.ext4.gz --append 'root=/dev/ram rw rootfstype=ext4 init=/sbin/init')",
      system: { files: [], base: "none", initrd: gzipSync(image, { level: 9 }), cmdline: "root=/dev/ram rw rootfstype=ext4 init=/sbin/init" },
      commands: [...PARITY_COMMANDS, "cat /etc/inittab"],
    },
    {
      name: "disk image root (--disk root.ext4 --append 'root=/dev/sda rw init=/sbin/init')",
      system: { files: [], base: "busybox", disks: [image], cmdline: "root=/dev/sda rw init=/sbin/init" },
      commands: PARITY_COMMANDS,
    },
  ];
}
