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
  assert.ok(result?.ok && "bytes" in result);
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

test("the program comes back from guest memory as framed pages: found by nonce, joined in order, checked by cksum", async () => {
  const { findProgramPages, posixCksum, PROGRAM_PAGE_BYTES, PROGRAM_PAGE_PAYLOAD } = await import("../../src/core/cinit/index.ts");
  const program = new Uint8Array(PROGRAM_PAGE_PAYLOAD * 2 + 100).map((_, i) => (i * 131) & 0xff);
  const nonce = 0x1234abcd;
  const pages = 3;
  const memory = new Uint8Array(PROGRAM_PAGE_BYTES * 16);
  const header = (index: number, n = nonce) => new TextEncoder().encode(`\x7fBLCCOUT${n.toString(16).padStart(8, "0")}${index.toString(16).padStart(4, "0")}${pages.toString(16).padStart(4, "0")}${program.length.toString(16).padStart(8, "0")}`);
  // Out of order, as the page cache places them; a stale page of another nonce; a torn copy of page 1.
  for (const [slot, index] of [[9, 0], [2, 1], [5, 2]] as const) {
    memory.set(header(index), slot * PROGRAM_PAGE_BYTES);
    memory.set(program.subarray(index * PROGRAM_PAGE_PAYLOAD, (index + 1) * PROGRAM_PAGE_PAYLOAD), slot * PROGRAM_PAGE_BYTES + 32);
  }
  memory.set(header(0, 0x99), 12 * PROGRAM_PAGE_BYTES);
  memory.set(header(1), 14 * PROGRAM_PAGE_BYTES);
  const expected = { nonce, pages, length: program.length, cksum: posixCksum(program) };
  const found = findProgramPages(memory, expected);
  assert.ok("bytes" in found, JSON.stringify(found));
  assert.deepEqual(found.bytes, program);
  assert.match(JSON.stringify(findProgramPages(memory, { ...expected, cksum: 1 })), /do not match the checksum/);
  memory.fill(0, 5 * PROGRAM_PAGE_BYTES, 6 * PROGRAM_PAGE_BYTES);
  assert.deepEqual(findProgramPages(memory, expected), { missing: "page 2 of 3 of the program is not in the guest's memory" });
});

test("POSIX cksum, as coreutils and BusyBox print it", async () => {
  const { posixCksum } = await import("../../src/core/cinit/index.ts");
  const { execFileSync } = await import("node:child_process");
  for (const data of [new Uint8Array(), new TextEncoder().encode("hello\n"), new Uint8Array(70000).map((_, i) => (i * 7919) >>> 3)]) {
    const printed = execFileSync("cksum", { input: data }).toString().split(" ")[0];
    assert.equal(posixCksum(data), Number(printed), `${data.length} bytes`);
  }
});

test("by memory, the console says where the program is instead of sending it", () => {
  const system = buildSystem("int main(void){return 0;}\n", "/init.c", { by: "memory", nonce: 0xabc });
  assert.match(system.files[0]!.text!, /printf '\\177BLCCOUT00000abc%04x%04x%08x'/);
  assert.doesNotMatch(system.files[0]!.text!, /\x7f/, "the magic is never raw in the script");
  const result = readBuildConsole("bootlab-cc: ok\r\ninit.c:1: warning: w\r\nbootlab-cc: memory 6 22800 2527885463\r\nbootlab-cc: end\r\n", "init.c", 0xabc);
  assert.deepEqual(result, { ok: true, inMemory: { nonce: 0xabc, pages: 6, length: 22800, cksum: 2527885463 }, diagnostics: [{ line: 1, severity: "warning", message: "w" }], messages: "init.c:1: warning: w" });
  assert.throws(() => readBuildConsole("bootlab-cc: ok\r\nbootlab-cc: end\r\n", "init.c", 1), /not where the program is/);
});
