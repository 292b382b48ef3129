import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { KernelCmdline } from "../../src/core/boot/cmdline.ts";

test("parses flags, values and init arguments like the kernel's next_arg()", () => {
  const c = KernelCmdline.parse('  console=ttyS0  quiet root=/dev/ram rw init="/bin/sh -x" -- single  "a b" ');
  assert.deepEqual(c.params, [
    { key: "console", value: "ttyS0" },
    { key: "quiet", value: undefined },
    { key: "root", value: "/dev/ram" },
    { key: "rw", value: undefined },
    { key: "init", value: "/bin/sh -x" },
  ]);
  assert.deepEqual(c.initArgs, ["single", "a b"]);
});

test("a quote around the whole parameter groups it too", () => {
  const c = KernelCmdline.parse('"dyndbg=file a.c +p" x');
  assert.equal(c.get("dyndbg"), "file a.c +p");
  assert.equal(c.get("x"), "");
});

test("get: last occurrence wins, dashes and underscores are the same, absent is undefined", () => {
  const c = KernelCmdline.parse("console=tty0 console=ttyS0 random.trust_cpu=on");
  assert.equal(c.get("console"), "ttyS0");
  assert.deepEqual(c.getAll("console"), ["tty0", "ttyS0"]);
  assert.equal(c.get("random.trust-cpu"), "on");
  assert.equal(c.get("root"), undefined);
  assert.equal(c.has("root"), false);
});

test("set replaces in place and drops duplicates; new keys go last; remove drops all", () => {
  const c = KernelCmdline.parse("console=tty0 quiet console=ttyS0 rw");
  assert.equal(c.set("console", "ttyS0,115200").toString(), "console=ttyS0,115200 quiet rw");
  assert.equal(c.set("loglevel", "3").toString(), "console=tty0 quiet console=ttyS0 rw loglevel=3");
  assert.equal(c.remove("console").toString(), "quiet rw");
  assert.equal(c.set("quiet").toString(), "console=tty0 quiet console=ttyS0 rw");
  assert.equal(c.toString(), "console=tty0 quiet console=ttyS0 rw", "the original is unchanged");
});

test("serialize quotes values with spaces and empty values", () => {
  const c = KernelCmdline.from([
    { key: "init", value: "/bin/sh -c true" },
    { key: "empty", value: "" },
    { key: "quiet", value: undefined },
  ], ["x y"]);
  assert.equal(c.toString(), 'init="/bin/sh -c true" empty="" quiet -- "x y"');
});

test("merge lays one command line over another", () => {
  const base = KernelCmdline.parse("console=ttyS0 quiet");
  assert.equal(base.merge(KernelCmdline.parse("quiet=0 rdinit=/sbin/init")).toString(), "console=ttyS0 quiet=0 rdinit=/sbin/init");
});

test("refuses names and values the kernel could not read back, saying what was wrong", () => {
  const c = KernelCmdline.parse("");
  assert.throws(() => c.set("a b", "1"), /kernel parameter name: got "a b"/);
  assert.throws(() => c.set("k", 'say "hi"'), /double quote/);
});

test("round trip: parse(toString(c)) gives the same parameters", () => {
  const key = fc.stringMatching(/^[a-z][a-z0-9_.-]{0,8}$/).filter((k) => k !== "--");
  const value = fc.option(fc.stringMatching(/^[ -!#-~]{0,12}$/), { nil: undefined });
  fc.assert(
    fc.property(fc.array(fc.record({ key, value }), { maxLength: 8 }), (params) => {
      const c = KernelCmdline.from(params);
      const again = KernelCmdline.parse(c.toString());
      assert.deepEqual(again.params, params.map((p) => ({ key: p.key, value: p.value })));
    }),
  );
});
