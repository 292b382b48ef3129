// Two guests on one virtual LAN (BootSystem.lan, `bootlab boot --lan NAME`): on QEMU (a multicast
// socket) and on v86 (a BroadcastChannel hub), one guest gives itself an address and serves a
// page with BusyBox httpd, the other pings it and fetches the page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { RunnerSession } from "../../src/core/boot/index.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { planFor } from "./systems.ts";

for (const emulator of ["qemu", "v86"] as const) {
  test(`${emulator}: two guests on one LAN ping each other and one fetches the other's httpd page`, async () => {
    // A name of this run's own, so that another run on the host (QEMU's multicast group) cannot join.
    const lan = `test-${process.pid}-${emulator}`;
    const plan = await planFor({ files: [], base: "busybox", cmdline: "", lan }, emulator);
    assert.equal(plan.spec.lan, lan);
    assert.equal(plan.kernel.id, "full", "the LAN needs the network card's driver");
    const a = new RunnerSession(await createRunner(emulator, { accel: "tcg" }), { ...plan.expectations });
    const b = new RunnerSession(await createRunner(emulator, { accel: "tcg" }), { ...plan.expectations });
    try {
      await Promise.all([a.start(plan.spec), b.start(plan.spec)]);
      await Promise.all([a.waitForPrompt(0, 120_000), b.waitForPrompt(0, 120_000)]);
      const served = await a.run("ifconfig eth0 10.0.0.1 up && mkdir -p /www && echo served-by-$((40+2)) > /www/index.html && httpd -p 80 -h /www && echo serving", 60_000);
      assert.match(served, /serving/);
      const ping = await b.run("ifconfig eth0 10.0.0.2 up && ping -c 2 10.0.0.1", 60_000);
      assert.match(ping, /2 packets transmitted, 2 packets received/);
      assert.match(await b.run("wget -q -O - http://10.0.0.1/", 60_000), /served-by-42/);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });
}

test("a LAN's name is checked by the plan", async () => {
  await assert.rejects(planFor({ files: [], base: "busybox", cmdline: "", lan: "no spaces" }), /LAN name: got "no spaces"/);
});
