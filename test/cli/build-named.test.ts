// `bootlab build --name --kconfig --busybox-config`: one real named build with a user's kernel
// fragment of three lines (one that survives olddefconfig, one whose dependency is off in the
// tiny profile, one that no Linux 6.1 Kconfig defines) and a BusyBox fragment of four (an applet
// turned on, one turned off, a feature whose applet is off, a symbol BusyBox 1.35 does not
// have), both reports naming each line, the output directory's manifest, a QEMU boot of the
// named kernel (`--kernel DIR/NAME`) with the named BusyBox's base archive (`--rootfs`) showing
// the applets changed, and the second build coming from the stage cache. Both fragments go in
// one build, as a user would ask, so the test compiles one kernel. Cost: one tiny kernel build
// (named kernels share a build directory, so it is incremental after the first; 150-170 s with
// -j 2 on a 2-core machine shared with other builds, 385 s in CI), plus musl (about 40 s; the
// committed build's stage when cached) and BusyBox (about 40-50 s); a second run of the test
// finds every stage in the cache and takes seconds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { run } from "../../src/cli/exec.ts";

const BIN = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));

test("bootlab build --name with a user fragment: the report, the manifest, a boot, the cache", { timeout: 30 * 60_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "bootlab-named-"));
  try {
    const fragment = join(dir, "mine.fragment");
    writeFileSync(fragment, ["# a user's fragment", "CONFIG_PRINTK_TIME=y", "CONFIG_EXT4_FS=y", "CONFIG_BOOTLAB_NO_SUCH_OPTION=y", ""].join("\n"));
    const busyboxFragment = join(dir, "applets.fragment");
    writeFileSync(busyboxFragment, ["# a user's BusyBox fragment", "CONFIG_AR=y", "# CONFIG_CAL is not set", "CONFIG_FEATURE_TC_INGRESS=y", "CONFIG_BOOTLAB_NO_SUCH_APPLET=y", ""].join("\n"));
    const out = join(dir, "out");
    const args = [BIN, "build", "--name", "stamped", "--kconfig", fragment, "--busybox-config", busyboxFragment, "--out", out, "-j", "2"];
    const t0 = Date.now();
    const build = await run(process.execPath, args, { check: false });
    const buildSeconds = (Date.now() - t0) / 1000;
    assert.equal(build.code, 0, build.stderr);
    process.stderr.write(`# named kernel + BusyBox build: ${buildSeconds.toFixed(1)} s\n`);
    assert.match(build.stderr, /kernel stamped: mine\.fragment: 1 of 3 line\(s\) kept; not kept:/);
    assert.match(build.stderr, /CONFIG_EXT4_FS: wanted y, got absent: depends on BLOCK, and CONFIG_BLOCK is off \(fs\/ext4\/Kconfig:\d+\)/);
    assert.match(build.stderr, /CONFIG_BOOTLAB_NO_SUCH_OPTION: wanted y, got absent: no such symbol in this tree's Kconfig files/);
    // BusyBox: AR and CAL kept (one on, one off); TC is off in busybox.fragment, so its feature goes.
    assert.match(build.stderr, /busybox stamped: applets\.fragment: 2 of 4 line\(s\) kept; not kept:/);
    assert.match(build.stderr, /CONFIG_FEATURE_TC_INGRESS: wanted y, got is not set: depends on TC, and CONFIG_TC is off \(networking\/Config\.in:\d+\)/);
    assert.match(build.stderr, /CONFIG_BOOTLAB_NO_SUCH_APPLET: wanted y, got absent: no such symbol in this tree's Kconfig files/);
    assert.doesNotMatch(build.stderr, /CONFIG_(AR|CAL): wanted/);

    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    const kernel = manifest.kernels.find((k: { id: string }) => k.id === "stamped");
    assert.equal(kernel.arch, "i386");
    assert.equal(kernel.bzImage, "i386/stamped/bzImage");
    assert.deepEqual(kernel.inputs.fragments.map((f: { name: string }) => f.name), ["mine.fragment"]);
    assert.equal(kernel.inputs.base, "tinyconfig");
    const bzImage = manifest.artifacts.find((a: { path: string }) => a.path === "i386/stamped/bzImage");
    assert.match(bzImage.sha256, /^[0-9a-f]{64}$/);
    const config = readFileSync(join(out, "i386/configs/kernel-stamped.config"), "utf8");
    assert.match(config, /^CONFIG_PRINTK_TIME=y$/m);
    assert.ok(existsSync(join(out, "i386/stamped/kconfig-report.json")));
    const busyboxConfig = readFileSync(join(out, "i386/configs/busybox-stamped.config"), "utf8");
    assert.match(busyboxConfig, /^CONFIG_AR=y$/m);
    assert.match(busyboxConfig, /^# CONFIG_CAL is not set$/m);
    const busyboxReport = JSON.parse(readFileSync(join(out, "i386/stamped/busybox-report.json"), "utf8"));
    assert.deepEqual(busyboxReport.fragments, ["applets.fragment"]);
    for (const path of ["i386/stamped/busybox", "i386/stamped/base.cpio.gz"]) {
      assert.match(manifest.artifacts.find((a: { path: string }) => a.path === path)?.sha256 ?? "", /^[0-9a-f]{64}$/, path);
    }

    // The kernel boots the named BusyBox's base archive; its log lines carry printk times now,
    // `ar` is an applet and `cal` is not (the committed base has it the other way round).
    const boot = await run(process.execPath, [BIN, "boot", "--emulator", "qemu", "--accel", "tcg", "--kernel", join(out, "stamped"), "--rootfs", join(out, "i386/stamped/base.cpio.gz"), "--timeout", "90"], {
      input: "dmesg | grep -m1 'Linux version'\nbusybox --list | grep -xE 'ar|cal' | sed 's/^/applet: /'\ncal; echo cal-exit=$?\npoweroff -f\n",
      check: false,
    });
    assert.equal(boot.code, 0, boot.stderr);
    assert.match(boot.stdout, /^\[\s*0\.0+\] Linux version 6\.1/m);
    assert.match(boot.stdout, /^applet: ar\r?$/m);
    assert.doesNotMatch(boot.stdout, /^applet: cal\r?$/m);
    assert.match(boot.stdout, /cal: not found[\s\S]*cal-exit=127/);

    // Again: the stage cache answers.
    const again = await run(process.execPath, args, { check: false });
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /kernel i386 stamped\s+cached/);
    assert.match(again.stderr, /busybox i386 stamped\s+cached/);
    assert.match(again.stderr, /CONFIG_EXT4_FS: wanted y, got absent/);
    assert.match(again.stderr, /CONFIG_FEATURE_TC_INGRESS: wanted y, got is not set/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bootlab build: --kconfig without --name, a bad name, a bad defconfig and a bad fragment line are usage errors", async () => {
  const dir = mkdtempSync(join(tmpdir(), "bootlab-named-"));
  try {
    const fragment = join(dir, "bad.fragment");
    writeFileSync(fragment, "CONFIG_OK=y\nCONFIG_BROKEN y\n");
    const cases: [string[], RegExp][] = [
      [["--kconfig", fragment], /--kconfig: give the kernel a name with --name NAME/],
      [["--name", "tiny"], /--name tiny: that is a committed profile's kernel/],
      [["--name", "../x"], /--name "\.\.\/x": want letters, digits/],
      [["--name", "x", "--defconfig", "allyesconfig"], /--defconfig allyesconfig: want one of/],
      [["--name", "x", "--kconfig", fragment], /--kconfig .*bad\.fragment:2: got "CONFIG_BROKEN y"/],
    ];
    for (const [args, message] of cases) {
      const r = await run(process.execPath, [BIN, "build", ...args], { check: false });
      assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
