// Leaving cleanly when the user or the system asks bootlab to stop: Ctrl-C (SIGINT), kill
// (SIGTERM) and a closed terminal or SSH session (SIGHUP) all stop the guest and remove its
// files before bootlab exits. SIGKILL runs no handler: QemuRunner covers it on its own
// (parent-death signal, early removal of its directory).

/** The signals after which bootlab cleans up and exits, and their numbers on Linux. */
export const TERMINATION_SIGNALS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
export type TerminationSignal = keyof typeof TERMINATION_SIGNALS;

/**
 * Runs `cleanup` once on the first SIGINT, SIGTERM or SIGHUP, then exits with 128 + the
 * signal's number (130 for Ctrl-C, as shells report it). A second signal while cleanup runs
 * exits at once. Returns a function that removes the handlers (call it when the work is done).
 *
 * For `bootlab boot`: `const off = onTerminationSignal(() => session.stop());` ...
 * `finally { off(); await session.stop(); }`.
 */
export function onTerminationSignal(cleanup: (signal: TerminationSignal) => Promise<void> | void): () => void {
  let cleaning = false;
  const handler = (signal: TerminationSignal) => {
    const code = 128 + TERMINATION_SIGNALS[signal];
    if (cleaning) process.exit(code);
    cleaning = true;
    Promise.resolve()
      .then(() => cleanup(signal))
      .catch(() => {})
      .finally(() => process.exit(code));
  };
  const signals = Object.keys(TERMINATION_SIGNALS) as TerminationSignal[];
  for (const signal of signals) process.on(signal, handler);
  return () => {
    for (const signal of signals) process.off(signal, handler);
  };
}
