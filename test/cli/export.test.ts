// `bootlab templates` and `bootlab export` as a user runs them (the real binary), checked against
// the plan made here in-process the way the page's worker makes it: the export's initramfs is the
// plan's initrd, byte for byte, its command line the plan's, and the zip the same bytes
// bundleFromPlan gives the page; `bootlab boot --bundle` boots it in QEMU. Needs prebuilt/ and
// the Debian package qemu-system-x86.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { planBoot, type BootPlan } from "../../src/core/boot/index.ts";
import { bundleFromPlan, readBundle } from "../../src/core/bundle/index.ts";
import { readCpio } from "../../src/core/cpio/reader.ts";
import type { OverlayFile } from "../../src/core/rootfs/overlay.ts";
import { readExt4, unwrapExt4Image } from "../../src/core/ext4/index.ts";
import { requireTemplate, templateDisks, templateFiles, templateSystem, TEMPLATES } from "../../src/core/templates/index.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";

const bin = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));
const TEMPLATE = "busybox-init";

let work: string;
let plan: BootPlan;
let files: OverlayFile[];

/** The real binary, run in `work`, with `input` on stdin (closed when absent). */
function bootlab(args: string[], input = ""): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [bin, ...args], { cwd: work, input, encoding: "utf8", timeout: 180_000 });
}

before(async () => {
  work = mkdtempSync(join(tmpdir(), "bootlab-export-"));
  // What the page's worker does for a project of the template, untouched.
  const artifacts = await prebuiltArtifacts();
  const template = requireTemplate(TEMPLATE);
  files = await templateFiles(template, (path) => artifacts.bytes(path));
  plan = await planBoot(templateSystem(template, { files, cmdline: template.cmdline }), artifacts, {});
});

after(() => rmSync(work, { recursive: true, force: true }));

test("bootlab templates lists every template's id, title and seed; --json for tools", () => {
  const result = bootlab(["templates"]);
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.trimEnd().split("\n");
  assert.match(lines[0]!, /^ID\s+TITLE\s+SEED$/);
  assert.deepEqual(
    lines.slice(1).map((line) => line.split(/\s{2,}/)),
    TEMPLATES.map((t) => [t.id, t.title, t.source]),
  );
  const json = bootlab(["templates", "--json"]);
  assert.equal(json.status, 0, json.stderr);
  assert.deepEqual(
    (JSON.parse(json.stdout) as Array<{ id: string; seed: string }>).map((t) => [t.id, t.seed]),
    TEMPLATES.map((t) => [t.id, t.source]),
  );
  const disks = (JSON.parse(json.stdout) as Array<{ id: string; disks: Array<{ name: string; role: string; sizeMiB: number; fs: string }> }>).find((t) => t.id === "disks")!.disks;
  assert.deepEqual(disks, [{ name: "data1", role: "ide", sizeMiB: 4, fs: "ext4" }, { name: "data2", role: "ide", sizeMiB: 4, fs: "ext4" }]);
  assert.equal(bootlab(["templates", "--nope"]).status, 2);
});

test("bootlab export --template busybox-init writes the plan's initrd and command line, the page's bytes", () => {
  const result = bootlab(["export", "--template", TEMPLATE, "-o", "a.zip"]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^wrote a\.zip \(\d+ bytes\): busybox-init on the \w+ kernel/);
  const zip = new Uint8Array(readFileSync(join(work, "a.zip")));
  const bundle = readBundle(zip);
  assert.deepEqual(gunzipSync(bundle.initramfs!), plan.spec.initrds[0], "the initramfs inflates to the plan's initrd");
  assert.equal(bundle.manifest.cmdline, plan.spec.cmdline);
  assert.deepEqual(bundle.kernel, plan.spec.kernel);
  assert.equal(bundle.manifest.memoryMiB, plan.spec.memoryMiB);
  assert.equal(bundle.manifest.template, TEMPLATE);
  assert.deepEqual(
    bundle.sources.map((s) => s.path),
    files.filter((f) => f.kind === "file").map((f) => f.path),
  );
  // What the page's Export will write for the same project and file name.
  assert.deepEqual(zip, bundleFromPlan(plan, { files, template: TEMPLATE, zipName: "a.zip" }));
});

test("--rootfs DIR lays a directory's files over the template's, in src/ and in the initramfs", () => {
  const dir = join(work, "my files");
  mkdirSync(join(dir, "etc"), { recursive: true });
  writeFileSync(join(dir, "etc/motd"), "hello from my files\n");
  const result = bootlab(["export", "--template", TEMPLATE, "--rootfs", dir, "--append", "quiet", "-o", "b.zip"]);
  assert.equal(result.status, 0, result.stderr);
  const bundle = readBundle(new Uint8Array(readFileSync(join(work, "b.zip"))));
  assert.ok(bundle.sources.some((s) => s.path === "/etc/motd" && strFromU8(s.data) === "hello from my files\n"));
  const motd = readCpio(bundle.initramfs!).filter((e) => e.path === "etc/motd");
  assert.deepEqual(motd.map((e) => e.kind === "file" && strFromU8(e.data)), ["hello from my files\n"]);
  assert.match(bundle.manifest.cmdline, / quiet$/);
});

test("bootlab boot --bundle boots the export in QEMU: the marker, then power-off", () => {
  // The marker is computed in the guest, so it cannot be the echo of the typed line.
  const result = bootlab(["boot", "--bundle", "a.zip", "--emulator", "qemu", "--quiet"], 'echo "BOOTLAB-EXPORT-$((6*7))"\npoweroff -f\n');
  assert.equal(result.status, 0, `${result.stderr}\n${result.stdout.slice(-2000)}`);
  assert.ok(result.stdout.includes("BOOTLAB-EXPORT-42"), result.stdout.slice(-2000));
});

test("export refuses --bundle, no system, no -o and a disk, each a usage error (exit 2)", () => {
  for (const [args, message] of [
    [["--bundle", "a.zip", "-o", "c.zip"], /--bundle: got a bundle to export, want --template ID or --rootfs DIR/],
    [["-o", "c.zip"], /want --template ID or --rootfs DIR/],
    [["--template", TEMPLATE], /missing -o FILE\.zip/],
    [["--template", "nope", "-o", "c.zip"], /--template nope: no such template/],
    [["--template", TEMPLATE, "--disk", "a.zip", "-o", "c.zip"], /got a disk image on the host, want one the plan wrote/],
  ] as const) {
    const result = bootlab(["export", ...args]);
    assert.equal(result.status, 2, `${args.join(" ")}: ${result.stderr}`);
    assert.match(result.stderr, message);
  }
});

test("boot --bundle goes through the plan's checks on both emulators: memory, a NUL in the command line", () => {
  // A bundle whose bundle.json carries a NUL in the command line (JSON can; the shell cannot).
  const members = unzipSync(new Uint8Array(readFileSync(join(work, "a.zip"))));
  const manifest = JSON.parse(strFromU8(members["bundle.json"]!));
  manifest.cmdline += " bad=\u0000x";
  members["bundle.json"] = strToU8(JSON.stringify(manifest));
  writeFileSync(join(work, "nul.zip"), zipSync(members));
  for (const emulator of ["v86", "qemu"]) {
    const nul = bootlab(["boot", "--bundle", "nul.zip", "--emulator", emulator]);
    assert.equal(nul.status, 2, `${emulator}: ${nul.stderr}`);
    assert.match(nul.stderr, /command line: got a control character \(code 0\)/);
    for (const memory of ["8", "5000"]) {
      const result = bootlab(["boot", "--bundle", "a.zip", "--emulator", emulator, "--memory", memory]);
      assert.equal(result.status, 2, `${emulator} --memory ${memory}: ${result.stderr}`);
      assert.match(result.stderr, new RegExp(`memory: got ${memory} MiB, want a whole number between 16 and 3072`));
    }
  }
});

test("the disk templates export their images (version 2 bundles) and boot --bundle on v86 and QEMU sees them", async () => {
  const artifacts = await prebuiltArtifacts();
  const read = (path: string) => artifacts.bytes(path);
  for (const id of ["ramdisk-ext4", "disk-root", "disks"]) {
    const result = bootlab(["export", "--template", id, "-o", `${id}.zip`]);
    assert.equal(result.status, 0, result.stderr);
    const zip = new Uint8Array(readFileSync(join(work, `${id}.zip`)));
    const template = requireTemplate(id);
    const system = templateSystem(template, { files: await templateFiles(template, read), cmdline: template.cmdline, disks: await templateDisks(template, read) });
    const planned = await planBoot(system, artifacts, {});
    assert.deepEqual(zip, bundleFromPlan(planned, { files: system.files, template: id, zipName: `${id}.zip` }), `${id}: the page's bytes`);
    const bundle = readBundle(zip);
    assert.equal(bundle.manifest.version, 2, id);
    assert.deepEqual(bundle.disks, planned.spec.disks, `${id}: the plan's disk images`);
    if (id === "ramdisk-ext4") assert.deepEqual(unwrapExt4Image(bundle.ramdisk!), planned.spec.initrds[0], "the RAM disk is the plan's image, gzip'd");
  }
  const data2 = readExt4(readBundle(new Uint8Array(readFileSync(join(work, "disks.zip")))).disks[1]!).find((e) => e.path === "README.txt");
  assert.ok(data2?.kind === "file" && /second data disk/.test(strFromU8(data2.data)));
  for (const emulator of ["v86", "qemu"]) {
    const disks = bootlab(["boot", "--bundle", "disks.zip", "--emulator", emulator, "--accel", "tcg", "--quiet"], "cat /mnt/data1/README.txt /mnt/data2/README.txt\npoweroff -f\n");
    assert.equal(disks.status, 0, `${emulator}: ${disks.stderr}`);
    assert.match(disks.stdout, /first data disk, \/dev\/sda[\s\S]*second data disk, \/dev\/sdb/, emulator);
    const ramdisk = bootlab(["boot", "--bundle", "ramdisk-ext4.zip", "--emulator", emulator, "--accel", "tcg", "--quiet"], "grep ' / ' /proc/mounts\npoweroff -f\n");
    assert.equal(ramdisk.status, 0, `${emulator}: ${ramdisk.stderr}`);
    assert.match(ramdisk.stdout, /^\/dev\/root \/ ext4 rw/m, emulator);
  }
});
