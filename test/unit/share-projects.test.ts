// Project-list names, a project to a share link and back (a new project, template binaries by
// reference), and importing cpio archives made by GNU cpio (the real tool) or broken ones.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, chmodSync, linkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "fflate";
import { copyName, renameProblem, uniqueName } from "../../src/app/share/project-names.ts";
import { projectFromShared, shareInputOf } from "../../src/app/share/share-project.ts";
import { importArchive, ImportError } from "../../src/app/share/import-archive.ts";
import { decodeShareFragment, encodeShareFragment, ShareBinaryFileError } from "../../src/core/share/index.ts";
import { findTemplate, type Template } from "../../src/core/templates/index.ts";
import type { ProjectState } from "../../src/app/project/model.ts";

test("unique names, copy names and rename checks", () => {
  assert.equal(uniqueName("Lesson", []), "Lesson");
  assert.equal(uniqueName("Lesson", ["lesson", "Lesson (2)"]), "Lesson (3)");
  assert.equal(uniqueName("  ", []), "Untitled");
  assert.equal(copyName("Lesson", ["Lesson"]), "Lesson (copy)");
  assert.equal(copyName("Lesson (copy)", ["Lesson", "Lesson (copy)"]), "Lesson (copy 2)");
  assert.equal(renameProblem(" ok "), undefined);
  assert.match(renameProblem("   ")!, /needs a name/);
  assert.match(renameProblem("x".repeat(81))!, /80 characters at most \(this one has 81\)/);
  assert.match(renameProblem("a\tb")!, /control characters/);
});

const hello = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0, 0xde, 0xad]);
/** A template with a prebuilt program (static-hello had one before it compiled /init.c), for the codec's template-file references. */
function helloTemplate(): Template {
  return { ...findTemplate("static-hello")!, files: [{ kind: "file", path: "/init", mode: 0o755, artifact: "i386/hello" }] };
}

function project(files: ProjectState["files"], templateId = "static-hello"): ProjectState {
  return { id: "p1", name: "Mine", templateId, cmdline: "console=ttyS0 rdinit=/init", files, pristineSignature: "", createdAt: 1, updatedAt: 2 };
}

test("a template's prebuilt binary goes by reference and comes back from the template", async () => {
  const template = helloTemplate();
  const mine = project([
    { path: "/init", kind: "file", mode: 0o755, data: hello },
    { path: "/etc/motd", kind: "file", mode: 0o644, text: "hi\n" },
    { path: "/srv", kind: "directory", mode: 0o700 },
  ]);
  const input = shareInputOf(mine, template, new Map([["/init", hello]]));
  assert.deepEqual(input.files[0], { kind: "template-file", path: "/init", mode: 0o755 });
  const shared = decodeShareFragment(encodeShareFragment(input).fragment);

  const loaded: string[] = [];
  const received = await projectFromShared(shared, template, async (artifact) => (loaded.push(artifact), hello), {
    id: "p2",
    existingNames: ["Shared: " + template.title],
    now: 99,
  });
  assert.deepEqual(loaded, ["i386/hello"]);
  assert.deepEqual(received.warnings, []);
  assert.equal(received.state.id, "p2");
  assert.equal(received.state.name, `Shared: ${template.title} (2)`, "never the name of an existing project");
  assert.equal(received.state.templateId, "static-hello");
  assert.equal(received.state.cmdline, mine.cmdline);
  assert.deepEqual(received.state.files, mine.files);
  assert.equal(received.state.createdAt, 99);
});

test("a changed binary is not passed off as the template's: the codec refuses it by name", () => {
  const template = helloTemplate();
  const changed = project([{ path: "/init", kind: "file", mode: 0o755, data: new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0]) }]);
  const input = shareInputOf(changed, template, new Map([["/init", hello]]));
  assert.throws(() => encodeShareFragment(input), (e: unknown) => e instanceof ShareBinaryFileError && e.paths.join() === "/init");
});

test("a link whose template is unknown, or lacks a referenced file, still opens, with warnings", async () => {
  const shared = decodeShareFragment(
    encodeShareFragment({ files: [{ kind: "template-file", path: "/bin/tool", mode: 0o755 }, { path: "/init", mode: 0o755, text: "#!/bin/sh\n" }], cmdline: "", template: "from-the-future" }).fragment,
  );
  const received = await projectFromShared(shared, undefined, async () => assert.fail("nothing to load"), { id: "p3", existingNames: [] });
  assert.deepEqual(received.state.files.map((f) => f.path), ["/init"]);
  assert.equal(received.warnings.length, 2);
  assert.match(received.warnings[0]!, /template "from-the-future", which this page does not have/);
  assert.match(received.warnings[1]!, /\/bin\/tool was left out/);
});

// ---- import ----

function gnuCpio(build: (dir: string) => void, gzip: boolean): Uint8Array {
  const work = mkdtempSync(join(tmpdir(), "bootlab-import-"));
  try {
    const root = join(work, "root");
    mkdirSync(root);
    build(root);
    const result = spawnSync("sh", ["-c", 'cd "$1" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0', "sh", root], { maxBuffer: 1 << 26 });
    assert.equal(result.status, 0, `GNU cpio failed (apt-get install cpio): ${result.stderr}`);
    return gzip ? gzipSync(result.stdout) : new Uint8Array(result.stdout);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function sampleTree(root: string) {
  mkdirSync(join(root, "etc/init.d"), { recursive: true });
  writeFileSync(join(root, "init"), "#!/bin/sh\necho imported ✓\n");
  chmodSync(join(root, "init"), 0o755);
  writeFileSync(join(root, "etc/init.d/rcS"), "#!/bin/sh\n");
  chmodSync(join(root, "etc/init.d/rcS"), 0o700);
  mkdirSync(join(root, "bin"));
  writeFileSync(join(root, "bin/prog"), hello);
  chmodSync(join(root, "bin/prog"), 0o755);
  linkSync(join(root, "bin/prog"), join(root, "bin/prog2"));
  symlinkSync("prog", join(root, "bin/link"));
  spawnSync("mkfifo", [join(root, "fifo")]);
}

for (const gzip of [false, true]) {
  test(`a GNU cpio archive${gzip ? " (gzip)" : ""} imports: text editable, binaries kept and listed, symlinks and fifos kept`, () => {
    const imported = importArchive(gnuCpio(sampleTree, gzip), gzip ? "lesson.cpio.gz" : "lesson.cpio");
    const byPath = new Map(imported.files.map((f) => [f.path, f]));
    assert.deepEqual([...byPath.keys()], ["/bin", "/bin/link", "/bin/prog", "/bin/prog2", "/etc", "/etc/init.d", "/etc/init.d/rcS", "/fifo", "/init"]);
    assert.deepEqual(byPath.get("/bin/link"), { path: "/bin/link", kind: "symlink", mode: 0o777, target: "prog" });
    assert.deepEqual(byPath.get("/init"), { path: "/init", kind: "file", mode: 0o755, text: "#!/bin/sh\necho imported ✓\n" });
    assert.equal(byPath.get("/etc/init.d/rcS")!.mode, 0o700);
    assert.deepEqual(byPath.get("/bin/prog")!.data, hello);
    assert.deepEqual(byPath.get("/bin/prog2")!.data, hello, "a hard link gets its file's bytes");
    assert.deepEqual(imported.binaries, ["/bin/prog", "/bin/prog2"]);
    assert.deepEqual(imported.special, [
      { path: "/bin/link", kind: "symlink", target: "prog" },
      { path: "/fifo", kind: "fifo" },
    ]);
    assert.deepEqual(imported.skipped, []);
  });
}

test("a malformed archive gives the reader's message and says nothing was changed", () => {
  const good = gnuCpio(sampleTree, false);
  for (const [bytes, reason] of [
    [good.slice(0, 150), /lesson\.cpio is not an archive bootlab can read \(at byte \d+: .*\)\. Nothing was changed\./],
    [new TextEncoder().encode("PK\u0003\u0004 a zip, not a cpio"), /at byte 0: got a zip archive, want a cpio archive/],
    [gzipSync(new TextEncoder().encode("hello")), /not an archive bootlab can read/],
  ] as const) {
    assert.throws(() => importArchive(bytes, "lesson.cpio"), (e: unknown) => e instanceof ImportError && e.code === "bad-archive" && reason.test(e.message), String(reason));
  }
});
