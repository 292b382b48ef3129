// The v86 runner: builds a v86 emulator from bytes, streams its serial port, types into it, and
// stops it. It knows nothing about its host: the browser worker and the Node CLI both use this
// module unchanged and only differ in how they obtain the BIOS and the compiled wasm.
import { V86, type V86Options } from "v86";
import {
  isHostDisk,
  ListenerSet,
  V86_INITRD_ADDRESS_MIB,
  V86_NIC,
  prepareInitrd,
  minimumV86MemoryMiB,
  validateBootSpec,
  type BootSpec,
  type Disposable,
  type Runner,
  type RunnerExit,
  type RunnerTimings,
} from "../../src/core/boot/index.ts";
import { joinLan, type LanConnection } from "./lan.ts";
import { isAgentBufferWaiting, receivedBytes, warmDeliveries, type AgentBuffer } from "../../src/core/warm/index.ts";

/** A v86 state taken with the warm-boot agent waiting (see warm-snapshot.ts, src/core/warm). */
export interface WarmSnapshot {
  /** WarmSnapshotTarget.key: what the state depends on. */
  key: string;
  state: ArrayBuffer;
  buffer: AgentBuffer;
  /** The console output of the snapshot boot up to the snapshot: the kernel log a warm boot shows as its own. */
  log: Uint8Array;
  memoryMiB: number;
}

/** What a warm start cost, before the user's init runs. */
export interface WarmTimings extends RunnerTimings {
  /** Restoring the state (into the emulator handed over, or a new one). */
  restoreMs: number;
  /** Writing the files into the agent's buffer and waking it. */
  deliverMs: number;
  /** Whether an emulator was handed over (restore into a running one) or made. */
  reused: boolean;
}

/** A state that does not hold a waiting agent where its snapshot says: the warm boot is refused. */
export class WarmRestoreError extends Error {
  constructor(detail: string) {
    super(`the warm snapshot could not be used: ${detail}`);
    this.name = "WarmRestoreError";
  }
}

export interface V86RunnerOptions {
  /** A SeaBIOS image (Debian's /usr/share/seabios/bios.bin or prebuilt/seabios.bin). */
  bios: Uint8Array;
  /** A VGA BIOS. Not needed for a serial console; leaving it out skips the VGA option ROM. */
  vgaBios?: Uint8Array;
  /**
   * The compiled v86 wasm (build/v86.wasm of the npm package). A function, so the host decides
   * how to fetch it and can compile once and reuse the module for every boot.
   */
  wasm: () => Promise<WebAssembly.Module>;
  /**
   * v86's x86-to-wasm JIT. "auto" (default): off while the guest boots, on from the first input
   * sent to the guest or once it has run JIT_AUTO_ENABLE_INSTRUCTIONS, whichever comes first.
   * A boot runs most code once, so compiling it to wasm (and V8 compiling that wasm) costs more
   * than it saves: with the LZ4 tiny kernel the JIT tripled the CPU time to the first prompt
   * (4.8 s against 1.2 s, 31M guest instructions either way). What runs after the prompt
   * repeats (a shell loop ran 4x faster with the JIT), and a long computation during the boot
   * (an XZ kernel's decompressor, 370M instructions) crosses the threshold and gets it too.
   */
  jit?: "auto" | "on" | "off";
  /** Further v86 settings, applied last (for experiments and benchmarks). */
  v86Options?: Partial<V86Options>;
}

const MiB = 1024 * 1024;

/** v86's bus event for HLT with interrupts off: the CPU can never resume (v86 has no NMIs). */
const CPU_HALT_EVENT = "cpu-event-halt";
interface BusListeners {
  add_listener(event: string, listener: () => void): void;
  remove_listener(event: string, listener: () => void): void;
}

/** With `jit: "auto"`, the JIT comes on after this many guest instructions even if nobody types
 * (twice what the tiny kernel needs to reach its prompt). */
export const JIT_AUTO_ENABLE_INSTRUCTIONS = 60_000_000;

/** The console byte that wakes a waiting warm-boot agent (it reads one byte with echo off). */
const WAKE_AGENT = new Uint8Array([0x0a]);
/** How long the agent may take to copy one chunk of the files before the warm boot is given up. */
const AGENT_ANSWER_MS = 10_000;

export class V86Runner implements Runner {
  readonly emulator = "v86" as const;
  private instance: V86 | undefined;
  private readonly serial = new ListenerSet<Uint8Array>();
  private readonly exits = new ListenerSet<RunnerExit>();
  private pending: number[] = [];
  private flushScheduled = false;
  private stopped = false;
  private jitEnabled = false;
  private jitTimer: ReturnType<typeof setInterval> | undefined;
  private halted = false;
  /** The instruction count when this runner's guest started (a restored one starts where its snapshot was). */
  private jitBase = 0;
  /** Whether the emulator has no disks and no network backend, as a warm snapshot's machine has (surrender). */
  private bareMachine = true;
  /** The virtual LAN the guest's card is on (BootSpec.lan), while it runs. */
  private lan: LanConnection | undefined;
  /** hda and hdb: v86 writes the guest's disk writes into these buffers. */
  private diskBuffers: ArrayBuffer[] = [];

  constructor(private readonly options: V86RunnerOptions) {}

  async start(spec: BootSpec): Promise<RunnerTimings> {
    const warm = this.warm;
    if (warm) {
      this.warm = undefined;
      if (spec.memoryMiB !== warm.snapshot.memoryMiB) throw new WarmRestoreError(`the snapshot has ${warm.snapshot.memoryMiB} MiB of memory, the boot wants ${spec.memoryMiB}`);
      return this.startWarm(warm.snapshot, warm.archive, warm.options);
    }
    if (this.stopped) throw new Error("V86Runner.start: this runner was stopped; create a new one");
    if (this.instance) throw new Error("V86Runner.start: this runner already started a guest; create a new one");
    const problems = validateBootSpec(spec);
    if (spec.disks.length > 2) problems.push(`disks: got ${spec.disks.length}, v86 attaches at most 2 (hda, hdb)`);
    const disks: Uint8Array[] = [];
    for (const disk of spec.disks) {
      // v86 holds its disks in memory: a disk on the host must be read first (loadHostDisks in Node).
      if (isHostDisk(disk)) problems.push(`disk ${disk.path}: v86 needs the image's bytes, not a file name; read it first`);
      else disks.push(disk);
    }
    const initrd = spec.initrds.length ? prepareInitrd(spec.initrds) : undefined;
    // v86 copies the initrd to 64 MiB; with too little memory it fails later, inside an
    // unreachable promise, with a bare RangeError. Say it here instead.
    const needed = initrd ? minimumV86MemoryMiB(initrd.length) : 16;
    if (spec.memoryMiB < needed) {
      problems.push(
        `memory: got ${spec.memoryMiB} MiB, v86 loads the initrd at ${V86_INITRD_ADDRESS_MIB} MiB so it needs at least ${needed} MiB for this ${(initrd!.length / MiB).toFixed(1)} MiB initrd (128 works)`,
      );
    }
    if (problems.length) throw new Error(problems.join("; "));

    const startedAt = performance.now();
    const config = await this.config(spec.memoryMiB);
    if (this.stopped) return { emulatorStartMs: performance.now() - startedAt };
    // A copy: v86 writes the boot protocol's fields into the bzImage's header (src/kernel.js).
    config.bzimage = { buffer: ownedBuffer(spec.kernel) };
    config.cmdline = spec.cmdline;
    if (initrd) config.initrd = { buffer: readOnlyBuffer(initrd) };
    this.diskBuffers = disks.map(ownedBuffer);
    this.bareMachine = disks.length === 0 && !spec.network;
    if (this.diskBuffers[0]) config.hda = { buffer: this.diskBuffers[0] };
    if (this.diskBuffers[1]) config.hdb = { buffer: this.diskBuffers[1] };
    // The fetch backend (network.ts): DHCP and DNS inside v86, HTTP to port 80 through fetch().
    // On a LAN the card has no backend of v86's: joinLan connects it once the emulator exists.
    if (spec.network) config.net_device = spec.lan === undefined ? { type: V86_NIC, relay_url: "fetch" } : { type: V86_NIC };
    Object.assign(config, this.options.v86Options);
    await this.create(config);
    if (spec.network && spec.lan !== undefined && this.instance) this.lan = joinLan(this.instance, spec.lan);
    const emulatorStartMs = performance.now() - startedAt;
    if (!this.stopped) await this.instance!.run();
    this.startJitTimer();
    return { emulatorStartMs };
  }

  /**
   * Boots warm: restores `snapshot` (into the emulator `handOver` gives up, when there is one of
   * the same memory size: much faster than making one), checks that the agent waits where the
   * snapshot says, writes `archive` and the wall clock into its buffer and wakes it with one
   * console byte. The snapshot's console log comes out first, as this boot's own; the agent
   * prints nothing, so what follows is the user's init. Throws WarmRestoreError when the state
   * is not what its snapshot says (the caller boots cold instead).
   */
  async startWarm(snapshot: WarmSnapshot, archive: Uint8Array, options: { handOver?: V86Runner; wallClockMs?: number } = {}): Promise<WarmTimings> {
    if (this.stopped) throw new Error("V86Runner.startWarm: this runner was stopped; create a new one");
    if (this.instance) throw new Error("V86Runner.startWarm: this runner already started a guest; create a new one");
    const startedAt = performance.now();
    const deliveries = warmDeliveries(snapshot.buffer, archive, options.wallClockMs ?? Date.now());
    const given = options.handOver?.memoryMiB === snapshot.memoryMiB ? options.handOver.surrender() : undefined;
    await options.handOver?.stop();
    let restoreMs: number;
    if (given) {
      this.adopt(given);
      const restoreStarted = performance.now();
      try {
        await given.restore_state(snapshot.state);
      } catch (error) {
        throw new WarmRestoreError(error instanceof Error ? error.message : String(error));
      }
      restoreMs = performance.now() - restoreStarted;
    } else {
      const config = await this.config(snapshot.memoryMiB);
      if (this.stopped) return { emulatorStartMs: performance.now() - startedAt, restoreMs: 0, deliverMs: 0, reused: false };
      config.initial_state = { buffer: snapshot.state };
      Object.assign(config, this.options.v86Options);
      const restoreStarted = performance.now();
      await this.create(config);
      restoreMs = performance.now() - restoreStarted;
    }
    this.memoryMiB = snapshot.memoryMiB;
    const instance = this.instance!;
    // A restored guest interprets until it is typed at, as a cold one does (see `jit`).
    this.setJit((this.options.jit ?? "auto") === "on");
    const deliverStarted = performance.now();
    if (!isAgentBufferWaiting(instance.read_memory(0, snapshot.memoryMiB * MiB), snapshot.buffer)) {
      throw new WarmRestoreError("no warm-boot agent waits in the restored memory");
    }
    this.serial.emit(snapshot.log.slice());
    if (!instance.is_running()) await instance.run();
    for (const delivery of deliveries) {
      if (delivery.offset > 0) await this.untilAgentReceived(snapshot.buffer, delivery.offset);
      for (const write of delivery.writes) instance.write_memory(write.bytes, write.address);
      instance.serial_send_bytes(0, WAKE_AGENT);
    }
    const deliverMs = performance.now() - deliverStarted;
    this.jitBase = this.instructionCount();
    this.startJitTimer();
    return { emulatorStartMs: performance.now() - startedAt, restoreMs, deliverMs, reused: given !== undefined };
  }

  /**
   * Makes the next `start(spec)` a warm start (startWarm) of the plan that `spec`, `snapshot`
   * and `archive` were made from (planWarm in src/core/warm): for code that starts runners
   * through the Runner interface, such as a RunnerSession.
   */
  bootWarm(snapshot: WarmSnapshot, archive: Uint8Array, options: { handOver?: V86Runner; wallClockMs?: number } = {}): this {
    this.warm = { snapshot, archive, options };
    return this;
  }
  private warm: { snapshot: WarmSnapshot; archive: Uint8Array; options: { handOver?: V86Runner; wallClockMs?: number } } | undefined;

  /** Waits while the guest runs until the agent has taken `bytes` of the archive (a chunk boundary). */
  private async untilAgentReceived(buffer: AgentBuffer, bytes: number): Promise<void> {
    const deadline = performance.now() + AGENT_ANSWER_MS;
    while (receivedBytes(this.physicalMemory(), buffer) !== bytes) {
      if (this.stopped) throw new WarmRestoreError("the guest was stopped while the files were delivered");
      if (performance.now() > deadline) throw new WarmRestoreError(`the warm-boot agent did not take the files within ${AGENT_ANSWER_MS / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  }

  /** Pauses the guest (v86's stop, not destroy): it can be resumed, or handed over to a warm start. */
  async pause(): Promise<void> {
    if (this.instance && !this.stopped) await this.instance.stop();
  }

  /** Saves the running guest's whole state (v86's save_state): memory, CPU and devices. */
  async saveState(): Promise<ArrayBuffer> {
    if (!this.instance || this.stopped) throw new Error("V86Runner.saveState: no guest is running");
    return this.instance.save_state();
  }

  /** The guest's physical memory, read in place (valid until the guest runs on). */
  physicalMemory(): Uint8Array {
    if (!this.instance || this.stopped) return new Uint8Array();
    return this.instance.read_memory(0, this.memoryMiB * MiB);
  }

  /**
   * Gives this runner's emulator to another runner (startWarm's `handOver`): this runner stops,
   * its listeners come off, and the emulator keeps running for its new owner to restore a state
   * into. Undefined when there is none to give.
   */
  surrender(): V86 | undefined {
    const instance = this.instance;
    // Only a machine like the snapshot's: no disks attached, no network backend on its card
    // (a restored guest must not find the previous boot's disks or network under it).
    if (!instance || this.stopped || !this.bareMachine) return undefined;
    this.detach(instance);
    this.instance = undefined;
    this.stopped = true;
    if (this.jitTimer !== undefined) clearInterval(this.jitTimer);
    return instance;
  }

  /** The memory of the guest this runner started, in MiB (0 before a start). */
  memoryMiB = 0;

  /** The v86 settings every start shares; the caller adds the boot's own. */
  private async config(memoryMiB: number): Promise<V86Options> {
    const module = await this.options.wasm();
    this.memoryMiB = memoryMiB;
    const config: V86Options = {
      wasm_fn: async (imports) => (await WebAssembly.instantiate(module, imports)).exports,
      memory_size: memoryMiB * MiB,
      // The guest uses the serial console only; a small VGA memory costs less to allocate.
      vga_memory_size: 2 * MiB,
      bios: { buffer: ownedBuffer(this.options.bios) },
      autostart: false,
      acpi: false,
      disable_keyboard: true,
      disable_mouse: true,
      disable_speaker: true,
      screen: { container: null },
    };
    if (this.options.vgaBios) config.vga_bios = { buffer: ownedBuffer(this.options.vgaBios) };
    if ((this.options.jit ?? "auto") !== "on") config.disable_jit = true;
    return config;
  }

  private async create(config: V86Options): Promise<void> {
    const instance = new V86(config);
    this.adopt(instance);
    await new Promise<void>((resolve) => {
      const loaded = () => {
        instance.remove_listener("emulator-loaded", loaded);
        resolve();
      };
      instance.add_listener("emulator-loaded", loaded);
    });
  }

  private adopt(instance: V86): void {
    this.instance = instance;
    instance.add_listener("serial0-output-byte", this.onSerialByte);
    // Not in v86's typings: the bus event its wasm sends on HLT with interrupts off.
    (instance as unknown as BusListeners).add_listener(CPU_HALT_EVENT, this.onHalt);
  }

  private detach(instance: V86): void {
    this.lan?.leave();
    this.lan = undefined;
    instance.remove_listener("serial0-output-byte", this.onSerialByte);
    (instance as unknown as BusListeners).remove_listener(CPU_HALT_EVENT, this.onHalt);
    this.flush();
  }

  private startJitTimer(): void {
    if ((this.options.jit ?? "auto") !== "auto" || this.jitEnabled) return;
    this.jitTimer = setInterval(() => {
      if (this.instructionCount() - this.jitBase >= JIT_AUTO_ENABLE_INSTRUCTIONS) this.enableJit();
    }, 50);
  }

  onSerial(listener: (bytes: Uint8Array) => void): Disposable {
    return this.serial.add(listener);
  }

  /**
   * v86 has no process to exit and implements no ACPI power-off: a guest that powers off or
   * halts (`poweroff -f`, `halt -f`, the kernel's "reboot: Power down") ends by executing HLT
   * with interrupts off, which v86 reports as `cpu-event-halt`. That fires this, once, with
   * `halted: true`, after the serial bytes printed before it.
   */
  onExit(listener: (exit: RunnerExit) => void): Disposable {
    return this.exits.add(listener);
  }

  /**
   * The disks (hda, hdb) as the guest has written them so far: views of the buffers v86 works
   * on, valid after stop(). What the guest did not sync is still in its page cache, not here.
   */
  disks(): Uint8Array[] {
    return this.diskBuffers.map((buffer) => new Uint8Array(buffer));
  }

  send(data: Uint8Array | string): void {
    if (!this.instance || this.stopped) return;
    if ((this.options.jit ?? "auto") === "auto") this.enableJit();
    const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
    this.instance.serial_send_bytes(0, bytes);
  }

  /**
   * Turns the JIT on in a running guest. v86 has no public call for this; its wasm exports
   * `set_jit_config(0, disabled)`, which the `disable_jit` setting uses at start-up.
   */
  enableJit(): void {
    if (this.jitTimer !== undefined) clearInterval(this.jitTimer);
    this.jitTimer = undefined;
    if (this.jitEnabled || !this.instance || this.stopped) return;
    this.setJit(true);
  }

  /** Sets v86's JIT on or off (its wasm's `set_jit_config(0, disabled)`). */
  private setJit(on: boolean): void {
    const cpu = (this.instance as unknown as { v86?: { cpu?: { set_jit_config?: (index: number, value: number) => void } } } | undefined)?.v86?.cpu;
    if (typeof cpu?.set_jit_config !== "function") return; // a v86 without it keeps interpreting
    cpu.set_jit_config(0, on ? 0 : 1);
    this.jitEnabled = on;
  }

  /** Whether the JIT is on now (see V86RunnerOptions.jit). */
  get jitActive(): boolean {
    return this.jitEnabled || (this.instance !== undefined && (this.options.jit ?? "auto") === "on");
  }

  /** Instructions the emulated CPU has executed: where the guest's time goes, host-independent. */
  instructionCount(): number {
    return this.instance ? this.instance.get_instruction_counter() : 0;
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.jitTimer !== undefined) clearInterval(this.jitTimer);
    const instance = this.instance;
    if (!instance) return;
    this.detach(instance);
    await instance.destroy();
  }

  async dispose(): Promise<void> {
    await this.stop();
    this.serial.clear();
    this.exits.clear();
  }

  private readonly onHalt = (): void => {
    if (this.halted || this.stopped) return;
    this.halted = true;
    this.flush(); // "reboot: Power down" comes before the exit, as on QEMU
    this.exits.emit({ reason: "the guest halted its CPU (powered off or halted)", halted: true });
  };

  // v86 reports one byte per event; hand them on in batches, one per emulator time slice.
  private readonly onSerialByte = (byte: number): void => {
    this.pending.push(byte);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  };

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length === 0) return;
    const bytes = Uint8Array.from(this.pending);
    this.pending = [];
    this.serial.emit(bytes);
  }
}

/**
 * An ArrayBuffer holding exactly `bytes`, for the initrd, which v86 only copies into guest
 * memory (src/kernel.js reads it; the bzImage, whose header it writes, gets a copy): their own
 * buffer when they fill it, so a 1 GiB initrd is not held twice; a copy of a view otherwise.
 */
function readOnlyBuffer(bytes: Uint8Array): ArrayBuffer {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
  return ownedBuffer(bytes);
}

/** A fresh ArrayBuffer holding exactly `bytes`: v86 keeps the buffers it gets, and writes some (disks, the bzImage's header). */
function ownedBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}
