// The kconfig-fragment model: parsing both line shapes and refusing what it cannot read,
// merging fragments in place, writing kconfig text back, and finding what olddefconfig dropped.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import fc from "fast-check";
import {
  checkKconfig,
  describeMismatches,
  describeValue,
  isOff,
  KconfigParseError,
  mergeKconfig,
  NOT_SET,
  parseKconfig,
  serializeKconfig,
  setTo,
  valueOf,
  type Kconfig,
} from "../../src/core/kconfig/index.ts";

describe("parseKconfig", () => {
  it("reads assignments and 'is not set' lines, skipping comments and blank lines", () => {
    const config = parseKconfig(
      [
        "#",
        "# Automatically generated file; DO NOT EDIT.",
        "#",
        "CONFIG_TTY=y",
        "# CONFIG_SMP is not set",
        "",
        'CONFIG_CMDLINE="console=ttyS0 quiet"',
        "CONFIG_SERIAL_8250_NR_UARTS=1",
        "CONFIG_PHYSICAL_START=0x1000000",
        "CONFIG_EXT4_FS=m",
        "CONFIG_LOG_BUF_SHIFT=-1",
      ].join("\n"),
    );
    assert.deepEqual(config.entries, [
      { symbol: "CONFIG_TTY", value: setTo("y") },
      { symbol: "CONFIG_SMP", value: NOT_SET },
      { symbol: "CONFIG_CMDLINE", value: setTo('"console=ttyS0 quiet"') },
      { symbol: "CONFIG_SERIAL_8250_NR_UARTS", value: setTo("1") },
      { symbol: "CONFIG_PHYSICAL_START", value: setTo("0x1000000") },
      { symbol: "CONFIG_EXT4_FS", value: setTo("m") },
      { symbol: "CONFIG_LOG_BUF_SHIFT", value: setTo("-1") },
    ]);
  });

  it("accepts CRLF line ends and surrounding spaces", () => {
    assert.deepEqual(parseKconfig("  CONFIG_A=y  \r\n#  CONFIG_B is not set\r\n").entries, [
      { symbol: "CONFIG_A", value: setTo("y") },
      { symbol: "CONFIG_B", value: NOT_SET },
    ]);
  });

  it("keeps a symbol's first position and its last value, as kconfig does", () => {
    const config = parseKconfig("CONFIG_A=y\nCONFIG_B=y\n# CONFIG_A is not set\n");
    assert.deepEqual(config.entries, [
      { symbol: "CONFIG_A", value: NOT_SET },
      { symbol: "CONFIG_B", value: setTo("y") },
    ]);
  });

  it("keeps escaped quotes inside strings", () => {
    assert.deepEqual(valueOf(parseKconfig('CONFIG_S="say \\"hi\\" \\\\"'), "CONFIG_S"), setTo('"say \\"hi\\" \\\\"'));
  });

  const bad: Array<[string, RegExp]> = [
    ["CONFIG_TTY y", /fragment:2: got "CONFIG_TTY y", want CONFIG_NAME=value/],
    ["TTY=y", /want CONFIG_NAME=value/],
    ["CONFIG_TTY=", /got an empty value/],
    ["CONFIG_TTY=yes", /got yes, want y, m, n, a number/],
    ['CONFIG_S="open', /want a string in double quotes/],
    ['CONFIG_S="a"b"', /want a string in double quotes/],
    ["CONFIG_X=0xZZ", /got 0xZZ/],
  ];
  for (const [line, message] of bad) {
    it(`refuses ${JSON.stringify(line)} with the file and line`, () => {
      assert.throws(
        () => parseKconfig(`CONFIG_OK=y\n${line}\n`, { source: "fragment" }),
        (error: unknown) => error instanceof KconfigParseError && error.line === 2 && message.test(error.message),
      );
    });
  }

  it("takes another prefix when asked", () => {
    assert.deepEqual(parseKconfig("BR2_x86_64=y\n# BR2_i386 is not set\n", { prefix: "BR2_" }).entries.length, 2);
    assert.throws(() => parseKconfig("CONFIG_A=y", { prefix: "BR2_" }), KconfigParseError);
  });
});

describe("mergeKconfig and serializeKconfig", () => {
  it("replaces symbols in place and appends new ones, later fragments winning", () => {
    const base = parseKconfig("CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=y\n");
    const merged = mergeKconfig(base, parseKconfig("CONFIG_B=y\nCONFIG_D=y\n"), parseKconfig("# CONFIG_C is not set\nCONFIG_D=m\n"));
    assert.equal(serializeKconfig(merged), "CONFIG_A=y\nCONFIG_B=y\n# CONFIG_C is not set\nCONFIG_D=m\n");
  });

  it("does not change its inputs", () => {
    const base = parseKconfig("CONFIG_A=y\n");
    const before = JSON.stringify(base);
    mergeKconfig(base, parseKconfig("# CONFIG_A is not set\n"));
    assert.equal(JSON.stringify(base), before);
  });

  it("writes the empty config as the empty string", () => {
    assert.equal(serializeKconfig({ entries: [] }), "");
  });

  const symbol = fc.stringMatching(/^CONFIG_[A-Z0-9_]{1,12}$/);
  const value = fc.oneof(
    fc.constant(NOT_SET),
    fc.constantFrom("y", "m", "n", "0", "42", "-3", "0x10", '""', '"ttyS0,115200"', '"a \\"q\\""').map(setTo),
  );
  const config = fc
    .uniqueArray(fc.tuple(symbol, value), { selector: ([s]) => s, maxLength: 20 })
    .map((pairs): Kconfig => ({ entries: pairs.map(([s, v]) => ({ symbol: s, value: v })) }));

  it("round-trips: parse(serialize(c)) equals c", () => {
    fc.assert(fc.property(config, (c) => assert.deepEqual(parseKconfig(serializeKconfig(c)), c)));
  });

  it("after a merge, every fragment value holds (checkKconfig finds nothing)", () => {
    fc.assert(
      fc.property(config, config, (base, fragment) => {
        assert.deepEqual(checkKconfig(fragment, mergeKconfig(base, fragment)), []);
      }),
    );
  });
});

describe("checkKconfig", () => {
  const final = parseKconfig(
    ["CONFIG_TTY=y", "# CONFIG_SMP is not set", "CONFIG_SERIAL_8250_NR_UARTS=1", "CONFIG_N=n", 'CONFIG_CMDLINE=""'].join("\n"),
  );

  it("finds nothing when everything asked for holds", () => {
    const requested = parseKconfig("CONFIG_TTY=y\n# CONFIG_SMP is not set\nCONFIG_SERIAL_8250_NR_UARTS=1\n");
    assert.deepEqual(checkKconfig(requested, final), []);
  });

  it("counts absent and =n as off", () => {
    assert.deepEqual(checkKconfig(parseKconfig("# CONFIG_ACPI is not set\n# CONFIG_N is not set\nCONFIG_N=n\n"), final), []);
    assert.ok(isOff(undefined) && isOff(NOT_SET) && isOff(setTo("n")) && !isOff(setTo("y")));
  });

  it("reports symbols the kernel dropped, and changed values", () => {
    const requested = parseKconfig("CONFIG_APM=y\nCONFIG_SERIAL_8250_NR_UARTS=4\n# CONFIG_TTY is not set\nCONFIG_SMP=y\n");
    const mismatches = checkKconfig(requested, final);
    assert.deepEqual(
      mismatches.map((m) => [m.symbol, describeValue(m.wanted), describeValue(m.got)]),
      [
        ["CONFIG_APM", "y", "absent"],
        ["CONFIG_SERIAL_8250_NR_UARTS", "4", "1"],
        ["CONFIG_TTY", "is not set", "y"],
        ["CONFIG_SMP", "y", "is not set"],
      ],
    );
    assert.deepEqual(describeMismatches(mismatches), [
      "CONFIG_APM: wanted y, got absent (dropped: unmet dependencies or no such symbol)",
      "CONFIG_SERIAL_8250_NR_UARTS: wanted 4, got 1",
      "CONFIG_TTY: wanted is not set, got y",
      "CONFIG_SMP: wanted y, got is not set (dropped: unmet dependencies or no such symbol)",
    ]);
  });
});

describe("the committed fragments", () => {
  const dir = new URL("../../src/cli/build/kconfig/", import.meta.url);
  for (const name of ["i386.fragment", "x86_64.fragment", "tiny.fragment", "full.fragment", "busybox.fragment"]) {
    it(`${name} parses and assigns each symbol once`, () => {
      const text = readFileSync(new URL(name, dir), "utf8");
      const config = parseKconfig(text, { source: name });
      const assignments = text.split("\n").filter((l) => /^(CONFIG_|# CONFIG_\S+ is not set)/.test(l.trim()));
      assert.ok(config.entries.length > 0);
      assert.equal(config.entries.length, assignments.length, `${name} assigns some symbol twice`);
    });
  }

  it("the prebuilt configs hold every line of the fragments that made them", () => {
    const read = (path: string): Kconfig => parseKconfig(readFileSync(new URL(path, new URL("../../", import.meta.url)), "utf8"), { source: path });
    const fragment = (...names: string[]): Kconfig => mergeKconfig({ entries: [] }, ...names.map((n) => parseKconfig(readFileSync(new URL(n, dir), "utf8"))));
    assert.deepEqual(describeMismatches(checkKconfig(fragment("i386.fragment", "tiny.fragment"), read("prebuilt/i386/configs/kernel-tiny.config"))), []);
    assert.deepEqual(describeMismatches(checkKconfig(fragment("i386.fragment", "tiny.fragment", "full.fragment"), read("prebuilt/i386/configs/kernel-full.config"))), []);
    assert.deepEqual(describeMismatches(checkKconfig(fragment("busybox.fragment"), read("prebuilt/i386/configs/busybox.config"))), []);
  });
});
