// End to end: a bundle made from the prebuilt tiny kernel and base archive, with an /init that
// prints a marker and powers off, unzipped by Info-ZIP unzip and booted by its own run-qemu.sh in
// real qemu-system-i386 (TCG, the script's default and the emulation closest to v86; the KVM
// branch of the script is checked word for word in bundle-script.test.ts, not booted, because KVM
// hangs under nested virtualisation such as this machine's).
// The marker is computed in the guest ($((6*7))), so it cannot come from an echo of the command
// line. Needs prebuilt/i386/tiny/bzImage and prebuilt/i386/base.cpio.gz, and the Debian packages
// qemu-system-x86, unzip and coreutils (timeout).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildBundle } from "../../src/core/bundle/index.ts";
import { loadBundle } from "../../src/cli/bundle.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const KERNEL = join(root, "prebuilt/i386/tiny/bzImage");
const BASE = join(root, "prebuilt/i386/base.cpio.gz");
const MARKER = "BOOTLAB-BUNDLE-MARKER-42";
const TIMEOUT_S = 60;

let work: string;
let bundleDir: string;
let zipPath: string;

before(() => {
  for (const file of [KERNEL, BASE]) {
    assert.ok(existsSync(file), `${file} is missing: build the prebuilt artifacts first (bootlab build)`);
  }
  work = mkdtempSync(join(tmpdir(), "bootlab-bundle-boot-"));
  const zip = buildBundle({
    kernel: new Uint8Array(readFileSync(KERNEL)),
    base: new Uint8Array(readFileSync(BASE)),
    files: [{ path: "/init", mode: 0o755, text: `#!/bin/sh\necho "BOOTLAB-BUNDLE-MARKER-$((6*7))"\npoweroff -f\n` }],
    cmdline: "console=ttyS0 panic=-1",
    template: "minimal-init",
  });
  zipPath = join(work, "lesson bundle.zip");
  writeFileSync(zipPath, zip);
  bundleDir = join(work, "unzipped here");
  mkdirSync(bundleDir);
  const unzip = spawnSync("unzip", ["-q", zipPath, "-d", bundleDir], { encoding: "utf8" });
  assert.equal(unzip.status, 0, `unzip: ${unzip.stderr}${unzip.error ?? ""}`);
});

after(() => rmSync(work, { recursive: true, force: true }));

/** Runs the bundle's run-qemu.sh under `timeout`, stdin closed, and collects the serial console. */
function boot(accel: "tcg" | "kvm" | "default"): Promise<{ code: number | null; output: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn("timeout", ["--kill-after=5", String(TIMEOUT_S), join(bundleDir, "run-qemu.sh")], {
      env: accel === "default" ? { ...process.env, BOOTLAB_ACCEL: "" } : { ...process.env, BOOTLAB_ACCEL: accel },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => chunks.push(chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started }));
  });
}

test("the bundle's run-qemu.sh boots it in QEMU (TCG, its default): the marker, then power-off", async (t) => {
  const { code, output, ms } = await boot("default");
  assert.notEqual(code, 124, `timed out after ${TIMEOUT_S} s:\n${output.slice(-2000)}`);
  assert.ok(output.includes(MARKER), `no marker in the console:\n${output.slice(-2000)}`);
  assert.equal(code, 0, `QEMU exited with ${code}:\n${output.slice(-2000)}`);
  assert.match(output, /reboot: Power down/);
  t.diagnostic(`TCG boot to power-off through run-qemu.sh: ${Math.round(ms)} ms`);
});

test("a concatenated initramfs (base gzip member, then the overlay's, no padding) boots the same way", async (t) => {
  const zip = buildBundle({
    kernel: new Uint8Array(readFileSync(KERNEL)),
    base: new Uint8Array(readFileSync(BASE)),
    files: [{ path: "/init", mode: 0o755, text: `#!/bin/sh\necho "BOOTLAB-BUNDLE-MARKER-$((6*7))"\npoweroff -f\n` }],
    cmdline: "console=ttyS0 panic=-1",
    template: "minimal-init",
    layout: "concatenated",
  });
  writeFileSync(zipPath, zip);
  const unzip = spawnSync("unzip", ["-o", "-q", zipPath, "-d", bundleDir], { encoding: "utf8" });
  assert.equal(unzip.status, 0, unzip.stderr);
  const { code, output, ms } = await boot("tcg");
  assert.ok(output.includes(MARKER), `no marker in the console:\n${output.slice(-2000)}`);
  assert.equal(code, 0, output.slice(-2000));
  t.diagnostic(`TCG boot of the concatenated layout: ${Math.round(ms)} ms`);
});

test("loadBundle reads the same zip into the kernel and initramfs that were packed", async () => {
  const loaded = await loadBundle(zipPath);
  assert.deepEqual(loaded.kernel, new Uint8Array(readFileSync(KERNEL)));
  assert.deepEqual(loaded.initrds[0], new Uint8Array(readFileSync(join(bundleDir, "initramfs.cpio.gz"))));
  assert.equal(loaded.cmdline, "console=ttyS0 panic=-1");
});
