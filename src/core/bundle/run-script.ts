// run-qemu.sh: the QEMU command that boots a bundle, written from the same argument list the
// CLI's QemuRunner spawns (boot/qemu-args.ts), so the script and `bootlab boot --emulator qemu`
// cannot drift apart. Every word goes through shellQuote, so a command line with quotes or
// spaces reaches QEMU exactly as it was typed in the page.
// TCG is the default, not KVM-when-/dev/kvm-opens: inside some VMs KVM opens fine and then hangs
// once Linux starts (the CLI probes for that, see cli/runners/kvm.ts; a shell script cannot
// cheaply), and TCG boots these small systems in about a second anyway.
import { QEMU_NIC_MODEL } from "../boot/network.ts";
import { qemuArgs, qemuBinary, shellCommand, type QemuAccel } from "../boot/qemu-args.ts";
import type { BundleManifest } from "./manifest.ts";

export const RUN_SCRIPT_NAME = "run-qemu.sh";

/** The exact argument list (after the binary) the script runs with `accel`, files relative to the bundle. */
export function bundleQemuArgs(manifest: BundleManifest, accel: QemuAccel): string[] {
  const initrd = manifest.initramfs || manifest.ramdisk;
  // The disks keep snapshot=on: the guest's writes go to a temporary overlay, so the images in
  // the bundle stay as exported and every run starts the same.
  const disks = (manifest.disks ?? []).map((disk) => disk.file);
  return qemuArgs(
    { kernel: manifest.kernel, ...(initrd ? { initrd } : {}), disks, cmdline: manifest.cmdline, memoryMiB: manifest.memoryMiB, network: manifest.network === true },
    // mon:stdio: a person at a terminal leaves with Ctrl-A X, and Ctrl-C reaches the guest.
    { accel, arch: manifest.arch, serial: "mon:stdio" },
  );
}

/** The bundle's boot in the tutorials' own arguments (-m, -kernel, -initrd, -append, -nographic). */
export function tutorialLine(manifest: BundleManifest): string {
  const args = ["-m", `${manifest.memoryMiB}M`, "-kernel", manifest.kernel, "-initrd", manifest.initramfs, "-append", manifest.cmdline, "-nographic"];
  if (manifest.network === true) args.push("-nic", `user,model=${QEMU_NIC_MODEL}`);
  return shellCommand("qemu-system-x86_64", args);
}

export function runQemuScript(manifest: BundleManifest): string {
  const binary = qemuBinary(manifest.arch);
  const command = (accel: QemuAccel) => `${shellCommand(binary, bundleQemuArgs(manifest, accel))} "$@"`;
  const debianPackage = "qemu-system-x86";
  return `#!/bin/sh
# Boots this bootlab bundle in QEMU: ${[manifest.kernel, manifest.initramfs || manifest.ramdisk, ...(manifest.disks ?? []).map((d) => d.file)].filter(Boolean).join(", ")}, the serial
# console on this terminal; the disks' writes are not kept (snapshot=on). Leave QEMU with Ctrl-A X; the guest's "poweroff -f" also ends it.
#   ./${RUN_SCRIPT_NAME}                 boot with software emulation (TCG), like the browser's v86
#   BOOTLAB_ACCEL=kvm ./${RUN_SCRIPT_NAME}   use KVM instead (a small system gains little; under nested
#                                     virtualisation KVM can hang once Linux starts)
#   ./${RUN_SCRIPT_NAME} -s -S           extra arguments go to QEMU (here: wait for gdb on :1234)
# Kernel command line: ${manifest.cmdline.replace(/[\r\n]/g, " ")}
# The same boot as the tutorials write their QEMU lines (QEMU's default devices, serial console
# on this terminal through -nographic; qemu-system-x86_64 also runs an i386 kernel):
#   ${tutorialLine(manifest).replace(/[\r\n]/g, " ")}
set -eu
cd -- "$(dirname -- "$0")"
if ! command -v ${binary} >/dev/null 2>&1; then
  echo "${RUN_SCRIPT_NAME}: ${binary} not found: install QEMU (Debian and Ubuntu: apt-get install ${debianPackage})" >&2
  exit 127
fi
accel=\${BOOTLAB_ACCEL:-tcg}
case $accel in
  kvm) exec ${command("kvm")} ;;
  tcg) exec ${command("tcg")} ;;
  *) echo "${RUN_SCRIPT_NAME}: BOOTLAB_ACCEL must be kvm or tcg, got $accel" >&2; exit 2 ;;
esac
`;
}
