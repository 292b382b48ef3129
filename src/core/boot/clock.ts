// The time a boot session reads and the timers it sets, injected so that the session can be
// driven by a fake clock in tests (no real waiting) and by the host's clock in the page and CLI.

/** A timer handle as the clock returned it; only given back to the same clock. */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds, any origin, never going back. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/**
 * The host's clock: `performance.now()` and the global timers, which browsers, workers and Node
 * all have. Read through `globalThis` because core compiles with lib ES2022 only (no DOM, no
 * @types/node), where neither is declared.
 */
export function systemClock(): Clock {
  const host = globalThis as unknown as {
    performance?: { now(): number };
    setTimeout(callback: () => void, ms: number): unknown;
    clearTimeout(handle: unknown): void;
  };
  return {
    now: () => (host.performance ? host.performance.now() : Date.now()),
    setTimeout: (callback, ms) => host.setTimeout(callback, ms),
    clearTimeout: (handle) => host.clearTimeout(handle),
  };
}
