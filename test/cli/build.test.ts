// `bootlab build`'s fast parts: flag parsing, the apt sources it derives, the base root
// filesystem's entries, the stage cache, stage logging of real commands, the manifest and the
// budgets. The real builds are exercised by `bootlab build --check` (see the report/CI).
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { readCpio } from "../../src/core/cpio/index.ts";
import { parseDeb822Sources, parseOneLineSources, privateSourcesFile } from "../../src/cli/build/apt-sources.ts";
import { budgetProblems } from "../../src/cli/build/budgets.ts";
import { assertNoBuildPaths, findPaths } from "../../src/cli/build/path-leaks.ts";
import { cacheRoot, lockCache } from "../../src/cli/build/cache.ts";
import { compareWithManifest, mergeManifest, type Manifest, type ManifestKernel } from "../../src/cli/build/manifest.ts";
import { DEVEL_LAYER_SUMMARY, describeOutputs } from "../../src/cli/build/pipeline.ts";
import { appletLinks, baseRootfsEntries, defaultInit, packBaseRootfs } from "../../src/cli/build/recipes/base-rootfs.ts";
import { combineFragments } from "../../src/cli/build/recipes/kernel.ts";
import { muslCc, specsFor } from "../../src/cli/build/recipes/musl.ts";
import { reproducibleEnv } from "../../src/cli/build/reproducible-env.ts";
import { ALL_SOURCES } from "../../src/cli/build/sources.ts";
import { cachedStage, stageKey } from "../../src/cli/build/stage-cache.ts";
import { StageLog } from "../../src/cli/build/stage-log.ts";
import { PROFILE_SPECS, TARGET_SPECS } from "../../src/cli/build/targets.ts";
import { parseBuildOptions, recordedTargets } from "../../src/cli/commands/build.ts";
import { CliError } from "../../src/cli/command.ts";

const scratch = mkdtempSync(join(tmpdir(), "bootlab-build-test-"));
after(() => rmSync(scratch, { recursive: true, force: true }));
const bin = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));
const bootlab = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", env: { ...process.env, XDG_CACHE_HOME: join(scratch, "xdg") } });

describe("bootlab build flags", () => {
  it("defaults to i386, both profiles, prebuilt/, the auto route", () => {
    const o = parseBuildOptions({});
    assert.deepEqual(o.targets, ["i386"]);
    assert.deepEqual(o.profiles, ["tiny", "full"]);
    assert.match(o.outDir, /prebuilt$/);
    assert.equal(o.route, "auto");
    assert.ok(o.jobs >= 1);
  });

  const bad: Array<[Record<string, string>, RegExp]> = [
    [{ target: "sparc" }, /--target sparc: want one of i386, x86_64/],
    [{ profile: "huge" }, /--profile huge: want one of tiny, full/],
    [{ source: "ftp" }, /--source ftp: want auto, debian or upstream/],
    [{ jobs: "0" }, /--jobs 0: want a whole number/],
    [{ jobs: "two" }, /--jobs two: want a whole number/],
  ];
  for (const [values, message] of bad) {
    it(`refuses ${JSON.stringify(values)} as a usage error`, () => {
      assert.throws(() => parseBuildOptions(values), (e: unknown) => e instanceof CliError && e.exitCode === 2 && message.test(e.message));
    });
  }

  it("the real binary: --help exits 0, a bad target exits 2, --check without a manifest exits 2", () => {
    const help = bootlab("build", "--help");
    assert.equal(help.status, 0);
    assert.match(help.stdout, /Usage: bootlab build/);
    const badTarget = bootlab("build", "--target", "arm");
    assert.equal(badTarget.status, 2);
    assert.match(badTarget.stderr, /--target arm: want one of i386, x86_64/);
    const noManifest = bootlab("build", "--check", "--out", join(scratch, "empty"));
    assert.equal(noManifest.status, 2);
    assert.match(noManifest.stderr, /manifest.json does not exist: nothing to check against/);
  });

  it("one build at a time holds the cache; a lock of a dead process is taken over", () => {
    const root = join(scratch, "locked-cache");
    const unlock = lockCache(root);
    writeFileSync(join(root, "lock"), "1\n"); // pid 1 is alive: another build
    assert.throws(() => lockCache(root), (e: unknown) => e instanceof CliError && e.exitCode === 2 && /another bootlab build \(pid 1\) is using/.test(e.message));
    writeFileSync(join(root, "lock"), "999999999\n"); // no such process
    const again = lockCache(root);
    assert.equal(readFileSync(join(root, "lock"), "utf8"), `${process.pid}\n`);
    again();
    unlock();
    assert.ok(!existsSync(join(root, "lock")));
  });

  it("the cache lives under XDG_CACHE_HOME, else ~/.cache, and a relative XDG_CACHE_HOME is refused", () => {
    assert.equal(cacheRoot({ XDG_CACHE_HOME: "/x/cache", HOME: "/home/u" }), "/x/cache/bootlab");
    assert.equal(cacheRoot({ HOME: "/home/u" }), "/home/u/.cache/bootlab");
    assert.equal(cacheRoot({ XDG_CACHE_HOME: "", HOME: "/home/u" }), "/home/u/.cache/bootlab");
    assert.throws(() => cacheRoot({ XDG_CACHE_HOME: "cache" }), /want an absolute path/);
  });
});

describe("the Debian route's apt sources", () => {
  it("reads enabled deb stanzas of deb822 files, keeping Signed-By", () => {
    const text = [
      "Types: deb",
      "URIs: http://archive.example/debian",
      "Suites: bookworm bookworm-updates",
      "Components: main",
      "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg",
      "",
      "# only sources: skipped",
      "Types: deb-src",
      "URIs: http://src.example/debian",
      "Suites: bookworm",
      "Components: main",
      "",
      "Types: deb",
      "URIs: http://off.example/debian",
      "Suites: bookworm",
      "Components: main",
      "Enabled: no",
    ].join("\n");
    assert.deepEqual(parseDeb822Sources(text), [
      { uris: ["http://archive.example/debian"], suites: ["bookworm", "bookworm-updates"], components: ["main"], signedBy: "/usr/share/keyrings/debian-archive-keyring.gpg" },
    ]);
  });

  it("reads one-line sources.list entries with options, skipping deb-src and comments", () => {
    const text = "# comment\ndeb [arch=amd64 signed-by=/k.gpg] http://a.example/debian bookworm main contrib\ndeb-src http://a.example/debian bookworm main\ndeb http://b.example/debian-security bookworm-security main # trailing\n";
    assert.deepEqual(parseOneLineSources(text), [
      { uris: ["http://a.example/debian"], suites: ["bookworm"], components: ["main", "contrib"], signedBy: "/k.gpg" },
      { uris: ["http://b.example/debian-security"], suites: ["bookworm-security"], components: ["main"] },
    ]);
  });

  it("writes each source for both binary and source packages", () => {
    const file = privateSourcesFile([{ uris: ["http://a.example/debian"], suites: ["bookworm"], components: ["main"], signedBy: "/k.gpg" }]);
    assert.equal(file, "Types: deb deb-src\nURIs: http://a.example/debian\nSuites: bookworm\nComponents: main\nSigned-By: /k.gpg\n");
  });
});

describe("pinned sources", () => {
  it("every source has a sha256 pin, and upstream pins are either verified hashes or explicitly null", () => {
    for (const pin of ALL_SOURCES) {
      assert.match(pin.debian.sha256, /^[0-9a-f]{64}$/, pin.name);
      if (pin.upstream) {
        assert.ok(pin.upstream.sha256 === null || /^[0-9a-f]{64}$/.test(pin.upstream.sha256), pin.name);
        assert.ok(pin.upstream.note.length > 0);
      }
    }
  });
});

describe("the base root filesystem", () => {
  const links = "/bin/ls\n/bin/sh\n/sbin/init\n/usr/bin/awk\n/usr/sbin/chroot\n/bin/busybox\n/bin/ls\n\n";
  const busybox = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]);

  it("links each applet once, relative to its directory, skipping busybox itself", () => {
    assert.deepEqual(
      appletLinks(links).map((e) => [e.path, e.kind === "symlink" ? e.target : ""]),
      [
        ["bin/ls", "../bin/busybox"],
        ["bin/sh", "../bin/busybox"],
        ["sbin/init", "../bin/busybox"],
        ["usr/bin/awk", "../../bin/busybox"],
        ["usr/sbin/chroot", "../../bin/busybox"],
      ],
    );
  });

  it("refuses a links file with anything but absolute applet paths", () => {
    assert.throws(() => appletLinks("bin/ls\n"), /busybox.links: got "bin\/ls", want an absolute applet path/);
    assert.throws(() => appletLinks("/bin/../etc/passwd\n"), /want an absolute applet path/);
  });

  it("has the console and null devices, BusyBox, the links and an executable /init", async () => {
    const init = await defaultInit();
    const archive = packBaseRootfs({ busybox, links, init });
    const entries = readCpio(archive);
    const byPath = new Map(entries.map((e) => [e.path, e] as const));
    const console_ = byPath.get("dev/console");
    assert.ok(console_ && console_.kind === "char-device" && console_.major === 5 && console_.minor === 1);
    const null_ = byPath.get("dev/null");
    assert.ok(null_ && null_.kind === "char-device" && null_.major === 1 && null_.minor === 3 && null_.mode === 0o666);
    const initEntry = byPath.get("init");
    assert.ok(initEntry && initEntry.kind === "file" && initEntry.mode === 0o755);
    assert.match(new TextDecoder().decode(initEntry.data), /^#!\/bin\/sh\n/);
    assert.match(init, /poweroff -f/);
    const bb = byPath.get("bin/busybox");
    assert.ok(bb && bb.kind === "file" && bb.mode === 0o755 && bb.data.length === busybox.length);
    assert.equal(byPath.get("tmp")?.mode, 0o1777);
    assert.equal(byPath.get("usr/bin/awk")?.kind, "symlink");
    for (const e of entries) assert.ok(e.uid === 0 && e.gid === 0 && e.mtime === 0, e.path);
  });

  it("is byte-for-byte the same for the same inputs", async () => {
    const init = await defaultInit();
    assert.deepEqual(packBaseRootfs({ busybox, links, init }), packBaseRootfs({ busybox, links: links.split("\n").reverse().join("\n"), init }));
    assert.equal(baseRootfsEntries({ busybox, links, init }).filter((e) => e.kind === "char-device").length, 9);
  });
});

describe("recipes' pure parts", () => {
  it("compiles against the sysroot's musl, statically, for the target's word size", () => {
    assert.deepEqual(muslCc(TARGET_SPECS.i386, "/s/x.specs"), ["gcc", "-m32", "-specs=/s/x.specs", "-Wl,-m,elf_i386", "-static"]);
    assert.deepEqual(muslCc(TARGET_SPECS.x86_64, "/s/x.specs"), ["gcc", "-specs=/s/x.specs", "-Wl,-m,elf_x86_64", "-static"]);
    const specs = specsFor("/sys/root");
    assert.match(specs, /-nostdinc -isystem \/sys\/root\/include/);
    assert.match(specs, /\*link:\n-nostdlib -static\n/);
    assert.match(specs, /\/sys\/root\/lib\/crti\.o/);
  });

  it("combining fragments names the file and line of a bad one", () => {
    assert.throws(() => combineFragments([{ name: "ok.fragment", text: "CONFIG_A=y\n" }, { name: "bad.fragment", text: "\nCONFIG_B yes\n" }]), /bad\.fragment:2: got "CONFIG_B yes"/);
    assert.deepEqual(combineFragments([{ name: "a", text: "CONFIG_A=y\n" }, { name: "b", text: "# CONFIG_A is not set\n" }]).entries, [{ symbol: "CONFIG_A", value: { kind: "unset" } }]);
  });

  it("the build environment fixes time, user, host and locale and passes little else", () => {
    const env = reproducibleEnv({ PATH: "/bin", HOME: "/h", SECRET: "x", LANG: "de_DE.UTF-8" });
    assert.equal(env.SOURCE_DATE_EPOCH, "0");
    assert.equal(env.KBUILD_BUILD_TIMESTAMP, "1970-01-01 00:00:00 UTC");
    assert.equal(env.KBUILD_BUILD_USER, "bootlab");
    assert.equal(env.KBUILD_BUILD_HOST, "bootlab");
    assert.equal(env.LC_ALL, "C");
    assert.equal(env.PATH, "/bin");
    assert.equal(env.SECRET, undefined);
    assert.equal(env.LANG, undefined);
  });
});

describe("the build-path guard", () => {
  it("finds a build directory embedded in an artifact, and only that", () => {
    const bytes = new TextEncoder().encode("\x7fELF....assert failed at /home/u/.cache/bootlab/work/busybox-i386/busybox-1.35.0/libbb/x.c\0");
    assert.deepEqual(findPaths(bytes, ["/home/u/.cache/bootlab/work/busybox-i386", "/other/tree", "/"]), ["/home/u/.cache/bootlab/work/busybox-i386"]);
    const file = join(scratch, "artifact");
    writeFileSync(file, bytes);
    assert.throws(() => assertNoBuildPaths(file, ["/home/u/.cache/bootlab/work"]), /contains the build path \/home\/u\/.cache\/bootlab\/work: the build is not reproducible/);
    assert.doesNotThrow(() => assertNoBuildPaths(file, ["/tmp/elsewhere"]));
  });
});

describe("the stage cache", () => {
  it("builds once, then reuses; other inputs build again", async () => {
    const options = { root: join(scratch, "stages"), workRoot: join(scratch, "work"), fresh: false };
    let builds = 0;
    const build = async (out: string): Promise<void> => {
      builds++;
      writeFileSync(join(out, "result"), "42");
    };
    const first = await cachedStage(options, "thing", { v: 1 }, build);
    const second = await cachedStage(options, "thing", { v: 1 }, build);
    const third = await cachedStage(options, "thing", { v: 2 }, build);
    assert.deepEqual([first.status, second.status, third.status, builds], ["built", "cached", "built", 2]);
    assert.equal(first.dir, second.dir);
    assert.notEqual(first.dir, third.dir);
    assert.equal(readFileSync(join(second.dir, "result"), "utf8"), "42");
  });

  it("keeps nothing of a failed stage", async () => {
    const options = { root: join(scratch, "stages-fail"), workRoot: join(scratch, "work"), fresh: false };
    await assert.rejects(cachedStage(options, "broken", {}, async (out) => {
      writeFileSync(join(out, "half"), "");
      throw new Error("compiler exploded");
    }), /compiler exploded/);
    assert.deepEqual(readdirSync(options.root), []);
  });

  it("fresh builds neither read nor fill the cache", async () => {
    const cached = { root: join(scratch, "stages-fresh"), workRoot: join(scratch, "work-fresh"), fresh: false };
    await cachedStage(cached, "s", { v: 1 }, async () => {});
    let built = false;
    const fresh = await cachedStage({ ...cached, fresh: true }, "s", { v: 1 }, async () => {
      built = true;
    });
    assert.ok(built);
    assert.equal(fresh.status, "built");
    assert.ok(fresh.dir.startsWith(cached.workRoot));
    assert.equal(stageKey({ a: 1 }), stageKey({ a: 1 }));
    assert.notEqual(stageKey({ a: 1 }), stageKey({ a: 2 }));
  });
});

describe("stage logging", () => {
  it("prints a line per stage with its time and keeps command output in the log", async () => {
    const lines: string[] = [];
    const log = new StageLog(join(scratch, "logs", "ok.log"), (l) => lines.push(l));
    await log.stage("greet", async () => {
      await log.step("sh", ["-c", "echo hello from a step; echo and stderr >&2"]);
      return { status: "built" };
    });
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^greet\s+built\s+\d+\.\d s$/);
    const text = readFileSync(log.path, "utf8");
    assert.match(text, /\$ sh -c echo hello/);
    assert.match(text, /hello from a step\nand stderr/);
  });

  it("a failing step reports its exit code, its last lines and the log's path", async () => {
    const lines: string[] = [];
    const log = new StageLog(join(scratch, "logs", "fail.log"), (l) => lines.push(l));
    await assert.rejects(
      log.stage("compile", async () => {
        await log.step("sh", ["-c", "for i in $(seq 1 100); do echo line $i; done; echo 'error: it broke' >&2; exit 3"]);
        return { status: "built" };
      }),
      (error: unknown) => {
        assert.ok(error instanceof CliError);
        assert.equal(error.exitCode, 1);
        assert.match(error.message, /exited with 3; its last lines:/);
        assert.match(error.message, /line 100\nerror: it broke/);
        assert.doesNotMatch(error.message, /line 50\n/);
        assert.ok(error.message.includes(`Full log: ${log.path}`));
        return true;
      },
    );
    assert.match(lines[0]!, /^compile\s+FAILED/);
    assert.match(readFileSync(log.path, "utf8"), /line 1\n[\s\S]*line 100/);
  });
});

describe("the manifest", () => {
  const manifest = (artifacts: Array<[string, string]>, kernels: ManifestKernel[] = []): Manifest => ({
    schema: 1,
    generator: "test",
    sourceDateEpoch: "0",
    bios: "seabios.bin",
    bases: [...new Set(kernels.map((k) => k.arch))].map((arch) => ({ arch, path: `${arch}/base.cpio.gz`, warmAgent: `${arch}/warm-agent` })),
    kernels,
    artifacts: artifacts.map(([path, sha256]) => ({ path, sha256, size: 1 })),
    sources: [],
    toolchain: { gcc: "g", binutils: "b", make: "m" },
  });

  it("a build replaces its own artifacts and keeps the others, sorted", () => {
    const merged = mergeManifest(manifest([["i386/busybox", "a"], ["x86_64/busybox", "b"]]), manifest([["x86_64/busybox", "c"], ["seabios.bin", "d"]]));
    assert.deepEqual(merged.artifacts.map((a) => [a.path, a.sha256]), [["i386/busybox", "a"], ["seabios.bin", "d"], ["x86_64/busybox", "c"]]);
  });

  it("describes the kernels, bases and BIOS of a build from the targets and profiles, in the manifest's shape", () => {
    assert.deepEqual(describeOutputs(["i386"], ["tiny", "full"]), {
      bios: "seabios.bin",
      bases: [{ arch: "i386", path: "i386/base.cpio.gz", warmAgent: "i386/warm-agent" }],
      kernels: [
        { id: "tiny", arch: "i386", bzImage: "i386/tiny/bzImage", config: "i386/configs/kernel-tiny.config", fragments: ["kconfig/i386.fragment", "kconfig/tiny.fragment"], summary: PROFILE_SPECS.tiny.summary },
        { id: "full", arch: "i386", bzImage: "i386/full/bzImage", config: "i386/configs/kernel-full.config", fragments: ["kconfig/i386.fragment", "kconfig/tiny.fragment", "kconfig/full.fragment"], summary: PROFILE_SPECS.full.summary },
      ],
      layers: [{ id: "devel", arch: "i386", path: "i386/devel.cpio.gz", summary: DEVEL_LAYER_SUMMARY }],
    });
    assert.deepEqual(describeOutputs(["x86_64"], ["tiny"]).layers, [], "the devel layer is built for i386 only");
    for (const profile of Object.values(PROFILE_SPECS)) assert.match(profile.summary, /^[^\n]{20,200}$/, `${profile.name}: one line`);
  });

  it("a build of one profile or target keeps the other kernels and bases, tiny before full", () => {
    const { kernels: i386 } = describeOutputs(["i386"], ["tiny", "full"]);
    const { kernels: x86Tiny } = describeOutputs(["x86_64"], ["tiny"]);
    const merged = mergeManifest(manifest([], i386), manifest([], [...describeOutputs(["i386"], ["full"]).kernels, ...x86Tiny]));
    assert.deepEqual(merged.kernels.map((k) => `${k.arch}/${k.id}`), ["i386/tiny", "i386/full", "x86_64/tiny"]);
    assert.deepEqual(merged.bases.map((b) => b.arch), ["i386", "x86_64"]);
    const fromOld = mergeManifest({ ...manifest([]), bases: undefined, kernels: undefined } as unknown as Manifest, manifest([], i386));
    assert.equal(fromOld.kernels.length, 2, "a manifest written before the kernels list is merged too");
  });

  it("--check says which artifacts match, differ or are unknown", () => {
    const results = compareWithManifest(manifest([["a", "1"], ["b", "2"]]), manifest([["a", "1"], ["b", "3"], ["c", "4"]]).artifacts);
    assert.deepEqual(results.map((r) => [r.path, r.verdict]), [["a", "match"], ["b", "differs"], ["c", "missing-in-manifest"]]);
  });

  it("the budgets flag only what is over", () => {
    assert.deepEqual(budgetProblems([{ path: "i386/tiny/bzImage", sha256: "", size: 900_000 }, { path: "i386/busybox", sha256: "", size: 1_200_000 }, { path: "i386/full/bzImage", sha256: "", size: 9_000_000 }]), [
      "i386/busybox is 1200000 bytes, budget 1100000",
    ]);
  });

  it("the committed manifest lists every prebuilt file with its real sha256 and size", () => {
    const root = new URL("../../prebuilt/", import.meta.url);
    const recorded = JSON.parse(readFileSync(new URL("manifest.json", root), "utf8")) as Manifest;
    assert.ok(recorded.artifacts.length >= 9);
    for (const a of recorded.artifacts) {
      const path = fileURLToPath(new URL(a.path, root));
      assert.ok(existsSync(path), `${a.path} is in the manifest but not in prebuilt/`);
      const bytes = readFileSync(path);
      assert.equal(bytes.length, a.size, a.path);
      assert.equal(createHashHex(bytes), a.sha256, a.path);
    }
  });

  it("the committed manifest names the BIOS, both bases, the i386 kernels and the x86_64 tiny kernel, each an artifact it lists", () => {
    const recorded = JSON.parse(readFileSync(new URL("../../prebuilt/manifest.json", import.meta.url), "utf8")) as Manifest;
    const listed = new Set(recorded.artifacts.map((a) => a.path));
    const byTarget = { i386: ["tiny", "full"], x86_64: ["tiny"] } as const;
    assert.deepEqual({ bios: recorded.bios, bases: recorded.bases, kernels: recorded.kernels, layers: recorded.layers }, describeOutputs(["i386", "x86_64"], [], byTarget));
    assert.deepEqual(recordedTargets(recorded), { targets: ["i386", "x86_64"], profilesByTarget: byTarget }, "--check rebuilds what the manifest records");
    for (const path of [recorded.bios, ...recorded.bases.map((b) => b.path), ...recorded.kernels.flatMap((k) => [k.bzImage, k.config, ...(k.fragments ?? [])]), ...(recorded.layers ?? []).map((l) => l.path)]) {
      assert.ok(listed.has(path), `${path} is an artifact of the manifest`);
    }
  });

  it("the committed tiny artifacts fit their budgets (bzImage <= 1.3 MB with LZ4 and VTs, see budgets.ts; BusyBox <= 1.1 MB, base.cpio.gz and devel.cpio.gz <= 1.0 MB)", () => {
    const recorded = JSON.parse(readFileSync(new URL("../../prebuilt/manifest.json", import.meta.url), "utf8")) as Manifest;
    assert.deepEqual(budgetProblems(recorded.artifacts), []);
  });
});

function createHashHex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

describe("the devel layer", () => {
  it("the committed layer has tcc, cc -> tcc, libtcc1.a, musl's headers, start files and libc.a under /usr", () => {
    const entries = readCpio(new Uint8Array(readFileSync(new URL("../../prebuilt/i386/devel.cpio.gz", import.meta.url))));
    const byPath = new Map(entries.map((e) => [e.path, e] as const));
    const tcc = byPath.get("usr/bin/tcc");
    assert.ok(tcc && tcc.kind === "file" && tcc.mode === 0o755);
    assert.deepEqual(Array.from(tcc.data.subarray(0, 5)), [0x7f, 0x45, 0x4c, 0x46, 1], "a 32-bit ELF");
    const cc = byPath.get("usr/bin/cc");
    assert.ok(cc && cc.kind === "symlink" && cc.target === "tcc");
    for (const path of ["usr/lib/tcc/libtcc1.a", "usr/lib/tcc/include/stdarg.h", "usr/include/stdio.h", "usr/include/bits/alltypes.h", "usr/lib/crt1.o", "usr/lib/crti.o", "usr/lib/crtn.o", "usr/lib/libc.a", "usr/lib/libm.a"]) {
      assert.equal(byPath.get(path)?.kind, "file", path);
    }
    assert.ok(!byPath.has("usr/include/linux"), "the kernel's headers stay out");
    for (const e of entries) assert.ok(e.uid === 0 && e.gid === 0 && e.mtime === 0, e.path);
  });
});
