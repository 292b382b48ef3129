// The kernel panel in real Chromium (issue 15, "see the configuration"): the toolbar's Kernel
// button shows which kernel the open system boots, the committed fragments the manifest names
// for it with a line per symbol, and the full .config with a filter box; window.bootlab.kernel()
// returns the same. A 64-bit /init added from disk makes the system QEMU-only: the panel says so,
// and its export downloads a bundle made for x86_64 that QEMU boots through the CLI.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { readBundle } from "../../src/core/bundle/index.ts";
import { run } from "../../src/cli/exec.ts";
import { collectPageErrors, launchChromium, REPO_ROOT, screenshot, serveDist, type LaunchedChromium, type StaticServer } from "./harness.ts";
import { waitForApi } from "./share-helpers.ts";

const BIN = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));

let server: StaticServer;
let chromium: LaunchedChromium;
let page: Page;
let errors: string[];
let work: string;

async function openPanel(p: Page): Promise<void> {
  await p.getByTestId("kernel").click();
  await p.getByTestId("kernel-panel").waitFor();
  await p.getByTestId("kernel-id").waitFor({ timeout: 30_000 });
}

async function closePanel(p: Page): Promise<void> {
  await p.getByTestId("kernel-close").click();
  await p.getByTestId("kernel-panel").waitFor({ state: "detached" });
}

describe("the kernel panel", () => {
  before(async () => {
    work = mkdtempSync(join(tmpdir(), "bootlab-kernel-"));
    server = await serveDist();
    chromium = await launchChromium();
    page = await chromium.context.newPage();
    errors = collectPageErrors(page);
    await page.goto(`${server.url}?template=busybox-init`);
    await waitForApi(page);
  });

  after(async () => {
    if (errors.length) console.log(`page errors:\n${errors.join("\n")}`);
    await chromium?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  test("busybox-init: the tiny i386 kernel, its fragments with a line per symbol, the .config filtered", async () => {
    await openPanel(page);
    const panel = page.getByTestId("kernel-panel");
    assert.match(await panel.getByTestId("kernel-id").innerText(), /^This system boots the tiny kernel \(i386\): serial console and initramfs only/);
    assert.equal(await panel.getByTestId("kernel-qemu-only").count(), 0);
    assert.deepEqual(await panel.getByTestId("kernel-fragment").evaluateAll((lists) => lists.map((l) => l.getAttribute("data-path"))), ["kconfig/i386.fragment", "kconfig/tiny.fragment"]);
    assert.equal(await panel.locator('li[data-symbol="CONFIG_SERIAL_8250_CONSOLE"]').innerText(), "CONFIG_SERIAL_8250_CONSOLE=y — the kernel console on a serial port (console=ttyS0): the page's terminal");
    assert.equal(await panel.locator('li[data-symbol="CONFIG_SMP"]').innerText(), "# CONFIG_SMP is not set — off: support for several CPUs; off, the kernel is smaller and boots faster on one");

    // The full .config, as served, then filtered.
    const config = readFileSync(join(REPO_ROOT, "prebuilt/i386/configs/kernel-tiny.config"), "utf8");
    const lines = config.split("\n").filter((l) => l !== "");
    assert.equal(await panel.getByTestId("kernel-config").innerText(), lines.join("\n"));
    assert.equal(await panel.getByTestId("kernel-config-count").innerText(), `${lines.length} lines`);
    await panel.getByTestId("kernel-config-filter").fill("printk");
    const printk = lines.filter((l) => l.toLowerCase().includes("printk"));
    assert.ok(printk.includes("CONFIG_PRINTK=y") && printk.length < lines.length);
    assert.equal(await panel.getByTestId("kernel-config").innerText(), printk.join("\n"));
    assert.equal(await panel.getByTestId("kernel-config-count").innerText(), `${printk.length} of ${lines.length} lines`);
    await panel.getByTestId("kernel-config-filter").fill("CONFIG_BOOTLAB_NO_SUCH_OPTION");
    assert.equal(await panel.getByTestId("kernel-config-count").innerText(), `0 of ${lines.length} lines`);
    await panel.getByTestId("kernel-config-filter").fill("serial 8250 console");
    assert.match(await panel.getByTestId("kernel-config").innerText(), /^CONFIG_SERIAL_8250_CONSOLE=y$/m, "words are matched each, in any order");
    await screenshot(page, "kernel-panel");
    await closePanel(page);

    const kernel = await page.evaluate(() => window.bootlab!.kernel());
    assert.deepEqual({ id: kernel.id, arch: kernel.arch, configPath: kernel.configPath, notes: kernel.notes, qemuOnly: kernel.qemuOnly }, { id: "tiny", arch: "i386", configPath: "i386/configs/kernel-tiny.config", notes: [], qemuOnly: undefined });
    assert.equal(kernel.config, config);
    assert.equal(kernel.fragments[1]!.lines.find((l) => l.symbol === "CONFIG_TTY")?.note, "terminals: without it there is no console for a shell");
  });

  test("ramdisk-ext4: the full kernel and its three fragments", async () => {
    await page.getByTestId("template").selectOption("ramdisk-ext4");
    await openPanel(page);
    assert.match(await page.getByTestId("kernel-id").innerText(), /boots the full kernel \(i386\)/);
    assert.deepEqual(await page.getByTestId("kernel-fragment").evaluateAll((lists) => lists.map((l) => l.getAttribute("data-path"))), ["kconfig/i386.fragment", "kconfig/tiny.fragment", "kconfig/full.fragment"]);
    assert.match(await page.locator('li[data-symbol="CONFIG_BLK_DEV_RAM"]').innerText(), /^CONFIG_BLK_DEV_RAM=y — RAM disks/);
    await closePanel(page);
  });

  test("a 64-bit /init: QEMU only, and the panel's export boots in QEMU with the x86_64 kernel", { timeout: 300_000 }, async () => {
    await page.getByTestId("template").selectOption("busybox-init");
    await page.getByTestId("upload-input").setInputFiles(join(REPO_ROOT, "prebuilt/x86_64/hello"));
    const dialog = page.getByRole("dialog", { name: "Add hello" });
    await dialog.waitFor();
    await dialog.getByRole("textbox").fill("/init");
    await dialog.getByRole("button", { name: "Add" }).click();
    await dialog.waitFor({ state: "detached" });

    await openPanel(page);
    assert.match(await page.getByTestId("kernel-id").innerText(), /boots the tiny kernel \(i386\)/);
    assert.match(await page.getByTestId("kernel-notes").innerText(), /\/init is a 64-bit \(x86-64\) program and the tiny kernel is 32-bit/);
    assert.equal(await page.getByTestId("kernel-qemu-only").locator("p").first().innerText(), "Runs in QEMU only: /init is a 64-bit (x86_64) program: 64-bit systems run in QEMU only (v86 emulates a 32-bit CPU), with a 64-bit kernel.");
    await screenshot(page, "kernel-panel-qemu-only");
    const download = page.waitForEvent("download", { timeout: 120_000 });
    await page.getByTestId("kernel-export").click();
    const file = await download;
    assert.match(file.suggestedFilename(), /-x86_64\.zip$/);
    const zip = join(work, file.suggestedFilename());
    await file.saveAs(zip);
    const bundle = readBundle(new Uint8Array(readFileSync(zip)));
    assert.equal(bundle.manifest.arch, "x86_64");
    await closePanel(page);

    // The bundle as the user takes it home: QEMU boots the 64-bit kernel, which runs the 64-bit
    // init; it prints and then waits for ever (no prompt), so the boot ends at the time-out (exit 4).
    const boot = await run(process.execPath, [BIN, "boot", "--bundle", zip, "--emulator", "qemu", "--accel", "tcg", "--timeout", "40"], { check: false });
    assert.equal(boot.code, 4, `${boot.stdout}\n${boot.stderr}`);
    assert.match(boot.stdout, /Run \/init as init process[\s\S]*Hello, World!\r?\nThis is your friendly init system\./);
  });
});
