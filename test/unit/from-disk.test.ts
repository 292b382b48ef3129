// Files added from disk (src/app/project/from-disk.ts) and archives imported with their links
// (src/app/share/import-archive.ts).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fileFromDisk } from "../../src/app/project/from-disk.ts";
import { importArchive } from "../../src/app/share/import-archive.ts";
import { packCpio } from "../../src/core/cpio/index.ts";
import { charDeviceEntry, fileEntry, symlinkEntry } from "../../src/core/cpio/constructors.ts";

const hello = readFileSync(fileURLToPath(new URL("../../prebuilt/i386/hello", import.meta.url)));

test("an ELF program is kept as bytes and made executable; a script is text and executable; text is text", () => {
  const elf = fileFromDisk(new Uint8Array(hello));
  assert.deepEqual({ binary: elf.data !== undefined, mode: elf.mode, what: elf.what }, { binary: true, mode: 0o755, what: "an ELF program" });
  assert.deepEqual(fileFromDisk(new TextEncoder().encode("#!/bin/sh\necho hi\n")), { text: "#!/bin/sh\necho hi\n", mode: 0o755, what: "a script" });
  assert.deepEqual(fileFromDisk(new TextEncoder().encode("hello\n")), { text: "hello\n", mode: 0o644, what: "text" });
  assert.equal(fileFromDisk(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 0xff])).what, "binary data");
});

test("an archive's symlinks and device nodes are kept, with their targets and numbers", () => {
  const archive = packCpio([fileEntry("bin/busybox", new Uint8Array(hello)), symlinkEntry("bin/sh", "busybox"), charDeviceEntry("dev/console", 5, 1), fileEntry("init", new TextEncoder().encode("#!/bin/sh\n"), { mode: 0o755 })]);
  const imported = importArchive(archive, "lesson.cpio");
  assert.deepEqual(imported.special, [
    { path: "/bin/sh", kind: "symlink", target: "busybox" },
    { path: "/dev/console", kind: "char-device" },
  ]);
  assert.deepEqual(imported.skipped, []);
  assert.deepEqual(imported.files.find((f) => f.path === "/bin/sh"), { path: "/bin/sh", kind: "symlink", mode: 0o777, target: "busybox" });
  assert.deepEqual(imported.files.find((f) => f.path === "/dev/console"), { path: "/dev/console", kind: "char-device", mode: 0o600, major: 5, minor: 1 });
});
