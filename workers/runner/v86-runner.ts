// The v86 runner: builds a v86 emulator from bytes, streams its serial port, types into it, and
// stops it. It knows nothing about its host: the browser worker and the Node CLI both use this
// module unchanged and only differ in how they obtain the BIOS and the compiled wasm.
import { V86, type V86Options } from "v86";
import {
  isHostDisk,
  ListenerSet,
  V86_INITRD_ADDRESS_MIB,
  prepareInitrd,
  minimumV86MemoryMiB,
  validateBootSpec,
  type BootSpec,
  type Disposable,
  type Runner,
  type RunnerExit,
  type RunnerTimings,
} from "../../src/core/boot/index.ts";

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
  /** hda and hdb: v86 writes the guest's disk writes into these buffers. */
  private diskBuffers: ArrayBuffer[] = [];

  constructor(private readonly options: V86RunnerOptions) {}

  async start(spec: BootSpec): Promise<RunnerTimings> {
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
    const module = await this.options.wasm();
    if (this.stopped) return { emulatorStartMs: performance.now() - startedAt };
    const config: V86Options = {
      wasm_fn: async (imports) => (await WebAssembly.instantiate(module, imports)).exports,
      memory_size: spec.memoryMiB * MiB,
      // The guest uses the serial console only; a small VGA memory costs less to allocate.
      vga_memory_size: 2 * MiB,
      bios: { buffer: ownedBuffer(this.options.bios) },
      bzimage: { buffer: ownedBuffer(spec.kernel) },
      cmdline: spec.cmdline,
      autostart: false,
      acpi: false,
      disable_keyboard: true,
      disable_mouse: true,
      disable_speaker: true,
      screen: { container: null },
    };
    if (this.options.vgaBios) config.vga_bios = { buffer: ownedBuffer(this.options.vgaBios) };
    if (initrd) config.initrd = { buffer: ownedBuffer(initrd) };
    this.diskBuffers = disks.map(ownedBuffer);
    if (this.diskBuffers[0]) config.hda = { buffer: this.diskBuffers[0] };
    if (this.diskBuffers[1]) config.hdb = { buffer: this.diskBuffers[1] };
    const jit = this.options.jit ?? "auto";
    if (jit !== "on") config.disable_jit = true;
    Object.assign(config, this.options.v86Options);

    const instance = new V86(config);
    this.instance = instance;
    instance.add_listener("serial0-output-byte", this.onSerialByte);
    // Not in v86's typings: the bus event its wasm sends on HLT with interrupts off.
    (instance as unknown as BusListeners).add_listener(CPU_HALT_EVENT, this.onHalt);
    await new Promise<void>((resolve) => {
      const loaded = () => {
        instance.remove_listener("emulator-loaded", loaded);
        resolve();
      };
      instance.add_listener("emulator-loaded", loaded);
    });
    const emulatorStartMs = performance.now() - startedAt;
    if (!this.stopped) await instance.run();
    if (jit === "auto") {
      this.jitTimer = setInterval(() => {
        if (this.instructionCount() >= JIT_AUTO_ENABLE_INSTRUCTIONS) this.enableJit();
      }, 50);
    }
    return { emulatorStartMs };
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
    const cpu = (this.instance as unknown as { v86?: { cpu?: { set_jit_config?: (index: number, value: number) => void } } }).v86?.cpu;
    if (typeof cpu?.set_jit_config !== "function") return; // a v86 without it keeps interpreting
    cpu.set_jit_config(0, 0);
    this.jitEnabled = true;
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
    instance.remove_listener("serial0-output-byte", this.onSerialByte);
    (instance as unknown as BusListeners).remove_listener(CPU_HALT_EVENT, this.onHalt);
    this.flush();
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

/** A fresh ArrayBuffer holding exactly `bytes`: v86 keeps (and for disks, writes) the buffer it gets. */
function ownedBuffer(bytes: Uint8Array): ArrayBuffer {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return copy.buffer;
}
