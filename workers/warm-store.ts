// Warm snapshots in the page's worker: made in the background after a cold boot has gone quiet,
// kept in memory for this visit and in IndexedDB for the next (one store for boots, one for the
// C build guest of src/core/cinit) (keyed by WarmSnapshotTarget.key,
// checked by sha256 when read back). Storage that is full, refused or corrupt only costs speed:
// every failure here means a cold boot, never a broken guest.
import { createStore, del, get, set, type UseStore } from "idb-keyval";
import type { AgentBuffer, WarmSnapshotTarget } from "../src/core/warm/index.ts";
import type { V86RunnerOptions, WarmSnapshot } from "./runner/v86-runner.ts";
import { takeWarmSnapshot } from "./runner/warm-snapshot.ts";

interface StoredSnapshot {
  key: string;
  state: ArrayBuffer;
  sha256: string;
  buffer: AgentBuffer;
  log: Uint8Array;
  memoryMiB: number;
}

/**
 * Where a store keeps its one snapshot across visits: the boots' store the last made (a state
 * is about 10 MB) under "last", the C build guest's under "build"; the key alone under
 * "<slot>-key", so a first visit learns there is nothing kept without reading a state.
 */
export type WarmSlot = "last" | "build";

export class WarmStore {
  private readonly ready = new Map<string, WarmSnapshot>();
  private making: { key: string; abort: AbortController; done: Promise<void> } | undefined;
  private store: UseStore | undefined;

  private readonly KEPT: string;
  private readonly KEPT_KEY: string;

  constructor(
    private readonly runnerOptions: () => Promise<V86RunnerOptions>,
    slot: WarmSlot = "last",
  ) {
    this.KEPT = slot;
    this.KEPT_KEY = `${slot}-key`;
    try {
      this.store = createStore("bootlab-warm", "snapshots");
    } catch {
      this.store = undefined; // no IndexedDB in this context: snapshots last one visit
    }
  }

  /**
   * Waits for the snapshot of `key` when it is being made now (it takes about a cold boot's
   * time, so waiting beats booting cold and starting it again); any other is dropped.
   */
  async settle(key: string | undefined): Promise<void> {
    if (this.making && this.making.key === key) await this.making.done;
    else this.cancel();
  }

  /** The snapshot for `key`: from this visit, else kept from an earlier one (checked), else undefined. */
  async find(key: string): Promise<WarmSnapshot | undefined> {
    const here = this.ready.get(key);
    if (here) return here;
    if (!this.store) return undefined;
    try {
      if ((await this.keptKey()) !== key) return undefined;
      const kept = await get<StoredSnapshot>(this.KEPT, this.store);
      if (!kept || kept.key !== key) return undefined;
      if ((await sha256Hex(new Uint8Array(kept.state))) !== kept.sha256) {
        await del(this.KEPT, this.store);
        return undefined;
      }
      const snapshot: WarmSnapshot = { key: kept.key, state: kept.state, buffer: kept.buffer, log: kept.log, memoryMiB: kept.memoryMiB };
      this.ready.set(key, snapshot);
      return snapshot;
    } catch {
      return undefined;
    }
  }

  /** The key of the snapshot kept from an earlier visit, if any (cheap: the state is not read). */
  async keptKey(): Promise<string | undefined> {
    if (!this.store) return undefined;
    try {
      return await get<string>(this.KEPT_KEY, this.store);
    } catch {
      return undefined;
    }
  }

  /** Forgets a snapshot that could not be restored, here and in storage. */
  async discard(key: string): Promise<void> {
    this.ready.delete(key);
    if (!this.store) return;
    try {
      if ((await this.keptKey()) === key) {
        await del(this.KEPT_KEY, this.store);
        await del(this.KEPT, this.store);
      }
    } catch {
      // storage unavailable: nothing kept to discard
    }
  }

  /** Starts making the snapshot for `target` unless it exists or is being made; a different one being made is dropped. */
  make(target: WarmSnapshotTarget): void {
    if (this.ready.has(target.key) || this.making?.key === target.key) return;
    this.making?.abort.abort();
    const abort = new AbortController();
    const done = (async () => {
      try {
        const snapshot = await takeWarmSnapshot(await this.runnerOptions(), target, { signal: abort.signal });
        if (abort.signal.aborted) return;
        this.ready.clear(); // one state in memory: the one this project boots
        this.ready.set(target.key, snapshot);
        await this.keep(snapshot);
      } catch {
        // A snapshot that could not be made leaves the boots cold; the next cold boot tries again.
      } finally {
        if (this.making?.abort === abort) this.making = undefined;
      }
    })();
    this.making = { key: target.key, abort, done };
  }

  /** Stops making a snapshot (the worker is about to boot and needs the CPU). */
  cancel(): void {
    this.making?.abort.abort();
    this.making = undefined;
  }

  private async keep(snapshot: WarmSnapshot): Promise<void> {
    if (!this.store) return;
    try {
      const stored: StoredSnapshot = { key: snapshot.key, state: snapshot.state, sha256: await sha256Hex(new Uint8Array(snapshot.state)), buffer: snapshot.buffer, log: snapshot.log, memoryMiB: snapshot.memoryMiB };
      await del(this.KEPT_KEY, this.store); // never a key naming a state that is not (yet) there
      await set(this.KEPT, stored, this.store);
      await set(this.KEPT_KEY, stored.key, this.store);
    } catch {
      // Full or refused storage: the snapshot lasts this visit only.
    }
  }
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}
