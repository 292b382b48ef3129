// Why a fragment's line did not survive olddefconfig: definitions read from Kconfig text, and
// the sentence for each kind of drop.
import { strict as assert } from "node:assert";
import { describe, it, test } from "node:test";
import { checkKconfig, explainMismatch, expressionSymbols, findDefinitions, findSourceSites, parseKconfig } from "../../src/core/kconfig/index.ts";

const KCONFIG = `
menu "File systems"
	depends on BLOCK_MENU

if BLOCK

config EXT4_FS
	tristate "The Extended 4 (ext4) filesystem"
	select JBD2
	depends on CRC32 && !SMALL
	help
	  depends on NOT_THIS (help text is not a dependency)

endif # BLOCK

config JBD2
	tristate
	help
	  selected only

choice
	prompt "Compression"
config KERNEL_GZIP
	bool "gzip"
config KERNEL_LZ4
	bool "LZ4"
endchoice

endmenu

config PLAIN
	bool "plain"
`;

describe("kconfig: why a symbol was dropped", () => {
  it("reads a definition's own depends on, its if blocks and its menu's", () => {
    const [ext4] = findDefinitions("fs/Kconfig", KCONFIG, "EXT4_FS");
    assert.deepEqual(ext4, { file: "fs/Kconfig", line: 7, dependsOn: ["CRC32 && !SMALL", "BLOCK_MENU", "BLOCK"], hasPrompt: true, inChoice: false });
    assert.equal(findDefinitions("fs/Kconfig", KCONFIG, "JBD2")[0]!.hasPrompt, false);
    assert.equal(findDefinitions("fs/Kconfig", KCONFIG, "KERNEL_LZ4")[0]!.inChoice, true);
    assert.deepEqual(findDefinitions("fs/Kconfig", KCONFIG, "EXT4"), []);
    assert.deepEqual(expressionSymbols('PCI && (X86_64 || !SMP) && FOO="y" && BAR != n'), ["PCI", "X86_64", "SMP", "FOO", "BAR"]);
  });

  it("names the dependency that is off, the unknown symbol, the select-only one and the choice", () => {
    const final = parseKconfig("CONFIG_BLOCK_MENU=y\nCONFIG_CRC32=y\n# CONFIG_BLOCK is not set\nCONFIG_KERNEL_GZIP=y\n");
    const requested = parseKconfig("CONFIG_EXT4_FS=y\nCONFIG_NO_SUCH=y\nCONFIG_JBD2=y\nCONFIG_KERNEL_LZ4=y\nCONFIG_CRC32=y\n");
    const mismatches = checkKconfig(requested, final);
    assert.deepEqual(mismatches.map((m) => m.symbol), ["CONFIG_EXT4_FS", "CONFIG_NO_SUCH", "CONFIG_JBD2", "CONFIG_KERNEL_LZ4"]);
    const reasons = mismatches.map((m) => explainMismatch(m, findDefinitions("fs/Kconfig", KCONFIG, m.symbol.slice(7)), final).reason);
    assert.equal(reasons[0], "depends on BLOCK, and CONFIG_BLOCK is off (fs/Kconfig:7); turn it on too");
    assert.match(reasons[1]!, /^no such symbol in this tree's Kconfig files/);
    assert.match(reasons[2]!, /^has no prompt: only another option's `select` turns it on \(fs\/Kconfig:16\)/);
    assert.match(reasons[3]!, /^one option of a choice/);
  });
});

test("kconfig: a sourced file inherits the if and menu conditions around its source line", () => {
  const text = 'menu "File systems"\n\tdepends on FS_MENU\nif BLOCK\nsource "fs/ext4/Kconfig"\nendif # BLOCK\nendmenu\nsource "arch/$(SRCARCH)/Kconfig"\nrsource "Kconfig.extra"\n';
  assert.deepEqual(findSourceSites("fs/Kconfig", text), [
    { path: "fs/ext4/Kconfig", dependsOn: ["FS_MENU", "BLOCK"] },
    { path: "arch/x86/Kconfig", dependsOn: [] },
    { path: "fs/Kconfig.extra", dependsOn: [] },
  ]);
});
