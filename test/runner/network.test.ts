// The `network` template on both emulators, with their real networks (QEMU's user-mode
// networking, v86's fetch backend under Node): a DHCP lease, a default route, the name server
// from the lease, a name looked up, and a file fetched from an HTTP server this test starts on
// the host's loopback, its content checked. This machine reaches no general internet, so the
// name lookups are the ones each network answers on its own (see the DNS tests' comments).
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import { dropKernelMessages, NETWORK_FACTS, PARITY_APPEND, RunnerSession } from "../../src/core/boot/index.ts";
import { requireTemplate, templateFiles, templateSystem } from "../../src/core/templates/index.ts";
import { prebuiltArtifacts } from "../../src/cli/runners/artifacts.ts";
import { createRunner } from "../../src/cli/runners/create.ts";
import { planFor, withAppend } from "./systems.ts";

/** An HTTP server on 127.0.0.1 that serves `body` at /lesson.txt and remembers the requests. */
async function hostServer(body: string): Promise<{ server: Server; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    if (request.url === "/lesson.txt") response.end(body);
    else response.writeHead(404).end("not here\n");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  assert.ok(address && typeof address === "object");
  return { server, port: address.port, requests };
}

async function networkSystem() {
  const template = requireTemplate("network");
  const artifacts = await prebuiltArtifacts();
  return templateSystem(template, { files: await templateFiles(template, (path) => artifacts.bytes(path)), cmdline: template.cmdline });
}

for (const emulator of ["qemu", "v86"] as const) {
  test(`network template on ${emulator}: DHCP lease, default route, resolv.conf, a name looked up, wget from the host`, async () => {
    const facts = NETWORK_FACTS[emulator];
    // printk time stamps let kernel messages that land mid-command (the mouse's probe) be dropped.
    const plan = await planFor(withAppend(await networkSystem(), PARITY_APPEND), emulator);
    assert.equal(plan.kernel.id, "full");
    assert.equal(plan.spec.network, true);
    const token = `bootlab ${randomBytes(8).toString("hex")}`;
    const host = await hostServer(`${token}\n`);
    const session = new RunnerSession(await createRunner(emulator, { accel: "tcg" }));
    const run = async (command: string, timeoutMs = 10_000) => dropKernelMessages(await session.run(command, timeoutMs)).trim();
    try {
      await session.start(plan.spec);
      await session.waitForPrompt(0, 120_000);
      assert.match(session.transcript.text, new RegExp(`udhcpc: lease of ${facts.address.replaceAll(".", "\\.")} obtained`), "udhcpc got the lease before the prompt");
      assert.match(await run("ip -4 addr show eth0"), new RegExp(`inet ${facts.address.replaceAll(".", "\\.")}/24 `));
      assert.match(await run("ip route"), new RegExp(`^default via ${facts.router.replaceAll(".", "\\.")} dev eth0`, "m"));
      assert.equal(await run("cat /etc/resolv.conf"), `nameserver ${facts.dns}`);
      assert.equal(await run("hostname"), "smart-os");

      const url = `${facts.hostUrl(host.port)}/lesson.txt`;
      assert.equal(await run(`wget -q -O - ${url}`, 30_000), token, `wget ${url}`);
      assert.deepEqual(host.requests, ["GET /lesson.txt"], "the host's server saw the guest's request");
      assert.match(await run(`wget -q -O - ${facts.hostUrl(host.port)}/missing; echo "exit $?"`, 30_000), /404 Not Found[\s\S]*exit 1$/, "a missing page is wget's 404");

      if (emulator === "qemu") {
        // slirp's DNS (10.0.2.3) forwards the question to the host's resolver. No public name
        // resolves here, but a name under .invalid (RFC 2606) gets a definite answer, NXDOMAIN,
        // from that server: the guest's query went out and came back.
        const answer = await run("nslookup bootlab.invalid", 30_000);
        assert.match(answer, /^Server:\s+10\.0\.2\.3$/m);
        assert.match(answer, /can't find bootlab\.invalid: NXDOMAIN/);
        assert.doesNotMatch(answer, /no servers could be reached/);
      } else {
        // v86's fetch backend answers every A query itself with 192.168.87.1, whose port 80 is
        // fetch(): the name only has to reach the Host header.
        const answer = await run("nslookup lesson.example", 30_000);
        assert.match(answer, /^Server:\s+192\.168\.86\.1$/m);
        assert.match(answer, /^Address: 192\.168\.87\.1$/m);
        // What a request fetch() cannot make looks like in the guest (nothing listens on port 1).
        assert.match(await run("wget -q -O - http://1.external/; echo \"exit $?\"", 30_000), /502 Fetch Error[\s\S]*exit 1$/);
      }
    } finally {
      await session.stop();
      host.server.close();
    }
  });
}
