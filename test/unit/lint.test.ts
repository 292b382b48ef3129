import { test } from "node:test";
import assert from "node:assert/strict";
import { lintOverlay, initProgramOf, parseInittab, type Diagnostic, type LintFile } from "../../src/core/lint/index.ts";

const BASE = new Set(["/bin", "/bin/sh", "/bin/ash", "/bin/busybox", "/bin/mount", "/bin/umount", "/sbin/init", "/proc", "/sys", "/tmp", "/dev", "/etc"]);

function file(path: string, text: string, mode = 0o644): LintFile {
  return { path, kind: "file", mode, text };
}

/** `basePaths: null` lints as if the base archive were not known yet. */
function lint(files: LintFile[], cmdline = "console=ttyS0", basePaths: ReadonlySet<string> | null = BASE): Diagnostic[] {
  return lintOverlay({ files, cmdline, ...(basePaths ? { basePaths } : {}) });
}

function codes(diagnostics: Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.path}:${d.line}:${d.code}`);
}

const GOOD_INIT = "#!/bin/sh\nmount -t proc proc /proc\nexec /bin/sh\n";

test("a good /init gives no diagnostics", () => {
  assert.deepEqual(lint([file("/init", GOOD_INIT, 0o755)]), []);
});

test("CRLF in /init is an error on the first CRLF line, counting the lines", () => {
  const diagnostics = lint([file("/init", "#!/bin/sh\r\necho hi\r\nexec /bin/sh\n", 0o755)]);
  const crlf = diagnostics.filter((d) => d.code === "crlf");
  assert.equal(crlf.length, 1);
  assert.equal(crlf[0]!.severity, "error");
  assert.equal(crlf[0]!.line, 1);
  assert.equal(crlf[0]!.column, 1);
  assert.equal(crlf[0]!.endColumn, "#!/bin/sh".length + 1);
  assert.match(crlf[0]!.message, /2 lines end with \\r\\n/);
});

test("CRLF in a plain config file is a warning", () => {
  const [diagnostic] = lint([file("/etc/hostname", "box\r\n")]);
  assert.equal(diagnostic?.code, "crlf");
  assert.equal(diagnostic?.severity, "warning");
});

test("missing shebang in /init is an error; a later #! line is pointed out", () => {
  const [missing] = lint([file("/init", "echo hi\nexec /bin/sh\n", 0o755)]);
  assert.equal(missing?.code, "shebang-missing");
  assert.equal(missing?.severity, "error");
  assert.match(missing!.message, /Start the file with #!\/bin\/sh/);
  const [later] = lint([file("/init", "\n#!/bin/sh\nexec /bin/sh\n", 0o755)]);
  assert.match(later!.message, /line 2/);
});

test("a shebang naming an interpreter that is not there is an error at the interpreter", () => {
  const [bash] = lint([file("/init", "#!/bin/bash\necho\n", 0o755)]);
  assert.equal(bash?.code, "shebang-interpreter-missing");
  assert.equal(bash?.column, 3);
  assert.equal(bash?.endColumn, 3 + "/bin/bash".length);
  assert.match(bash!.message, /no bash/);
  const [relative] = lint([file("/init", "#! sh\n", 0o755)]);
  assert.equal(relative?.code, "shebang-relative");
  assert.equal(relative?.column, 4);
  // Without a base listing, only interpreters known to be foreign are flagged.
  assert.deepEqual(codes(lint([file("/init", "#!/opt/x\n", 0o755)], "", null)), []);
  assert.deepEqual(codes(lint([file("/init", "#!/bin/bash\n", 0o755)], "", null)), ["/init:1:shebang-interpreter-missing"]);
});

test("a byte-order mark before #! is an error", () => {
  assert.deepEqual(codes(lint([file("/init", "\uFEFF#!/bin/sh\n", 0o755)])), ["/init:1:shebang-bom"]);
});

test("/init that is not executable is an error, unless rdinit= points elsewhere", () => {
  assert.deepEqual(codes(lint([file("/init", GOOD_INIT, 0o644)])), ["/init:1:init-not-executable"]);
  assert.deepEqual(codes(lint([file("/init", GOOD_INIT, 0o755)], "console=ttyS0 rdinit=/sbin/init")), ["/init:1:init-unused"]);
  assert.equal(initProgramOf("quiet rdinit=/bin/sh"), "/bin/sh");
  assert.equal(initProgramOf(undefined), "/init");
});

test("a binary /init is only checked for the executable bit", () => {
  const binary: LintFile = { path: "/init", kind: "file", mode: 0o644 };
  assert.deepEqual(codes(lint([binary])), ["/init:1:init-not-executable"]);
  assert.deepEqual(lint([{ ...binary, mode: 0o755 }]), []);
});

const RCS = file("/etc/init.d/rcS", "#!/bin/sh\n/bin/mount -a\n", 0o755);

test("the seed 001 inittab is accepted", () => {
  const inittab = "::sysinit:/etc/init.d/rcS\n::respawn:-/bin/sh\n::askfirst:-/bin/sh\n::ctrlaltdel:/bin/umount -a -r\n";
  assert.deepEqual(lint([file("/etc/inittab", inittab), RCS]), []);
  assert.deepEqual(
    parseInittab(inittab).map((e) => e.action),
    ["sysinit", "respawn", "askfirst", "ctrlaltdel"],
  );
});

test("inittab lines BusyBox init rejects are errors with the reason", () => {
  const text = [
    "# comment",
    "",
    "::sysinit",                  // 3 fields
    "id:3:initdefault:",          // sysvinit action
    ":: respawn:-/bin/sh",        // blanks around the action
    "::bogus:/bin/sh",            // unknown action
    "::once:",                    // empty process
    "::respawn:-/bin/sh",
  ].join("\n");
  const diagnostics = lint([file("/etc/inittab", text)]);
  assert.deepEqual(codes(diagnostics), [
    "/etc/inittab:3:inittab-fields",
    "/etc/inittab:4:inittab-action",
    "/etc/inittab:5:inittab-action",
    "/etc/inittab:6:inittab-action",
    "/etc/inittab:7:inittab-process",
  ]);
  assert.match(diagnostics[0]!.message, /Bad inittab entry at line 3/);
  assert.match(diagnostics[0]!.message, /got 3/);
  assert.match(diagnostics[1]!.message, /sysvinit/);
  assert.equal(diagnostics[1]!.column, "id:3:".length + 1);
  assert.match(diagnostics[2]!.message, /blanks/);
  assert.match(diagnostics[3]!.message, /sysinit, wait, once, respawn, askfirst, ctrlaltdel, shutdown, restart/);
});

test("inittab: a program that is not executable, a missing program, a tty that is not shown, no shell", () => {
  const rcsNotExecutable = { ...RCS, mode: 0o644 };
  const diagnostics = lint([
    file("/etc/inittab", "::sysinit:/etc/init.d/rcS\ntty1::respawn:/bin/getty\n::wait:/bin/nothere\n"),
    rcsNotExecutable,
  ]);
  assert.deepEqual(codes(diagnostics), [
    "/etc/init.d/rcS:1:script-not-executable",
    "/etc/inittab:1:inittab-not-executable",
    "/etc/inittab:2:inittab-tty",
    "/etc/inittab:2:inittab-missing-program",
    "/etc/inittab:3:inittab-missing-program",
  ]);
  const only = lint([file("/etc/inittab", "::sysinit:/bin/mount -a\n")]);
  assert.deepEqual(codes(only), ["/etc/inittab:1:inittab-no-shell"]);
});

test("fstab lines need 4 to 6 fields", () => {
  const text = "proc /proc proc defaults 0 0\nsysfs /sys sysfs\n# ok\ntmpfs /tmp tmpfs defaults\na b c d 0 0 extra\n";
  const diagnostics = lint([file("/etc/fstab", text)]);
  assert.deepEqual(codes(diagnostics), ["/etc/fstab:2:fstab-fields", "/etc/fstab:5:fstab-fields"]);
  assert.match(diagnostics[0]!.message, /got 3/);
  assert.match(diagnostics[1]!.message, /\\040/);
});

test("fstab: relative and missing mount points, non-numeric pass", () => {
  const diagnostics = lint([file("/etc/fstab", "proc proc proc defaults\nnone /mnt/x tmpfs defaults 0 x\n")]);
  assert.deepEqual(codes(diagnostics), ["/etc/fstab:1:fstab-mount-point", "/etc/fstab:2:fstab-mount-point-missing", "/etc/fstab:2:fstab-number"]);
});

test("an executable text file elsewhere without #! is only a warning", () => {
  const [diagnostic] = lint([file("/usr/bin/tool", "echo hi\n", 0o755)]);
  assert.equal(diagnostic?.code, "shebang-missing");
  assert.equal(diagnostic?.severity, "warning");
});

test("passwd, group and hostname shapes", () => {
  assert.deepEqual(
    codes(lint([file("/etc/passwd", "root:x:0:0:root:/root\n"), file("/etc/group", "root:x:0:\n"), file("/etc/hostname", "my host\nsecond\n")])),
    ["/etc/hostname:1:hostname-invalid", "/etc/hostname:2:hostname-lines", "/etc/passwd:1:colon-fields"],
  );
});

test("every diagnostic has a sane range", () => {
  const diagnostics = lint([
    file("/init", "", 0o644),
    file("/etc/inittab", ":\n"),
    file("/etc/fstab", "x\n"),
  ]);
  assert.ok(diagnostics.length >= 3);
  for (const d of diagnostics) {
    assert.ok(d.line >= 1 && d.endLine >= d.line, JSON.stringify(d));
    assert.ok(d.column >= 1 && d.endColumn > d.column, JSON.stringify(d));
    assert.ok(d.message.length > 20);
  }
});

test("a 300,000-line /etc/fstab of bad lines gives at most MAX_DIAGNOSTICS_PER_FILE diagnostics and a summary, without overflowing the stack", () => {
  const diagnostics = lint([file("/etc/fstab", "x\r\n".repeat(300_000))]);
  assert.ok(diagnostics.length <= 101, `got ${diagnostics.length} diagnostics`);
  const summary = diagnostics.find((d) => d.code === "too-many-diagnostics");
  assert.ok(summary, "a summary diagnostic says how many more there are");
  assert.match(summary.message, /and \d+ more problems in \/etc\/fstab/);
  assert.equal(summary.severity, "error");
  // The first diagnostics are still the real ones, in reading order.
  assert.equal(diagnostics[0]!.line, 1);
});

test("a file with few problems is not summarised", () => {
  const diagnostics = lint([file("/etc/fstab", "x\n".repeat(100))]);
  assert.equal(diagnostics.length, 100);
  assert.ok(!diagnostics.some((d) => d.code === "too-many-diagnostics"));
});
