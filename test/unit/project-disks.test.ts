// The page's project with disks: the model's file keys ("data1:/x"), the migration of projects
// saved before disks were editable, storage, and keeping what a guest wrote to a disk (real
// ext4 images written and read back by core, compared by diskChanges).
import { test } from "node:test";
import assert from "node:assert/strict";
import { diskChanges } from "../../src/core/boot/index.ts";
import { directoryEntry, fileEntry, symlinkEntry } from "../../src/core/cpio/constructors.ts";
import { writeExt4 } from "../../src/core/ext4/index.ts";
import { overlayEntries } from "../../src/core/rootfs/overlay.ts";
import { requireTemplate, templateDisks } from "../../src/core/templates/index.ts";
import { fileKey, locateKey } from "../../src/app/project/file-key.ts";
import { projectFromTemplate, withTemplateDisks } from "../../src/app/project/from-template.ts";
import { BASE_REMOVAL_REASON, keepDiskChanges, reviewDiskChanges, unkeptChanges } from "../../src/app/project/keep-disk-changes.ts";
import { ProjectError, ProjectModel, signatureOf, type ProjectState } from "../../src/app/project/model.ts";
import { ProjectStore } from "../../src/app/storage/project-store.ts";

const artifact = async (path: string): Promise<Uint8Array> => {
  if (path === "i386/hello") return new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 9, 9]);
  throw new Error(`no artifact ${path} in this test`);
};

const disksProject = () => projectFromTemplate(requireTemplate("disks"), artifact, { id: "p1", name: "Disks" });

test("file keys: a guest path is the initramfs's, NAME:/path a disk's, and they parse back", () => {
  assert.deepEqual(locateKey("/etc/inittab"), { path: "/etc/inittab" });
  assert.deepEqual(locateKey("data1:/notes/todo.txt"), { disk: "data1", path: "/notes/todo.txt" });
  assert.equal(fileKey({ disk: "data1", path: "/x" }), "data1:/x");
  assert.equal(fileKey({ path: "/x" }), "/x");
  // Not a disk name (a "/" before the colon): taken as a path, which the model refuses.
  assert.deepEqual(locateKey("a/b:/x"), { path: "a/b:/x" });
});

test("a project of a template with disks holds each disk's tree beside the initramfs", async () => {
  const state = await disksProject();
  const model = new ProjectModel(state);
  assert.deepEqual(model.disks().map((d) => [d.name, d.role, d.size, d.base]), [["data1", "ide", 4 << 20, "none"], ["data2", "ide", 4 << 20, "none"]]);
  assert.ok(!model.files().some((f) => f.path === "/README.txt"), "files() is the initramfs alone");
  assert.equal(model.get("data1:/README.txt")?.path, "data1:/README.txt");
  assert.match(model.get("data1:/README.txt")?.text ?? "", /first data disk/);
  assert.equal(model.has("data1:/notes"), true);
  assert.equal(model.isEdited(), false);

  const seen: string[] = [];
  model.changes.on((change) => seen.push(change.kind === "content" ? `content ${change.path}` : change.kind));
  model.writeText("data1:/README.txt", "edited\n");
  assert.deepEqual(seen, ["content data1:/README.txt"]);
  assert.equal(model.isEdited(), true);
  assert.equal(model.diskFiles("data1")!.find((f) => f.path === "/README.txt")?.text, "edited\n");
  assert.equal(model.get("/README.txt"), undefined, "the initramfs has no such file");

  model.writeText("data2:/new/deep.txt", "x");
  model.rename("data2:/new", "data2:/renamed");
  assert.deepEqual(model.diskFiles("data2")!.map((f) => f.path), ["/README.txt", "/renamed/deep.txt"]);
  assert.throws(() => model.rename("data2:/renamed", "data1:/renamed"), (e: unknown) => e instanceof ProjectError && e.code === "bad-path");
  assert.throws(() => model.writeText("data9:/x", "x"), (e: unknown) => e instanceof ProjectError && e.code === "not-found" && /data1, data2/.test(e.message));
  assert.throws(() => model.writeText("data1:/README.txt/x", "x"), (e: unknown) => e instanceof ProjectError && e.code === "not-a-file" && /data1:\/README.txt/.test(e.message));
  model.setExecutable("data1:/README.txt", true);
  assert.equal(model.get("data1:/README.txt")?.mode, 0o755);
  model.remove("data1:/notes");
  assert.equal(model.has("data1:/notes/todo.txt"), false);

  const keyed = model.keyedFiles().map((f) => f.path);
  assert.ok(keyed.includes("/etc/fstab") && keyed.includes("data2:/renamed/deep.txt"));
  const snapshot = model.snapshot();
  assert.deepEqual(snapshot.disks!.map((d) => d.name), ["data1", "data2"]);
  assert.equal(signatureOf(snapshot) === state.pristineSignature, false);
});

test("a template without disks makes a project without disks, with the signature it always had", async () => {
  const template = requireTemplate("busybox-init");
  const state = await projectFromTemplate(template, artifact, { id: "p", name: "b" });
  assert.equal(state.disks, undefined);
  assert.equal(state.pristineSignature, signatureOf({ files: state.files, cmdline: state.cmdline }));
  assert.equal(new ProjectModel(state).snapshot().disks, undefined);
});

test("migration: a project saved before disks were editable takes its template's disks, and stays pristine if it was", async () => {
  const template = requireTemplate("disks");
  const current = await disksProject();
  const { disks: _disks, ...old } = current;
  const oldState: ProjectState = { ...old, pristineSignature: signatureOf({ files: old.files, cmdline: old.cmdline }) };
  const migrated = await withTemplateDisks(oldState, template, artifact);
  assert.deepEqual(migrated.disks, await templateDisks(template, artifact));
  assert.equal(new ProjectModel(migrated).isEdited(), false);

  // An edited old project stays edited; its disks are still the template's.
  const edited = await withTemplateDisks({ ...oldState, cmdline: "console=ttyS0 quiet" }, template, artifact);
  assert.equal(new ProjectModel(edited).isEdited(), true);
  assert.equal(edited.disks?.length, 2);

  // Nothing to do: a project with disks, a template without them, an unknown template.
  assert.equal(await withTemplateDisks(current, template, artifact), current);
  const plain = { ...oldState, templateId: "busybox-init" };
  assert.equal(await withTemplateDisks(plain, requireTemplate("busybox-init"), artifact), plain);
  assert.equal(await withTemplateDisks(oldState, undefined, artifact), oldState);
});

test("storage keeps disk trees, and a record without disks loads without them (for the migration)", async () => {
  const store = ProjectStore.inMemory();
  const model = new ProjectModel(await disksProject());
  model.writeText("data2:/kept.txt", "kept\n");
  await store.save(model.snapshot());
  const loaded = await store.load("p1");
  assert.equal(loaded?.disks?.find((d) => d.name === "data2")?.files.find((f) => f.path === "/kept.txt")?.text, "kept\n");
  assert.equal((await store.list())[0]?.fileCount, model.files().length + model.disks().reduce((n, d) => n + d.files.length, 0));

  const { disks: _d, ...old } = model.snapshot();
  await store.save(old);
  assert.equal((await store.load("p1"))?.disks, undefined);
});

test("keeping a guest's writes: added, changed and removed files on a data disk land in the project's tree", async () => {
  const model = new ProjectModel(await disksProject());
  const disk = model.disks().find((d) => d.name === "data1")!;
  const written = writeExt4(overlayEntries(disk.files), { size: disk.size, flavour: "ext4" });
  const guest = writeExt4(
    [
      fileEntry("/README.txt", new TextEncoder().encode("The guest rewrote this.\n")),
      directoryEntry("/notes", { mode: 0o755 }),
      fileEntry("/from-guest.txt", new TextEncoder().encode("written in the guest\n"), { mode: 0o600 }),
      fileEntry("/blob.bin", new Uint8Array([0, 1, 2, 255])),
      symlinkEntry("/latest", "from-guest.txt"),
    ].map((e) => ({ ...e, path: e.path.replace(/^\//, "") })),
    { size: disk.size, flavour: "ext4" },
  );
  const changes = diskChanges(written, guest);
  assert.deepEqual(
    changes.map((c) => `${c.change} ${c.file.path}`),
    ["changed /README.txt", "added /blob.bin", "added /from-guest.txt", "added /latest", "removed /notes/todo.txt"],
  );
  assert.deepEqual(changes.find((c) => c.file.path === "/README.txt")?.what, ["content"]);
  assert.deepEqual(diskChanges(written, written), [], "an image compared with itself has no changes");

  assert.deepEqual(unkeptChanges(changes, model.diskFiles("data1")!).map((c) => c.file.path), changes.map((c) => c.file.path), "before Keep, every change is unkept");
  const kept = keepDiskChanges(model, "data1", changes);
  assert.deepEqual(unkeptChanges(changes, model.diskFiles("data1")!), [], "after Keep, none is");
  assert.equal(kept.notKept.length, 0);
  assert.equal(model.get("data1:/from-guest.txt")?.text, "written in the guest\n");
  assert.equal(model.get("data1:/from-guest.txt")?.mode, 0o600);
  assert.deepEqual(model.get("data1:/blob.bin")?.data, new Uint8Array([0, 1, 2, 255]));
  assert.equal(model.get("data1:/latest")?.target, "from-guest.txt");
  assert.equal(model.get("data1:/README.txt")?.text, "The guest rewrote this.\n");
  assert.equal(model.has("data1:/notes/todo.txt"), false);
  assert.equal(model.has("data1:/notes"), true, "the folder the guest kept stays");

  // Written again from the project, the disk reads as the guest left it.
  const rewritten = writeExt4(overlayEntries(model.diskFiles("data1")!), { size: disk.size, flavour: "ext4" });
  assert.deepEqual(diskChanges(guest, rewritten), []);
});

test("a file removed from the BusyBox base under a root disk cannot be kept, and says why", () => {
  const projectFiles = [{ path: "/init", kind: "file" as const, mode: 0o755, text: "#!/bin/sh\n" }];
  const reviewed = reviewDiskChanges(
    [
      { change: "removed", file: { path: "/bin/ls", kind: "symlink", mode: 0o777, target: "busybox" } },
      { change: "removed", file: { path: "/init", kind: "file", mode: 0o755 } },
      { change: "changed", file: { path: "/etc/passwd", kind: "file", mode: 0o644, data: new TextEncoder().encode("root::0:0::/root:/bin/sh\n") }, what: ["content"] },
    ],
    projectFiles,
  );
  assert.deepEqual(reviewed.map((c) => [c.file.path, c.keepable, c.reason]), [["/bin/ls", false, BASE_REMOVAL_REASON], ["/init", true, undefined], ["/etc/passwd", true, undefined]]);
});
