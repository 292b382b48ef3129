// End to end: a bundle made from the plan (planBoot over the real prebuilt/: the tiny kernel and
// the base archive) of a system whose /init prints a marker and powers off, unzipped by Info-ZIP unzip and booted by its own run-qemu.sh in
// real qemu-system-i386 (TCG, the script's default and the emulation closest to v86; the KVM
// branch of the script is checked word for word in bundle-script.test.ts, not booted, because KVM
// hangs under nested virtualisation such as this machine's).
// The marker is computed in the guest ($((6*7))), so it cannot come from an echo of the command
// line. Needs prebuilt/ (bzImage, base.cpio.gz, busybox), and the Debian packages
// qemu-system-x86, unzip and coreutils (timeout).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { gunzipSync } from "fflate";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { planBoot, type BootPlan, type BootSystem } from "../../src/core/boot/index.ts";
import { bundleFromPlan } from "../../src/core/bundle/index.ts";
import type { OverlayFile } from "../../src/core/rootfs/overlay.ts";
import { loadBundle } from "../../src/cli/bundle.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const KERNEL = join(root, "prebuilt/i386/tiny/bzImage");
const BASE = join(root, "prebuilt/i386/base.cpio.gz");
const MARKER = "BOOTLAB-BUNDLE-MARKER-42";
const TIMEOUT_S = 60;

const initFile: OverlayFile = { path: "/init", kind: "file", mode: 0o755, text: `#!/bin/sh\necho "BOOTLAB-BUNDLE-MARKER-$((6*7))"\npoweroff -f\n` };

let work: string;
let bundleDir: string;
let zipPath: string;
let plan: BootPlan;

/** Plans `system` on the real prebuilt artifacts and writes its bundle to zipPath, unzipped into bundleDir. */
async function exportSystem(system: BootSystem): Promise<BootPlan> {
  const planned = await planBoot(system, await prebuiltArtifacts());
  writeFileSync(zipPath, bundleFromPlan(planned, { files: system.files, template: "minimal-init" }));
  const unzip = spawnSync("unzip", ["-o", "-q", zipPath, "-d", bundleDir], { encoding: "utf8" });
  assert.equal(unzip.status, 0, `unzip: ${unzip.stderr}${unzip.error ?? ""}`);
  return planned;
}

before(async () => {
  for (const file of [KERNEL, BASE]) {
    assert.ok(existsSync(file), `${file} is missing: build the prebuilt artifacts first (bootlab build)`);
  }
  work = mkdtempSync(join(tmpdir(), "bootlab-bundle-boot-"));
  zipPath = join(work, "lesson bundle.zip");
  bundleDir = join(work, "unzipped here");
  mkdirSync(bundleDir);
  plan = await exportSystem({ files: [initFile], base: "busybox", cmdline: "panic=-1" });
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

test("a one-archive initramfs (no base: BusyBox and /init alone) boots the same way", async (t) => {
  const busybox: OverlayFile = { path: "/bin/busybox", kind: "file", mode: 0o755, data: new Uint8Array(readFileSync(join(root, "prebuilt/i386/busybox"))) };
  const alone: OverlayFile = { ...initFile, text: `#!/bin/busybox sh\n/bin/busybox echo "BOOTLAB-BUNDLE-MARKER-$((6*7))"\n/bin/busybox poweroff -f\n` };
  const planned = await exportSystem({ files: [busybox, alone], base: "none", cmdline: "panic=-1" });
  assert.equal(JSON.parse(readFileSync(join(bundleDir, "bundle.json"), "utf8")).layout, "merged");
  const { code, output, ms } = await boot("tcg");
  assert.ok(output.includes(MARKER), `no marker in the console:\n${output.slice(-2000)}`);
  assert.equal(code, 0, output.slice(-2000));
  t.diagnostic(`TCG boot of the one-archive layout: ${Math.round(ms)} ms`);
  plan = await exportSystem({ files: [initFile], base: "busybox", cmdline: "panic=-1" });
  assert.notDeepEqual(planned.spec.initrds[0], plan.spec.initrds[0]);
});

test("loadBundle reads the same zip into the kernel and initramfs that were packed", async () => {
  const loaded = await loadBundle(zipPath);
  assert.deepEqual(loaded.kernel, plan.spec.kernel);
  assert.deepEqual(loaded.initrds[0], new Uint8Array(readFileSync(join(bundleDir, "initramfs.cpio.gz"))));
  assert.equal(loaded.cmdline, plan.spec.cmdline);
  assert.deepEqual(gunzipSync(loaded.initrds[0]!), plan.spec.initrds[0], "the initramfs is the plan's initrd");
});
