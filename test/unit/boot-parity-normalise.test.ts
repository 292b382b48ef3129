// The parity normalisation itself (src/core/boot/parity.ts): it must remove only what its documentation says.
import { test } from "node:test";
import assert from "node:assert/strict";
import { dropKernelMessages, normaliseBoot, normaliseOutput, normalisePs } from "../../src/core/boot/index.ts";

test("kernel messages go, also mid-line, and the user's text joins up again", () => {
  const text = "[    0.6] Run /init as init process\nWelcome\nPlease press Enter to activate this console. [    3.1] clocksource: x\n\n/ # ";
  assert.deepEqual(normaliseBoot(text), ["Welcome", "Please press Enter to activate this console. ", "/ # "]);
  assert.equal(dropKernelMessages("a\n[   1.000000] msg\nb"), "a\nb");
  // As QEMU printed it once: a message after a command's last line of output, before the prompt.
  assert.equal(dropKernelMessages("bin  dev\nsbin  sys\n[    1.248126] clocksource: tsc: mask: 0xff"), "bin  dev\nsbin  sys");
});

test("ps: kernel threads dropped, PIDs renumbered, TIME blanked", () => {
  assert.deepEqual(
    normalisePs(["PID   USER     TIME  COMMAND", "    1 0         0:00 init", "    2 0         0:00 [kthreadd]", "   17 0         0:01 -/bin/sh", "   23 0         0:00 ps"]),
    ["PID   USER     TIME  COMMAND", "#1 0 init", "#2 0 -/bin/sh", "#3 0 ps"],
  );
});

test("mount sizes and addresses are blanked, everything else kept", () => {
  assert.deepEqual(normaliseOutput("mount", "rootfs on / type rootfs (rw,size=54572k,nr_inodes=13643)\nproc on /proc type proc (rw,relatime)"), [
    "rootfs on / type rootfs (rw,size=SIZE,nr_inodes=SIZE)",
    "proc on /proc type proc (rw,relatime)",
  ]);
  assert.deepEqual(normaliseOutput("cat /x", "at 0xc1234567 and 0x12"), ["at 0xADDR and 0x12"]);
});
