// loadBundle, what `bootlab boot --bundle F.zip` calls: a bundle file into kernel, initrds,
// command line and memory, or a CliError (exit 2) whose message says what is wrong.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadBundle } from "../../src/cli/bundle.ts";
import { CliError, EXIT_USAGE } from "../../src/cli/command.ts";
import { planBoot } from "../../src/core/boot/index.ts";
import { bundleFromPlan } from "../../src/core/bundle/index.ts";
import { fileEntry } from "../../src/core/cpio/constructors.ts";
import { packCpioGz } from "../../src/core/cpio/writer.ts";
import { fakeArtifacts, fakeKernel } from "../unit/fake-prebuilt.ts";

let work: string;
const kernel = fakeKernel();
const files = [{ path: "/init", kind: "file" as const, mode: 0o755, text: "#!/bin/sh\n" }];
const plan = await planBoot(
  { files, base: "busybox", cmdline: "quiet", memoryMiB: 192 },
  fakeArtifacts(packCpioGz([fileEntry("bin/busybox", "x", { mode: 0o755 })]), kernel),
);
const zip = bundleFromPlan(plan, { files, template: "minimal-init" });

before(() => {
  work = mkdtempSync(join(tmpdir(), "bootlab-load-bundle-"));
});
after(() => rmSync(work, { recursive: true, force: true }));

test("a bundle file loads into what a boot needs", async () => {
  const file = join(work, "my lesson.zip");
  writeFileSync(file, zip);
  const loaded = await loadBundle(file);
  assert.deepEqual(loaded.kernel, kernel);
  assert.equal(loaded.initrds.length, 1);
  assert.deepEqual([loaded.initrds[0]![0], loaded.initrds[0]![1]], [0x1f, 0x8b]);
  assert.equal(loaded.cmdline, plan.spec.cmdline);
  assert.match(loaded.cmdline, /^console=ttyS0 .* quiet$/);
  assert.equal(loaded.memoryMiB, 192);
  assert.deepEqual(loaded.disks, []);
  assert.equal(loaded.manifest.template, "minimal-init");
});

test("a missing file, a directory and a broken bundle are usage errors that say so", async () => {
  const check = async (path: string, message: RegExp) =>
    assert.rejects(loadBundle(path), (e: unknown) => e instanceof CliError && e.exitCode === EXIT_USAGE && message.test(e.message));
  await check(join(work, "nope.zip"), /^--bundle .*nope\.zip: no such file$/);
  mkdirSync(join(work, "dir.zip"));
  await check(join(work, "dir.zip"), /is a directory, want a file/);
  writeFileSync(join(work, "cut.zip"), zip.subarray(0, zip.length / 2));
  await check(join(work, "cut.zip"), /^--bundle .*cut\.zip: This is not a readable zip file \(there is no end-of-central-directory record/);
  writeFileSync(join(work, "text.zip"), "hello");
  await check(join(work, "text.zip"), /too short for a zip file/);
});
