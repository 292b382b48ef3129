// Every symbol of every committed kernel fragment has a line in src/core/kconfig/symbols.ts, so
// the page's kernel panel never shows one unexplained; a fragment added to the build is caught
// here too.
import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import { parseKconfig, symbolNote } from "../../src/core/kconfig/index.ts";
import { PROFILE_SPECS, TARGET_SPECS } from "../../src/cli/build/targets.ts";

const FRAGMENTS = new URL("../../src/cli/build/kconfig/", import.meta.url);

test("the kernel fragments are the ones the targets and profiles name (busybox.fragment is BusyBox's)", () => {
  const onDisk = readdirSync(FRAGMENTS).filter((name) => name.endsWith(".fragment") && name !== "busybox.fragment").sort();
  const named = [...new Set([...Object.values(TARGET_SPECS).map((t) => t.kernelFragment), ...Object.values(PROFILE_SPECS).flatMap((p) => p.fragments)])].sort();
  assert.deepEqual(onDisk, named);
});

test("every symbol in every committed kernel fragment has a note on what it gives", () => {
  const names = readdirSync(FRAGMENTS).filter((name) => name.endsWith(".fragment") && name !== "busybox.fragment");
  let symbols = 0;
  const missing: string[] = [];
  for (const name of names) {
    for (const entry of parseKconfig(readFileSync(new URL(name, FRAGMENTS), "utf8"), { source: name }).entries) {
      symbols++;
      const note = symbolNote(entry.symbol);
      if (note === undefined) missing.push(`${name}: ${entry.symbol}`);
      else assert.ok(note.length >= 10 && note.length <= 120 && !/\w\.$/.test(note), `${entry.symbol}: a short line without a full stop, got ${JSON.stringify(note)}`);
    }
  }
  assert.ok(symbols > 50, `read ${symbols} symbols`);
  assert.deepEqual(missing, []);
});

test("symbolNote: a symbol bootlab does not describe, and inherited names, give undefined", () => {
  assert.equal(symbolNote("CONFIG_BOOTLAB_NO_SUCH_OPTION"), undefined);
  assert.equal(symbolNote("constructor"), undefined);
  assert.match(symbolNote("CONFIG_SERIAL_8250_CONSOLE")!, /serial/);
});
