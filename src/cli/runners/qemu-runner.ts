// The QEMU runner: the same Runner interface as V86Runner, backed by qemu-system-i386 (or
// -x86_64) with the serial port on stdin/stdout. The spec's bytes are written to a private
// temporary directory (QEMU reads files), removed as soon as the guest runs (QEMU holds what it
// opened) and again on stop.
//
// QEMU must not outlive bootlab, even when bootlab is killed with SIGKILL and runs no handler:
// it is started through `setpriv --pdeathsig KILL` (util-linux, on every Debian system), which
// sets PR_SET_PDEATHSIG and then execs QEMU in place, so the kernel kills QEMU when bootlab's
// main thread dies. That is the only mechanism that needs no cooperation from the dying
// process: a process group is not signalled when its leader dies, and QEMU ignores EOF on a
// -serial stdio stdin. Directories left by a bootlab killed before its guest ran carry its pid
// and are removed by the next run once that pid is gone.
import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  isHostDisk,
  ListenerSet,
  prepareInitrd,
  qemuArgs,
  randomLanMac,
  qemuBinary,
  validateBootSpec,
  type BootSpec,
  type Disposable,
  type GuestArch,
  type QemuAccel,
  type QemuDisk,
  type Runner,
  type RunnerExit,
  type RunnerTimings,
} from "../../core/boot/index.ts";
import { findTool, isProcessAlive, requireTool, run, start } from "../exec.ts";

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
  /** Whether QEMU was started so that the kernel kills it when bootlab dies (see the file comment). */
  diesWithParent = false;

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
    await removeStaleWorkDirectories();
    const dir = await mkdtemp(join(tmpdir(), `${WORK_DIR_PREFIX}${process.pid}-`));
    this.workDir = dir;
    const kernel = join(dir, "bzImage");
    await writeFile(kernel, spec.kernel);
    let initrd: string | undefined;
    if (spec.initrds.length) {
      initrd = join(dir, "initrd.img");
      await writeFile(initrd, prepareInitrd(spec.initrds));
    }
    const disks: (string | QemuDisk)[] = [];
    for (const [index, disk] of spec.disks.entries()) {
      // A disk on the host is opened where it lies (QEMU reads it copy-on-write: snapshot=on,
      // unless its writes are to be kept); bytes in memory are written out for QEMU first.
      if (isHostDisk(disk)) {
        disks.push(disk.keepWrites ? { file: disk.path, keepWrites: true } : disk.path);
        continue;
      }
      const file = join(dir, `disk${index}.img`);
      await writeFile(file, disk);
      disks.push(file);
    }
    const args = qemuArgs(
      { kernel, initrd, disks, cmdline: spec.cmdline, memoryMiB: spec.memoryMiB, network: spec.network === true, ...(spec.lan !== undefined ? { lan: { name: spec.lan, mac: randomLanMac() } } : {}) },
      { accel: this.accel, arch: this.arch, serial: "stdio" },
    );
    // requireTool throws a CliError naming the Debian package when the binary is missing.
    const qemu = requireTool(this.binary);
    const wrapper = await pdeathsigWrapper();
    const child = wrapper
      ? start(wrapper[0]!, [...wrapper.slice(1), qemu, ...args], { stdio: ["pipe", "pipe", "pipe"] })
      : start(qemu, args, { stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    this.diesWithParent = wrapper !== undefined;
    let removedEarly = false;
    child.stdout!.on("data", (chunk: Buffer) => {
      // The guest writes to the serial port only once QEMU has loaded the kernel and initrd and
      // opened the disks: the files are no longer needed by name, so a bootlab killed from now
      // on leaves no directory behind.
      // Removed before the first byte is passed on (synchronously: a few unlinks, once), so
      // whoever sees the guest's output and kills bootlab finds no directory left either.
      if (!removedEarly) {
        removedEarly = true;
        try {
          rmSync(dir, { recursive: true, force: true });
        } catch {
          // stop() tries again
        }
      }
      this.serial.emit(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    });
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

  /** The private directory holding the guest's files until the guest runs (removed then, and by stop()). */
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

/** Temporary directories of QemuRunner: this prefix, then the pid of the bootlab that made it. */
export const WORK_DIR_PREFIX = "bootlab-qemu-";

let wrapperProbe: Promise<string[] | undefined> | undefined;

/**
 * ["/usr/bin/setpriv", "--pdeathsig", "KILL", "--"] when setpriv is there and knows
 * --pdeathsig (util-linux 2.33 and later), else undefined (QEMU then dies only on stop()).
 */
export function pdeathsigWrapper(): Promise<string[] | undefined> {
  wrapperProbe ??= (async () => {
    const setpriv = findTool("setpriv");
    if (!setpriv) return undefined;
    const probe = await run(setpriv, ["--pdeathsig", "KILL", "--", "true"], { check: false }).catch(() => undefined);
    return probe?.code === 0 ? [setpriv, "--pdeathsig", "KILL", "--"] : undefined;
  })();
  return wrapperProbe;
}


/**
 * Removes this user's QemuRunner directories whose bootlab is gone (killed before its guest
 * ran, so before the directory was removed early). A pid that is alive again keeps its directory.
 */
export async function removeStaleWorkDirectories(dir = tmpdir()): Promise<string[]> {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names) {
    const match = new RegExp(`^${WORK_DIR_PREFIX}(\\d+)-`).exec(name);
    if (!match) continue;
    const pid = Number(match[1]);
    if (pid === process.pid || isProcessAlive(pid)) continue;
    const path = join(dir, name);
    try {
      const st = statSync(path);
      if (!st.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      await rm(path, { recursive: true, force: true });
      removed.push(path);
    } catch {}
  }
  return removed;
}
