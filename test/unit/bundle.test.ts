// The export bundle in memory, made from a real plan (planBoot over an in-memory prebuilt/):
// what it boots is the plan's initrd and command line, both layouts, reproducibility, the
// plans a bundle cannot hold, and one test per way a bundle can be broken, each with its own error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync, gzipSync, unzipSync, zipSync, strFromU8, strToU8 } from "fflate";
import { directoryEntry, fileEntry, symlinkEntry } from "../../src/core/cpio/constructors.ts";
import type { CpioEntry, FileEntry } from "../../src/core/cpio/entry.ts";
import { flattenEntries } from "../../src/core/cpio/flatten.ts";
import { readCpio } from "../../src/core/cpio/reader.ts";
import { packCpio, packCpioGz } from "../../src/core/cpio/writer.ts";
import { planBoot, type BootPlan, type BootSystem } from "../../src/core/boot/index.ts";
import { shellCommand } from "../../src/core/boot/qemu-args.ts";
import { overlayEntries, type OverlayFile } from "../../src/core/rootfs/overlay.ts";
import {
  BUNDLE_FORMAT_VERSION,
  BundleBuildError,
  BundleCorruptPartError,
  BundleError,
  BundleManifestError,
  BundleMissingPartError,
  BundleNewerFormatError,
  BundleNotZipError,
  buildBundle,
  bundleFromPlan,
  bundleQemuArgs,
  readBundle,
} from "../../src/core/bundle/index.ts";
import { fakeArtifacts, fakeKernel } from "./fake-prebuilt.ts";

const baseEntries: CpioEntry[] = [
  directoryEntry("bin"),
  fileEntry("bin/busybox", new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]), { mode: 0o755 }),
  symlinkEntry("bin/sh", "busybox"),
  directoryEntry("etc"),
  fileEntry("etc/hostname", "base\n"),
];
const base = packCpioGz(baseEntries);
const kernel = fakeKernel();
const artifacts = fakeArtifacts(base, kernel);

const files: OverlayFile[] = [
  { path: "/init", kind: "file", mode: 0o755, text: "#!/bin/sh\necho 'BOOTLAB-MARKER ✓'\npoweroff -f\n" },
  { path: "/etc/hostname", kind: "file", mode: 0o644, text: "overlay\n" },
  { path: "/etc/init.d/rcS", kind: "file", mode: 0o700, text: "" },
  { path: "/bin/hello", kind: "file", mode: 0o755, data: new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0xff]) },
  { path: "/srv/empty", kind: "directory", mode: 0o700 },
];
const system: BootSystem = { files, base: "busybox", cmdline: `rdinit=/init foo="a b" it's` };
const plan = await planBoot(system, artifacts);
const options = { files, template: "minimal-init" };
const zip = bundleFromPlan(plan, options);

const filesOf = (entries: CpioEntry[]) =>
  new Map(entries.filter((e): e is FileEntry => e.kind === "file").map((e) => [e.path, { mode: e.mode, data: e.data }]));

test("a bundle carries what the plan boots: its initrd (gzip'd), command line, memory, arch and kernel", () => {
  const bundle = readBundle(zip);
  assert.deepEqual(gunzipSync(bundle.initramfs!), plan.spec.initrds[0], "the initramfs inflates to the plan's initrd, byte for byte");
  assert.equal(bundle.manifest.cmdline, plan.spec.cmdline);
  assert.match(bundle.manifest.cmdline, /^console=ttyS0 .*rdinit=\/init foo="a b" it's$/, "bootlab's defaults, then the system's parameters");
  assert.equal(bundle.manifest.memoryMiB, plan.spec.memoryMiB);
  assert.equal(bundle.manifest.arch, plan.kernel.arch);
  assert.deepEqual(bundle.kernel, kernel);
  assert.equal(bundle.manifest.version, 1, "a bundle without disks stays version 1, which older readers read");
  assert.equal(bundle.manifest.template, "minimal-init");
  assert.deepEqual(
    bundle.sources.map((s) => [s.path, s.mode, s.data]),
    files.filter((f) => f.kind === "file").map((f) => [f.path, f.mode, f.data ?? new TextEncoder().encode(f.text)]),
  );

  const names = Object.keys(unzipSync(zip));
  assert.deepEqual(names, [
    "bundle.json",
    "README.md",
    "run-qemu.sh",
    "bzImage",
    "initramfs.cpio.gz",
    "src/init",
    "src/etc/hostname",
    "src/etc/init.d/rcS",
    "src/bin/hello",
  ]);
  assert.deepEqual(
    bundle.manifest.files.map((f) => f.path),
    names.slice(1),
  );
  assert.equal(bundle.manifest.files.find((f) => f.path === "run-qemu.sh")!.mode, 0o755);
});

test("base and files: the concatenated layout, the files' archive after the base's, the files winning", () => {
  const bundle = readBundle(zip);
  assert.equal(bundle.manifest.layout, "concatenated");
  const plain = gunzipSync(bundle.initramfs!);
  const baseArchive = gunzipSync(base);
  assert.deepEqual(plain.subarray(0, baseArchive.length), baseArchive, "the base archive comes first, unchanged");
  // In stream order the files' entries come last, so they win, as in the kernel.
  const entries = readCpio(bundle.initramfs!);
  assert.deepEqual(
    (entries.filter((e) => e.path === "etc/hostname") as FileEntry[]).map((e) => new TextDecoder().decode(e.data)),
    ["base\n", "overlay\n"],
  );
  const tree = flattenEntries(entries);
  const treeFiles = filesOf(tree);
  assert.equal(new TextDecoder().decode(treeFiles.get("etc/hostname")!.data), "overlay\n");
  assert.equal(treeFiles.get("init")!.mode, 0o755);
  assert.equal(treeFiles.get("etc/init.d/rcS")!.mode, 0o700);
  assert.deepEqual(treeFiles.get("bin/busybox")!.data, new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
  assert.ok(tree.some((e) => e.kind === "symlink" && e.path === "bin/sh" && e.target === "busybox"));
  assert.ok(tree.some((e) => e.kind === "directory" && e.path === "etc/init.d"), "parents of the files are added");
  assert.ok(tree.some((e) => e.kind === "directory" && e.path === "srv/empty" && e.mode === 0o700), "an empty directory is kept");
  const readme = strFromU8(unzipSync(zip)["README.md"]!);
  assert.match(readme, /bootlab unpack --list initramfs\.cpio\.gz/, "the README says how to see every file");
  assert.ok(readme.includes(`head -c ${plain.length - packCpio(overlayEntries(files)).length} `), "the README splits at the files' archive");
});

test("files without a base, and a base without files, are one archive (\"merged\")", async () => {
  const alone = await planBoot({ files, base: "none", cmdline: "" }, artifacts);
  const bundle = readBundle(bundleFromPlan(alone, options));
  assert.equal(bundle.manifest.layout, "merged");
  assert.deepEqual(gunzipSync(bundle.initramfs!), alone.spec.initrds[0]);
  const paths = readCpio(bundle.initramfs!).map((e) => e.path);
  assert.ok(paths.includes("init") && !paths.includes("bin/busybox"));

  const bare = await planBoot({ files: [], base: "busybox", cmdline: "" }, artifacts);
  const baseOnly = readBundle(bundleFromPlan(bare, { files: [], template: "busybox-init" }));
  assert.equal(baseOnly.manifest.layout, "merged");
  assert.deepEqual(gunzipSync(baseOnly.initramfs!), gunzipSync(base));
  assert.deepEqual(baseOnly.sources, []);
  assert.match(strFromU8(unzipSync(bundleFromPlan(bare, { files: [], template: "busybox-init" }))["README.md"]!), /cpio stream \(one archive\)/);
});

test("the same project gives the same zip bytes: another plan, another time zone", async () => {
  const saved = process.env.TZ;
  try {
    process.env.TZ = "America/Los_Angeles"; // Node re-reads TZ when it is set
    const west = bundleFromPlan(plan, options);
    process.env.TZ = "Asia/Tokyo";
    const again = await planBoot({ ...system, files: files.map((f) => ({ ...f })) }, fakeArtifacts(base, kernel));
    const east = bundleFromPlan(again, { ...options, files: files.map((f) => ({ ...f })) });
    assert.notEqual(new Date(0).getTimezoneOffset(), 480, "the time zone did change");
    assert.deepEqual(west, east);
    assert.deepEqual(west, zip);
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
  // The gzip header carries no time (bytes 4-7) and no name (flag byte 3).
  const initramfs = readBundle(zip).initramfs!;
  assert.deepEqual([...initramfs.subarray(3, 8)], [0, 0, 0, 0, 0]);
});

test("the bundle's memory is the plan's", async () => {
  const big = await planBoot({ ...system, memoryMiB: 192 }, artifacts);
  assert.equal(readBundle(bundleFromPlan(big, options)).manifest.memoryMiB, 192);
  assert.equal(readBundle(zip).manifest.memoryMiB, plan.spec.memoryMiB);
});

test("run-qemu.sh runs exactly the arguments qemuArgs gives, for KVM and for TCG", () => {
  const bundle = readBundle(zip);
  const script = strFromU8(unzipSync(zip)["run-qemu.sh"]!);
  for (const accel of ["kvm", "tcg"] as const) {
    const args = bundleQemuArgs(bundle.manifest, accel);
    assert.ok(args.includes("-append") && args[args.indexOf("-append") + 1] === plan.spec.cmdline);
    assert.ok(script.includes(`exec ${shellCommand("qemu-system-i386", args)} "$@"`), accel);
  }
  assert.match(script, /^#!\/bin\/sh\n/);
});

test("disks go into a version 2 bundle, as disks/sda.img, ...; run-qemu.sh attaches them; a disk root has no initramfs", async () => {
  const disk = Uint8Array.from({ length: 8192 }, (_, i) => i % 251);
  const diskRoot = await planBoot({ files: [], base: "busybox", cmdline: "root=/dev/sda", disks: [disk, disk.slice(0, 4096)] }, artifacts);
  assert.deepEqual(diskRoot.spec.initrds, []);
  const zipped = bundleFromPlan(diskRoot, { files: [], template: "disk-root" });
  const read = readBundle(zipped);
  assert.equal(read.manifest.version, 2);
  assert.equal(read.manifest.initramfs, "");
  assert.equal(read.initramfs, undefined);
  assert.deepEqual(read.manifest.disks, [{ file: "disks/sda.img", device: "/dev/sda" }, { file: "disks/sdb.img", device: "/dev/sdb" }]);
  assert.deepEqual(read.disks, [disk, disk.slice(0, 4096)]);
  const args = bundleQemuArgs(read.manifest, "tcg");
  assert.ok(!args.includes("-initrd"));
  assert.deepEqual(args.filter((_, i) => args[i - 1] === "-drive"), [
    "file=disks/sda.img,format=raw,if=ide,index=0,media=disk,snapshot=on",
    "file=disks/sdb.img,format=raw,if=ide,index=1,media=disk,snapshot=on",
  ]);
  assert.match(strFromU8(unzipSync(zipped)["README.md"]!), /disks\/sda\.img.*\/dev\/sda/);
  const withDisk = await planBoot({ ...system, disks: [disk] }, artifacts);
  const both = readBundle(bundleFromPlan(withDisk, options));
  assert.deepEqual(gunzipSync(both.initramfs!), withDisk.spec.initrds[0]);
  assert.deepEqual(both.disks, [disk]);
});

test("a plan a bundle cannot hold is refused, saying why", async () => {
  const hostDisk = { path: "/srv/images/root.img", size: 4096, head: new Uint8Array(4096) };
  const withHostDisk = await planBoot({ ...system, disks: [hostDisk] }, artifacts);
  assert.throws(() => bundleFromPlan(withHostDisk, options), (e: unknown) => e instanceof BundleBuildError && /disk \/srv\/images\/root\.img: got a disk image on the host, want one the plan wrote/.test(e.message));
  // src/ must hold the files the initramfs boots, not others.
  const other: OverlayFile[] = [{ path: "/init", kind: "file", mode: 0o755, text: "#!/bin/sh\necho other\n" }];
  assert.throws(() => bundleFromPlan(plan, { ...options, files: other }), (e: unknown) => e instanceof BundleBuildError && /want the files the plan was made from/.test(e.message));
});

test("the writer refuses a kernel that is not a bzImage, and an initramfs that is not gzip", () => {
  const input = { kernel, initramfs: readBundle(zip).initramfs!, layout: "merged" as const, files, cmdline: "", template: "", memoryMiB: 128, arch: "i386" as const };
  assert.doesNotThrow(() => buildBundle(input));
  assert.throws(() => buildBundle({ ...input, kernel: new Uint8Array(4096) }), /HdrS/);
  assert.throws(() => buildBundle({ ...input, initramfs: packCpio(baseEntries) }), /initramfs: got \d+ bytes without the gzip magic \(1f 8b\); want it gzip'd/);
});

// ---- broken bundles ----

/** The bundle's members, changed by `edit`, zipped again (fflate writes correct CRCs). */
function rezip(edit: (members: Record<string, Uint8Array>) => void): Uint8Array {
  const members: Record<string, Uint8Array> = unzipSync(zip);
  edit(members);
  return zipSync(members);
}

function editManifest(edit: (m: Record<string, unknown>) => void): Uint8Array {
  return rezip((members) => {
    const manifest = JSON.parse(strFromU8(members["bundle.json"]!));
    edit(manifest);
    members["bundle.json"] = strToU8(JSON.stringify(manifest));
  });
}

function assertBundleError<E extends BundleError>(zip: Uint8Array, kind: new (...args: never[]) => E, message: RegExp) {
  assert.throws(
    () => readBundle(zip),
    (error: unknown) => {
      assert.ok(error instanceof kind, `got ${String(error)}, want ${kind.name}`);
      assert.ok(error instanceof BundleError);
      assert.match(error.message, message);
      assert.match(error.message, /Export the bundle again|Update bootlab|download finished/, "the message says what to do");
      return true;
    },
  );
}

test("bytes that are not a zip, or a zip cut short, are 'not a zip'", () => {
  assertBundleError(new TextEncoder().encode("just some text, long enough to look for an end record"), BundleNotZipError, /no end-of-central-directory record/);
  assertBundleError(new Uint8Array(5), BundleNotZipError, /too short for a zip/);
  assertBundleError(zip.subarray(0, zip.length - 30), BundleNotZipError, /not a readable zip/);
  assertBundleError(zip.subarray(zip.length - 2000), BundleNotZipError, /cut short/);
});

test("each missing part is named", () => {
  for (const part of ["bundle.json", "bzImage", "initramfs.cpio.gz", "src/etc/hostname"]) {
    assertBundleError(rezip((m) => delete m[part]), BundleMissingPartError, new RegExp(`has no ${part.replace(".", "\\.")}`));
  }
});

test("without its sources a bundle still gives what a boot needs", () => {
  const zip = rezip((m) => delete m["src/init"]);
  const bundle = readBundle(zip, { sources: false });
  assert.deepEqual(bundle.kernel, kernel);
  assert.deepEqual(bundle.sources, []);
});

test("a damaged byte in any member is caught by its CRC and named", () => {
  for (const [part, marker] of [
    ["bzImage", kernel.subarray(0x300, 0x310)],
    ["initramfs.cpio.gz", bundleFromPlanInitramfs().subarray(20, 36)],
  ] as const) {
    const at = indexOf(zip, marker);
    assert.ok(at > 0, `found ${part}'s bytes in the zip`);
    const damaged = zip.slice();
    damaged[at + 3]! ^= 0x10;
    assertBundleError(damaged, BundleCorruptPartError, new RegExp(`${part.replace(".", "\\.")} is damaged: CRC-32 [0-9a-f]{8} over \\d+ bytes, want`));
  }
  // A deflated member (the manifest comes first, right after its 30-byte header and name).
  const damaged = zip.slice();
  damaged[30 + "bundle.json".length + 10]! ^= 0xff;
  assert.throws(() => readBundle(damaged), (e: unknown) => e instanceof BundleCorruptPartError && e.part === "bundle.json");
});

test("a kernel that is not a bzImage, and an initramfs that is not cpio, are corrupt parts", () => {
  assertBundleError(rezip((m) => (m.bzImage = new Uint8Array(2000))), BundleCorruptPartError, /bzImage is damaged: .*not a bzImage/);
  assertBundleError(
    rezip((m) => (m["initramfs.cpio.gz"] = strToU8("not an archive at all"))),
    BundleCorruptPartError,
    /initramfs\.cpio\.gz is damaged: it is not a readable cpio archive/,
  );
});

test("a manifest that is not JSON, not ours, or malformed says which field", () => {
  assertBundleError(rezip((m) => (m["bundle.json"] = strToU8("{ nope"))), BundleManifestError, /bundle\.json is not a valid manifest: it is not JSON/);
  assertBundleError(editManifest((m) => (m.format = "something-else")), BundleManifestError, /"format" is "something-else", want "bootlab-bundle"/);
  assertBundleError(editManifest((m) => (m.memoryMiB = "lots")), BundleManifestError, /"memoryMiB" is "lots"/);
  assertBundleError(editManifest((m) => delete m.cmdline), BundleManifestError, /"cmdline" is missing/);
  assertBundleError(editManifest((m) => (m.arch = "arm64")), BundleManifestError, /"arch" is "arm64"/);
  assertBundleError(
    editManifest((m) => ((m.sources as Array<{ mode: number }>)[0]!.mode = 70000)),
    BundleManifestError,
    /sources\[0\]\.mode is 70000/,
  );
  assertBundleError(editManifest((m) => (m.kernel = "vmlinuz")), BundleMissingPartError, /has no vmlinuz/);
});

test("a bundle from a newer format says so", () => {
  assertBundleError(editManifest((m) => (m.version = BUNDLE_FORMAT_VERSION + 1)), BundleNewerFormatError, /format version 3, but this bootlab reads versions up to 2/);
});

test("errors carry a code for postMessage and comlink", () => {
  const codes = new Set<string>();
  for (const zip of [new Uint8Array(5), rezip((m) => delete m.bzImage), editManifest((m) => (m.version = 9)), editManifest((m) => (m.arch = 1))]) {
    try {
      readBundle(zip);
    } catch (error) {
      codes.add((error as BundleError).code);
    }
  }
  assert.deepEqual(codes, new Set(["not-a-zip", "missing-part", "newer-format", "bad-manifest"]));
});

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

/** The plan's initrd as the bundle stores it, made here rather than read from the zip. */
function bundleFromPlanInitramfs(): Uint8Array {
  return gzipSync(plan.spec.initrds[0]!, { level: 9, mtime: 0 });
}

/** A bundle whose bundle.json is padded with `padding` bytes of blanks (still a valid manifest). */
function bundleWithLargeManifest(padding: number): Uint8Array {
  return rezip((m) => {
    const text = strFromU8(m["bundle.json"]!);
    const padded = new Uint8Array(text.length + padding).fill(0x20);
    padded.set(strToU8(text));
    m["bundle.json"] = padded;
  });
}

/** Rewrites the declared (uncompressed) size of `name` in the zip's central directory. */
function withDeclaredSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const out = zip.slice();
  const view = new DataView(out.buffer);
  for (let at = 0; at + 46 <= out.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const nameLength = view.getUint16(at + 28, true);
    if (strFromU8(out.subarray(at + 46, at + 46 + nameLength)) !== name) continue;
    view.setUint32(at + 24, size, true);
    return out;
  }
  throw new Error(`no central directory entry for ${name}`);
}

test("a bundle.json that declares more than a manifest may hold is refused before it is inflated", () => {
  // 20 MB of blanks deflate to about 20 kB; a 600 MB one in a 2.3 MB zip crashed the reader.
  const zip = bundleWithLargeManifest(20 * 1024 * 1024);
  assert.ok(zip.length < 200_000);
  assertBundleError(zip, BundleCorruptPartError, /bundle\.json is damaged: it declares \d+ bytes, more than the 4194304 bytes this part may hold/);
  // A declared size of 600 MB is refused at once, without allocating it.
  const started = performance.now();
  assertBundleError(withDeclaredSize(bundleWithLargeManifest(0), "bundle.json", 600_000_000), BundleCorruptPartError, /declares 600000000 bytes/);
  assert.ok(performance.now() - started < 1000);
});

test("a member that inflates past its declared size stops at the first byte over it", () => {
  // bundle.json is 3 MB of blanks (under the limit) but declares 100 bytes.
  const zip = withDeclaredSize(bundleWithLargeManifest(3 * 1024 * 1024), "bundle.json", 100);
  assertBundleError(zip, BundleCorruptPartError, /bundle\.json is damaged: its compressed data inflates to more than the 100 bytes it declares/);
});
