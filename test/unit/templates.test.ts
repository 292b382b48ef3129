import { test } from "node:test";
import assert from "node:assert/strict";
import { TEMPLATES, DEFAULT_TEMPLATE_ID, defaultTemplate, findTemplate, requireTemplate, isPrebuiltFile, templateSystem } from "../../src/core/templates/index.ts";
import { lintOverlay } from "../../src/core/lint/index.ts";

test("the templates cover seeds 000 to 004, with unique ids", () => {
  const ids = TEMPLATES.map((t) => t.id);
  assert.equal(new Set(ids).size, ids.length);
  const sources = TEMPLATES.map((t) => t.source).join(" ");
  for (const seed of ["000", "001", "002", "003", "004"]) assert.match(sources, new RegExp(seed));
  assert.equal(defaultTemplate().id, DEFAULT_TEMPLATE_ID);
  assert.equal(TEMPLATES[0]!.id, DEFAULT_TEMPLATE_ID);
});

test("each template says what it shows in two or three lines and boots on the serial console", () => {
  for (const template of TEMPLATES) {
    assert.ok(template.summary.length >= 2 && template.summary.length <= 3, template.id);
    assert.match(template.cmdline, /console=ttyS0/, template.id);
    assert.ok(template.title.length > 0);
  }
});

test("template paths are absolute, unique, with permission-only modes and their parents listed", () => {
  for (const template of TEMPLATES) {
    const paths = template.files.map((f) => f.path);
    assert.equal(new Set(paths).size, paths.length, template.id);
    for (const file of template.files) {
      assert.match(file.path, /^\/[^/]/, `${template.id} ${file.path}`);
      assert.ok(!file.path.endsWith("/"));
      assert.equal(file.mode & ~0o7777, 0, `${template.id} ${file.path}`);
      const parent = file.path.slice(0, file.path.lastIndexOf("/"));
      if (parent !== "" && parent !== "/etc") {
        assert.ok(paths.includes(parent), `${template.id}: ${parent} of ${file.path} is listed`);
      }
    }
  }
});

test("the BusyBox init template has the files the playground promises", () => {
  const paths = requireTemplate("busybox-init").files.map((f) => f.path);
  for (const path of ["/init", "/etc/inittab", "/etc/init.d/rcS", "/etc/fstab", "/etc/profile", "/etc/hostname", "/etc/passwd", "/etc/group"]) {
    assert.ok(paths.includes(path), path);
  }
});

test("the static C template is /init.c, compiled to /init before each boot, with no base", () => {
  const hello = requireTemplate("static-hello");
  assert.equal(hello.base, "none");
  const source = hello.files.find((f) => f.path === "/init.c");
  assert.ok(source && source.kind === "file" && !isPrebuiltFile(source));
  assert.match(source.text, /printf\("Hello, World!\\n"\);/);
  assert.ok(!hello.files.some((f) => f.path === "/init"), "the program comes from the compile");
  assert.deepEqual(hello.compile, { source: "/init.c", output: "/init" });
  assert.deepEqual(templateSystem(hello, { files: [], cmdline: "" }).compile, { source: "/init.c", output: "/init" });
  assert.ok(hello.readyPattern && new RegExp(hello.readyPattern).test("Hello, World!"));
});

test("c-in-guest asks for the devel layer on the BusyBox base and has /root/hello.c", () => {
  const template = requireTemplate("c-in-guest");
  assert.equal(template.base, "busybox");
  assert.deepEqual(template.layers, ["devel"]);
  assert.deepEqual(templateSystem(template, { files: [], cmdline: "" }).layers, ["devel"]);
  assert.ok(template.files.some((f) => f.path === "/root/hello.c"));
});

test("the templates pass the linter with no errors or warnings against a BusyBox base", () => {
  const base = new Set(["/bin/sh", "/bin/mount", "/bin/umount", "/bin/hostname", "/sbin/init", "/proc", "/sys", "/tmp", "/dev"]);
  for (const template of TEMPLATES) {
    const diagnostics = lintOverlay({
      files: template.files.map((f) =>
        f.kind === "directory" ? { path: f.path, kind: f.kind, mode: f.mode } : { path: f.path, kind: f.kind, mode: f.mode, ...("text" in f ? { text: f.text } : {}) },
      ),
      cmdline: template.cmdline,
      basePaths: template.base === "busybox" ? base : new Set(),
    });
    assert.deepEqual(diagnostics.filter((d) => d.severity !== "info"), [], template.id);
    // A root disk with the base is linted like an initramfs over the base, against the same command line.
    for (const disk of (template.disks ?? []).filter((d) => d.base === "busybox")) {
      const onDisk = lintOverlay({
        files: disk.files.map((f) =>
          f.kind === "directory" ? { path: f.path, kind: f.kind, mode: f.mode } : { path: f.path, kind: f.kind, mode: f.mode, ...("text" in f ? { text: f.text } : {}) },
        ),
        cmdline: template.cmdline,
        basePaths: base,
      });
      assert.deepEqual(onDisk.filter((d) => d.severity !== "info"), [], `${template.id} ${disk.name}`);
    }
  }
});

test("unknown templates are named in the error", () => {
  assert.equal(findTemplate("nope"), undefined);
  assert.throws(() => requireTemplate("nope"), /unknown template "nope"; the templates are: busybox-init/);
});

test("the disk templates: a RAM disk root, an IDE disk root with the prebuilt hello as /init, two data disks that fstab mounts", () => {
  const ramdisk = requireTemplate("ramdisk-ext4");
  assert.deepEqual(ramdisk.disks?.map((d) => [d.role, d.base, d.fs]), [["ramdisk", "busybox", "ext4"]]);
  assert.match(ramdisk.cmdline, /root=\/dev\/ram rw rootfstype=ext4 init=\/sbin\/init/);
  assert.equal(ramdisk.files.length, 0);
  const diskRoot = requireTemplate("disk-root");
  assert.match(diskRoot.cmdline, /root=\/dev\/sda init=\/init/);
  const init = diskRoot.disks![0]!.files.find((f) => f.path === "/init");
  assert.ok(init && isPrebuiltFile(init) && init.artifact === "i386/hello");
  const disks = requireTemplate("disks");
  assert.deepEqual(disks.disks?.map((d) => [d.name, d.role]), [["data1", "ide"], ["data2", "ide"]]);
  const fstab = disks.files.find((f) => f.path === "/etc/fstab");
  assert.ok(fstab && "text" in fstab);
  assert.match(fstab.text, /\/dev\/sda\s+\/mnt\/data1\s+ext4/);
  assert.match(fstab.text, /\/dev\/sdb\s+\/mnt\/data2\s+ext4/);
  for (const template of [ramdisk, diskRoot, disks]) {
    assert.equal(template.kernel, "full", template.id);
    for (const disk of template.disks!) {
      const paths = disk.files.map((f) => f.path);
      assert.equal(new Set(paths).size, paths.length, `${template.id} ${disk.name}`);
      for (const path of paths) {
        const parent = path.slice(0, path.lastIndexOf("/"));
        if (parent !== "" && parent !== "/etc") assert.ok(paths.includes(parent), `${template.id} ${disk.name}: ${parent} of ${path} is listed`);
      }
    }
  }
});
