// `bootlab boot --timeline --timeline-svg F`: the boot's timeline as a text chart on stderr and
// as the SVG picture the page draws. One QEMU boot; needs prebuilt/ and qemu-system-x86.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../src/cli/exec.ts";

const BIN = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));

test("bootlab boot --timeline prints a row per stage on stderr; --timeline-svg writes the picture", async () => {
  const dir = await mkdtemp(join(tmpdir(), "bootlab-timeline-"));
  try {
    const svgPath = join(dir, "boot.svg");
    const r = await run(process.execPath, [BIN, "boot", "--template", "busybox-init", "--emulator", "qemu", "--accel", "tcg", "--append", "printk.time=1", "--quiet", "--timeline", "--timeline-svg", svgPath], { input: "poweroff -f\n", check: false });
    assert.equal(r.code, 0, r.stderr);
    const chart = r.stderr.slice(r.stderr.indexOf("bootlab boot: timeline"));
    assert.match(chart, /guest time/);
    for (const stage of ["kernel", "initramfs unpack", "Run /init", "init, rcS", "first prompt", "power-off"]) {
      assert.match(chart, new RegExp(`^${stage.replace("/", "\\/")} +│ *█+ *│ \\d+\\.\\d{3} s`, "m"), `${stage} in:\n${chart}`);
    }
    const svg = await readFile(svgPath, "utf8");
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    for (const stage of ["kernel", "initramfs", "init", "userspace", "prompt", "power-off"]) assert.match(svg, new RegExp(`data-stage="${stage}" data-line="\\d+"`));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
