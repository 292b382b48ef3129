// The warm-boot protocol and plan as data: finding the agent's buffer in a memory image,
// chunking the files across it, and the reasons a boot stays cold.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { findAgentBuffer, isAgentBufferWaiting, receivedBytes, warmDeliveries, WARM_PAGE_BYTES, WARM_PAYLOAD_HEADER_BYTES, planWarm } from "../../src/core/warm/index.ts";
import { planBoot, type BootSystem } from "../../src/core/boot/index.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";

/** A memory image with an agent buffer of `pages` pages at the given page numbers, as the agent writes it. */
function memoryWithBuffer(where: number[], nonce = 0x1234, ready = true): Uint8Array {
  const memory = new Uint8Array(64 * WARM_PAGE_BYTES);
  where.forEach((page, index) => {
    const at = page * WARM_PAGE_BYTES;
    memory.set([0x7f, 0x42, 0x4c, 0x57, 0x41, 0x52, 0x4d, 0x01], at);
    const view = new DataView(memory.buffer, at);
    view.setUint32(8, nonce, true);
    view.setUint32(12, index, true);
    view.setUint32(16, where.length, true);
    if (index === 0 && ready) view.setUint32(20, 1, true);
  });
  return memory;
}

describe("the agent's buffer in guest memory", () => {
  it("is found page by page, in the agent's order, once page 0 says ready", () => {
    const memory = memoryWithBuffer([10, 3, 4, 40]);
    const buffer = findAgentBuffer(memory)!;
    assert.deepEqual(buffer.pages, [10, 3, 4, 40].map((p) => p * WARM_PAGE_BYTES));
    assert.ok(isAgentBufferWaiting(memory, buffer));
    assert.equal(findAgentBuffer(memoryWithBuffer([10, 3], 1, false)), undefined);
  });

  it("an incomplete or inconsistent set of pages is no buffer", () => {
    const memory = memoryWithBuffer([1, 2, 3]);
    memory.fill(0, 2 * WARM_PAGE_BYTES, 3 * WARM_PAGE_BYTES);
    assert.equal(findAgentBuffer(memory), undefined);
    const twice = memoryWithBuffer([1, 2, 3]);
    twice.copyWithin(9 * WARM_PAGE_BYTES, 2 * WARM_PAGE_BYTES, 3 * WARM_PAGE_BYTES);
    assert.equal(findAgentBuffer(twice), undefined);
  });

  it("files larger than the buffer go in chunks that together are the archive", () => {
    const memory = memoryWithBuffer([5, 6, 20]);
    const buffer = findAgentBuffer(memory)!;
    const archive = Uint8Array.from({ length: 30_000 }, (_, i) => i % 251);
    const deliveries = warmDeliveries(buffer, archive, 1_700_000_000_123);
    const capacity = 3 * WARM_PAGE_BYTES - WARM_PAYLOAD_HEADER_BYTES;
    assert.deepEqual(deliveries.map((d) => d.offset), [0, capacity, 2 * capacity]);
    const joined: number[] = [];
    for (const delivery of deliveries) {
      const image = new Uint8Array(memory.length);
      for (const write of delivery.writes) image.set(write.bytes, write.address);
      // The agent's view: its pages in order.
      const view = new Uint8Array(buffer.pages.length * WARM_PAGE_BYTES);
      buffer.pages.forEach((at, i) => view.set(image.subarray(at, at + WARM_PAGE_BYTES), i * WARM_PAGE_BYTES));
      const header = new DataView(view.buffer);
      assert.equal(header.getUint32(8, true), archive.length);
      assert.equal(header.getUint32(12, true), delivery.offset);
      assert.equal(header.getUint32(16, true), 1_700_000_000);
      assert.equal(header.getUint32(24, true), 123_000_000);
      joined.push(...view.subarray(WARM_PAYLOAD_HEADER_BYTES, WARM_PAYLOAD_HEADER_BYTES + Math.min(capacity, archive.length - delivery.offset)));
      assert.equal(receivedBytes(image, buffer), 0);
    }
    assert.deepEqual(Uint8Array.from(joined), archive);
    // Pages 5 and 6 are adjacent: one write covers both.
    assert.equal(deliveries[0]!.writes.length, 2);
  });
});

describe("planWarm: when a boot stays cold, and why", () => {
  const cases: Array<[string, BootSystem, RegExp]> = [
    ["an initrd of the user's", { files: [], base: "busybox", cmdline: "", initrd: new Uint8Array(512) }, /initrd of your own/],
    ["a file over /dev/console", { files: [{ path: "/dev/console", kind: "char-device", mode: 0o600, major: 4, minor: 64 }], base: "busybox", cmdline: "" }, /\/dev\/console/],
    ["an init that cannot run", { files: [{ path: "/init", kind: "file", mode: 0o644, text: "#!/bin/sh\necho hi\n" }], base: "busybox", cmdline: "" }, /init cannot run/],
    ["no init at all", { files: [{ path: "/etc/motd", kind: "file", mode: 0o644, text: "hi" }], base: "none", cmdline: "" }, /nothing the kernel can run/],
  ];
  for (const [name, system, reason] of cases) {
    it(name, async () => {
      const artifacts = await prebuiltArtifacts();
      const plan = await planBoot(system, artifacts, { emulator: "v86" }).catch(() => undefined);
      if (!plan) return assert.fail(`${name}: the plan refused the system`);
      const decision = await planWarm(system, plan, artifacts, "test");
      assert.equal(decision.warm, false);
      if (!decision.warm) assert.match(decision.coldReason, reason);
    });
  }

  it("the same system twice: the same key and archive; another command line: another key", async () => {
    const artifacts = await prebuiltArtifacts();
    const system: BootSystem = { files: [{ path: "/etc/motd", kind: "file", mode: 0o644, text: "hello\n" }], base: "busybox", cmdline: "" };
    const one = await planWarm(system, await planBoot(system, artifacts, { emulator: "v86" }), artifacts, "test");
    const two = await planWarm(system, await planBoot(system, artifacts, { emulator: "v86" }), artifacts, "test");
    const other = { ...system, cmdline: "quiet" };
    const three = await planWarm(other, await planBoot(other, artifacts, { emulator: "v86" }), artifacts, "test");
    assert.ok(one.warm && two.warm && three.warm);
    if (!one.warm || !two.warm || !three.warm) return;
    assert.equal(one.snapshot.key, two.snapshot.key);
    assert.deepEqual(one.archive, two.archive);
    assert.notEqual(one.snapshot.key, three.snapshot.key);
  });
});
