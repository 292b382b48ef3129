// The exported bundle as a reader's machine sees it: unzipped by Info-ZIP unzip into a directory
// whose name has spaces and quotes, run-qemu.sh checked by `sh -n` and run by real shells (dash
// and bash) against a stand-in qemu-system-i386 that records its argv, so the quoting of the
// command line is checked word for word. The bundle comes from a real plan (planBoot over an
// in-memory prebuilt/): base and files, so two archives. Needs the Debian packages unzip, gzip and cpio.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { directoryEntry, fileEntry, symlinkEntry } from "../../src/core/cpio/constructors.ts";
import { flattenEntries } from "../../src/core/cpio/flatten.ts";
import { packCpioGz } from "../../src/core/cpio/writer.ts";
import { planBoot, type BootPlan } from "../../src/core/boot/index.ts";
import { bundleFromPlan, bundleQemuArgs, readBundle, type BundleManifest } from "../../src/core/bundle/index.ts";
import type { OverlayFile } from "../../src/core/rootfs/overlay.ts";
import { fakeArtifacts, fakeKernel } from "../unit/fake-prebuilt.ts";

// Every character a shell treats specially, a double-quoted kernel value, a tab and a newline
// (which the plan turns into spaces: the kernel command line is one line).
const nastyCmdline = `msg="it's a test" $HOME \`id\` $(id) ; & | * ? ~ \\ !x 'single' tab\there\nnext-line`;

const files: OverlayFile[] = [
  { path: "/init", kind: "file", mode: 0o755, text: "#!/bin/sh\necho hello\n" },
  { path: "/etc/hostname", kind: "file", mode: 0o644, text: "box\n" },
];
const artifacts = fakeArtifacts(
  packCpioGz([directoryEntry("bin"), fileEntry("bin/busybox", "not really busybox", { mode: 0o755 }), symlinkEntry("bin/sh", "busybox"), directoryEntry("etc"), fileEntry("etc/hostname", "base\n")]),
  fakeKernel(8192, 13),
);
const plan: BootPlan = await planBoot({ files, base: "busybox", cmdline: nastyCmdline }, artifacts);

let work: string;
let bundleDir: string;
let fakeBin: string;
let manifest: BundleManifest;

before(() => {
  work = mkdtempSync(join(tmpdir(), "bootlab-bundle-script-"));
  const zip = bundleFromPlan(plan, { files, template: "minimal-init", zipName: "my bundle.zip" });
  manifest = readBundle(zip).manifest;
  writeFileSync(join(work, "my bundle.zip"), zip);
  bundleDir = join(work, `dir with spaces/it's "here" $HOME`);
  mkdirSync(bundleDir, { recursive: true });
  const unzip = spawnSync("unzip", ["-q", join(work, "my bundle.zip"), "-d", bundleDir], { encoding: "utf8" });
  assert.equal(unzip.status, 0, `unzip failed (apt-get install unzip): ${unzip.stderr}${unzip.error ?? ""}`);

  // A stand-in for QEMU that records where it ran and its argv, NUL-separated.
  fakeBin = join(work, "fake bin");
  mkdirSync(fakeBin);
  writeFileSync(join(fakeBin, "qemu-system-i386"), `#!/bin/sh\nprintf '%s\\0' "$PWD" "$@" > "$ARGV_OUT"\n`);
  chmodSync(join(fakeBin, "qemu-system-i386"), 0o755);
});

after(() => rmSync(work, { recursive: true, force: true }));

test("Info-ZIP unzip finds no errors in the zip", () => {
  const result = spawnSync("unzip", ["-t", join(work, "my bundle.zip")], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /No errors detected/);
});

test("unzip restores the modes: run-qemu.sh and /init executable, the rest not", () => {
  const mode = (name: string) => statSync(join(bundleDir, name)).mode & 0o777;
  assert.equal(mode("run-qemu.sh"), 0o755);
  assert.equal(mode("src/init"), 0o755);
  assert.equal(mode("src/etc/hostname"), 0o644);
  assert.equal(mode("bzImage"), 0o644);
});

test("run-qemu.sh parses in dash and bash (sh -n)", () => {
  for (const shell of ["sh", "dash", "bash"]) {
    const result = spawnSync(shell, ["-n", join(bundleDir, "run-qemu.sh")], { encoding: "utf8" });
    assert.equal(result.status, 0, `${shell}: ${result.stderr}`);
  }
});

function runScript(shell: string | undefined, env: Record<string, string>, args: string[] = []) {
  const argvOut = join(work, `argv-${Math.random().toString(36).slice(2)}`);
  const script = join(bundleDir, "run-qemu.sh");
  const result = spawnSync(shell ?? script, shell ? [script, ...args] : args, {
    cwd: work, // not the bundle's directory: the script must find its files by itself
    encoding: "utf8",
    env: { PATH: `${fakeBin}:${process.env.PATH}`, ARGV_OUT: argvOut, ...env },
  });
  let argv: string[] | undefined;
  try {
    argv = readFileSync(argvOut, "utf8").split("\0").slice(0, -1);
  } catch {
    argv = undefined;
  }
  return { ...result, argv };
}

test("QEMU receives exactly qemuArgs' words, the command line intact, from dash and bash", () => {
  const extra = ["-s", "an 'extra' arg", ""];
  for (const shell of [undefined, "dash", "bash"]) {
    for (const accel of ["kvm", "tcg"] as const) {
      const result = runScript(shell, { BOOTLAB_ACCEL: accel }, extra);
      assert.equal(result.status, 0, `${shell ?? "#!"} ${accel}: ${result.stderr}`);
      assert.ok(result.argv, "the stand-in QEMU ran");
      const [cwd, ...argv] = result.argv;
      assert.equal(cwd, bundleDir, "QEMU runs in the bundle's directory");
      assert.deepEqual(argv, [...bundleQemuArgs(manifest, accel), ...extra]);
      assert.equal(argv[argv.indexOf("-append") + 1], plan.spec.cmdline);
      assert.equal(argv[argv.indexOf("-accel") + 1], accel);
    }
  }
});

test("without BOOTLAB_ACCEL (or with it empty) the script uses TCG", () => {
  for (const env of [{}, { BOOTLAB_ACCEL: "" }] as Record<string, string>[]) {
    const { argv, status, stderr } = runScript(undefined, env);
    assert.equal(status, 0, stderr);
    assert.deepEqual(argv!.slice(1), bundleQemuArgs(manifest, "tcg"));
  }
});

test("a wrong BOOTLAB_ACCEL and a missing QEMU get clear messages", () => {
  const wrong = runScript("sh", { BOOTLAB_ACCEL: "hvf" });
  assert.equal(wrong.status, 2);
  assert.match(wrong.stderr, /BOOTLAB_ACCEL must be kvm or tcg, got hvf/);

  // A PATH with dirname only: the script's one external tool besides QEMU.
  const bare = join(work, "bare");
  mkdirSync(bare, { recursive: true });
  const dirname = spawnSync("sh", ["-c", "command -v dirname"], { encoding: "utf8" }).stdout.trim();
  symlinkSync(dirname, join(bare, "dirname"));
  const missing = spawnSync("/bin/sh", [join(bundleDir, "run-qemu.sh")], { encoding: "utf8", env: { PATH: bare } });
  assert.equal(missing.status, 127);
  assert.match(missing.stderr, /qemu-system-i386 not found: install QEMU \(Debian and Ubuntu: apt-get install qemu-system-x86\)/);
});

test("the plan's command line reaches the script with every special character", () => {
  assert.equal(manifest.cmdline, plan.spec.cmdline);
  for (const word of [`msg="it's a test"`, "$HOME", "`id`", "$(id)", ";", "&", "|", "*", "?", "~", "\\", "!x", "'single'", "tab here next-line"]) {
    assert.ok(manifest.cmdline.includes(word), `${word} in ${manifest.cmdline}`);
  }
});

test("the initramfs is one gzip stream of two archives; the README's cpio -t commands list every file", () => {
  const archive = join(bundleDir, "initramfs.cpio.gz");
  assert.equal(spawnSync("gzip", ["-t", archive]).status, 0);
  const inflated = spawnSync("gzip", ["-dc", archive]);
  assert.equal(inflated.status, 0, String(inflated.stderr));
  assert.equal(inflated.stdout.toString("latin1").split("TRAILER!!!").length - 1, 2, "the base's archive, then the files'");
  // GNU cpio stops at the first trailer: the whole stream lists the base only, as the README warns.
  const whole = spawnSync("sh", ["-c", 'gzip -dc "$1" | cpio -t --quiet', "sh", archive], { encoding: "utf8" });
  assert.deepEqual(whole.stdout.trim().split("\n").sort(), ["bin", "bin/busybox", "bin/sh", "etc", "etc/hostname"]);

  const readme = readFileSync(join(bundleDir, "README.md"), "utf8");
  assert.match(readme, /npx bootlab unpack --list initramfs\.cpio\.gz/);
  const commands = [...readme.matchAll(/`(gzip -dc initramfs\.cpio\.gz \| [^`]*\| cpio -t)`/g)].map((m) => m[1]!);
  assert.equal(commands.length, 2, "one cpio -t command for each part");
  const listed = commands.flatMap((command) => {
    const result = spawnSync("sh", ["-e", "-c", command.replace("cpio -t", "cpio -t --quiet")], { cwd: bundleDir, encoding: "utf8" });
    assert.equal(result.status, 0, `${command}: ${result.stderr}`);
    return result.stdout.trim().split("\n");
  });
  assert.deepEqual([...new Set(listed)].sort(), ["bin", "bin/busybox", "bin/sh", "etc", "etc/hostname", "init"]);
});

test("the README's unpack-and-repack commands work as written and keep every file", async () => {
  const { readCpio } = await import("../../src/core/cpio/reader.ts");
  const readme = readFileSync(join(bundleDir, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Change it"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(block, "the README has a shell block under 'Change it'");
  const copy = join(work, "repack");
  mkdirSync(copy);
  writeFileSync(join(copy, "initramfs.cpio.gz"), readFileSync(join(bundleDir, "initramfs.cpio.gz")));
  // The tree the kernel ends up with: the files' archive over the base's.
  const before = flattenEntries(readCpio(new Uint8Array(readFileSync(join(copy, "initramfs.cpio.gz")))));
  const result = spawnSync("sh", ["-e", "-c", block], { cwd: copy, encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  const after = readCpio(new Uint8Array(readFileSync(join(copy, "initramfs.cpio.gz"))));
  const summary = (entries: typeof before) =>
    entries
      .filter((e) => e.path !== "")
      .map((e) => `${e.kind} ${e.path} ${e.mode.toString(8)} ${e.uid}:${e.gid} ${e.kind === "file" ? Buffer.from(e.data).toString("base64") : e.kind === "symlink" ? e.target : ""}`)
      .sort();
  assert.deepEqual(summary(after), summary(before));
});
