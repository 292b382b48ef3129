// Share links with disk trees (format version 2): round trips, the version written (1 without
// disks, so pages from before disks still read those links), links made before disks still
// decode, malformed disk lists are refused, and the page's project <-> link with disks.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ShareBinaryFileError,
  ShareLinkCorruptError,
  decodeShareFragment,
  encodeShareFragment,
  type SharedProject,
} from "../../src/core/share/index.ts";
import { deflateSync } from "fflate";
import { crc32 } from "../../src/core/crc32.ts";
import { encodeBase64url } from "../../src/core/share/base64url.ts";
import { requireTemplate, templateDisks } from "../../src/core/templates/index.ts";
import { projectFromShared, shareInputOf } from "../../src/app/share/share-project.ts";
import { projectFromTemplate } from "../../src/app/project/from-template.ts";
import { parseEmbedConfig } from "../../src/app/embed/config.ts";
import { embedNamespace, projectFromEmbedConfig } from "../../src/app/embed/embed-project.ts";

const withDisks: SharedProject = {
  files: [{ kind: "file", path: "/etc/fstab", mode: 0o644, text: "/dev/sda /mnt/data1 ext4 defaults 0 0\n" }],
  disks: [
    { name: "data1", files: [{ kind: "file", path: "/README.txt", mode: 0o644, text: "edited ✓\n" }, { kind: "directory", path: "/empty", mode: 0o700 }] },
    { name: "data2", files: [] },
  ],
  cmdline: "console=ttyS0",
  template: "disks",
};

/** A fragment built by hand from JSON, as an encoder of `version` would. */
function fragmentWith(version: number, content: unknown): string {
  const json = new TextEncoder().encode(JSON.stringify(content));
  const body = deflateSync(json, { level: 9 });
  const payload = new Uint8Array(12 + body.length);
  const view = new DataView(payload.buffer);
  view.setUint32(0, body.length);
  view.setUint32(4, json.length);
  view.setUint32(8, crc32(json));
  payload.set(body, 12);
  return `share/${version}/${encodeBase64url(payload)}`;
}

test("disk trees survive the round trip, in a version 2 link", () => {
  const { fragment } = encodeShareFragment(withDisks);
  assert.match(fragment, /^share\/2\//);
  assert.deepEqual(decodeShareFragment(fragment), withDisks);
});

test("a project without disks still makes a version 1 link, which decodes without disks", () => {
  const { disks: _disks, ...plain } = withDisks;
  const { fragment } = encodeShareFragment(plain);
  assert.match(fragment, /^share\/1\//);
  const decoded = decodeShareFragment(fragment);
  assert.equal(decoded.disks, undefined);
  assert.deepEqual(decoded, plain);
});

test("a link made by the encoder before disks existed (kept verbatim) still decodes", () => {
  // Written by the version 1 encoder of commit 4663d78 for the `disks` template.
  const old = "share/1/AAAAaAAAAHNUPmKzJYxBCsIwEEWvEr_bQATdWPAULms2Tkc6dJggmYJSevemdPn_470FH3R9jyQmjni7XyPOp_QWS3V8GdNYQtEhqNjU5o8p7D9ybA47HYrNqjlHEDpQsVqUH-7_5yV8Z-HWhTcySJ0q1g0";
  assert.deepEqual(decodeShareFragment(`#${old}`), {
    files: [
      { kind: "file", path: "/init", mode: 0o755, text: "#!/bin/sh\necho old link\nexec sh\n" },
      { kind: "directory", path: "/etc", mode: 0o755 },
    ],
    cmdline: "console=ttyS0 quiet",
    template: "disks",
  });
});

test("a version 1 link's \"d\" is not read: only version 2 has disks", () => {
  const decoded = decodeShareFragment(fragmentWith(1, { f: [], c: "", t: "disks", d: [["data1", [["/x", 420, "x"]]]] }));
  assert.equal(decoded.disks, undefined);
});

test("malformed disk lists are refused with what is wrong", () => {
  const cases: Array<[unknown, RegExp]> = [
    ["nope", /disk list is not a list/],
    [[["data1"]], /disk 1 is not \[name, \[file, \.\.\.\]\]/],
    [[["../etc", []]], /disk 1 has the name/],
    [[["a:b", []]], /disk 1 has the name/],
    [[["data1", []], ["data1", []]], /lists the disk data1 twice/],
    [[["data1", [["/x/../y", 420, "x"]]]], /disk data1: file 1 has/],
    [[["data1", [["/x", 420, "x"], ["/x", 420, "y"]]]], /disk data1: it lists "\/x" twice/],
    [[["data1", [["/x", 420, "x"], ["/x/y", 420, "y"]]]], /disk data1: .*which is a file/],
    [[["data1", [["/x", 99999, "x"]]]], /disk data1: file 1 has a file mode/],
  ];
  for (const [d, message] of cases) {
    assert.throws(() => decodeShareFragment(fragmentWith(2, { f: [], c: "", t: "disks", d })), (e: unknown) => e instanceof ShareLinkCorruptError && message.test(e.message), `d = ${JSON.stringify(d)}`);
  }
  const many = Array.from({ length: 4000 }, (_, i) => [`/f${i}`, 420, ""]);
  assert.throws(() => decodeShareFragment(fragmentWith(2, { f: many, c: "", t: "disks", d: [["data1", many]] })), /lists 8000 files \(at most 4096\)/);
});

test("the encoder refuses bad disk names and names binary files with their disk", () => {
  assert.throws(() => encodeShareFragment({ ...withDisks, disks: [{ name: "a/b", files: [] }] }), /a disk's name is/);
  assert.throws(() => encodeShareFragment({ ...withDisks, disks: [{ name: "d", files: [] }, { name: "d", files: [] }] }), /listed twice/);
  assert.throws(
    () => encodeShareFragment({ files: [], cmdline: "", template: "disks", disks: [{ name: "data1", files: [{ path: "/blob", mode: 0o644, data: new Uint8Array([0, 255, 1]) }] }] }),
    (e: unknown) => e instanceof ShareBinaryFileError && e.message.includes("data1:/blob"),
  );
});

const noArtifact = async (path: string): Promise<Uint8Array> => {
  if (path === "i386/hello") return new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 2, 3]);
  throw new Error(`no artifact ${path} in this test`);
};

test("a project of the disks template: its edited disk tree goes through a link and back into a project", async () => {
  const template = requireTemplate("disks");
  const state = await projectFromTemplate(template, noArtifact, { id: "p", name: "disks" });
  const data1 = state.disks!.find((d) => d.name === "data1")!;
  data1.files = [...data1.files.filter((f) => f.path !== "/README.txt"), { path: "/README.txt", kind: "file", mode: 0o644, text: "changed in the page\n" }];
  const { fragment } = encodeShareFragment(shareInputOf(state, template));
  const received = await projectFromShared(decodeShareFragment(fragment), template, noArtifact, { id: "q", existingNames: [] });
  assert.deepEqual(received.warnings, []);
  const disks = received.state.disks!;
  assert.deepEqual(disks.map((d) => [d.name, d.role, d.size, d.base]), state.disks!.map((d) => [d.name, d.role, d.size, d.base]));
  const readme = disks.find((d) => d.name === "data1")!.files.find((f) => f.path === "/README.txt");
  assert.equal(readme?.text, "changed in the page\n");
  assert.deepEqual(disks.find((d) => d.name === "data2")!.files, state.disks!.find((d) => d.name === "data2")!.files);
});

test("disk-root's prebuilt /init on its disk goes by reference and comes back as the template's bytes", async () => {
  const template = requireTemplate("disk-root");
  const state = await projectFromTemplate(template, noArtifact, { id: "p", name: "disk-root" });
  const templateBytes = new Map([["root:/init", await noArtifact("i386/hello")]]);
  const input = shareInputOf(state, template, templateBytes);
  assert.deepEqual(input.disks![0]!.files, [{ kind: "template-file", path: "/init", mode: 0o755 }]);
  const received = await projectFromShared(decodeShareFragment(encodeShareFragment(input).fragment), template, noArtifact, { id: "q", existingNames: [] });
  assert.deepEqual(received.state.disks, await templateDisks(template, noArtifact));
});

test("a link's disk the template does not have is left out with a warning", async () => {
  const template = requireTemplate("disks");
  const received = await projectFromShared({ ...withDisks, disks: [{ name: "data9", files: [] }] }, template, noArtifact, { id: "q", existingNames: [] });
  assert.match(received.warnings.join(" "), /disk "data9" was left out/);
  assert.deepEqual(received.state.disks!.map((d) => d.name), ["data1", "data2"]);
});

test("an embed URL with a version 2 fragment embeds the lesson's disk trees, in a namespace of its own", async () => {
  const template = requireTemplate("disks");
  const state = await projectFromTemplate(template, noArtifact, { id: "p", name: "disks" });
  const data2 = state.disks!.find((d) => d.name === "data2")!;
  data2.files = [{ path: "/lesson.txt", kind: "file", mode: 0o644, text: "from the lesson\n" }];
  const { fragment } = encodeShareFragment(shareInputOf(state, template));
  const { config } = parseEmbedConfig(`https://example.org/embed.html?template=disks#${fragment}`);
  assert.deepEqual(config.disks?.find((d) => d.name === "data2")?.files, [{ kind: "file", path: "/lesson.txt", mode: 0o644, text: "from the lesson\n" }]);
  const { disks: _disks, ...withoutDisks } = config;
  assert.notEqual(embedNamespace(config), embedNamespace(withoutDisks));
  const embedded = await projectFromEmbedConfig(config, noArtifact, "e1");
  assert.deepEqual(embedded.state.disks!.find((d) => d.name === "data2")!.files, data2.files);
  // A lesson link from before disks has no `disks`: the embed keeps the namespace it had.
  const { config: old } = parseEmbedConfig(`https://example.org/embed.html?template=disks#${encodeShareFragment({ files: [], cmdline: "", template: "disks" }).fragment}`);
  assert.equal("disks" in old, false);
});
