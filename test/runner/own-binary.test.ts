// Your own binary as /init (issue 14): a static i386 program built at home with
// `gcc -m32 -static` (glibc, not bootlab's musl) boots as process 1 with nothing else in the
// initramfs, on v86 and QEMU; the plan explains a dynamically linked i386 one before booting
// (its loader is missing: error -2). The x86-64 case (error -8) is in test/unit/boot-plan.test.ts.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { RunnerSession, type BootSystem } from "../../src/core/boot/index.ts";
import { run } from "../../src/cli/exec.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { planFor } from "./systems.ts";

async function gcc32(flags: string[]): Promise<Uint8Array> {
  const dir = mkdtempSync(join(tmpdir(), "bootlab-own-binary-"));
  try {
    writeFileSync(join(dir, "init.c"), '#include <stdio.h>\n#include <unistd.h>\nint main(void)\n{\n    printf("own static binary as PID %d\\n", (int)getpid());\n    fflush(stdout);\n    for (;;)\n        pause();\n}\n');
    await run("gcc", ["-m32", ...flags, "-O2", "-o", join(dir, "init"), join(dir, "init.c")]);
    return new Uint8Array(readFileSync(join(dir, "init")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a gcc -m32 -static program dropped in as /init boots without BusyBox on v86 and QEMU; a dynamic one is explained first", async () => {
  const staticInit = await gcc32(["-static"]);
  const system: BootSystem = { files: [{ path: "/init", kind: "file", mode: 0o755, data: staticInit }], base: "none", cmdline: "console=ttyS0" };
  for (const emulator of ["v86", "qemu"] as const) {
    const plan = await planFor(system, emulator);
    assert.equal(plan.expectations.initHint, undefined, "nothing to explain");
    const session = new RunnerSession(await createRunner(emulator, { accel: "tcg" }));
    try {
      await session.start(plan.spec);
      await session.waitFor(/own static binary as PID 1/, 60_000);
    } finally {
      await session.stop();
    }
  }
  const dynamic = await gcc32([]);
  const plan = await planFor({ ...system, files: [{ path: "/init", kind: "file", mode: 0o755, data: dynamic }] });
  assert.match(plan.expectations.initHint ?? "", /dynamically linked: it needs its loader \/lib\/ld-linux\.so\.2.*error -2/);
});
