// musl for the target, static only, installed into a sysroot together with the kernel headers
// (as tutorial 002 does). Built with the host gcc (-m32 for i386), so no cross toolchain is needed.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { RecipeRun } from "./recipe.ts";
import type { Target } from "../targets.ts";

export interface MuslBuild extends RecipeRun {
  /** The extracted musl tree (built in place). */
  tree: string;
  /** The install prefix: lib/, include/, lib/musl-gcc.specs. */
  sysroot: string;
}

export async function buildMusl(b: MuslBuild): Promise<void> {
  const cc = ["gcc", ...b.target.gccFlags].join(" ");
  const env = { ...b.env, CC: cc, AR: "ar", RANLIB: "ranlib", CFLAGS: `-ffile-prefix-map=${b.tree}=musl` };
  await b.log.step(
    "sh",
    ["./configure", `--prefix=${b.sysroot}`, `--target=${b.target.muslTarget}`, "--disable-shared", `CC=${cc}`, "AR=ar", "RANLIB=ranlib"],
    { cwd: b.tree, env },
  );
  await b.log.step("make", [`-j${b.jobs}`, "AR=ar", "RANLIB=ranlib"], { cwd: b.tree, env });
  await b.log.step("make", ["install", "AR=ar", "RANLIB=ranlib"], { cwd: b.tree, env });
}

/**
 * Writes the specs file for a sysroot into `dir` and returns its path. Written by each user of
 * the sysroot rather than installed with it, because a cached sysroot moves after it is built.
 */
export function writeSpecs(sysroot: string, dir: string): string {
  const path = join(dir, "bootlab-musl.specs");
  writeFileSync(path, specsFor(sysroot));
  return path;
}

/**
 * A gcc specs file that compiles and links against the sysroot's musl instead of the host's
 * glibc. It is musl's musl-gcc.specs (same start files, same search paths) with a static-only
 * link line; musl-gcc itself cannot be used because its wrapper quotes "gcc -m32" as one word.
 */
export function specsFor(sysroot: string): string {
  const lib = join(sysroot, "lib");
  const include = join(sysroot, "include");
  return `%rename cpp_options old_cpp_options

*cpp_options:
-nostdinc -isystem ${include} -isystem include%s %(old_cpp_options)

*cc1:
%(cc1_cpu) -nostdinc -isystem ${include} -isystem include%s

*link_libgcc:
-L${lib} -L .%s

*libgcc:
libgcc.a%s %:if-exists(libgcc_eh.a%s)

*startfile:
${lib}/Scrt1.o ${lib}/crti.o crtbeginS.o%s

*endfile:
crtendS.o%s ${lib}/crtn.o

*link:
-nostdlib -static

`;
}

/** The C compiler command (gcc and its flags) for programs linked statically against the sysroot's musl. */
export function muslCc(target: Target, specsPath: string): string[] {
  return ["gcc", ...target.gccFlags, `-specs=${specsPath}`, `-Wl,-m,${target.ldEmulation}`, "-static"];
}
