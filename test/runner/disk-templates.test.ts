// The disk templates (ramdisk-ext4, disk-root, disks) booted as the page and `bootlab boot
// --template` boot them, through the plan, on v86 under Node and on QEMU (TCG): the guest sees
// the images the plan wrote: / on the RAM disk as /dev/root, the static init on /dev/sda, the
// data disks' files where /etc/fstab mounted them. Parity of the same boots is parity.test.ts's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { RunnerSession, type BootPlan } from "../../src/core/boot/index.ts";
import { findTool, run } from "../../src/cli/exec.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { planFor, templateSystems } from "./systems.ts";

const BOOT_TIMEOUT_MS = 90_000;
const noQemu = findTool("qemu-system-i386") ? false : "qemu-system-i386 is not installed (apt-get install qemu-system-x86)";
const systems = new Map((await templateSystems()).map((s) => [s.name.replace(/^template /, ""), s.system]));

async function plan(id: string): Promise<BootPlan> {
  return planFor(systems.get(id)!);
}

/** Boots `plan`, waits for the shell prompt, types each command and returns their outputs. */
async function shell(emulator: "v86" | "qemu", plan: BootPlan, commands: readonly string[]): Promise<string[]> {
  const session = new RunnerSession(await createRunner(emulator, { accel: "tcg" }));
  try {
    await session.start(plan.spec);
    await session.waitForPrompt(0, BOOT_TIMEOUT_MS);
    const outputs: string[] = [];
    for (const command of commands) outputs.push(await session.run(command, 20_000));
    return outputs;
  } finally {
    await session.stop();
  }
}

for (const emulator of ["v86", "qemu"] as const) {
  const skip = emulator === "qemu" ? noQemu : false;

  test(`${emulator}: ramdisk-ext4 mounts the plan's ext4 image from /dev/ram as / (df -a shows /dev/root) and runs BusyBox init from it`, { skip }, async () => {
    const [df, mounts, inittab] = await shell(emulator, await plan("ramdisk-ext4"), ["df -a", "grep ' / ' /proc/mounts", "cat /etc/inittab"]);
    assert.match(df!, /^\/dev\/root\s+1936\s+\d+\s+\d+\s+\d+% \/$/m, df);
    assert.match(df!, /^proc\s.*\/proc$/m, "rcS mounted what fstab lists");
    assert.match(mounts!, /^\/dev\/root \/ ext4 rw/m);
    assert.match(inittab!, /::sysinit:\/etc\/init\.d\/rcS/);
  });

  test(`${emulator}: disk-root runs the static hello from /dev/sda, with no initramfs`, { skip }, async () => {
    const planned = await plan("disk-root");
    assert.deepEqual(planned.spec.initrds, []);
    const session = new RunnerSession(await createRunner(emulator, { accel: "tcg" }));
    try {
      await session.start(planned.spec);
      await session.waitFor((t) => /Just hanging here/.test(t.text), BOOT_TIMEOUT_MS, "hello's last line");
      const text = session.transcript.text;
      assert.match(text, /EXT4-fs \(sda\): mounted filesystem/);
      assert.match(text, /VFS: Mounted root \(ext4 filesystem\) readonly on device 8:0/);
      assert.match(text, /Run \/init as init process[\s\S]*Hello, World!/);
    } finally {
      await session.stop();
    }
  });

  test(`${emulator}: disk-root's disk holds BusyBox too: init=/bin/sh gives a shell on /dev/sda`, { skip }, async () => {
    const system = systems.get("disk-root")!;
    const planned = await planFor({ ...system, cmdline: `${system.cmdline} init=/bin/sh` });
    const [found, mounts] = await shell(emulator, planned, ["test -x /init && test -x /bin/busybox && echo both-on-the-disk", "mount -t proc proc /proc && cat /proc/mounts"]);
    assert.match(found!, /^both-on-the-disk$/m);
    assert.match(mounts!, /^\/dev\/root \/ ext4 ro/m);
  });

  test(`${emulator}: disks mounts the two data disks by /etc/fstab, with the files the plan wrote on them`, { skip }, async () => {
    const [df, files, write] = await shell(emulator, await plan("disks"), [
      "df /mnt/data1 /mnt/data2",
      "cat /mnt/data1/README.txt /mnt/data1/notes/todo.txt /mnt/data2/README.txt",
      "echo guest > /mnt/data2/new.txt && sync && cat /mnt/data2/new.txt",
    ]);
    assert.match(df!, /^\/dev\/sda\s+4016\s.*\/mnt\/data1$/m, df);
    assert.match(df!, /^\/dev\/sdb\s+4016\s.*\/mnt\/data2$/m, df);
    assert.match(files!, /first data disk, \/dev\/sda[\s\S]*edit me in the page[\s\S]*second data disk, \/dev\/sdb/);
    assert.match(write!, /^guest$/m, "the data disks are writable");
  });
}

test("bootlab boot --template disks (the CLI's path to the same plan): the data disks' files, on v86 and QEMU", async () => {
  const bin = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));
  for (const emulator of noQemu ? ["v86"] : ["v86", "qemu"]) {
    const result = await run(process.execPath, [bin, "boot", "--template", "disks", "--emulator", emulator, "--accel", "tcg", "--timeout", "90"], {
      input: "cat /mnt/data1/notes/todo.txt\npoweroff -f\n",
      check: false,
    });
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^edit me in the page, then cat \/mnt\/data1\/notes\/todo\.txt\r?$/m, emulator);
  }
});
