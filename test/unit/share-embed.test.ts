// The embed postMessage protocol, host and client, and the embed URL configuration. The windows
// here are in-memory stand-ins that behave like browsers where it matters (asynchronous
// delivery, structured clone, a message dropped when targetOrigin does not match the receiver);
// the real iframe across two origins is the browser test's job.
import { test } from "node:test";
import assert from "node:assert/strict";
import { EmbedClient, EmbedCallError } from "../../src/app/embed/client.ts";
import { EmbedHost, type MessageTarget, type MessageWindow } from "../../src/app/embed/host.ts";
import { EMBED_CHANNEL, EMBED_METHODS, isOurs, parseRequest, type EmbedApi } from "../../src/app/embed/protocol.ts";
import { DEFAULT_EMBED_CONFIG, EmbedConfigError, embedSnippet, embedUrl, isEmbedUrl, parseEmbedConfig } from "../../src/app/embed/config.ts";
import { encodeShareFragment } from "../../src/core/share/index.ts";

type Listener = (event: MessageEvent) => void;

class FakeWindow implements MessageWindow {
  readonly listeners = new Set<Listener>();
  constructor(readonly origin: string) {}
  addEventListener(_type: "message", listener: Listener) {
    this.listeners.add(listener);
  }
  removeEventListener(_type: "message", listener: Listener) {
    this.listeners.delete(listener);
  }
}

/** A handle on `to` as another window holds it (iframe.contentWindow, window.parent). */
class WindowHandle implements MessageTarget {
  readonly posted: Array<{ message: unknown; targetOrigin: string }> = [];
  source!: MessageTarget; // the handle the receiver sees as event.source
  constructor(
    readonly to: FakeWindow,
    readonly fromOrigin: string,
  ) {}
  postMessage(message: unknown, targetOrigin: string) {
    this.posted.push({ message, targetOrigin });
    if (targetOrigin !== "*" && targetOrigin !== this.to.origin) return; // what browsers do
    const data = structuredClone(message);
    setTimeout(() => {
      for (const listener of this.to.listeners) listener({ data, origin: this.fromOrigin, source: this.source } as unknown as MessageEvent);
    }, 0);
  }
}

const PLAYGROUND = "http://127.0.0.1:4173";
const DOCS = "http://localhost:8080";

function link(parentOrigin = DOCS) {
  const iframe = new FakeWindow(PLAYGROUND);
  const parent = new FakeWindow(parentOrigin);
  const toIframe = new WindowHandle(iframe, parentOrigin); // parent's iframe.contentWindow
  const toParent = new WindowHandle(parent, PLAYGROUND); // iframe's window.parent
  toIframe.source = toParent;
  toParent.source = toIframe;
  return { iframe, parent, toIframe, toParent };
}

class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function fakeApi() {
  const files = new Map<string, { text: string; mode: number }>([["/init", { text: "#!/bin/sh\n", mode: 0o755 }]]);
  const seen: unknown[][] = [];
  const api: EmbedApi = {
    listFiles: () => [...files.keys()].sort(),
    readFile: (path: string) => {
      const file = files.get(path);
      if (!file) throw new ApiError("not-found", `${path}: no such file`);
      return file.text;
    },
    writeFile: async (path: string, text: string, options?: { mode?: number }) => {
      files.set(path, { text, mode: options?.mode ?? 0o644 });
    },
    removeFile: (path: string) => void files.delete(path),
    setCmdline: () => undefined,
    reboot: async () => undefined,
    send: () => undefined,
    output: () => "Welcome\n~ # ",
    waitFor: (pattern: string | RegExp, ms?: number) => {
      seen.push([pattern, ms]);
      return pattern instanceof RegExp ? pattern.source : pattern;
    },
    metrics: () => ({ timeToPromptMs: 812 }),
    diskChanges: (name: string) => ({ disk: name, device: "/dev/sda", bootId: 1, running: true, changes: [] }),
    keepDiskChanges: () => ({ kept: [], notKept: [] }),
    kernel: () => ({ id: "tiny", arch: "i386", summary: "", notes: [], configPath: "", config: "", fragments: [] }),
    shareLink: () => {
      throw new Error("plain failure");
    },
    exportBundle: () => new Blob([new Uint8Array([0x50, 0x4b, 3, 4])], { type: "application/zip" }),
  };
  return { api, files, seen };
}

function setup(allowed: string[] = [], parentOrigin = DOCS) {
  const { iframe, parent, toIframe, toParent } = link(parentOrigin);
  const { api, files, seen } = fakeApi();
  const host = new EmbedHost(api, { window: iframe, parent: toParent, policy: { allowed } });
  const client = new EmbedClient(toIframe, PLAYGROUND, parent, 2000);
  host.announceReady();
  return { host, client, files, seen, toParent, toIframe, iframe };
}

test("calls go through and come back: files, output, metrics, a Blob", async () => {
  const { host, client, files, toParent } = setup();
  await client.ready();
  await client.call("writeFile", "/etc/motd", "hi ✓\n", { mode: 0o600 });
  assert.deepEqual(files.get("/etc/motd"), { text: "hi ✓\n", mode: 0o600 });
  assert.deepEqual(await client.call("listFiles"), ["/etc/motd", "/init"]);
  assert.equal(await client.call("readFile", "/init"), "#!/bin/sh\n");
  assert.deepEqual(await client.call("metrics"), { timeToPromptMs: 812 });
  const blob = (await client.call("exportBundle")) as Blob;
  assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), new Uint8Array([0x50, 0x4b, 3, 4]));
  // Every answer went to the caller's origin, never to "*".
  const replies = toParent.posted.filter((p) => (p.message as { type: string }).type === "response");
  assert.ok(replies.length >= 5 && replies.every((p) => p.targetOrigin === DOCS));
  host.dispose();
  client.dispose();
});

test("waitFor takes a string, a RegExp or { regexp, flags }; the API always gets a string or a RegExp", async () => {
  const { client, seen } = setup();
  assert.equal(await client.call("waitFor", "~ #", 500), "~ #");
  assert.equal(await client.call("waitFor", /lo+gin:/i), "lo+gin:");
  assert.equal(await client.call("waitFor", { regexp: "^BOOT-\\d+$", flags: "m" }, 1000), "^BOOT-\\d+$");
  assert.equal(seen[0]![0], "~ #");
  assert.ok(seen[1]![0] instanceof RegExp && (seen[1]![0] as RegExp).flags === "i");
  assert.ok(seen[2]![0] instanceof RegExp && (seen[2]![0] as RegExp).flags === "m");
  await assert.rejects(client.call("waitFor", { regexp: "(" }), (e: unknown) => e instanceof EmbedCallError && e.code === "bad-args" && /Invalid regular expression/.test(e.message));
});

test("errors come back as { code, message }: the API's own code, else 'failed'", async () => {
  const { client } = setup();
  await assert.rejects(client.call("readFile", "/nope"), (e: unknown) => e instanceof EmbedCallError && e.code === "not-found" && e.message === "/nope: no such file");
  await assert.rejects(client.call("shareLink"), (e: unknown) => e instanceof EmbedCallError && e.code === "failed" && e.message === "plain failure");
});

test("bad requests are answered with what is wrong", async () => {
  const { client } = setup();
  await assert.rejects(client.call("readFile"), (e: unknown) => e instanceof EmbedCallError && e.code === "bad-args" && /readFile: want \(path: string, options\?: \{ disk\?: string \}\), got \(\)/.test(e.message));
  await assert.rejects(client.call("writeFile", "/x", 5), (e: unknown) => e instanceof EmbedCallError && /got \(string, number\)/.test(e.message));
  await assert.rejects(client.call("writeFile", "/x", "", { mode: 0o10000 }), (e: unknown) => e instanceof EmbedCallError && e.code === "bad-args");
  await assert.rejects(client.call("reboot", "now"), (e: unknown) => e instanceof EmbedCallError && e.code === "bad-args");
  await assert.rejects(client.call("format-disk" as never), (e: unknown) => e instanceof EmbedCallError && e.code === "unknown-method" && e.message.includes(EMBED_METHODS.join(", ")));
});

test("parseRequest: ids, missing args, and every method's arity", () => {
  assert.throws(() => parseRequest({ method: "listFiles" }), /needs an id/);
  assert.throws(() => parseRequest({ id: {}, method: "listFiles" }), /needs an id/);
  assert.deepEqual(parseRequest({ id: "a", method: "listFiles" }), { id: "a", method: "listFiles", args: [] });
  assert.throws(() => parseRequest({ id: 1, method: "send", args: "text" }), /args must be an array/);
  assert.deepEqual(parseRequest({ id: 1, method: "writeFile", args: ["/a", "b", { mode: 0o755, extra: 1 }] }).args, ["/a", "b", { mode: 0o755 }]);
});

test("an origin outside the pinned list is refused, and says which origins are allowed", async () => {
  // Its "ready" goes only to the pinned origin, so a client there waits; a raw request is answered.
  const { client, files, toIframe, toParent } = setup(["https://docs.example"]);
  const answer = new Promise((resolve) => toParent.to.addEventListener("message", (e) => isOurs(e.data, "response") && resolve(e.data)));
  toIframe.postMessage({ channel: EMBED_CHANNEL, type: "request", id: 3, method: "writeFile", args: ["/evil", "x"] }, PLAYGROUND);
  const error = ((await answer) as { error: { code: string; message: string } }).error;
  assert.equal(error.code, "origin-not-allowed");
  assert.match(error.message, /accepts calls from https:\/\/docs\.example, not http:\/\/localhost:8080/);
  assert.equal(files.has("/evil"), false);
  await assert.rejects(client.callWithTimeout(100, "listFiles"), (e: unknown) => e instanceof EmbedCallError && e.code === "timeout" && /did not say it was ready/.test(e.message));
  client.dispose();
});

test("calls made before the playground is ready are queued, posted on its ready event, and answered", async () => {
  const { iframe, parent, toIframe, toParent } = link();
  const { api, files } = fakeApi();
  const client = new EmbedClient(toIframe, PLAYGROUND, parent, 2000);
  const writing = client.call("writeFile", "/early", "first\n");
  const reading = client.call("readFile", "/early");
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(toIframe.posted.length, 0, "nothing posted into a frame that may not hold the playground yet");
  const host = new EmbedHost(api, { window: iframe, parent: toParent, policy: { allowed: [] } });
  host.announceReady();
  await writing;
  assert.equal(await reading, "first\n");
  assert.deepEqual(files.get("/early"), { text: "first\n", mode: 0o644 });
  host.dispose();
  client.dispose();
});

test("requests that came before the host existed (the inbox's) are answered first, in order", async () => {
  const { iframe, toIframe, toParent } = link();
  const { api, files } = fakeApi();
  const early: MessageEvent[] = [];
  const keep = (event: MessageEvent) => early.push(event);
  iframe.addEventListener("message", keep);
  toIframe.postMessage({ channel: EMBED_CHANNEL, type: "request", id: 1, method: "writeFile", args: ["/a", "1"] }, PLAYGROUND);
  toIframe.postMessage({ channel: EMBED_CHANNEL, type: "request", id: 2, method: "readFile", args: ["/a"] }, PLAYGROUND);
  await new Promise((resolve) => setTimeout(resolve, 20));
  iframe.removeEventListener("message", keep);
  const answers: unknown[] = [];
  toParent.to.addEventListener("message", (e) => answers.push(e.data));
  const host = new EmbedHost(api, { window: iframe, parent: toParent, policy: { allowed: [] }, early });
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(files.get("/a")?.text, "1");
  assert.deepEqual(answers.map((a) => (a as { id: number; result: unknown }).id), [1, 2]);
  assert.equal((answers[1] as { result: string }).result, "1");
  host.dispose();
});

test("a pinned origin is served", async () => {
  const { client } = setup([DOCS]);
  assert.deepEqual(await client.call("listFiles"), ["/init"]);
});

test("messages from other windows, of other channels, or after dispose get no answer", async () => {
  const { host, client, iframe, toParent, files } = setup();
  const before = toParent.posted.length;
  const stranger = { postMessage() {} };
  for (const listener of iframe.listeners) {
    listener({ data: { channel: EMBED_CHANNEL, type: "request", id: 1, method: "writeFile", args: ["/x", "y"] }, origin: DOCS, source: stranger } as unknown as MessageEvent);
    listener({ data: { channel: "other", type: "request", id: 2, method: "listFiles", args: [] }, origin: DOCS, source: toParent.source } as unknown as MessageEvent);
    listener({ data: "just a string", origin: DOCS, source: toParent.source } as unknown as MessageEvent);
  }
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(toParent.posted.length, before);
  assert.equal(files.has("/x"), false);
  host.dispose();
  await assert.rejects(client.callWithTimeout(100, "listFiles"), (e: unknown) => e instanceof EmbedCallError && e.code === "timeout");
  client.dispose();
});

test("an opaque (null) origin is refused unless pinned, and then answered through '*'", async () => {
  const refused = setup([], "null");
  const answer = new Promise((resolve) => refused.toParent.to.addEventListener("message", (e) => isOurs(e.data, "response") && resolve(e.data)));
  refused.toIframe.postMessage({ channel: EMBED_CHANNEL, type: "request", id: 7, method: "listFiles", args: [] }, PLAYGROUND);
  assert.equal(((await answer) as { error: { code: string } }).error.code, "origin-not-allowed");

  const pinned = setup(["null"], "null");
  const ok = new Promise((resolve) => pinned.toParent.to.addEventListener("message", (e) => isOurs(e.data, "response") && resolve(e.data)));
  pinned.toIframe.postMessage({ channel: EMBED_CHANNEL, type: "request", id: 8, method: "listFiles", args: [] }, PLAYGROUND);
  assert.deepEqual(((await ok) as { result: unknown }).result, ["/init"]);
  assert.equal(pinned.toParent.posted.at(-1)!.targetOrigin, "*");
});

// ---- configuration ----

test("an embed URL with every parameter, files from a share fragment", () => {
  const { fragment } = encodeShareFragment({
    files: [{ path: "/init", mode: 0o755, text: "#!/bin/sh\necho lesson\n" }],
    cmdline: "console=ttyS0 from-link",
    template: "minimal-init",
  });
  const url = `${PLAYGROUND}/embed.html?template=busybox-init&readonly=1&boot=auto&theme=dark&origin=https://a.example,http://localhost:8080&cmdline=console%3DttyS0%20quiet#${fragment}`;
  const { config, warnings } = parseEmbedConfig(url);
  assert.deepEqual(config, {
    template: "busybox-init",
    cmdline: "console=ttyS0 quiet",
    files: [{ kind: "file", path: "/init", mode: 0o755, text: "#!/bin/sh\necho lesson\n" }],
    readOnly: true,
    boot: "auto",
    theme: "dark",
    allowedOrigins: ["https://a.example", "http://localhost:8080"],
  });
  assert.deepEqual(warnings, []);
  assert.ok(isEmbedUrl(url));
});

test("defaults, the link's template and command line, warnings for unknown parameters", () => {
  assert.deepEqual(parseEmbedConfig(`${PLAYGROUND}/?embed=1`).config, DEFAULT_EMBED_CONFIG);
  const { fragment } = encodeShareFragment({ files: [], cmdline: "console=ttyS0", template: "tiny-system" });
  const { config, warnings } = parseEmbedConfig(`${PLAYGROUND}/?embed&colour=red&theme=light&theme=dark#${fragment}`);
  assert.equal(config.template, "tiny-system");
  assert.equal(config.cmdline, "console=ttyS0");
  assert.equal(config.theme, "dark");
  assert.deepEqual(warnings, ['unknown parameter "colour" ignored (known: embed, template, cmdline, readonly, boot, theme, origin, lan)', 'parameter "theme" given 2 times; the last one counts']);
  assert.ok(isEmbedUrl(`${PLAYGROUND}/?embed`));
  assert.ok(!isEmbedUrl(`${PLAYGROUND}/?embed=0`));
  assert.ok(!isEmbedUrl(`${PLAYGROUND}/index.html`));
});

test("a near miss of a known parameter is named: readOnly, read-only", () => {
  const { config, warnings } = parseEmbedConfig(`${PLAYGROUND}/embed.html?readOnly=1&read-only=1`);
  assert.equal(config.readOnly, false);
  assert.equal(warnings.length, 2);
  assert.match(warnings[0]!, /^unknown parameter "readOnly" ignored \(did you mean "readonly"\? known: /);
  assert.match(warnings[1]!, /^unknown parameter "read-only" ignored \(did you mean "readonly"\? known: /);
});

test("every problem of an embed URL is listed at once", () => {
  assert.throws(
    () => parseEmbedConfig(`${PLAYGROUND}/embed.html?boot=later&theme=purple&readonly=maybe&origin=example.org&template=../x#share/1/AAAA`),
    (error: unknown) => {
      assert.ok(error instanceof EmbedConfigError);
      assert.equal(error.code, "bad-embed-config");
      assert.equal(error.problems.length, 6, error.problems.join("\n"));
      assert.match(error.message, /boot must be "click" or "auto", got "later"/);
      assert.match(error.message, /theme must be "auto" or "light" or "dark", got "purple"/);
      assert.match(error.message, /readonly must be 1, 0, true or false, got "maybe"/);
      assert.match(error.message, /origin: "example.org" is not an origin/);
      assert.match(error.message, /template must be an id/);
      assert.match(error.message, /share link is incomplete/);
      return true;
    },
  );
  assert.throws(() => parseEmbedConfig(`${PLAYGROUND}/embed.html#files`), /fragment must be a share link/);
});

test("embedUrl writes what parseEmbedConfig reads; the snippet escapes the URL", () => {
  const { fragment } = encodeShareFragment({ files: [{ path: "/init", mode: 0o755, text: "echo \"&<>\"\n" }], cmdline: "", template: "minimal-init" });
  const wanted = { template: "minimal-init", cmdline: 'console=ttyS0 x="a b"', readOnly: true, boot: "auto" as const, theme: "light" as const, allowedOrigins: ["https://docs.example"] };
  const url = embedUrl(`${PLAYGROUND}/sub/embed.html`, wanted, fragment);
  const { config } = parseEmbedConfig(url);
  assert.deepEqual({ ...config, files: undefined }, { ...wanted, files: undefined });
  assert.equal(config.files![0]!.kind === "file" && config.files![0]!.text, 'echo "&<>"\n');
  assert.equal(embedUrl(`${PLAYGROUND}/embed.html`, {}), `${PLAYGROUND}/embed.html`);
  const snippet = embedSnippet(`${PLAYGROUND}/embed.html?a=1&b="2"`);
  assert.match(snippet, /^<iframe src="http:\/\/127\.0\.0\.1:4173\/embed\.html\?a=1&amp;b=&quot;2&quot;" title="bootlab playground"/);
});
