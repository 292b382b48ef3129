// The build guest's console protocol (src/core/cinit): markers, base64 of the gzip'd program,
// tcc's messages as diagnostics with their lines.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "fflate";
import { buildSystem, decodeBase64, parseDiagnostics, readBuildConsole, sourceName } from "../../src/core/cinit/index.ts";

test("decodes base64 as BusyBox writes it (76-column lines, padding)", () => {
  const bytes = new Uint8Array(200).map((_, i) => (i * 37) & 0xff);
  const text = Buffer.from(bytes).toString("base64").replace(/(.{76})/g, "$1\r\n");
  assert.deepEqual(decodeBase64(text), bytes);
  assert.throws(() => decodeBase64("ab$c"), /not base64: got "\$" at 2/);
});

test("reads the program after the markers, even when SeaBIOS's escapes share the first marker's line", () => {
  const program = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  const base64 = Buffer.from(gzipSync(program)).toString("base64");
  const console_ = `\x1bc\x1b[?7lSeaBIOS\r\nBooting from ROM..\x1bcbootlab-cc: ok\r\ninit.c:3: warning: implicit declaration of function 'puts'\r\nbootlab-cc: program\r\n${base64}\r\n`;
  assert.equal(readBuildConsole(console_), undefined, "not finished before the end marker");
  const result = readBuildConsole(`${console_}bootlab-cc: end\r\nreboot: Power down\r\n`);
  assert.ok(result?.ok);
  assert.deepEqual(result.bytes, program);
  assert.deepEqual(result.diagnostics, [{ line: 3, severity: "warning", message: "implicit declaration of function 'puts'" }]);
});

test("a failed compile gives tcc's messages and their lines", () => {
  const result = readBuildConsole(`bootlab-cc: failed\r\ninit.c:5: error: ';' expected (got "return")\r\nbootlab-cc: end\r\n`);
  assert.ok(result && !result.ok);
  assert.deepEqual(result.diagnostics, [{ line: 5, severity: "error", message: `';' expected (got "return")` }]);
  assert.deepEqual(parseDiagnostics("In file included from init.c:2:\nfoo.h:1: error: x\ninit.c:9: error: y", "init.c"), [{ line: 9, severity: "error", message: "y" }]);
});

test("the build guest: base, devel layer, the source under /src, a compile script as /init", () => {
  const system = buildSystem("int main(void){return 0;}\n", "/init.c");
  assert.deepEqual(system.layers, ["devel"]);
  assert.equal(system.base, "busybox");
  assert.deepEqual(system.files.map((f) => f.path), ["/init", "/src", "/src/init.c"]);
  assert.match(system.files[0]!.text!, /tcc -static -o init init\.c/);
  assert.equal(sourceName("/a/weird name.c"), "init.c");
  assert.equal(sourceName("/prog.c"), "prog.c");
});
