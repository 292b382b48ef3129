// Helpers of the tutorial-line tests: a tutorial's shell command as argv with our files put in,
// QEMU run until the console shows the expected text, BusyBox's `make install` tree.
import { copyFileSync, mkdirSync, symlinkSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { run, start } from "../../src/cli/exec.ts";
import { kvmStatus } from "../../src/cli/runners/kvm.ts";
import { prebuiltPath } from "../../src/cli/runners/artifacts.ts";

/** Words of a shell command as the tutorial writes it: quotes, backslash-newline continuations. */
export function shellWords(command: string): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\\\n)|(\S+)/g;
  for (const m of command.matchAll(pattern)) {
    if (m[3]) continue;
    words.push(m[1] ?? m[2] ?? m[4]!);
  }
  return words;
}

/** The tutorial's line with its files replaced by ours and -enable-kvm dropped without KVM. */
export async function tutorialArgs(command: string, files: Record<string, string>): Promise<{ binary: string; args: string[] }> {
  const kvm = (await kvmStatus("x86_64")).usable;
  const [binary, ...args] = shellWords(command).map((w) => files[w] ?? w);
  return { binary: binary!, args: args.filter((a) => kvm || a !== "-enable-kvm") };
}

/** Runs QEMU until `expect` shows on its output (stdout: the serial console with -nographic). */
export async function bootUntil(binary: string, args: string[], expect: RegExp, timeoutMs = 120_000): Promise<string> {
  const child = start(binary, args, { stdio: ["pipe", "pipe", "pipe"] });
  let output = "";
  try {
    return await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${expect} within ${timeoutMs / 1000} s; the output ended:\n${output.slice(-2000)}`)), timeoutMs);
      const check = (chunk: Buffer): void => {
        output += chunk.toString("latin1");
        if (expect.test(output)) {
          clearTimeout(timer);
          resolve(output);
        }
      };
      child.stdout!.on("data", check);
      child.stderr!.on("data", check);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`${binary} exited (${code}) before ${expect}:\n${output.slice(-2000)}`));
      });
    });
  } finally {
    child.kill("SIGKILL");
  }
}

/** BusyBox's `make install` tree (_install/): bin/busybox, linuxrc and the applet links. */
export async function busyboxInstall(root: string, busybox: string, applets: string[]): Promise<void> {
  mkdirSync(join(root, "bin"), { recursive: true });
  copyFileSync(busybox, join(root, "bin/busybox"));
  for (const path of new Set(["linuxrc", ...applets])) {
    if (path === "bin/busybox") continue;
    mkdirSync(dirname(join(root, path)), { recursive: true });
    symlinkSync(relative(dirname(join(root, path)), join(root, "bin/busybox")), join(root, path));
  }
}

/** The applets' install paths, from the x86_64 BusyBox run on this host. */
export async function appletPaths(): Promise<string[]> {
  return (await run(prebuiltPath("x86_64/busybox"), ["--list-full"])).stdout.split("\n").filter(Boolean);
}

