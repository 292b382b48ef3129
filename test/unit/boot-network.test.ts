// The network need: a system that asks for the network gets the card's driver (the full kernel,
// said in the notes), a spec that says so, QEMU's -nic (also in an export bundle's run-qemu.sh),
// and parity names each emulator's addresses; a system that does not ask is unchanged.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeBrowserNetwork, guestLease, normaliseNetwork, PlanError, planBoot, qemuArgs, QEMU_NIC_MODEL, type BootSystem } from "../../src/core/boot/index.ts";
import { unzipSync, strFromU8 } from "fflate";
import { bundleFromPlan, bundleQemuArgs, readBundle } from "../../src/core/bundle/index.ts";
import { requireTemplate, templateFiles, templateSystem } from "../../src/core/templates/index.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";

const artifacts = await prebuiltArtifacts();
const BASE_ONLY: BootSystem = { files: [], base: "busybox", cmdline: "" };

test("network: the plan boots the full kernel (the tiny one has no NIC driver), says why, and marks the spec", async () => {
  const plan = await planBoot({ ...BASE_ONLY, network: true }, artifacts, { emulator: "v86" });
  assert.equal(plan.kernel.id, "full");
  assert.equal(plan.spec.network, true);
  assert.match(plan.notes.join("\n"), /full kernel boots this system: the network needs the NE2000 PCI network card driver .*\(CONFIG_NE2K_PCI\), which the tiny kernel lacks/);
});

test("no network: the same plan as before, with no network field at all", async () => {
  const plan = await planBoot(BASE_ONLY, artifacts, { emulator: "v86" });
  assert.equal(plan.kernel.id, "tiny");
  assert.equal("network" in plan.spec, false);
});

test("network on a pinned tiny kernel is refused, naming the missing options and the kernel that has them", async () => {
  await assert.rejects(planBoot({ ...BASE_ONLY, network: true, kernel: "tiny", kernelPinned: true }, artifacts), (error: unknown) => {
    assert.ok(error instanceof PlanError);
    assert.match(error.message, /the network needs the NE2000 PCI network card driver .*CONFIG_NE2K_PCI.*which the tiny kernel lacks/);
    assert.match(error.message, /--kernel full/);
    return true;
  });
});

test("QEMU gets one NE2000 PCI card on user-mode networking, only when asked", () => {
  const files = { kernel: "k", disks: [], cmdline: "", memoryMiB: 128 };
  const without = qemuArgs(files, { accel: "tcg", arch: "i386" });
  assert.ok(!without.includes("-nic"));
  const withNet = qemuArgs({ ...files, network: true }, { accel: "tcg", arch: "i386" });
  assert.equal(withNet[withNet.indexOf("-nic") + 1], `user,model=${QEMU_NIC_MODEL}`);
  assert.equal(QEMU_NIC_MODEL, "ne2k_pci");
  assert.ok(withNet.includes("-nodefaults"), "still no default devices besides the card");
});

test("parity: each emulator's network addresses and lease times become names, other numbers stay", () => {
  const qemu = "udhcpc: lease of 10.0.2.15 obtained from 10.0.2.2, lease time 86400\nudhcpc: eth0 is 10.0.2.15/24, router 10.0.2.2, DNS 10.0.2.3, lease 86400 s";
  const v86 = "udhcpc: lease of 192.168.86.100 obtained from 192.168.86.1, lease time 134217728\nudhcpc: eth0 is 192.168.86.100/24, router 192.168.86.1, DNS 192.168.86.1, lease 134217728 s";
  const normalised = (text: string) => text.split("\n").map(normaliseNetwork);
  assert.deepEqual(normalised(qemu), normalised(v86));
  assert.equal(normaliseNetwork("udhcpc: eth0 is 10.0.2.15/24, router 10.0.2.2, DNS 10.0.2.3, lease 86400 s"), "udhcpc: eth0 is GUEST_IP/24, router NET_SERVER, DNS NET_SERVER, lease LEASE s");
  assert.equal(normaliseNetwork("110.0.2.150 and 10.0.2.22 stay"), "110.0.2.150 and 10.0.2.22 stay");
});

test("a bundle of a networked system says so in bundle.json, and run-qemu.sh passes -nic; others do not", async () => {
  const template = requireTemplate("network");
  const files = await templateFiles(template, (path) => artifacts.bytes(path));
  const plan = await planBoot(templateSystem(template, { files, cmdline: template.cmdline }), artifacts);
  const bundle = readBundle(bundleFromPlan(plan, { files, template: template.id }));
  assert.equal(bundle.manifest.network, true);
  const script = strFromU8(unzipSync(bundleFromPlan(plan, { files, template: template.id }))["run-qemu.sh"]!);
  assert.match(script, / -nic user,model=ne2k_pci /);
  assert.deepEqual(bundleQemuArgs(bundle.manifest, "tcg").slice(-2), ["-nic", "user,model=ne2k_pci"]);

  const plain = await planBoot(BASE_ONLY, artifacts);
  const plainBundle = readBundle(bundleFromPlan(plain, { files: [], template: "" }));
  assert.equal("network" in plainBundle.manifest, false);
  assert.ok(!bundleQemuArgs(plainBundle.manifest, "tcg").includes("-nic"));
});

test("the guest's address comes from udhcpc's own line, the last lease winning", () => {
  assert.equal(guestLease("Run /init as init process\nudhcpc: started, v1.35.0\n"), undefined);
  const text = "udhcpc: lease of 10.0.2.15 obtained from 10.0.2.2, lease time 86400\r\n...\nudhcpc: lease of 192.168.86.100 obtained from 192.168.86.1, lease time 134217728\r\n";
  assert.deepEqual(guestLease(text), { address: "192.168.86.100", server: "192.168.86.1" });
  assert.match(describeBrowserNetwork(guestLease(text)), /^Network: eth0 192\.168\.86\.100 by DHCP from 192\.168\.86\.1\. Only HTTP to port 80/);
  assert.match(describeBrowserNetwork(undefined), /no DHCP lease yet/);
});
