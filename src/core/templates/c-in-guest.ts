// Seed 003 (smart-os) puts a compiler in the guest: the `c-in-guest` template is that part of
// it. The BusyBox base with the devel layer on top (TinyCC, and musl's headers, start files and
// libc.a under /usr; src/cli/build/recipes/tcc.ts), and a C program in /root to edit and compile
// in the guest. tcc links statically only (there is no dynamic loader in the guest): `-static`.
import type { Template } from "./template.ts";

const HELLO_C = `/* Compile and run it in the guest:
 *     tcc -static hello.c -o hello && ./hello
 * (cc is tcc too.) stdio, unistd, sleep, fork/exec and floats all work. */
#include <stdio.h>
#include <unistd.h>
#include <sys/wait.h>

int main(void)
{
    printf("Hello from C, compiled in the guest by tcc!\\n");
    printf("pi is about %.5f\\n", 3.14159265);

    pid_t child = fork();
    if (child == 0) {
        execl("/bin/uname", "uname", "-sr", (char *)0);
        _exit(127);
    }
    int status;
    waitpid(child, &status, 0);
    sleep(1);
    printf("the child (uname) exited with %d\\n", WEXITSTATUS(status));
    return 0;
}
`;

export const cInGuestTemplate: Template = {
  id: "c-in-guest",
  title: "C compiler in the guest: tcc + musl",
  source: "seed 003",
  summary: [
    "Seed 003 builds gcc into its system; here the guest gets TinyCC and musl (the devel layer, about 0.8 MB) on top of BusyBox.",
    "Edit /root/hello.c, then in the guest: tcc -static hello.c -o hello && ./hello (cc is tcc too).",
    "Programs are linked statically against musl's libc.a: there is no dynamic loader in this system.",
  ],
  base: "busybox",
  layers: ["devel"],
  kernel: "tiny",
  cmdline: "console=ttyS0",
  files: [
    { kind: "directory", path: "/root", mode: 0o700 },
    { kind: "file", path: "/root/hello.c", mode: 0o644, text: HELLO_C },
    {
      kind: "file",
      path: "/etc/profile",
      mode: 0o644,
      text: `# Read by the login shell that bootlab's default /init starts.
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
export HOME=/root
cd /root
echo "tcc is here: tcc -static hello.c -o hello && ./hello"
`,
    },
  ],
};
