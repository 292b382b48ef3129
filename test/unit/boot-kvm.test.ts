import { test } from "node:test";
import assert from "node:assert/strict";
import { chooseAccel, kvmDeviceStatus } from "../../src/cli/runners/kvm.ts";

test("auto picks KVM only when the probe passed; an explicit choice stays", () => {
  assert.equal(chooseAccel("auto", { usable: true, reason: "" }), "kvm");
  assert.equal(chooseAccel("auto", { usable: false, reason: "" }), "tcg");
  assert.equal(chooseAccel("tcg", { usable: true, reason: "" }), "tcg");
  assert.equal(chooseAccel("kvm", { usable: false, reason: "" }), "kvm");
});

test("a missing KVM device is reported in words", () => {
  assert.deepEqual(kvmDeviceStatus("/nonexistent/kvm"), { usable: false, reason: "/nonexistent/kvm does not exist (no KVM on this machine)" });
});
