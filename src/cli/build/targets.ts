// The machines bootlab builds for. i386 is what v86 emulates (and QEMU runs the same files for
// parity); x86_64 is the tutorials' QEMU target.
export type TargetName = "i386" | "x86_64";
export type ProfileName = "tiny" | "full";

export const TARGETS: readonly TargetName[] = ["i386", "x86_64"];
export const PROFILES: readonly ProfileName[] = ["tiny", "full"];

export interface Target {
  name: TargetName;
  /** ARCH= for the kernel's make. */
  kernelArch: string;
  /** musl's --target. */
  muslTarget: string;
  /** Added to gcc for every user-space build: the host gcc is x86_64, multilib gives -m32. */
  gccFlags: string[];
  /** ld's emulation (musl's specs file replaces gcc's link spec, which would have chosen it). */
  ldEmulation: string;
  /** The committed kconfig fragment for this architecture. */
  kernelFragment: string;
  /** What a kernel of a profile is for on this architecture, when it is not the profile's summary. */
  kernelSummaries?: Partial<Record<ProfileName, string>>;
}

export const TARGET_SPECS: Readonly<Record<TargetName, Target>> = {
  i386: {
    name: "i386",
    kernelArch: "i386",
    muslTarget: "i386-linux-musl",
    gccFlags: ["-m32"],
    ldEmulation: "elf_i386",
    kernelFragment: "i386.fragment",
  },
  x86_64: {
    name: "x86_64",
    kernelArch: "x86_64",
    muslTarget: "x86_64-linux-musl",
    gccFlags: [],
    ldEmulation: "elf_x86_64",
    kernelFragment: "x86_64.fragment",
    kernelSummaries: {
      tiny: "the tiny profile as a 64-bit kernel, for QEMU (`bootlab boot --arch x86_64`): serial console and initramfs, ACPI power-off, and IA32 emulation so i386 programs run too",
    },
  },
};

export interface Profile {
  name: ProfileName;
  /** The fragments this profile applies after the target's, in order. */
  fragments: string[];
  /** One line on what a kernel of this profile is for (written into the manifest's kernels). */
  summary: string;
}

export const PROFILE_SPECS: Readonly<Record<ProfileName, Profile>> = {
  tiny: {
    name: "tiny",
    fragments: ["tiny.fragment"],
    summary: "serial console and initramfs only, the fastest boot: the default for the page and `bootlab boot`",
  },
  full: {
    name: "full",
    fragments: ["tiny.fragment", "full.fragment"],
    summary: "tiny + PCI, RAM disk, IDE/ATA disks with ext4, ne2k and virtio network, 9p, screen and keyboard: the tutorials' other systems",
  },
};

/** The fragments a profile applies after the target's, in order. */
export function profileFragments(profile: ProfileName): string[] {
  return [...PROFILE_SPECS[profile].fragments];
}
