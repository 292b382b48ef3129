// `bootlab boot` at a terminal: `script` (util-linux) gives it a pseudo-terminal, so stdin is a
// TTY and the command attaches it to the guest's serial console in raw mode. Ctrl-] leaves.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { exitCodeOf, start } from "../../src/cli/exec.ts";

const BIN = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));

test("attaches the terminal, passes keys through, and leaves on Ctrl-] with exit 0", async () => {
  const child = start("script", ["-qec", `${process.execPath} ${BIN} boot --emulator qemu --accel tcg`, "/dev/null"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const seen = (text: string | RegExp, ms = 60_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${text} in ${ms} ms; output so far:\n${output}`)), ms);
      const check = () => {
        if (typeof text === "string" ? output.includes(text) : text.test(output)) {
          clearTimeout(timer);
          child.stdout!.off("data", check);
          resolve();
        }
      };
      child.stdout!.on("data", check);
      check();
    });
  child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  const code = exitCodeOf(child);
  try {
    await seen("press Ctrl-] to leave");
    await seen(/\/ # $/);
    // Raw mode: Enter arrives as "\r", which the guest's terminal turns into a line end.
    child.stdin!.write("echo attached-$((2+3))\r");
    await seen("attached-5");
    child.stdin!.write("\x1d");
    assert.equal(await code, 0);
    assert.match(output, /left the console \(Ctrl-\]\)/);
  } finally {
    child.kill();
  }
});
