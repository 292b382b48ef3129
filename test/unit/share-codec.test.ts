// The share-link codec: round trips (unicode, modes, empty files, binary data), the three kinds of
// bad link (corrupt, truncated, newer format) and the too-long check.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  MAX_SHARE_URL_LENGTH,
  SHARE_FORMAT_VERSION,
  ShareBinaryFileError,
  ShareLinkCorruptError,
  ShareLinkError,
  ShareLinkNewerFormatError,
  ShareLinkTooLongError,
  ShareLinkTruncatedError,
  buildShareUrl,
  decodeShareFragment,
  encodeShareFragment,
  isShareFragment,
  type SharedProject,
} from "../../src/core/share/index.ts";
import { treeProblem } from "../../src/core/share/project.ts";

const lesson: SharedProject = {
  files: [
    { kind: "file", path: "/init", mode: 0o755, text: "#!/bin/sh\necho 'héllo, wörld ✓ 🐧'\nexec sh\n" },
    { kind: "file", path: "/etc/hostname", mode: 0o644, text: "bootlab\n" },
    { kind: "file", path: "/etc/empty", mode: 0o600, text: "" },
    { kind: "file", path: "/usr/bin/setuid-thing", mode: 0o4755, text: "#!/bin/sh\n" },
    { kind: "file", path: "/etc/日本語/ファイル", mode: 0o644, text: "中文 ∀x∈ℝ \u0000 nul and \r\n crlf and a lone surrogate \ud800" },
    { kind: "directory", path: "/srv/empty-dir", mode: 0o700 },
    { kind: "template-file", path: "/bin/hello", mode: 0o755 },
  ],
  cmdline: 'console=ttyS0 init=/init quiet foo="a b"',
  template: "minimal-init",
};

const fragmentOf = (project: SharedProject) => encodeShareFragment(project).fragment;

test("a project survives the round trip: unicode, modes, empty files, NUL, CRLF, lone surrogates, directories, template files", () => {
  const fragment = fragmentOf(lesson);
  assert.match(fragment, /^share\/1\/[A-Za-z0-9_-]+$/);
  assert.deepEqual(decodeShareFragment(fragment), lesson);
  assert.deepEqual(decodeShareFragment(`#${fragment}`), lesson, "a leading # is accepted");
});

test("an empty project round-trips", () => {
  const empty: SharedProject = { files: [], cmdline: "", template: "" };
  assert.deepEqual(decodeShareFragment(fragmentOf(empty)), empty);
});

test("text given as bytes is shared as text, a byte-order mark included", () => {
  const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode("#!/bin/sh\n")]);
  const { fragment } = encodeShareFragment({ files: [{ path: "/init", mode: 0o755, data: bom }], cmdline: "", template: "t" });
  assert.deepEqual(decodeShareFragment(fragment).files[0], { kind: "file", path: "/init", mode: 0o755, text: "\uFEFF#!/bin/sh\n" });
});

test("binary files are rejected by name, or left out and listed when asked", () => {
  const elf = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0, 0, 0]);
  const notUtf8 = new Uint8Array([0xc3, 0x28]);
  const input = {
    files: [
      { path: "/init", mode: 0o755, text: "#!/bin/sh\n" },
      { path: "/bin/hello", mode: 0o755, data: elf },
      { path: "/etc/latin1", mode: 0o644, data: notUtf8 },
    ],
    cmdline: "console=ttyS0",
    template: "static-hello",
  };
  assert.throws(
    () => encodeShareFragment(input),
    (error: unknown) =>
      error instanceof ShareBinaryFileError &&
      error.code === "binary-file" &&
      error.message.includes("/bin/hello, /etc/latin1") &&
      /export a bundle/.test(error.message),
  );
  const { fragment, omitted } = encodeShareFragment(input, { binaryFiles: "omit" });
  assert.deepEqual(omitted, ["/bin/hello", "/etc/latin1"]);
  assert.deepEqual(decodeShareFragment(fragment).files.map((f) => f.path), ["/init"]);
});

test("the encoder refuses paths that escape the overlay, bad modes and duplicates", () => {
  const bad = (path: string, mode = 0o644) => () =>
    encodeShareFragment({ files: [{ path, mode, text: "" }], cmdline: "", template: "" });
  assert.throws(bad("/etc/../../x"), /"\/etc\/..\/..\/x" has a ".." part/);
  assert.throws(bad("/etc//x"), /"\/etc\/\/x" is not written as "\/etc\/x"/);
  assert.throws(bad("etc/x"), /no leading "\/"/);
  assert.throws(bad(""), /empty path/);
  assert.throws(bad("/init", 0o10000), /file mode of 4096/);
  assert.throws(bad("/init", 1.5), /file mode of 1.5/);
  assert.throws(
    () => encodeShareFragment({ files: [{ path: "/a", mode: 0, text: "" }, { path: "/a", mode: 0, text: "x" }], cmdline: "", template: "" }),
    /listed twice/,
  );
});

test("every cut-off prefix of a link is reported as truncated, never as something else", () => {
  const fragment = fragmentOf(lesson);
  const dataStart = "share/1/".length;
  for (let end = dataStart; end < fragment.length; end++) {
    assert.throws(
      () => decodeShareFragment(fragment.slice(0, end)),
      (error: unknown) => error instanceof ShareLinkTruncatedError && error.code === "truncated" && /cut off/.test(error.message),
      `cut at ${end} of ${fragment.length}`,
    );
  }
  assert.throws(() => decodeShareFragment("share/"), ShareLinkTruncatedError);
  assert.throws(() => decodeShareFragment("#share/1"), ShareLinkTruncatedError);
});

test("a changed character anywhere in the data is reported as corrupt or truncated, never decoded", () => {
  // Each length class of base64 (4k+2, 4k+3 and 4k characters) ends differently; cover all three.
  const byClass = new Map<number, string>();
  for (let pad = 0; byClass.size < 3 && pad < 100; pad++) {
    const fragment = fragmentOf({ ...lesson, template: lesson.template + "x".repeat(pad) });
    byClass.set((fragment.length - "share/1/".length) % 4, fragment);
  }
  assert.deepEqual(new Set(byClass.keys()), new Set([0, 2, 3]));
  for (const fragment of byClass.values()) checkEveryChange(fragment);
});

function checkEveryChange(fragment: string): void {
  const dataStart = "share/1/".length;
  let corrupt = 0;
  for (let at = dataStart; at < fragment.length; at++) {
    const original = fragment[at]!;
    const replacement = original === "A" ? "B" : "A";
    const damaged = fragment.slice(0, at) + replacement + fragment.slice(at + 1);
    try {
      decodeShareFragment(damaged);
      assert.fail(`a change at ${at} went unnoticed`);
    } catch (error) {
      // A change inside the length field can make the link look shorter or longer than announced.
      assert.ok(error instanceof ShareLinkCorruptError || error instanceof ShareLinkTruncatedError, String(error));
      if (error instanceof ShareLinkCorruptError) corrupt++;
    }
  }
  assert.ok(corrupt > (fragment.length - dataStart) * 0.9, `most changes are reported as corrupt (${corrupt})`);
}

test("damaged links name what is wrong", () => {
  const fragment = fragmentOf(lesson);
  const check = (link: string, reason: RegExp) =>
    assert.throws(
      () => decodeShareFragment(link),
      (error: unknown) => error instanceof ShareLinkCorruptError && error.code === "corrupt" && reason.test(error.message),
      link.slice(0, 40),
    );
  check(`${fragment.slice(0, 20)}%20${fragment.slice(20)}`, /character 13 of its data is "%"/);
  check(`${fragment}AAAA`, /3 bytes more than its header announces/);
  check("share/x/AAAA", /format version is "x"/);
  check("share/01/AAAA", /format version is "01"/);
  check("code/abc", /does not start with "#share\/"/);
  // A well-formed link whose JSON is not a project.
  check(linkWithJson('{"f":"nope","c":"","t":""}'), /no file list/);
  check(linkWithJson('{"f":[["/../etc",420,""]],"c":"","t":""}'), /file 1 has the path "\/..\/etc"/);
  check(linkWithJson('{"f":[["/a",420,1]],"c":"","t":""}'), /file 1 is not \[path, mode, text \| null \| 0\]/);
  check(linkWithJson('{"f":[["/a",420]],"c":"","t":""}'), /file 1 is not/);
  check(linkWithJson('{"f":[["/a",420,""],["/a",420,""]],"c":"","t":""}'), /lists "\/a" twice/);
  check(linkWithJson('{"f":[],"c":7,"t":""}'), /command line is missing/);
  check(linkWithJson("[1,2"), /not valid JSON/);
});

test("a link from a newer format says so, even when its data means nothing to this version", () => {
  const next = SHARE_FORMAT_VERSION + 1;
  assert.throws(
    () => decodeShareFragment(`share/${next}/whatever-it-is`),
    (error: unknown) =>
      error instanceof ShareLinkNewerFormatError &&
      error instanceof ShareLinkError &&
      error.code === "newer-format" &&
      error.linkVersion === next &&
      /Reload the page/.test(error.message),
  );
  assert.throws(() => decodeShareFragment("share/99"), ShareLinkNewerFormatError);
});

test("isShareFragment tells share links from other fragments", () => {
  assert.equal(isShareFragment("#share/1/abc"), true);
  assert.equal(isShareFragment("share/1/abc"), true);
  assert.equal(isShareFragment("#files"), false);
  assert.equal(isShareFragment(""), false);
});

test("buildShareUrl replaces the page's fragment; a link over the limit says to export instead", () => {
  const page = "https://example.test/bootlab/?x=1#old";
  const { url } = buildShareUrl(page, lesson);
  assert.ok(url.startsWith("https://example.test/bootlab/?x=1#share/1/"));
  assert.deepEqual(decodeShareFragment(url.slice(url.indexOf("#"))), lesson);

  // Random text does not compress, so 8000 characters of it cannot fit in 8000 URL characters.
  const noise = fc.sample(fc.string({ unit: "grapheme-ascii", minLength: 8000, maxLength: 8000 }), { numRuns: 1, seed: 7 })[0]!;
  const big: SharedProject = { ...lesson, files: [{ kind: "file", path: "/init", mode: 0o755, text: noise }] };
  assert.throws(
    () => buildShareUrl(page, big),
    (error: unknown) =>
      error instanceof ShareLinkTooLongError &&
      error.code === "too-long" &&
      error.limit === MAX_SHARE_URL_LENGTH &&
      error.length > MAX_SHARE_URL_LENGTH &&
      /Export it as a bundle/.test(error.message),
  );
  // The same project fits under a higher limit, and the limit counts the whole URL.
  const fits = buildShareUrl(page, big, { limit: 100_000 });
  assert.throws(() => buildShareUrl(page, big, { limit: fits.url.length - 1 }), ShareLinkTooLongError);
  assert.equal(buildShareUrl(page, big, { limit: fits.url.length }).url, fits.url);
});

test("a lesson-sized project is far below the limit", () => {
  const rcS = "#!/bin/sh\nmount -t proc none /proc\nmount -t sysfs none /sys\nmdev -s\necho 'Welcome'\n".repeat(10);
  const { url } = buildShareUrl("https://example.test/", { ...lesson, files: [...lesson.files, { path: "/etc/init.d/rcS", mode: 0o755, text: rcS }] });
  assert.ok(url.length < 1000, `got ${url.length} characters`);
});

test("property: any project round-trips", () => {
  const segment = fc.string({ unit: "grapheme", minLength: 1, maxLength: 12 }).filter((s) => s !== "." && s !== ".." && !s.includes("/") && !s.includes("\0"));
  // Paths as the page holds them (normalizeGuestPath's form); others are refused, tested above.
  const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((parts) => `/${parts.join("/")}`);
  const mode = fc.integer({ min: 0, max: 0o7777 });
  const file = fc.oneof(
    fc.record({ kind: fc.constant("file" as const), path, mode, text: fc.string({ unit: "binary", maxLength: 300 }) }),
    fc.record({ kind: fc.constantFrom("directory" as const, "template-file" as const), path, mode }),
  );
  const project = fc.record({
    // A file cannot also be a folder of other paths ("/a" and "/a/b"): the codec refuses that.
    files: fc.uniqueArray(file, { selector: (f) => f.path, maxLength: 8 }).filter((files) => treeProblem(files) === undefined),
    cmdline: fc.string({ unit: "grapheme", maxLength: 80 }),
    template: fc.string({ maxLength: 20 }),
  });
  fc.assert(
    fc.property(project, (p) => {
      // fast-check builds records without a prototype; compare as plain objects.
      const plain: SharedProject = { ...p, files: p.files.map((f) => ({ ...f })) };
      assert.deepEqual(decodeShareFragment(encodeShareFragment(plain).fragment), plain);
    }),
    { numRuns: 300 },
  );
});

test("a link holding a file and a path below it (/init and /init/x) is refused when decoded, naming both", () => {
  for (const json of [
    '{"f":[["/init",493,"#!/bin/sh\\n"],["/init/x",420,"x"]],"c":"","t":"minimal-init"}',
    '{"f":[["/init/x",420,"x"],["/init",493,"#!/bin/sh\\n"]],"c":"","t":"minimal-init"}',
    '{"f":[["/bin/hello",493,0],["/bin/hello/y",448,null]],"c":"","t":"minimal-init"}',
  ]) {
    assert.throws(
      () => decodeShareFragment(linkWithJson(json)),
      (error: unknown) => error instanceof ShareLinkCorruptError && /lies below|is a file, but/.test(error.message) && /\/(init|bin\/hello)/.test(error.message),
      json,
    );
  }
  // A folder with paths below it is fine, listed before or after them.
  const ok = decodeShareFragment(linkWithJson('{"f":[["/etc/a",420,"x"],["/etc",493,null]],"c":"","t":"minimal-init"}'));
  assert.equal(ok.files.length, 2);
  assert.throws(() => encodeShareFragment({ files: [{ path: "/init", mode: 0o755, text: "" }, { path: "/init/x", mode: 0o644, text: "" }], cmdline: "", template: "t" }), RangeError);
});

/** A syntactically valid v1 link around arbitrary JSON text, to test the content checks. */
function linkWithJson(jsonText: string): string {
  // Build it the way the codec does, through its own encoder, by swapping the JSON it compresses.
  const json = new TextEncoder().encode(jsonText);
  return encodeRawV1(json);
}

import { deflateSync } from "fflate";
import { crc32 } from "../../src/core/crc32.ts";
function encodeRawV1(json: Uint8Array): string {
  const body = deflateSync(json);
  const payload = new Uint8Array(12 + body.length);
  const view = new DataView(payload.buffer);
  view.setUint32(0, body.length);
  view.setUint32(4, json.length);
  view.setUint32(8, crc32(json));
  payload.set(body, 12);
  return `share/1/${Buffer.from(payload).toString("base64url")}`;
}
