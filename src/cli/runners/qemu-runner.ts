// The QEMU runner: the same Runner interface as V86Runner, backed by qemu-system-i386 (or
// -x86_64) with the serial port on stdin/stdout. The spec's bytes are written to a private
// temporary directory (QEMU reads files), removed again on stop.
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ListenerSet,
  prepareInitrd,
  qemuArgs,
  qemuBinary,
  validateBootSpec,
  type BootSpec,
  type Disposable,
  type GuestArch,
  type QemuAccel,
  type Runner,
  type RunnerExit,
  type RunnerTimings,
} from "../../core/boot/index.ts";
import { start } from "../exec.ts";

/** USER_HZ: Linux reports /proc times in 1/100 s on every architecture bootlab runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

export interface QemuRunnerOptions {
  arch?: GuestArch;
  /** Resolved already: see chooseAccel(). */
  accel: QemuAccel;
}

export class QemuRunner implements Runner {
  readonly emulator = "qemu" as const;
  readonly arch: GuestArch;
  readonly accel: QemuAccel;
  private child: ChildProcess | undefined;
  private closed: Promise<void> | undefined;
  private workDir: string | undefined;
  private readonly serial = new ListenerSet<Uint8Array>();
  private readonly exits = new ListenerSet<RunnerExit>();
  private stderr = "";
  private stopping = false;

  constructor(options: QemuRunnerOptions) {
    this.arch = options.arch ?? "i386";
    this.accel = options.accel;
  }

  /** The binary this runner starts. */
  get binary(): string {
    return qemuBinary(this.arch);
  }

  async start(spec: BootSpec): Promise<RunnerTimings> {
    if (this.child || this.stopping) throw new Error("QemuRunner.start: this runner already ran a guest; create a new one");
    const problems = validateBootSpec(spec);
    if (problems.length) throw new Error(problems.join("; "));
    const startedAt = performance.now();
    const dir = await mkdtemp(join(tmpdir(), "bootlab-qemu-"));
    this.workDir = dir;
    const kernel = join(dir, "bzImage");
    await writeFile(kernel, spec.kernel);
    let initrd: string | undefined;
    if (spec.initrds.length) {
      initrd = join(dir, "initrd.img");
      await writeFile(initrd, prepareInitrd(spec.initrds));
    }
    const disks: string[] = [];
    for (const [index, disk] of spec.disks.entries()) {
      const file = join(dir, `disk${index}.img`);
      await writeFile(file, disk);
      disks.push(file);
    }
    const args = qemuArgs(
      { kernel, initrd, disks, cmdline: spec.cmdline, memoryMiB: spec.memoryMiB },
      { accel: this.accel, arch: this.arch, serial: "stdio" },
    );
    // start() throws a CliError naming the Debian package when the binary is missing.
    const child = start(this.binary, args, { stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    child.stdout!.on("data", (chunk: Buffer) => this.serial.emit(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    child.stderr!.on("data", (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString("utf8")).slice(-4000);
    });
    child.stdin!.on("error", () => {}); // QEMU gone while we type: reported through onExit
    this.closed = new Promise((resolve) => {
      child.once("close", (code, signal) => {
        resolve();
        if (this.stopping) return;
        const tail = this.stderr.trim().split("\n").slice(-3).join(" | ");
        const how = code !== null ? `exited with code ${code}` : `was killed by ${signal}`;
        this.exits.emit({ ...(code !== null ? { code } : {}), reason: `${this.binary} ${how}${tail ? `: ${tail}` : ""}` });
      });
    });
    await new Promise<void>((resolve, reject) => {
      child.once("spawn", resolve);
      child.once("error", (error) => reject(new Error(`${this.binary} could not start: ${error.message}`)));
    });
    return { emulatorStartMs: performance.now() - startedAt };
  }

  onSerial(listener: (bytes: Uint8Array) => void): Disposable {
    return this.serial.add(listener);
  }

  onExit(listener: (exit: RunnerExit) => void): Disposable {
    return this.exits.add(listener);
  }

  send(data: Uint8Array | string): void {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed || this.stopping) return;
    stdin.write(data);
  }

  /** The private directory holding the guest's files while it runs (removed by stop()). */
  get workDirectory(): string | undefined {
    return this.workDir;
  }

  /**
   * CPU time QEMU has used so far (all its threads, user + system), in ms, from /proc; undefined
   * where there is no /proc or once QEMU is gone. Benchmarks use it because, unlike wall time,
   * it does not grow when other programs compete for the CPU.
   */
  cpuTimeMs(): number | undefined {
    const pid = this.child?.pid;
    if (pid === undefined) return undefined;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after the command name (which may hold spaces) start after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
      return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
    } catch {
      return undefined;
    }
  }

  /** What QEMU wrote to stderr (last 4000 characters): its own errors, e.g. a KVM failure. */
  get errorOutput(): string {
    return this.stderr;
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      const killer = setTimeout(() => child.kill("SIGKILL"), 2000);
      await this.closed;
      clearTimeout(killer);
    }
    if (this.workDir) await rm(this.workDir, { recursive: true, force: true });
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.serial.clear();
    this.exits.clear();
  }
}
