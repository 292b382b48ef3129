// Your own C init (issue 14, seeds 001 and 004): the static-hello template's /init.c, edited,
// is compiled by tcc and musl in a build guest (src/core/cinit) and boots as process 1 with no
// BusyBox, on v86 under Node and in QEMU; the same source gives the same /init bytes whichever
// emulator runs the build guest; and `bootlab boot --template static-hello --rootfs DIR` with a
// syntax error in DIR/init.c exits 1 with tcc's message and line, booting nothing.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RunnerSession, readElf } from "../../src/core/boot/index.ts";
import { compileSystem } from "../../src/core/cinit/index.ts";
import { requireTemplate, templateFiles, templateSystem } from "../../src/core/templates/index.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";
import { planFor } from "./systems.ts";

const MARKER_INIT = `#include <stdio.h>
#include <unistd.h>

int main(void)
{
    printf("c-init marker: pid %d, %.2f\\n", (int)getpid(), 1.25);
    fflush(stdout);
    for (;;)
        pause();
}
`;

async function editedSystem(source: string) {
  const template = requireTemplate("static-hello");
  const artifacts = await prebuiltArtifacts();
  const files = (await templateFiles(template, (path) => artifacts.bytes(path))).map((f) => (f.path === "/init.c" ? { ...f, text: source } : f));
  return templateSystem(template, { files, cmdline: template.cmdline });
}

const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

test("an edited /init.c compiles to the same static i386 /init in a v86 and a QEMU build guest, and boots as PID 1 on both", async () => {
  const system = await editedSystem(MARKER_INIT);
  const artifacts = await prebuiltArtifacts();
  const inits: Record<string, Uint8Array> = {};
  const compiled: Record<string, Awaited<ReturnType<typeof compileSystem>>> = {};
  for (const builder of ["v86", "qemu"] as const) {
    const result = await compileSystem(system, artifacts, () => createRunner(builder, { accel: "tcg" }));
    assert.ok(result.ok, `compiled in ${builder}`);
    const init = result.system.files.find((f) => f.path === "/init");
    assert.ok(init?.data && init.mode === 0o755);
    assert.ok(!result.system.files.some((f) => f.path === "/init.c"), "the source stays out of the boot");
    const elf = readElf(init.data);
    assert.ok(elf && elf.bits === 32 && !elf.interpreter, "a static 32-bit ELF");
    inits[builder] = init.data;
    compiled[builder] = result;
  }
  assert.equal(sha256(inits.v86!), sha256(inits.qemu!), "same source, same /init bytes");

  for (const emulator of ["v86", "qemu"] as const) {
    const plan = await planFor(compiled.v86!.system, emulator);
    assert.equal(plan.usesBase, false, "no BusyBox");
    const session = new RunnerSession(await createRunner(emulator, { accel: "tcg" }));
    try {
      await session.start(plan.spec);
      await session.waitFor(/c-init marker: pid 1, 1\.25/, 60_000);
    } finally {
      await session.stop();
    }
  }
});

test("bootlab boot --template static-hello --rootfs DIR: a syntax error in DIR/init.c exits 1 with tcc's message and line, and nothing boots", () => {
  const dir = mkdtempSync(join(tmpdir(), "bootlab-c-init-"));
  try {
    writeFileSync(join(dir, "init.c"), '#include <stdio.h>\nint main(void)\n{\n    printf("no semicolon\\n")\n    return 0;\n}\n');
    const bin = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));
    const result = spawnSync(process.execPath, [bin, "boot", "--template", "static-hello", "--rootfs", dir, "--timeout", "60"], { encoding: "utf8", input: "" });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /init\.c:5: error: ';' expected/);
    assert.match(result.stderr, /nothing was booted/);
    assert.doesNotMatch(result.stdout, /Linux version|Run \/init/, "no boot");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
