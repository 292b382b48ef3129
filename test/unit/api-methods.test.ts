// The one table of the page's calls (src/app/automation/methods.ts): what window.bootlab and the
// embed protocol both check, and makeApi's read-only refusal and error codes.
import { test } from "node:test";
import assert from "node:assert/strict";
import { API_METHODS, checkArguments, makeApi, METHOD_NAMES, type ApiImplementation } from "../../src/app/automation/methods.ts";
import { BootlabApiError } from "../../src/app/automation/bootlab-api.ts";
import { EMBED_METHODS } from "../../src/app/embed/protocol.ts";

function implementation(calls: unknown[][]): ApiImplementation {
  const record =
    (name: string, result?: unknown) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
      return result as never;
    };
  return {
    listFiles: record("listFiles", []),
    readFile: record("readFile", "text"),
    writeFile: record("writeFile"),
    removeFile: record("removeFile"),
    setCmdline: record("setCmdline"),
    reboot: record("reboot"),
    send: record("send"),
    output: record("output", ""),
    waitFor: record("waitFor", "seen"),
    metrics: record("metrics", {}),
    diskChanges: record("diskChanges", { disk: "data1", device: "/dev/sda", bootId: 1, running: false, changes: [] }),
    keepDiskChanges: record("keepDiskChanges", { kept: [], notKept: [] }),
    kernel: record("kernel", {}),
    shareLink: record("shareLink", "link"),
    exportBundle: () => Promise.reject(new Error("no export here")),
  };
}

const rejectsWith = (code: string, pattern?: RegExp) => (error: unknown) => error instanceof BootlabApiError && error.code === code && (!pattern || pattern.test(error.message));

test("the embed protocol's methods are the table's", () => {
  assert.deepEqual([...EMBED_METHODS], METHOD_NAMES);
  assert.equal(METHOD_NAMES.length, 15);
});

test("arguments are checked and normalised once: reboot's options, writeFile's mode, waitFor's JSON pattern", async () => {
  const calls: unknown[][] = [];
  const api = makeApi(implementation(calls), { readOnly: false, argumentCode: "bad-argument" });
  await api.reboot();
  await api.reboot({ cold: true });
  await api.writeFile("/a", "x", { mode: 0o755 });
  await api.writeFile("/b", "y");
  await (api.waitFor as (...a: unknown[]) => Promise<string>)({ regexp: "^A+$", flags: "m" }, 50);
  assert.deepEqual(calls.slice(0, 4), [["reboot", { cold: false }], ["reboot", { cold: true }], ["writeFile", "/a", "x", { mode: 0o755 }], ["writeFile", "/b", "y"]]);
  assert.ok(calls[4]![1] instanceof RegExp && (calls[4]![1] as RegExp).flags === "m");
  await assert.rejects((api.reboot as (...a: unknown[]) => Promise<void>)({ cold: "yes" }), rejectsWith("bad-argument", /^reboot: want \(options\?: \{ cold\?: boolean \}\), got \(object\)$/));
  await assert.rejects((api.writeFile as (...a: unknown[]) => Promise<void>)("/a", 42), rejectsWith("bad-argument", /got \(string, number\)/));
  await assert.rejects(api.writeFile("/a", "x", { mode: 0o10000 }), rejectsWith("bad-argument"));
  await assert.rejects((api.listFiles as (...a: unknown[]) => Promise<unknown>)("extra"), rejectsWith("bad-argument"));
  assert.equal(calls.length, 5, "nothing wrong reached the implementation");
});

test("the disk option and the disk calls: a name is passed on, anything else is a bad argument", async () => {
  const calls: unknown[][] = [];
  const api = makeApi(implementation(calls), { readOnly: false, argumentCode: "bad-argument" });
  await api.readFile("/x", { disk: "data1" });
  await api.readFile("/x");
  await api.writeFile("/x", "t", { disk: "data1" });
  await api.writeFile("/x", "t", { disk: "data1", mode: 0o600 });
  await api.removeFile("/x", { disk: "data2" });
  await api.diskChanges("data1");
  await api.keepDiskChanges("data1");
  assert.deepEqual(calls, [
    ["readFile", "/x", { disk: "data1" }],
    ["readFile", "/x"],
    ["writeFile", "/x", "t", { disk: "data1" }],
    ["writeFile", "/x", "t", { mode: 0o600, disk: "data1" }],
    ["removeFile", "/x", { disk: "data2" }],
    ["diskChanges", "data1"],
    ["keepDiskChanges", "data1"],
  ]);
  const loose = api as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  await assert.rejects(loose.readFile!("/x", { disk: 7 }), rejectsWith("bad-argument", /readFile: want \(path: string, options\?: \{ disk\?: string \}\)/));
  await assert.rejects(loose.writeFile!("/x", "t", { disk: "" }), rejectsWith("bad-argument"));
  await assert.rejects(loose.diskChanges!(), rejectsWith("bad-argument", /diskChanges: want \(name: string/));
  await assert.rejects(loose.keepDiskChanges!(["data1"]), rejectsWith("bad-argument"));
  assert.equal(calls.length, 7, "nothing wrong reached the implementation");
});

test("read-only refuses the writing calls, not the others; failures get the method's fallback code", async () => {
  const calls: unknown[][] = [];
  const api = makeApi(implementation(calls), { readOnly: true, argumentCode: "bad-args" });
  for (const method of METHOD_NAMES.filter((m) => API_METHODS[m].writes)) {
    const args = method === "writeFile" ? ["/a", "x"] : ["x"];
    await assert.rejects((api[method] as (...a: unknown[]) => Promise<unknown>)(...args), rejectsWith("read-only"));
  }
  assert.deepEqual(METHOD_NAMES.filter((m) => API_METHODS[m].writes), ["writeFile", "removeFile", "setCmdline", "keepDiskChanges"]);
  assert.equal(await api.readFile("/a"), "text");
  await assert.rejects(api.exportBundle(), rejectsWith("export-failed", /no export here/));
  await assert.rejects((api.send as (...a: unknown[]) => Promise<void>)(7), rejectsWith("bad-args"));
  assert.throws(() => checkArguments("waitFor", [{ regexp: "(" }]), /waitFor: Invalid regular expression/);
});
