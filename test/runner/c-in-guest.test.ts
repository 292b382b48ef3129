// The c-in-guest template (seed 003's compiler in the guest, issue 14) on both emulators: the
// devel layer's tcc compiles and links static programs against musl in the guest. The
// template's hello.c (stdio, floats, fork/exec, sleep) runs; a program returning 42 gives rc=42;
// a syntax error gives tcc's message with the file and line, and a non-zero exit; cc is tcc.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RunnerSession } from "../../src/core/boot/index.ts";
import { requireTemplate, templateFiles, templateSystem } from "../../src/core/templates/index.ts";
import type { OverlayFile } from "../../src/core/rootfs/overlay.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";
import { planFor } from "./systems.ts";

const EXTRA: OverlayFile[] = [
  { path: "/root/r42.c", kind: "file", mode: 0o644, text: "int main(void)\n{\n    return 42;\n}\n" },
  { path: "/root/bad.c", kind: "file", mode: 0o644, text: "#include <stdio.h>\nint main(void)\n{\n    printf(\"no semicolon\\n\")\n    return 0;\n}\n" },
];

for (const emulator of ["v86", "qemu"] as const) {
  test(`c-in-guest in ${emulator}: tcc compiles hello.c, rc=42, a syntax error names its line, cc is tcc`, async () => {
    const template = requireTemplate("c-in-guest");
    const artifacts = await prebuiltArtifacts();
    const files = [...(await templateFiles(template, (path) => artifacts.bytes(path))), ...EXTRA];
    const { spec } = await planFor(templateSystem(template, { files, cmdline: template.cmdline }), emulator);
    const session = new RunnerSession(await createRunner(emulator, { accel: "tcg" }));
    try {
      await session.start(spec);
      await session.waitForPrompt(0, 60_000);

      const hello = await session.run("tcc -static hello.c -o hello && ./hello; echo rc=$?", 60_000);
      assert.match(hello, /Hello from C, compiled in the guest by tcc!/);
      assert.match(hello, /pi is about 3\.14159/);
      assert.match(hello, /Linux 6\.1\.\d+/, "the forked child exec'd uname");
      assert.match(hello, /the child \(uname\) exited with 0/);
      assert.match(hello, /rc=0/);

      assert.match(await session.run("tcc -static r42.c -o r42 && ./r42; echo rc=$?", 60_000), /rc=42/);

      const bad = await session.run("tcc -static bad.c -o bad; echo rc=$?", 60_000);
      assert.match(bad, /bad\.c:5: error: ';' expected/, `got ${JSON.stringify(bad)}`);
      assert.match(bad, /rc=1/);

      const cc = await session.run("readlink /usr/bin/cc; cc -static r42.c -o r42cc && ./r42cc; echo rc=$?", 60_000);
      assert.match(cc, /^tcc$/m);
      assert.match(cc, /rc=42/);
    } finally {
      await session.stop();
    }
  });
}
