// One place that builds a runner for the Node CLI and tests from a name and options.
import type { GuestArch, QemuAccel, Runner } from "../../core/boot/index.ts";
import { V86Runner } from "../../../workers/runner/v86-runner.ts";
import { loadBios, loadV86Wasm } from "./artifacts.ts";
import { chooseAccel, kvmStatus } from "./kvm.ts";
import { QemuRunner } from "./qemu-runner.ts";

export type EmulatorChoice = "v86" | "qemu";

export interface CreateRunnerOptions {
  arch?: GuestArch;
  accel?: QemuAccel | "auto";
  /** v86 only: a fresh wasm compile for this runner instead of the per-process cache. */
  coldWasm?: boolean;
}

export async function createRunner(emulator: EmulatorChoice, options: CreateRunnerOptions = {}): Promise<Runner> {
  if (emulator === "qemu") {
    const requested = options.accel ?? "auto";
    const accel = requested === "auto" ? chooseAccel("auto", await kvmStatus(options.arch)) : requested;
    return new QemuRunner({ arch: options.arch ?? "i386", accel });
  }
  if (options.arch === "x86_64") {
    throw new Error("v86 emulates a 32-bit CPU only: boot x86_64 kernels with --emulator qemu");
  }
  const bios = await loadBios();
  return new V86Runner({
    bios,
    wasm: options.coldWasm ? compileV86WasmCold : loadV86Wasm,
  });
}

async function compileV86WasmCold(): Promise<WebAssembly.Module> {
  const { readFile } = await import("node:fs/promises");
  const { v86WasmPath } = await import("./artifacts.ts");
  return WebAssembly.compile(await readFile(v86WasmPath()));
}
