// The project list in real Chromium: several projects in IndexedDB, listed, opened, renamed,
// duplicated, deleted and created, each change checked in IndexedDB itself.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { collectPageErrors, launchChromium, screenshot, serveDist, waitForFileText, type LaunchedChromium, type StaticServer } from "./harness.ts";
import { storedProjects, waitForApi, waitForSaved } from "./share-helpers.ts";

let server: StaticServer;
let chromium: LaunchedChromium;
let page: Page;
let errors: string[];
const FIRST = "#!/bin/sh\necho first-project\nexec /bin/sh\n";

async function openPanel(): Promise<void> {
  await page.getByTestId("projects").click();
  await page.getByTestId("projects-panel").waitFor();
  await page.getByTestId("project-row").first().waitFor();
}

async function closePanel(): Promise<void> {
  await page.getByTestId("projects-panel").getByTestId("panel-close").click();
  await page.getByTestId("projects-panel").waitFor({ state: "detached" });
}

function row(name: string) {
  return page.getByTestId("project-row").filter({ has: page.getByTestId("project-name").getByText(name, { exact: true }) });
}

async function listedNames(): Promise<string[]> {
  return page.getByTestId("project-name").allInnerTexts();
}

/** Waits until IndexedDB holds exactly these project names. */
async function waitForStoredNames(names: string[]): Promise<void> {
  const want = [...names].sort((a, b) => a.localeCompare(b));
  const deadline = Date.now() + 10_000;
  let got: string[] = [];
  while (Date.now() < deadline) {
    got = (await storedProjects(page)).map((p) => p.name);
    if (JSON.stringify(got) === JSON.stringify(want)) return;
    await page.waitForTimeout(100);
  }
  assert.deepEqual(got, want);
}

describe("the project list", () => {
  before(async () => {
    server = await serveDist();
    chromium = await launchChromium();
    page = await chromium.context.newPage();
    errors = collectPageErrors(page);
    await page.goto(server.url);
    await waitForApi(page);
    await page.getByTestId("projects").waitFor();
  });

  after(async () => {
    if (errors.length) console.log(`page errors:\n${errors.join("\n")}`);
    await chromium?.close();
    await server?.close();
  });

  test("new, rename, open: each project keeps its own files", async () => {
    await page.evaluate((text) => window.bootlab!.writeFile("/init", text, { mode: 0o755 }), FIRST);
    await waitForSaved(page, "/init", FIRST);
    const firstName = (await storedProjects(page))[0]!.name;

    await openPanel();
    await page.getByTestId("new-project-template").selectOption("minimal-init");
    await page.getByTestId("new-project").click();
    await page.getByTestId("projects-panel").waitFor({ state: "detached" });
    await waitForFileText(page, "/init", (t) => !t.includes("first-project"));
    await waitForStoredNames([firstName, "Minimal /init script"].sort());

    await openPanel();
    assert.deepEqual((await listedNames()).sort(), [firstName, "Minimal /init script"].sort());
    await row("Minimal /init script").getByTestId("project-rename").click();
    const input = page.locator("dialog.modal input[type=text]").last();
    await input.fill("   ");
    await page.keyboard.press("Enter");
    assert.match(await page.locator("dialog.modal .error").last().innerText(), /needs a name/);
    await input.fill("Lesson 2");
    await page.keyboard.press("Enter");
    await row("Lesson 2").waitFor();
    await waitForStoredNames([firstName, "Lesson 2"]);
    assert.match(await page.getByTestId("projects").innerText(), /Lesson 2/, "the toolbar shows the open project's new name");

    await row(firstName).getByTestId("project-open").click();
    await page.getByTestId("projects-panel").waitFor({ state: "detached" });
    await waitForFileText(page, "/init", (x) => x === FIRST);
  });

  test("duplicate makes an independent copy; rename a project that is not open", async () => {
    await openPanel();
    const names = await listedNames();
    const firstName = names.find((n) => n !== "Lesson 2")!;
    await row(firstName).getByTestId("project-duplicate").click();
    await row(`${firstName} (copy)`).waitFor();
    await row("Lesson 2").getByTestId("project-rename").click();
    await page.locator("dialog.modal input[type=text]").last().fill("Lesson two");
    await page.keyboard.press("Enter");
    await row("Lesson two").waitFor();
    await waitForStoredNames([firstName, `${firstName} (copy)`, "Lesson two"]);
    await screenshot(page, "projects-panel");
    await closePanel();

    // Editing the original leaves the copy as it was.
    await page.evaluate(() => window.bootlab!.writeFile("/init", "#!/bin/sh\necho edited-after-copy\nexec /bin/sh\n", { mode: 0o755 }));
    await waitForSaved(page, "/init", "#!/bin/sh\necho edited-after-copy\nexec /bin/sh\n");
    const stored = await storedProjects(page);
    const copy = stored.find((p) => p.name === `${firstName} (copy)`)!;
    assert.equal(copy.files.find((f) => f.path === "/init")?.text, FIRST);
    assert.notEqual(copy.id, stored.find((p) => p.name === firstName)!.id);
  });

  test("delete: another project, then the open one (the next one opens)", async () => {
    await openPanel();
    const names = await listedNames();
    const firstName = names.find((n) => !n.includes("(copy)") && n !== "Lesson two")!;
    await row(`${firstName} (copy)`).getByTestId("project-delete").click();
    await page.locator('dialog.modal [data-choice="delete"]').click();
    await row(`${firstName} (copy)`).waitFor({ state: "detached" });
    await waitForStoredNames([firstName, "Lesson two"]);

    // The open project: deleting it opens "Lesson two".
    await row(firstName).getByTestId("project-delete").click();
    await page.locator('dialog.modal [data-choice="delete"]').click();
    await row(firstName).waitFor({ state: "detached" });
    await waitForStoredNames(["Lesson two"]);
    assert.match(await page.getByTestId("projects").innerText(), /Lesson two/);
    assert.equal(await page.getByTestId("project-row").count(), 1);
    await closePanel();
    // A reload opens what is left.
    await page.reload();
    await waitForApi(page);
    await page.getByTestId("projects").waitFor();
    assert.match(await page.getByTestId("projects").innerText(), /Lesson two/);
  });
});
