// `bootlab unpack` against hostile archives and a hostile neighbour: a process that swaps a
// directory of DIR for a symlink while unpack runs, archives that would make device nodes and
// setuid files as root, and the cases that used to crash (a long name, a deep tree, a read-only
// or non-directory DIR, a hard link onto a non-empty directory, EPIPE). Each ends in a message
// and the documented exit code, never a stack trace, and nothing outside DIR changes.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, describe, it } from "node:test";
import { run, type RunResult } from "../../src/cli/exec.ts";
import { charDeviceEntry, directoryEntry, fileEntry, hardlinkEntry, packCpio, type CpioEntry } from "../../src/core/cpio/index.ts";

const bin = resolve(import.meta.dirname, "../../src/cli/bin.mjs");
const scratch = mkdtempSync(join(tmpdir(), "bootlab-unpack-hard-"));
chmodSync(scratch, 0o755);
// rm -rf: Node's rmSync overflows its stack on the 2,047-level tree.
after(() => run("rm", ["-rf", scratch], { check: false }));
const asRoot = process.getuid?.() === 0;

async function bootlab(args: string[], options: { asNobody?: boolean } = {}): Promise<RunResult> {
  const argv = ["-s", "KILL", "120", process.execPath, bin, ...args];
  if (options.asNobody && asRoot) return run("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "timeout", ...argv], { check: false });
  return run("timeout", argv, { check: false });
}

function noStackTrace(result: RunResult): void {
  assert.doesNotMatch(result.stderr, /unexpected error|\n\s+at [\w.<]+ \(|Error: /, `no stack trace:\n${result.stderr}`);
}

/** Entries as given (parents listed by the tests themselves). */
function archive(name: string, entries: CpioEntry[]): string {
  const file = join(scratch, name);
  writeFileSync(file, packCpio(entries, { addParents: false }));
  return file;
}

/** Everything about a tree that unpack could change: names, types, modes, owners, sizes, contents, times. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (path: string, rel: string) => {
    const st = lstatSync(path);
    out.push(`${rel} ${st.mode.toString(8)} ${st.uid}:${st.gid} ${st.size} ${st.mtimeMs}${st.isFile() ? ` ${readFileSync(path).toString("hex").slice(0, 64)}` : ""}`);
    if (st.isDirectory()) for (const name of readdirSync(path).sort()) walk(join(path, name), `${rel}/${name}`);
  };
  walk(dir, ".");
  return out;
}

describe("unpack is race-free", () => {
  it("a process swapping a directory of DIR for a symlink to an outside directory changes nothing outside", { timeout: 300_000 }, async () => {
    const outside = join(scratch, "outside");
    mkdirSync(outside);
    writeFileSync(join(outside, "f0000"), "precious\n", { mode: 0o600 });
    mkdirSync(join(outside, "sub"), { mode: 0o700 });
    chmodSync(outside, 0o750);
    const before = snapshot(outside);
    // d/ with many files (their names exist outside too), each setuid and world-writable.
    const entries: CpioEntry[] = [directoryEntry("d", { mode: 0o777 }), directoryEntry("d/sub", { mode: 0o777 })];
    for (let i = 0; i < 1000; i++) entries.push(fileEntry(`d/f${String(i).padStart(4, "0")}`, `pwned ${i}\n`, { mode: 0o6777, mtime: 1 }));
    for (let i = 0; i < 300; i++) entries.push(fileEntry(`d/sub/g${i}`, "pwned\n", { mode: 0o777, mtime: 1 }));
    const file = archive("race.cpio", entries);

    const rounds = 4;
    for (let round = 0; round < rounds; round++) {
      const out = join(scratch, `race-${round}`);
      mkdirSync(out);
      // The racer, two ways in turn: (even rounds) whenever DIR/d exists, move it aside, put a
      // symlink to `outside` there, and back, over and over; (odd rounds) once d/f0300 is
      // written, swap d for the symlink once and leave it, so the rest of d's entries go there.
      const racer = spawn(
        process.execPath,
        [
          "-e",
          `const fs = require("fs"); const [out, outside, mode] = process.argv.slice(1);
           const d = out + "/d", aside = out + "/d.aside";
           if (mode === "once") {
             fs.symlinkSync(outside, out + "/link");
             while (!fs.existsSync(d + "/f0300")) {}
             fs.renameSync(d, aside); fs.renameSync(out + "/link", d);
             process.exit(0);
           }
           for (;;) {
             try { fs.renameSync(d, aside); fs.symlinkSync(outside, d); } catch {}
             for (let i = 0; i < 200; i++) {}
             try { fs.unlinkSync(d); fs.renameSync(aside, d); } catch {}
           }`,
          out,
          outside,
          round % 2 ? "once" : "loop",
        ],
        { stdio: "ignore" },
      );
      let result: RunResult;
      try {
        result = await bootlab(["unpack", "--keep-setid", file, "-o", out]);
      } finally {
        if (racer.exitCode === null && racer.signalCode === null) {
          racer.kill("SIGKILL");
          await new Promise((r) => racer.once("exit", r));
        }
      }
      assert.deepEqual(snapshot(outside), before, `round ${round}: something outside DIR changed`);
      noStackTrace(result);
      assert.ok(result.code === 0 || result.code === 1, `exit ${result.code}: ${result.stderr.slice(0, 2000)}`);
      if (result.code === 1) assert.match(result.stderr, /is a symlink, not a directory, and writing through it could leave|partial/);
    }
  });
});

describe("unpack as root", () => {
  const entries = [
    directoryEntry("dev"),
    charDeviceEntry("dev/mem", 1, 1, { mode: 0o666 }),
    directoryEntry("bin"),
    fileEntry("bin/su", "#!/bin/sh\n", { mode: 0o4755 }),
    fileEntry("bin/wall", "#!/bin/sh\n", { mode: 0o2755 }),
  ];
  it("skips device nodes and clears set-id bits unless asked, and says so", async (t) => {
    if (!asRoot) return t.skip("needs root");
    const file = archive("root.cpio", entries);
    const out = join(scratch, "as-root");
    const result = await bootlab(["unpack", file, "-o", out]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stderr, /skipped dev\/mem: character device 1,1: as root, device nodes are made only with --devices/);
    assert.match(result.stderr, /changed bin\/su: written as 0755 without its set-id bits \(mode 4755 in the archive\); pass --keep-setid/);
    assert.match(result.stderr, /changed bin\/wall: written as 0755/);
    assert.match(result.stdout, /\(1 skipped, 2 changed, see above\)/);
    assert.equal(existsSync(join(out, "dev/mem")), false);
    assert.equal(statSync(join(out, "bin/su")).mode & 0o7777, 0o755);

    const kept = join(scratch, "as-root-kept");
    const flagged = await bootlab(["unpack", "--devices", "--keep-setid", file, "-o", kept]);
    assert.equal(flagged.code, 0, flagged.stderr);
    assert.ok(statSync(join(kept, "dev/mem")).isCharacterDevice());
    assert.equal(statSync(join(kept, "dev/mem")).mode & 0o7777, 0o666);
    assert.equal(statSync(join(kept, "bin/su")).mode & 0o7777, 0o4755);
  });
  it("documents --devices and --keep-setid in --help", async () => {
    const help = (await bootlab(["unpack", "--help"])).stdout;
    assert.match(help, /--devices\s+as root: create the archive's device nodes/);
    assert.match(help, /--keep-setid\s+as root: keep setuid and setgid bits/);
  });
});

describe("unpack: what used to crash is a message", () => {
  it("a 300-byte name is reported, the rest is unpacked, exit 1", async () => {
    const long = "n".repeat(300);
    const file = archive("long.cpio", [directoryEntry("a", { mode: 0o755 }), fileEntry(`a/${long}`, "x\n"), fileEntry("a/ok", "ok\n")]);
    const out = join(scratch, "long");
    const result = await bootlab(["unpack", file, "-o", out]);
    noStackTrace(result);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /failed a\/n{300}: its name is too long for this filesystem \(ENAMETOOLONG/);
    assert.match(result.stderr, /the tree in .* is partial/);
    assert.equal(readFileSync(join(out, "a/ok"), "utf8"), "ok\n");
    assert.equal(statSync(join(out, "a")).mode & 0o7777, 0o755, "directories still get their final mode");
  });
  it("a 2,047-level-deep tree unpacks", { timeout: 120_000 }, async () => {
    const entries: CpioEntry[] = [];
    let path = "";
    for (let i = 0; i < 2047; i++) {
      path = path ? `${path}/a` : "a";
      entries.push(directoryEntry(path, { mode: 0o755 }));
      // 2,047 levels make a path of 4,093 bytes: the last file goes one level up (PATH_MAX is 4,096).
      if (i === 2045) entries.push(fileEntry(`${path}/z`, "bottom\n"));
    }
    const file = archive("deep.cpio", entries);
    const out = join(scratch, "deep");
    const result = await bootlab(["unpack", file, "-o", out]);
    noStackTrace(result);
    assert.equal(result.code, 0, result.stderr.slice(0, 2000));
    assert.match(result.stdout, /unpacked 2048 entries/);
    const found = await run("find", [out, "-name", "z"]);
    assert.match(found.stdout, /\/z$/m);
  });
  it("a DIR that is a file, or cannot be written, is a usage error (2) that says so", async () => {
    const file = archive("small.cpio", [fileEntry("x", "x\n")]);
    const plain = join(scratch, "plain-file");
    writeFileSync(plain, "I am a file\n");
    const onFile = await bootlab(["unpack", file, "-o", plain]);
    noStackTrace(onFile);
    assert.equal(onFile.code, 2);
    assert.match(onFile.stderr, /plain-file exists and is not a directory/);

    const readOnly = join(scratch, "read-only");
    mkdirSync(readOnly, { mode: 0o555 });
    chmodSync(readOnly, 0o555);
    const denied = await bootlab(["unpack", file, "-o", readOnly], { asNobody: true });
    noStackTrace(denied);
    if (asRoot || denied.code !== 0) {
      assert.equal(denied.code, 2, denied.stderr);
      assert.match(denied.stderr, /cannot write into .*read-only: permission denied \(EACCES\)/);
    }
    assert.deepEqual(readdirSync(readOnly), []);
  });
  it("a hard link onto a non-empty directory, or an entry onto a non-empty directory, is named", async () => {
    const out = join(scratch, "in-the-way");
    mkdirSync(join(out, "x"), { recursive: true });
    writeFileSync(join(out, "x/keep"), "mine\n");
    const file = archive("link-onto-dir.cpio", [fileEntry("a", "A\n"), hardlinkEntry("x", "a")]);
    const result = await bootlab(["unpack", file, "-o", out]);
    noStackTrace(result);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /failed x: a non-empty directory is in the way/);
    assert.equal(readFileSync(join(out, "x/keep"), "utf8"), "mine\n");
    assert.equal(readFileSync(join(out, "a"), "utf8"), "A\n");
  });
  it("--list into a pipe that closes early (| head -1) exits quietly", async () => {
    const entries: CpioEntry[] = [];
    for (let i = 0; i < 5000; i++) entries.push(fileEntry(`file-with-a-long-name-${i}`, ""));
    const file = archive("many.cpio", entries);
    const result = await run("bash", ["-c", `set -o pipefail; "${process.execPath}" "${bin}" unpack --list "${file}" 2>"${scratch}/epipe.err" | head -1`], { check: false });
    assert.equal(result.code, 0, readFileSync(join(scratch, "epipe.err"), "utf8"));
    assert.equal(result.stdout.split("\n").filter(Boolean).length, 1);
    assert.equal(readFileSync(join(scratch, "epipe.err"), "utf8"), "");
  });
});
