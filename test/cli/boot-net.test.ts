// `bootlab boot --net`: the real binary. Its help says what each emulator's network reaches; the
// tiny kernel pinned with --net is refused before anything boots; and one scripted QEMU boot of
// the base system with --net fetches a file from a server on the host's loopback.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { run } from "../../src/cli/exec.ts";

const BIN = fileURLToPath(new URL("../../src/cli/bin.mjs", import.meta.url));

test("bootlab boot --help explains --net on both emulators", async () => {
  const r = await run(process.execPath, [BIN, "boot", "--help"], { check: false });
  assert.equal(r.code, 0, r.stderr);
  for (const fact of ["--net", "10.0.2.15", "10.0.2.3", "http://10.0.2.2:PORT/", "192.168.86.100", "only HTTP to port 80", "no HTTPS", "http://PORT.external/"]) {
    assert.ok(r.stdout.includes(fact), `--help names ${fact}`);
  }
});

test("bootlab boot --net --kernel tiny is a usage error naming the missing driver", async () => {
  const r = await run(process.execPath, [BIN, "boot", "--net", "--kernel", "tiny"], { input: "", check: false });
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /CONFIG_NE2K_PCI/);
  assert.match(r.stderr, /--kernel full/);
});

test("bootlab boot --net --emulator qemu: the base system's eth0, configured by hand, wgets from 10.0.2.2", async () => {
  const server = createServer((_request, response) => response.end("served by the host\n"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  try {
    const input = ["ip link set eth0 up", "ip addr add 10.0.2.15/24 dev eth0", `wget -q -O - http://10.0.2.2:${port}/`, "poweroff -f", ""].join("\n");
    const r = await run(process.execPath, [BIN, "boot", "--net", "--emulator", "qemu", "--accel", "tcg"], { input, check: false });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /full kernel boots this system: the network needs the NE2000 PCI network card driver/);
    assert.match(r.stdout, /^served by the host\r?$/m);
  } finally {
    server.close();
  }
});
