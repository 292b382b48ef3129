// Option checks the commands share (src/cli/options.ts): bounds, and messages that name them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { CliError, EXIT_USAGE } from "../../src/cli/command.ts";
import { boundedNumber, byteSize, MAX_TIMEOUT_SECONDS, timeoutSeconds } from "../../src/cli/options.ts";

function usageError(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error: unknown) => error instanceof CliError && error.exitCode === EXIT_USAGE && message.test(error.message));
}

test("boundedNumber accepts the range, ends included, and refuses the rest naming the range", () => {
  assert.equal(boundedNumber("--memory", "16", "MiB", 16, 3072, { integer: true }), 16);
  assert.equal(boundedNumber("--memory", "3072", "MiB", 16, 3072, { integer: true }), 3072);
  for (const bad of ["15", "3073", "1e10", "Infinity", "NaN", "", " ", "12abc", "100.5"]) {
    usageError(() => boundedNumber("--memory", bad, "MiB", 16, 3072, { integer: true }), /^--memory: got ".*", want a whole number of MiB from 16 to 3072$/);
  }
});

test("--timeout 1e10 is a usage error: Node's timers cannot hold it", () => {
  usageError(() => timeoutSeconds("--timeout", "1e10"), /--timeout: got "1e10", want a number of seconds from 0\.001 to 86400/);
  usageError(() => timeoutSeconds("--timeout", "0"), /from 0\.001/);
  assert.equal(timeoutSeconds("--timeout", "2.5"), 2.5);
  assert.equal(timeoutSeconds("--timeout", String(MAX_TIMEOUT_SECONDS)), MAX_TIMEOUT_SECONDS);
  // The longest accepted value still fits a Node timer (2^31-1 ms).
  assert.ok(MAX_TIMEOUT_SECONDS * 1000 <= 2 ** 31 - 1);
});

test("byteSize reads K, M and G as powers of 1024 and refuses the rest", () => {
  assert.equal(byteSize("--max-size", "1500"), 1500);
  assert.equal(byteSize("--max-size", "512M"), 512 * 2 ** 20);
  assert.equal(byteSize("--max-size", "2g"), 2 * 2 ** 30);
  assert.equal(byteSize("--max-size", "1.5KiB"), 1536);
  assert.equal(byteSize("--max-size", "4G"), 4 * 2 ** 30);
  for (const bad of ["0", "5G", "1T", "-1", "", "lots", "1e3"]) {
    usageError(() => byteSize("--max-size", bad), /--max-size: got ".*", want a size from 1 byte to 4G/);
  }
});
