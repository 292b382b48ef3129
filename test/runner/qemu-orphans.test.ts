// QEMU never outlives bootlab: `kill -9` of `bootlab boot --emulator qemu` leaves no QEMU of that
// run and no temporary directory; a directory left by a bootlab killed before its guest ran is
// removed by the next run; SIGHUP cleans up like SIGINT and SIGTERM.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../../src/cli/exec.ts";
import { pdeathsigWrapper, removeStaleWorkDirectories, WORK_DIR_PREFIX } from "../../src/cli/runners/qemu-runner.ts";

const BIN = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));
const SIGNALS = fileURLToPath(new URL("../../src/cli/signals.ts", import.meta.url));

/** Pids of processes whose command line mentions `marker`. */
function processesWith(marker: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, "latin1").includes(marker)) pids.push(Number(name));
    } catch {}
  }
  return pids;
}

async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

test("kill -9 of bootlab boot --emulator qemu leaves no QEMU of that run and no temporary directory", { timeout: 180_000 }, async () => {
  assert.ok(await pdeathsigWrapper(), "setpriv --pdeathsig (util-linux) is there: QEMU is started through it");
  // A private TMPDIR is the run's marker: QEMU's -kernel path lies in it.
  const tmp = mkdtempSync(join(tmpdir(), "bootlab-orphan-test-"));
  const child = spawn(process.execPath, [BIN, "boot", "--emulator", "qemu", "--accel", "tcg", "--timeout", "120"], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: ["pipe", "pipe", "pipe"], // stdin stays open: bootlab waits for the prompt to type
  });
  try {
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("latin1")));
    child.stderr.on("data", () => {});
    assert.ok(await waitFor(() => output.length > 0, 90_000), "the guest wrote to the serial console");
    assert.ok(processesWith(tmp).length > 0, "QEMU runs with its files in the private TMPDIR");
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    const gone = await waitFor(() => processesWith(tmp).length === 0, 10_000);
    assert.ok(gone, `QEMU of the killed run still runs: pids ${processesWith(tmp).join(", ")}`);
    const left = readdirSync(tmp).filter((n) => n.startsWith(WORK_DIR_PREFIX));
    assert.deepEqual(left, [], "no temporary directory is left");
  } finally {
    child.kill("SIGKILL");
    for (const pid of processesWith(tmp)) process.kill(pid, "SIGKILL"); // never leave an orphan behind
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("a directory left by a bootlab that is gone is removed by the next run; a live one's is kept", async () => {
  const tmp = mkdtempSync(join(tmpdir(), "bootlab-stale-test-"));
  try {
    // A pid that is surely gone: a child that has exited.
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => dead.once("exit", r));
    const stale = join(tmp, `${WORK_DIR_PREFIX}${dead.pid}-abc123`);
    const live = join(tmp, `${WORK_DIR_PREFIX}${process.pid}-def456`);
    const other = join(tmp, "bootlab-qemu-not-ours");
    for (const dir of [stale, live, other]) mkdirSync(dir);
    assert.deepEqual(await removeStaleWorkDirectories(tmp), [stale]);
    assert.ok(!existsSync(stale) && existsSync(live) && existsSync(other));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test("onTerminationSignal: SIGHUP, SIGINT and SIGTERM run the cleanup and exit 128 + the signal", async () => {
  for (const [signal, code] of [["SIGHUP", 129], ["SIGINT", 130], ["SIGTERM", 143]] as const) {
    const script = `import { onTerminationSignal } from ${JSON.stringify(SIGNALS)};
      onTerminationSignal(async (s) => { await new Promise((r) => setTimeout(r, 50)); console.log("cleaned after " + s); });
      setInterval(() => {}, 1000);
      process.kill(process.pid, ${JSON.stringify(signal)});`;
    const r = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { check: false });
    assert.equal(r.code, code, r.stderr);
    assert.equal(r.stdout.trim(), `cleaned after ${signal}`);
  }
});
