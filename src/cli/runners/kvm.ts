// Whether QEMU can use KVM here, and which accelerator a boot gets.
//
// An openable /dev/kvm is not enough: inside some VMs (nested virtualisation, e.g. a Firecracker
// guest) KVM opens fine, runs the BIOS, and then hangs or aborts as soon as Linux enters
// protected mode. So "usable" means a real probe passed: the prebuilt tiny kernel, booted under
// KVM with no root file system, prints its banner within a few seconds. The answer is cached
// per host boot in the temporary directory, so only the first boot after a reboot pays for it.
import { accessSync, constants, existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { qemuArgs, qemuBinary, type GuestArch, type QemuAccel } from "../../core/boot/index.ts";
import { findTool, start } from "../exec.ts";
import { prebuiltArtifacts, prebuiltPath } from "./artifacts.ts";

export interface KvmStatus {
  usable: boolean;
  /** Why (not), for the user: "/dev/kvm does not exist", ... */
  reason: string;
}

/** Only checks that the device is there and ours to open; see kvmStatus() for the real answer. */
export function kvmDeviceStatus(device = "/dev/kvm"): KvmStatus {
  try {
    accessSync(device, constants.R_OK | constants.W_OK);
    return { usable: true, reason: `${device} is usable` };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { usable: false, reason: `${device} does not exist (no KVM on this machine)` };
    if (code === "EACCES") return { usable: false, reason: `${device} is not readable and writable by this user (add it to the kvm group)` };
    return { usable: false, reason: `${device}: ${code ?? String(error)}` };
  }
}

const PROBE_TIMEOUT_MS = 6000;
let probed: Promise<KvmStatus> | undefined;

/** Whether KVM really runs a Linux guest here (cached per host boot). */
export function kvmStatus(arch: GuestArch = "i386"): Promise<KvmStatus> {
  probed ??= probeKvm(arch);
  return probed;
}

async function probeKvm(arch: GuestArch): Promise<KvmStatus> {
  const device = kvmDeviceStatus();
  if (!device.usable) return device;
  const binary = qemuBinary(arch);
  if (!findTool(binary)) return { usable: false, reason: `${binary} is not installed` };
  const probeKernel = (await prebuiltArtifacts()).manifest.kernels[0]!.bzImage;
  const kernel = prebuiltPath(probeKernel);
  if (!existsSync(kernel)) return { usable: false, reason: `cannot probe KVM without prebuilt/${probeKernel}` };
  const cacheFile = join(tmpdir(), "bootlab-kvm-probe.json");
  const bootId = readBootId();
  const cached = readCache(cacheFile);
  if (cached && bootId && cached.bootId === bootId && cached.arch === arch) return cached.status;

  const status = await runProbe(binary, kernel, arch);
  if (bootId) {
    try {
      writeFileSync(cacheFile, JSON.stringify({ bootId, arch, status }));
    } catch {
      // A read-only temporary directory only costs the next run another probe.
    }
  }
  return status;
}

function runProbe(binary: string, kernel: string, arch: GuestArch): Promise<KvmStatus> {
  // No initrd and no root: the kernel prints its banner, panics, and panic=-1 reboots at once,
  // which -no-reboot turns into QEMU exiting.
  const args = qemuArgs({ kernel, disks: [], cmdline: "console=ttyS0 panic=-1", memoryMiB: 64 }, { accel: "kvm", arch });
  const child = start(binary, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  let errors = "";
  return new Promise((resolve) => {
    const finish = (status: KvmStatus) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      resolve(status);
    };
    const timer = setTimeout(
      () => finish({ usable: false, reason: `/dev/kvm opens, but a guest under KVM printed nothing in ${PROBE_TIMEOUT_MS / 1000} s (nested virtualisation?)` }),
      PROBE_TIMEOUT_MS,
    );
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString("latin1");
      if (output.includes("Linux version")) finish({ usable: true, reason: "KVM boots Linux here" });
    });
    child.stderr!.on("data", (chunk: Buffer) => (errors += chunk.toString("utf8")));
    child.once("error", (error) => finish({ usable: false, reason: `${binary}: ${error.message}` }));
    child.once("close", () => {
      const last = errors.trim().split("\n").at(-1) ?? "";
      finish({ usable: false, reason: `KVM failed here: ${last || "QEMU exited before the kernel printed anything"}` });
    });
  });
}

function readBootId(): string | undefined {
  try {
    return readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim();
  } catch {
    return undefined;
  }
}

function readCache(file: string): { bootId: string; arch: string; status: KvmStatus } | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
}

/** The accelerator for "auto": KVM when the probe passed, TCG otherwise. An explicit choice is kept. */
export function chooseAccel(requested: QemuAccel | "auto", status: KvmStatus): QemuAccel {
  if (requested !== "auto") return requested;
  return status.usable ? "kvm" : "tcg";
}
