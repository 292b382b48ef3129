// The export bundle in memory: build and read back, both initramfs layouts, reproducibility, and
// one test per way a bundle can be broken, each giving its own error.
import { test } from "node:test";
import assert from "node:assert/strict";
import { unzipSync, zipSync, strFromU8, strToU8 } from "fflate";
import { directoryEntry, fileEntry, symlinkEntry } from "../../src/core/cpio/constructors.ts";
import type { CpioEntry, FileEntry } from "../../src/core/cpio/entry.ts";
import { readCpio } from "../../src/core/cpio/reader.ts";
import { packCpio, packCpioGz } from "../../src/core/cpio/writer.ts";
import { shellCommand } from "../../src/core/boot/qemu-args.ts";
import {
  BUNDLE_FORMAT_VERSION,
  BundleCorruptPartError,
  BundleError,
  BundleManifestError,
  BundleMissingPartError,
  BundleNewerFormatError,
  BundleNotZipError,
  buildBundle,
  bundleQemuArgs,
  layOverlay,
  readBundle,
  type BundleInput,
} from "../../src/core/bundle/index.ts";

/** Enough of a bzImage for the header check: the "HdrS" magic at 0x202. */
function fakeKernel(size = 4096): Uint8Array {
  const kernel = new Uint8Array(size).map((_, i) => (i * 7) & 0xff);
  kernel.set([0x48, 0x64, 0x72, 0x53], 0x202);
  return kernel;
}

const baseEntries: CpioEntry[] = [
  directoryEntry("bin"),
  fileEntry("bin/busybox", new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]), { mode: 0o755 }),
  symlinkEntry("bin/sh", "busybox"),
  directoryEntry("etc"),
  fileEntry("etc/hostname", "base\n"),
];
const base = packCpioGz(baseEntries);

const input: BundleInput = {
  kernel: fakeKernel(),
  base,
  files: [
    { path: "/init", mode: 0o755, text: "#!/bin/sh\necho 'BOOTLAB-MARKER ✓'\npoweroff -f\n" },
    { path: "/etc/hostname", mode: 0o644, text: "overlay\n" },
    { path: "/etc/init.d/rcS", mode: 0o700, text: "" },
    { path: "/bin/hello", mode: 0o755, data: new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0xff]) },
    { path: "/srv/empty", kind: "directory", mode: 0o700 },
  ],
  cmdline: `console=ttyS0 rdinit=/init foo="a b" it's`,
  template: "minimal-init",
};

const filesOf = (entries: CpioEntry[]) =>
  new Map(entries.filter((e): e is FileEntry => e.kind === "file").map((e) => [e.path, { mode: e.mode, data: e.data }]));

test("a bundle reads back: manifest, kernel, merged initramfs, sources with their modes", () => {
  const zip = buildBundle(input);
  const bundle = readBundle(zip);
  assert.equal(bundle.manifest.version, BUNDLE_FORMAT_VERSION);
  assert.equal(bundle.manifest.cmdline, input.cmdline);
  assert.equal(bundle.manifest.template, "minimal-init");
  assert.equal(bundle.manifest.arch, "i386");
  assert.equal(bundle.manifest.layout, "merged");
  assert.equal(bundle.manifest.memoryMiB, 128);
  assert.deepEqual(bundle.kernel, input.kernel);
  assert.deepEqual(
    bundle.sources.map((s) => [s.path, s.mode, s.data]),
    input.files.filter((f) => f.kind !== "directory").map((f) => [f.path, f.mode, f.data ?? new TextEncoder().encode(f.text)]),
  );

  const files = filesOf(readCpio(bundle.initramfs));
  assert.equal(new TextDecoder().decode(files.get("etc/hostname")!.data), "overlay\n", "the overlay replaces the base's file");
  assert.equal(files.get("init")!.mode, 0o755);
  assert.equal(files.get("etc/init.d/rcS")!.mode, 0o700);
  assert.deepEqual(files.get("bin/busybox")!.data, new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2, 3]));
  const entries = readCpio(bundle.initramfs);
  assert.ok(entries.some((e) => e.kind === "symlink" && e.path === "bin/sh" && e.target === "busybox"));
  assert.ok(entries.some((e) => e.kind === "directory" && e.path === "etc/init.d"), "parents of overlay files are added");
  assert.ok(entries.some((e) => e.kind === "directory" && e.path === "srv/empty" && e.mode === 0o700), "an empty directory is kept");
  assert.equal(entries.filter((e) => e.path === "etc/hostname").length, 1, "merged: one archive, one entry a path");

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

test("the concatenated layout keeps the base bytes and appends the overlay as a second gzip member", () => {
  const zip = buildBundle({ ...input, layout: "concatenated" });
  const bundle = readBundle(zip);
  assert.equal(bundle.manifest.layout, "concatenated");
  assert.deepEqual(bundle.initramfs.subarray(0, base.length), base);
  assert.deepEqual([bundle.initramfs[base.length], bundle.initramfs[base.length + 1]], [0x1f, 0x8b], "no padding before the overlay");
  // In stream order the overlay's entries come last, so they win, as in the kernel.
  const entries = readCpio(bundle.initramfs).filter((e) => e.path === "etc/hostname") as FileEntry[];
  assert.deepEqual(entries.map((e) => new TextDecoder().decode(e.data)), ["base\n", "overlay\n"]);
});

test("a plain (uncompressed) base is accepted in both layouts", () => {
  const plain = packCpio(baseEntries);
  for (const layout of ["merged", "concatenated"] as const) {
    const files = filesOf(readCpio(layOverlay(plain, input.files, layout)));
    assert.equal(new TextDecoder().decode(files.get("init")!.data).split("\n")[1], "echo 'BOOTLAB-MARKER ✓'", layout);
  }
});

test("a ready initramfs is shipped as it is", () => {
  const ready = layOverlay(base, input.files, "concatenated");
  const bundle = readBundle(buildBundle({ ...input, base: undefined, initramfs: ready }));
  assert.deepEqual(bundle.initramfs, ready);
  assert.equal(bundle.manifest.layout, "concatenated");
});

test("the same project gives the same zip bytes, whatever the time zone", () => {
  const saved = process.env.TZ;
  try {
    process.env.TZ = "America/Los_Angeles"; // Node re-reads TZ when it is set
    const west = buildBundle(input);
    process.env.TZ = "Asia/Tokyo";
    const east = buildBundle({ ...input, files: input.files.map((f) => ({ ...f })) });
    assert.notEqual(new Date(0).getTimezoneOffset(), 480, "the time zone did change");
    assert.deepEqual(west, east);
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});

test("memory is raised to what v86 needs for a large initramfs", () => {
  const big = packCpioGz([fileEntry("blob", crypto.getRandomValues(new Uint8Array(65536)))]);
  const manifest = readBundle(buildBundle({ ...input, base: undefined, initramfs: big, memoryMiB: 64 })).manifest;
  assert.equal(manifest.memoryMiB, 66, "64 MiB load address + 1 MiB rounded up + 1 spare");
});

test("run-qemu.sh runs exactly the arguments qemuArgs gives, for KVM and for TCG", () => {
  const bundle = readBundle(buildBundle(input));
  const script = strFromU8(unzipSync(buildBundle(input))["run-qemu.sh"]!);
  for (const accel of ["kvm", "tcg"] as const) {
    const args = bundleQemuArgs(bundle.manifest, accel);
    assert.ok(args.includes("-append") && args[args.indexOf("-append") + 1] === input.cmdline);
    assert.ok(script.includes(`exec ${shellCommand("qemu-system-i386", args)} "$@"`), accel);
  }
  assert.match(script, /^#!\/bin\/sh\n/);
});

test("without a base archive the initramfs is the overlay alone (templates with base none)", () => {
  const bundle = readBundle(buildBundle({ ...input, base: undefined }));
  const paths = readCpio(bundle.initramfs).map((e) => e.path);
  assert.ok(paths.includes("init") && !paths.includes("bin/busybox"));
});

test("the bundle refuses a kernel that is not a bzImage, and nothing to boot", () => {
  assert.throws(() => buildBundle({ ...input, kernel: new Uint8Array(4096) }), /HdrS/);
  assert.throws(() => buildBundle({ ...input, base: undefined, files: [] }), /needs files, a base archive/);
});

// ---- broken bundles ----

/** The bundle's members, changed by `edit`, zipped again (fflate writes correct CRCs). */
function rezip(edit: (members: Record<string, Uint8Array>) => void): Uint8Array {
  const members: Record<string, Uint8Array> = unzipSync(buildBundle(input));
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
  const zip = buildBundle(input);
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
  assert.deepEqual(bundle.kernel, input.kernel);
  assert.deepEqual(bundle.sources, []);
});

test("a damaged byte in any member is caught by its CRC and named", () => {
  const zip = buildBundle(input);
  for (const [part, marker] of [
    ["bzImage", input.kernel.subarray(0x300, 0x310)],
    ["initramfs.cpio.gz", layOverlay(base, input.files).subarray(20, 36)],
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
  assertBundleError(editManifest((m) => (m.version = BUNDLE_FORMAT_VERSION + 1)), BundleNewerFormatError, /format version 2, but this bootlab reads versions up to 1/);
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
  assertBundleError(withDeclaredSize(buildBundle(input), "bundle.json", 600_000_000), BundleCorruptPartError, /declares 600000000 bytes/);
  assert.ok(performance.now() - started < 1000);
});

test("a member that inflates past its declared size stops at the first byte over it", () => {
  // bundle.json is 3 MB of blanks (under the limit) but declares 100 bytes.
  const zip = withDeclaredSize(bundleWithLargeManifest(3 * 1024 * 1024), "bundle.json", 100);
  assertBundleError(zip, BundleCorruptPartError, /bundle\.json is damaged: its compressed data inflates to more than the 100 bytes it declares/);
});
